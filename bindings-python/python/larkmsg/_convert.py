"""What the Python side hands to the core: JSON text of values checked for depth first
(without recursion, so that no ``RecursionError`` escapes), and secrets kept out of sight."""

from __future__ import annotations

import json
from typing import Any

from . import _native

__all__ = ["Secret", "dumps", "check_depth"]


class Secret:
    """A secret (app secret, token, app ticket): its ``repr`` and ``str`` hide the value, so
    that tracebacks showing frame locals never show it."""

    __slots__ = ("_value",)

    def __init__(self, value: Any) -> None:
        self._value = value

    def __repr__(self) -> str:
        return "Secret(***)"

    __str__ = __repr__

    def reveal(self) -> Any:
        """The value, for the one call that hands it to the core."""
        return self._value

    @classmethod
    def of(cls, value: Any) -> Secret:
        """``value`` as a :class:`Secret`."""
        return value if isinstance(value, Secret) else cls(value)

    @classmethod
    def wrap(cls, value: Any) -> Secret | None:
        """``value`` as a :class:`Secret`; ``None`` stays ``None``."""
        return None if value is None else cls.of(value)


def _too_deep(value: Any) -> bool:
    pending: list[tuple[Any, int]] = [(value, 0)]
    while pending:
        item, depth = pending.pop()
        if isinstance(item, dict):
            children: Any = item.values()
        elif isinstance(item, (list, tuple)):
            children = item
        else:
            continue
        if depth >= _native.MAX_DEPTH:
            return True
        pending.extend((child, depth + 1) for child in children)
    return False


def check_depth(value: Any, path: str = "") -> None:
    """Raises the core's ``ValidationError`` when ``value`` (or, for a dict, one of its
    fields, named below ``path``) nests more arrays and objects than the core accepts; a
    cycle counts as too deep."""
    if isinstance(value, dict):
        for key, item in value.items():
            if isinstance(item, (dict, list, tuple)) and _too_deep(item):
                _native.too_deep(f"{path}.{key}" if path else str(key))
    elif _too_deep(value):
        _native.too_deep(path)


def dumps(value: Any, path: str = "") -> str:
    """The JSON text of ``value`` after :func:`check_depth`."""
    check_depth(value, path)
    return json.dumps(value, ensure_ascii=False)
