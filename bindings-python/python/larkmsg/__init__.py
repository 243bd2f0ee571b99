"""larkmsg: a Feishu / Lark messaging SDK over one Rust core.

>>> import larkmsg                                                  # doctest: +SKIP
>>> with larkmsg.Client("cli_xxx", "secret") as client:            # doctest: +SKIP
...     client.send_text("open_id", "ou_xxx", "Hello").message_id
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

from . import content
from ._client import AsyncClient, Client
from ._error_classes import (
    ApiError,
    AuthError,
    ConfigError,
    DecodeError,
    InvalidArgumentError,
    NetworkError,
    PermissionDeniedError,
    RateLimitedError,
    TimeoutError,
    TlsError,
    InternalError,
    ValidationError,
)
from ._errors import LarkError, Violation
from ._logging import enable_logging
from ._native import VERSION as __version__
from ._operations import CALLS
from ._progress import Progress, ProgressCallback
from ._result import Result
from ._stream import AsyncCardStream, AsyncCardStreamStart, CardStream, CardStreamSummary
from ._results import (
    BatchSendAllResult,
    BatchSendResult,
    CampaignReport,
    CreateAppFeedCardAllResult,
    CreateAppFeedCardResult,
    CreateCardResult,
    FailedCard,
    Mention,
    Message,
    MessageBody,
    Sender,
    UploadFileResult,
    UploadImageResult,
)
from .content import Content, TextBuilder

if TYPE_CHECKING:
    from . import card
    from .card import Card

__all__ = [
    "CALLS",
    "__version__",
    "Client",
    "AsyncClient",
    "enable_logging",
    "content",
    "card",
    "Card",
    "Content",
    "TextBuilder",
    "LarkError",
    "InvalidArgumentError",
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
    "Progress",
    "ProgressCallback",
    "CardStream",
    "AsyncCardStream",
    "AsyncCardStreamStart",
    "CardStreamSummary",
    "Message",
    "Sender",
    "MessageBody",
    "Mention",
    "BatchSendResult",
    "BatchSendAllResult",
    "CampaignReport",
    "CreateAppFeedCardAllResult",
    "UploadImageResult",
    "UploadFileResult",
    "CreateCardResult",
    "CreateAppFeedCardResult",
    "FailedCard",
]


# Hidden from type checkers, which would take any misspelt attribute for one of these.
if not TYPE_CHECKING:

    def __getattr__(name: str) -> object:
        """``card`` and ``Card`` are imported on first use: the card builders are most of the
        package's import time, and many programs send no card."""
        if name in ("card", "Card"):
            card = importlib.import_module(f"{__name__}.card")
            globals()["Card"] = card.Card
            return card if name == "card" else card.Card
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")

    def __dir__() -> list[str]:
        """The package's names, the ones imported on first use included."""
        return sorted(set(globals()) | {"card", "Card"})
