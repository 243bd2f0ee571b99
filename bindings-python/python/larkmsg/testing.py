"""Test your own code offline against the bundled fake Feishu server.

The fake serves the auth endpoints and the four message endpoints on 127.0.0.1 with the
platform's checks, codes and envelope; it keeps an inbox, de-duplicates ``uuid``, enforces
quotas when asked and injects faults.

>>> from larkmsg.testing import FakeServer
>>> with FakeServer() as fake, fake.client() as client:
...     _ = client.send_text("open_id", "ou_1", "hi")
...     len(fake.inbox()["messages"])
1

With pytest, the ``lark_fake`` fixture gives a running :class:`FakeServer` and
``lark_client`` a :class:`larkmsg.Client` for it (the plugin loads when larkmsg is installed).
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from . import _native
from ._client import AsyncClient, Client

if TYPE_CHECKING:
    from types import TracebackType

    from typing_extensions import Self, Unpack

    from .types import ClientOptions

__all__ = [
    "FakeServer",
    "FakeControlError",
    "DEFAULT_APP_ID",
    "DEFAULT_APP_SECRET",
    "STORE_APP_ID",
    "STORE_APP_SECRET",
    "FAKE_TENANT_KEY",
]

DEFAULT_APP_ID: str = _native.DEFAULT_APP_ID
"""``app_id`` of the fake's default self-built app."""
DEFAULT_APP_SECRET: str = _native.DEFAULT_APP_SECRET
"""``app_secret`` of the fake's default self-built app."""
STORE_APP_ID: str = _native.STORE_APP_ID
"""``app_id`` of the fake's default store app."""
STORE_APP_SECRET: str = _native.STORE_APP_SECRET
"""``app_secret`` of the fake's default store app."""
FAKE_TENANT_KEY: str = _native.FAKE_TENANT_KEY
"""The tenant both default apps are installed in."""


class FakeControlError(RuntimeError):
    """A control of the fake refused its input (bad body, unknown control)."""

    def __init__(self, status: int, answer: Any) -> None:
        super().__init__(f"fake control failed with HTTP {status}: {answer}")
        self.status = status
        self.answer = answer


class FakeServer:
    """A running fake Feishu server; a context manager that stops it on exit."""

    def __init__(
        self,
        *,
        port: int = 0,
        quotas: bool = False,
        latency_ms: int = 0,
        token_lifetime_seconds: float | None = None,
    ) -> None:
        self._native = _native.NativeFake(port, quotas, latency_ms, token_lifetime_seconds)
        self.url: str = self._native.url
        """The base URL, ``http://127.0.0.1:PORT``: give it to a client as ``base_url``."""

    def control(self, method: str, name: str, body: Any = None) -> Any:
        """Runs a control as ``METHOD /_fake/NAME`` would and gives its JSON answer;
        raises :class:`FakeControlError` for an answer that is not HTTP 200."""
        status, answer = self._native.control(method, name, None if body is None else json.dumps(body))
        value = json.loads(answer)
        if status != 200:
            raise FakeControlError(status, value)
        return value

    def inbox(self) -> dict[str, list[dict[str, Any]]]:
        """What the fake accepted: ``messages``, ``batches``, ``cards``, ``feed_cards``."""
        value: dict[str, list[dict[str, Any]]] = self.control("GET", "inbox")
        return value

    def clear_inbox(self) -> None:
        """Empties the inbox."""
        self.control("DELETE", "inbox")

    def reset(self) -> None:
        """Forgets inbox, uuids, card entities, counters, faults and quota windows."""
        self.control("POST", "reset")

    def counters(self) -> dict[str, dict[str, int]]:
        """Counts of ``requests`` per endpoint, ``token_requests``, ``throttled`` and ``faults``."""
        value: dict[str, dict[str, int]] = self.control("GET", "counters")
        return value

    def requests(self, endpoint: str) -> int:
        """Requests seen at one endpoint, by its call name (``send_message``,
        ``reply_message``, ``batch_send``, ``create_card``, ``create_app_feed_card``, …)."""
        return int(self.counters().get("requests", {}).get(endpoint, 0))

    def token_requests(self) -> int:
        """Requests seen at every auth endpoint together."""
        return sum(self.counters().get("token_requests", {}).values())

    def set_quotas(self, enabled: bool) -> None:
        """Turns the platform's rate limits on or off."""
        self.control("POST", "quotas", {"enabled": enabled})

    def set_latency(self, ms: int) -> None:
        """Adds ``ms`` milliseconds to every API request."""
        self.control("POST", "latency", {"ms": ms})

    def inject_fault(
        self,
        kind: str,
        *,
        endpoint: str | None = None,
        count: int = 1,
        delay_ms: int | None = None,
    ) -> None:
        """Makes the next ``count`` requests (at ``endpoint``, or any) fail with ``kind``:
        ``status_5xx``, ``drop_before_read``, ``drop_after_read``, ``slow``, ``malformed``,
        ``rate_limit``, ``receiver_rate_limit``, ``revoke_tokens``, ``permission_denied``."""
        plan: dict[str, Any] = {"kind": kind, "count": count}
        if endpoint is not None:
            plan["endpoint"] = endpoint
        if delay_ms is not None:
            plan["delay_ms"] = delay_ms
        self.control("POST", "faults", plan)

    def clear_faults(self) -> None:
        """Removes every fault plan."""
        self.control("DELETE", "faults")

    def revoke_tokens(self) -> None:
        """Forgets every token issued so far."""
        self.control("POST", "revoke_tokens")

    def set_token_lifetime(self, seconds: float) -> None:
        """Sets the lifetime of tokens issued from now on."""
        self.control("POST", "token_lifetime", {"seconds": seconds})

    def app_ticket(self, app_id: str = STORE_APP_ID) -> str:
        """The current ``app_ticket`` of a store app (what the platform would push)."""
        return str(self.control("GET", f"app_ticket?app_id={app_id}")["app_ticket"])

    def register_app(
        self, app_id: str, app_secret: str, *, store: bool = False, tenant_key: str | None = None
    ) -> None:
        """Adds (or replaces) an app; a store app gets a fresh ``app_ticket``."""
        kind = "store" if store else "self_built"
        app: dict[str, Any] = {"app_id": app_id, "app_secret": app_secret, "kind": kind}
        if tenant_key is not None:
            app["tenant_key"] = tenant_key
        self.control("POST", "apps", app)

    def card(self, card_id: str) -> dict[str, Any]:
        """A card entity's state: ``sequence``, ``streaming_mode``, ``summary``, ``texts`` (by
        ``element_id``), ``card``, ``operations`` (``at_ms``, ``call``, ``sequence``, ``code``),
        ``max_operations_per_second``, …"""
        value: dict[str, Any] = self.control("GET", f"card?card_id={card_id}")
        return value

    def advance_clock(self, seconds: float) -> None:
        """Moves the fake's clock forward (streaming timeouts, the 14-day validity, tokens)."""
        self.control("POST", "clock", {"advance_seconds": seconds})

    def set_streaming_timeout(self, seconds: float) -> None:
        """Sets when a card entity's streaming mode closes by itself (default 600 s)."""
        self.control("POST", "streaming_timeout", {"seconds": seconds})

    def issued_tokens(self) -> list[str]:
        """Every token (tenant and app) the fake issued since it started, revoked ones too."""
        return [str(token) for token in self.control("GET", "tokens")["issued"]]

    def client_options(self) -> dict[str, Any]:
        """Options for a client of the default app: this fake's URL, no client-side
        quotas, quick backoffs."""
        return {
            "base_url": self.url,
            "quotas": False,
            "retry": {"initial_backoff_ms": 10, "max_backoff_ms": 50},
            "timeouts": {"request_ms": 2000},
        }

    def client(self, **options: Unpack[ClientOptions]) -> Client:
        """A :class:`larkmsg.Client` of the default self-built app for this fake."""
        merged: Any = {**self.client_options(), **options}
        return Client(DEFAULT_APP_ID, DEFAULT_APP_SECRET, **merged)

    def async_client(self, **options: Unpack[ClientOptions]) -> AsyncClient:
        """A :class:`larkmsg.AsyncClient` of the default self-built app for this fake."""
        merged: Any = {**self.client_options(), **options}
        return AsyncClient(DEFAULT_APP_ID, DEFAULT_APP_SECRET, **merged)

    def close(self) -> None:
        """Stops the server."""
        self._native.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"FakeServer(url={self.url!r})"
