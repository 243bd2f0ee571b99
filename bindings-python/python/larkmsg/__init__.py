"""larkmsg: a Feishu / Lark messaging SDK over one Rust core.

>>> import larkmsg                                                  # doctest: +SKIP
>>> with larkmsg.Client("cli_xxx", "secret") as client:            # doctest: +SKIP
...     client.send_text("open_id", "ou_xxx", "Hello").message_id
"""

from __future__ import annotations

from . import content
from ._client import AsyncClient, Client
from ._errors import (
    ApiError,
    AuthError,
    ConfigError,
    DecodeError,
    LarkError,
    NetworkError,
    PermissionDeniedError,
    RateLimitedError,
    TimeoutError,
    TlsError,
    InternalError,
    ValidationError,
    Violation,
)
from ._logging import enable_logging
from ._native import VERSION as __version__
from ._result import (
    BatchSendResult,
    CreateAppFeedCardResult,
    CreateCardResult,
    FailedCard,
    Mention,
    Message,
    MessageBody,
    Result,
    Sender,
)
from .content import Content, TextBuilder

CALLS = ("send_message", "batch_send", "create_card", "create_app_feed_card")
"""The calls by name, for :meth:`Client.call`."""

__all__ = [
    "CALLS",
    "__version__",
    "Client",
    "AsyncClient",
    "enable_logging",
    "content",
    "Content",
    "TextBuilder",
    "LarkError",
    "ValidationError",
    "ApiError",
    "AuthError",
    "PermissionDeniedError",
    "RateLimitedError",
    "TimeoutError",
    "NetworkError",
    "DecodeError",
    "ConfigError",
    "TlsError",
    "InternalError",
    "Violation",
    "Result",
    "Message",
    "Sender",
    "MessageBody",
    "Mention",
    "BatchSendResult",
    "CreateCardResult",
    "CreateAppFeedCardResult",
    "FailedCard",
]
