"""The exceptions of larkmsg, built from the core's JSON form of an error."""

from __future__ import annotations

import json
from typing import Any, ClassVar, NamedTuple

__all__ = ["LarkError", "Violation"]


class Violation(NamedTuple):
    """One broken rule of a request: the field's ``path``, the ``rule`` and a ``message``."""

    path: str
    rule: str
    message: str


class LarkError(Exception):
    """Base of every larkmsg error.

    ``kind`` is the core's stable name (``invalid_argument``, ``auth``, …); each kind has
    its subclass (``larkmsg._error_classes``, generated from the core's list of kinds).
    ``str(error)`` is the readable message with code, HTTP status and log id. Secrets never
    appear in it.
    """

    kind: str = "unknown"
    _by_kind: ClassVar[dict[str, type[LarkError]]] = {}

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if "kind" in cls.__dict__:
            LarkError._by_kind[cls.kind] = cls

    def __init__(self, message: str, details: dict[str, Any] | None = None) -> None:
        super().__init__(message)
        self._details: dict[str, Any] = dict(details or {})
        self._details.setdefault("kind", self.kind)
        self._details.setdefault("message", message)
        self._display = str(self._details.get("display") or message)

    def __str__(self) -> str:
        return self._display

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self._display!r})"

    def __reduce__(self) -> tuple[Any, ...]:
        return (_rebuild, (type(self), self.message, self._details))

    @property
    def message(self) -> str:
        """The description, without the details that have their own attribute."""
        return str(self._details.get("message", ""))

    @property
    def code(self) -> int | None:
        """The platform's error code, when it answered with one."""
        return self._details.get("code")

    @property
    def msg(self) -> str | None:
        """The platform's error ``msg``, when it answered with one."""
        return self._details.get("msg")

    @property
    def http_status(self) -> int | None:
        """The HTTP status of the answer, when there was one."""
        return self._details.get("http_status")

    @property
    def log_id(self) -> str | None:
        """The request's log id (``X-Tt-Logid``): what support asks for."""
        return self._details.get("log_id")

    @property
    def troubleshooter(self) -> str | None:
        """The platform's troubleshooting link."""
        return self._details.get("troubleshooter")

    @property
    def violations(self) -> list[Violation]:
        """The rules the request broke (for :class:`ValidationError`)."""
        return [
            Violation(str(v.get("path", "")), str(v.get("rule", "")), str(v.get("message", "")))
            for v in self._details.get("violations") or []
        ]

    @property
    def permission_violations(self) -> list[dict[str, Any]]:
        """Scopes or policies the platform says the app lacks."""
        return list(self._details.get("permission_violations") or [])

    @property
    def field_violations(self) -> list[dict[str, Any]]:
        """Fields the platform rejected."""
        return list(self._details.get("field_violations") or [])

    @property
    def retry_after(self) -> float | None:
        """Seconds the platform asked to wait before trying again, when it said."""
        ms = self._details.get("retry_after_ms")
        return None if ms is None else ms / 1000.0

    @property
    def maybe_sent(self) -> bool:
        """Whether the request may have taken effect although the call failed; the remedy
        for a send or reply is ``client.resend(error)`` (same ``uuid``, at most one message)."""
        return bool(self._details.get("maybe_sent", False))

    @property
    def uuid(self) -> str | None:
        """The de-duplication key the failed request carried (yours, or the generated one)."""
        return self._details.get("uuid")

    @property
    def resend_request(self) -> dict[str, Any] | None:
        """How to send the failed call again with its ``uuid`` (``{"call", "request"}``), for
        calls the platform de-duplicates; ``client.resend(error)`` sends it."""
        resend = self._details.get("resend")
        return dict(resend) if resend else None

    def to_dict(self) -> dict[str, Any]:
        """The core's JSON form of the error (``kind``, ``message``, ``code``, …)."""
        details = dict(self._details)
        details.pop("display", None)
        return details


def _rebuild(cls: type[LarkError], message: str, details: dict[str, Any]) -> LarkError:
    return cls(message, details)


def from_dict(details: dict[str, Any]) -> LarkError:
    """The exception for the core's JSON form of an error."""
    cls = LarkError._by_kind.get(str(details.get("kind")), LarkError)
    return cls(str(details.get("message", "")), details)


def from_json(text: str) -> LarkError:
    """The exception for the core's JSON form of an error, as text (used by the native code)."""
    return from_dict(json.loads(text))
