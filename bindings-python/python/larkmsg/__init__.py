"""larkmsg: a Feishu / Lark messaging SDK over one Rust core.

>>> import larkmsg                                                  # doctest: +SKIP
>>> with larkmsg.Client("cli_xxx", "secret") as client:            # doctest: +SKIP
...     client.send_text("open_id", "ou_xxx", "Hello").message_id
"""

from __future__ import annotations

from . import card, content
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
from .card import Card
from .content import Content, TextBuilder

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
