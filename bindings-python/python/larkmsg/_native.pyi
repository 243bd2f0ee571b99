"""The native part of larkmsg (the Rust core). Use the ``larkmsg`` package, not this module."""

import asyncio
from typing import Any, Callable, final

__all__ = [
    "NativeClient",
    "NativeFake",
    "NativeCardStream",
    "Abort",
    "build_content",
    "build_message",
    "text_content",
    "enable_logging",
    "forward_logging",
    "too_deep",
    "MAX_DEPTH",
    "VERSION",
    "DEFAULT_APP_ID",
    "DEFAULT_APP_SECRET",
    "STORE_APP_ID",
    "STORE_APP_SECRET",
    "FAKE_TENANT_KEY",
]

VERSION: str
MAX_DEPTH: int
DEFAULT_APP_ID: str
DEFAULT_APP_SECRET: str
STORE_APP_ID: str
STORE_APP_SECRET: str
FAKE_TENANT_KEY: str

@final
class NativeClient:
    def __new__(cls, options_json: str, secrets_json: str) -> NativeClient: ...
    def call(
        self,
        name: str,
        request: dict[str, Any],
        progress: Callable[[int, int, int, int], None] | None = None,
    ) -> dict[str, Any]: ...
    def call_async(
        self,
        name: str,
        request: dict[str, Any],
        progress: Callable[[int, int, int, int], None] | None = None,
    ) -> tuple[asyncio.Future[dict[str, Any]], Abort]: ...
    def send_text(
        self, receive_id_type: str, receive_id: str, text: str, uuid: str | None = None
    ) -> dict[str, Any]: ...
    def send_text_async(
        self, receive_id_type: str, receive_id: str, text: str, uuid: str | None = None
    ) -> tuple[asyncio.Future[dict[str, Any]], Abort]: ...
    def set_app_ticket(self, ticket: str) -> None: ...
    def stream_card(self, options_json: str) -> NativeCardStream: ...
    def stream_card_async(self, options_json: str) -> tuple[asyncio.Future[NativeCardStream], Abort]: ...

@final
class NativeCardStream:
    @property
    def card_id(self) -> str: ...
    @property
    def message_id(self) -> str: ...
    def append(self, delta: str) -> None: ...
    def push(self, text: str) -> None: ...
    def text(self) -> str: ...
    def finish(self, text: str | None = None, summary: str | None = None) -> str: ...
    def finish_async(
        self, text: str | None = None, summary: str | None = None
    ) -> tuple[asyncio.Future[str], Abort]: ...
    def close(self) -> None: ...

@final
class Abort:
    def abort(self) -> None: ...

@final
class NativeFake:
    def __new__(
        cls,
        port: int = 0,
        quotas: bool = False,
        latency_ms: int = 0,
        token_lifetime_seconds: float | None = None,
    ) -> NativeFake: ...
    @property
    def url(self) -> str: ...
    def control(self, method: str, name: str, body_json: str | None = None) -> tuple[int, str]: ...
    def close(self) -> None: ...

def build_content(spec_json: str) -> str: ...
def build_message(spec: dict[str, Any]) -> tuple[str, str]: ...
def text_content(text: str) -> str: ...
def enable_logging(directive: str) -> None: ...
def forward_logging(directive: str, forward: Callable[[int, str, str], None]) -> None: ...
def too_deep(path: str) -> None: ...
