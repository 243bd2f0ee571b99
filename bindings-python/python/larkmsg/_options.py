"""``TypedDict``s of the client options (for type checkers; plain dicts at run time)."""

from __future__ import annotations

from typing import List, TypedDict, Union

__all__ = ["TimeoutOptions", "RetryOptions", "SharedOptions", "ClientOptions"]


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


class _SharedRequired(TypedDict):
    redis_url: str


class SharedOptions(_SharedRequired, total=False):
    """The shared store of many processes of one app: a Redis URL
    (``redis://[user:password@]host:port[/db]``) and what to put before every key
    (default ``larkmsg:``); ``fallback_share`` of each quota is used while Redis does not
    answer (default 0.25), ``timeout_ms`` bounds each Redis command (default 250)."""

    key_prefix: str
    fallback_share: float
    timeout_ms: int


class ClientOptions(TypedDict, total=False):
    """Keyword options shared by every way of building a client."""

    domain: str
    base_url: str
    timeouts: TimeoutOptions
    retry: RetryOptions
    quotas: bool
    shared: SharedOptions
    user_agent_suffix: str
    max_response_bytes: int
    root_certificates_pem: Union[str, bytes]
    root_certificates_file: str
    insecure_http_hosts: List[str]
