"""``TypedDict``s of the requests and client options (for type checkers; plain dicts at run time).

The requests are flat: query parameters (``receive_id_type``, ``user_id_type``) sit next
to the body fields, exactly as the platform's pages name them.
"""

from __future__ import annotations

from typing import Any, Dict, List, TypedDict, Union

__all__ = [
    "TimeoutOptions",
    "RetryOptions",
    "ClientOptions",
    "SendMessageRequest",
    "BatchSendRequest",
    "CreateCardRequest",
    "AppFeedCard",
    "CreateAppFeedCardRequest",
]


class TimeoutOptions(TypedDict, total=False):
    """Timeouts in milliseconds; absent keys keep their defaults."""

    connect_ms: int
    request_ms: int
    total_ms: int


class RetryOptions(TypedDict, total=False):
    """Retry settings; durations in milliseconds."""

    max_attempts: int
    initial_backoff_ms: int
    max_backoff_ms: int
    max_throttle_wait_ms: int
    receiver_backoff_ms: int


class ClientOptions(TypedDict, total=False):
    """Keyword options shared by every way of building a client."""

    domain: str
    base_url: str
    timeouts: TimeoutOptions
    retry: RetryOptions
    quotas: bool
    user_agent_suffix: str
    max_response_bytes: int
    root_certificates_pem: Union[str, bytes]
    root_certificates_file: str
    insecure_http_hosts: List[str]


class SendMessageRequest(TypedDict, total=False):
    """Send message: ``POST /open-apis/im/v1/messages``."""

    receive_id_type: str
    receive_id: str
    msg_type: str
    content: str
    uuid: str


class BatchSendRequest(TypedDict, total=False):
    """Batch send: ``POST /open-apis/message/v4/batch_send/``."""

    msg_type: str
    content: Dict[str, Any]
    card: Dict[str, Any]
    department_ids: List[str]
    open_ids: List[str]
    user_ids: List[str]
    union_ids: List[str]


CreateCardRequest = TypedDict("CreateCardRequest", {"type": str, "data": str}, total=False)
"""Card entity create: ``POST /open-apis/cardkit/v1/cards`` (``type``: ``card_json``)."""


class AppFeedCard(TypedDict, total=False):
    """An app feed card."""

    biz_id: str
    title: str
    avatar_key: str
    preview: str
    status_label: Dict[str, Any]
    buttons: Dict[str, Any]
    link: Dict[str, Any]
    time_sensitive: bool
    notify: Dict[str, Any]


class CreateAppFeedCardRequest(TypedDict, total=False):
    """App feed card create: ``POST /open-apis/im/v2/app_feed_card``."""

    user_id_type: str
    app_feed_card: AppFeedCard
    user_ids: List[str]
