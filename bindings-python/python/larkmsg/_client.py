"""The synchronous and asyncio clients: conversion to and from the core, nothing more."""

from __future__ import annotations

import json
import os
import sys
from typing import TYPE_CHECKING, Any

from typing import TypeVar

from . import _native
from ._convert import Secret, dumps
from ._error_classes import ConfigError, InvalidArgumentError
from ._errors import LarkError
from ._logging import follow_level
from ._operations import RESULTS, AsyncOperations, SyncOperations
from ._pending import settled
from ._progress import adapt
from ._result import Result
from ._results import CreateCardResult, Message
from ._stream import AsyncCardStreamStart, CardStream, stream_options
from .content import text as text_content

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence
    from os import PathLike
    from types import TracebackType

    from typing_extensions import Self, Unpack

    from ._options import ClientOptions, RetryOptions, SharedOptions, TimeoutOptions
    from ._progress import ProgressCallback
    from ._stream import StreamCardOptions
    from .content import Content

__all__ = ["Client", "AsyncClient"]

_R = TypeVar("_R", bound=Result)

def _request(request: Mapping[str, Any] | None, fields: Mapping[str, Any]) -> dict[str, Any]:
    """The flat request: ``request`` with ``fields`` over it. The native side converts it
    object by object: ``bytes``, ``bytearray`` and ``memoryview`` values are handed over as
    buffers, path-likes as paths."""
    merged = dict(request) if request else {}
    if fields:
        merged.update(fields)
    return merged


def _text_args(receive_id_type: object, receive_id: object, text: object, uuid: object) -> bool:
    """Whether a text send can take the native text call: every argument a ``str`` (anything
    else takes the general call, whose checks name what is wrong)."""
    return (
        type(receive_id_type) is str
        and type(receive_id) is str
        and type(text) is str
        and (uuid is None or type(uuid) is str)
    )


def _resend_of(error: LarkError) -> tuple[str, dict[str, Any]]:
    """The call and flat request that resend a failed call, or why it cannot be resent."""
    resend = error.resend_request
    if not resend:
        raise InvalidArgumentError(
            f"this error cannot be resent safely: only a failed call with a uuid can be ({error.kind})"
        )
    return str(resend["call"]), dict(resend["request"])


def _reveal(secrets: Mapping[str, Secret | None]) -> str:
    """The secrets as JSON text for the core, built in the call's arguments only."""
    return json.dumps({key: secret.reveal() for key, secret in secrets.items() if secret is not None})


class _Base:
    """What both clients share: options, construction, representation."""

    def __init__(
        self,
        app_id: str | None = None,
        app_secret: str | Secret | None = None,
        *,
        tenant_access_token: str | Secret | None = None,
        tenant_key: str | None = None,
        app_ticket: str | Secret | None = None,
        domain: str | None = None,
        base_url: str | None = None,
        timeouts: TimeoutOptions | None = None,
        retry: RetryOptions | None = None,
        quotas: bool | None = None,
        shared: SharedOptions | None = None,
        user_agent_suffix: str | None = None,
        max_response_bytes: int | None = None,
        root_certificates_pem: str | bytes | None = None,
        root_certificates_file: str | PathLike[str] | None = None,
        insecure_http_hosts: Sequence[str] | None = None,
    ) -> None:
        # First of all: no frame local holds a secret in the clear (tracebacks that show
        # locals would print it).
        app_secret, tenant_access_token, app_ticket = (
            Secret.wrap(app_secret),
            Secret.wrap(tenant_access_token),
            Secret.wrap(app_ticket),
        )
        secrets = {"app_secret": app_secret, "tenant_access_token": tenant_access_token, "app_ticket": app_ticket}
        host = f"python/{sys.version_info[0]}.{sys.version_info[1]}"
        if isinstance(root_certificates_pem, bytes):
            root_certificates_pem = root_certificates_pem.decode("utf-8", "replace")
        options: dict[str, Any] = {
            "app_id": app_id,
            "tenant_key": tenant_key,
            "domain": domain,
            "base_url": base_url,
            "timeouts": dict(timeouts) if timeouts is not None else None,
            "retry": dict(retry) if retry is not None else None,
            "quotas": quotas,
            "shared": dict(shared) if shared is not None else None,
            "user_agent_suffix": f"{host} {user_agent_suffix}" if user_agent_suffix else host,
            "max_response_bytes": max_response_bytes,
            "root_certificates_pem": root_certificates_pem,
            "root_certificates_file": None if root_certificates_file is None else os.fspath(root_certificates_file),
            "insecure_http_hosts": None if insecure_http_hosts is None else list(insecure_http_hosts),
        }
        options = {key: value for key, value in options.items() if value is not None}
        self._shown = {
            key: options[key] for key in ("app_id", "tenant_key", "domain", "base_url") if key in options
        }
        follow_level()
        self._native: _native.NativeClient | None = _native.NativeClient(dumps(options), _reveal(secrets))

    @classmethod
    def store_app(
        cls,
        app_id: str,
        app_secret: str | Secret,
        tenant_key: str,
        *,
        app_ticket: str | Secret | None = None,
        **options: Unpack[ClientOptions],
    ) -> Self:
        """A client of a store (ISV) app installed by ``tenant_key``; give it each pushed
        ``app_ticket`` with :meth:`set_app_ticket`."""
        app_secret, app_ticket = Secret.of(app_secret), Secret.wrap(app_ticket)
        return cls(app_id, app_secret, tenant_key=tenant_key, app_ticket=app_ticket, **options)

    def set_app_ticket(self, app_ticket: str | Secret) -> None:
        """Gives a store app the latest ``app_ticket`` (from the platform's event)."""
        app_ticket = Secret.of(app_ticket)
        self._client().set_app_ticket(app_ticket.reveal())

    def _client(self) -> _native.NativeClient:
        native = self._native
        if native is None:
            raise ConfigError("the client is closed", {"kind": "config", "message": "the client is closed"})
        return native

    def _close(self) -> None:
        self._native = None

    @property
    def closed(self) -> bool:
        """Whether :meth:`close` was called."""
        return self._native is None

    def __repr__(self) -> str:
        shown = getattr(self, "_shown", {})
        fields = ", ".join(f"{key}={value!r}" for key, value in shown.items())
        state = ", closed" if getattr(self, "_native", None) is None else ""
        return f"{type(self).__name__}({fields}{state})"


class Client(SyncOperations, _Base):
    """A Feishu / Lark client for synchronous code.

    Every call validates the request in the core before anything is sent, authenticates,
    paces itself to the quotas and retries only when that cannot send twice. Calls wait
    without holding the GIL; one client can be shared by any number of threads, and keeps
    working in a child process after ``os.fork()``.

    >>> client = Client("cli_xxx", "secret")                      # doctest: +SKIP
    >>> client.send_text("open_id", "ou_xxx", "Hello").message_id  # doctest: +SKIP
    """

    def call(
        self,
        name: str,
        request: Mapping[str, Any] | None = None,
        /,
        *,
        progress: ProgressCallback | None = None,
        **fields: Any,
    ) -> Result:
        """Runs a call by name (``send_message``, ``upload_image``, ``send_campaign``, …: see
        ``larkmsg.CALLS``) with its flat request: path parameters, query parameters and body
        fields (files as paths or bytes). ``progress`` gets the progress of the calls to
        many receivers; an exception it raises (``KeyboardInterrupt`` too) stops the call."""
        native = self._client()
        follow_level()
        answer = native.call(name, _request(request, fields), adapt(progress))
        return RESULTS.get(name, Result)(answer)

    def _run(
        self,
        name: str,
        result: type[_R],
        request: Mapping[str, Any] | None,
        fields: Mapping[str, Any],
        progress: ProgressCallback | None = None,
    ) -> _R:
        value = self.call(name, request, progress=progress, **fields)
        assert isinstance(value, result)
        return value

    def resend(self, error: LarkError) -> Result:
        """Sends a failed send or reply (or card entity operation) again, exactly as it
        was sent and with the same ``uuid``: the remedy when ``error.maybe_sent``; within the
        platform's one-hour window it never makes a second message."""
        name, request = _resend_of(error)
        return self.call(name, request)

    def send(
        self, receive_id_type: str, receive_id: str, content: Content, *, uuid: str | None = None
    ) -> Message:
        """Sends typed content (see :mod:`larkmsg.content`) to one receiver."""
        request: dict[str, Any] = {
            "receive_id_type": receive_id_type,
            "receive_id": receive_id,
            "msg_type": content.msg_type,
            "content": content.content,
        }
        if uuid is not None:
            request["uuid"] = uuid
        return self.send_message(request)  # type: ignore[arg-type]

    def send_text(self, receive_id_type: str, receive_id: str, text: str, *, uuid: str | None = None) -> Message:
        """Sends a plain text message to one receiver."""
        if _text_args(receive_id_type, receive_id, text, uuid):
            native = self._client()
            follow_level()
            return Message(native.send_text(receive_id_type, receive_id, text, uuid))
        return self.send(receive_id_type, receive_id, text_content(text), uuid=uuid)

    def create_card_entity(self, card: Mapping[str, Any]) -> CreateCardResult:
        """Creates a card entity from a card JSON 2.0 object; send it with
        :func:`larkmsg.content.card_entity`."""
        return self.create_card(type="card_json", data=dumps(card, "data"))

    def stream_card(
        self,
        receive_id_type: str | None = None,
        receive_id: str | None = None,
        **options: Unpack[StreamCardOptions],
    ) -> CardStream:
        """Creates a card entity in streaming mode, sends it to ``receive_id`` (or as a reply,
        with ``reply_to``) and gives the stream to append the answer to::

            with client.stream_card("open_id", "ou_xxx") as stream:
                for token in answer:
                    stream.append(token)
        """
        return CardStream(self._client().stream_card(stream_options(receive_id_type, receive_id, **options)))

    def close(self) -> None:
        """Closes the client; later calls raise :class:`ConfigError`."""
        self._close()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()


class AsyncClient(AsyncOperations, _Base):
    """A Feishu / Lark client for asyncio: the same calls as :class:`Client`, as coroutines
    that run on larkmsg's own runtime (the event loop is never blocked)."""

    async def call(
        self,
        name: str,
        request: Mapping[str, Any] | None = None,
        /,
        *,
        progress: ProgressCallback | None = None,
        **fields: Any,
    ) -> Result:
        """Runs a call by name with its flat request (see :meth:`Client.call`); ``progress``
        runs on the event loop."""
        native = self._client()
        follow_level()
        answer = await settled(native.call_async(name, _request(request, fields), adapt(progress)))
        return RESULTS.get(name, Result)(answer)

    async def _run(
        self,
        name: str,
        result: type[_R],
        request: Mapping[str, Any] | None,
        fields: Mapping[str, Any],
        progress: ProgressCallback | None = None,
    ) -> _R:
        value = await self.call(name, request, progress=progress, **fields)
        assert isinstance(value, result)
        return value

    async def resend(self, error: LarkError) -> Result:
        """Sends a failed call again with its ``uuid`` (see :meth:`Client.resend`)."""
        name, request = _resend_of(error)
        return await self.call(name, request)

    async def send(
        self, receive_id_type: str, receive_id: str, content: Content, *, uuid: str | None = None
    ) -> Message:
        """Sends typed content (see :mod:`larkmsg.content`) to one receiver."""
        request: dict[str, Any] = {
            "receive_id_type": receive_id_type,
            "receive_id": receive_id,
            "msg_type": content.msg_type,
            "content": content.content,
        }
        if uuid is not None:
            request["uuid"] = uuid
        return await self.send_message(request)  # type: ignore[arg-type]

    async def send_text(
        self, receive_id_type: str, receive_id: str, text: str, *, uuid: str | None = None
    ) -> Message:
        """Sends a plain text message to one receiver."""
        if _text_args(receive_id_type, receive_id, text, uuid):
            native = self._client()
            follow_level()
            return Message(await settled(native.send_text_async(receive_id_type, receive_id, text, uuid)))
        return await self.send(receive_id_type, receive_id, text_content(text), uuid=uuid)

    async def create_card_entity(self, card: Mapping[str, Any]) -> CreateCardResult:
        """Creates a card entity from a card JSON 2.0 object."""
        return await self.create_card(type="card_json", data=dumps(card, "data"))

    def stream_card(
        self,
        receive_id_type: str | None = None,
        receive_id: str | None = None,
        **options: Unpack[StreamCardOptions],
    ) -> AsyncCardStreamStart:
        """Creates a card entity in streaming mode, sends it to ``receive_id`` (or as a reply,
        with ``reply_to``) and gives the stream to append the answer to::

            async with client.stream_card("open_id", "ou_xxx") as stream:
                async for token in answer:
                    await stream.append(token)

        ``await client.stream_card(...)`` gives the stream without the ``async with``.
        """
        return AsyncCardStreamStart(self._client(), stream_options(receive_id_type, receive_id, **options))

    async def aclose(self) -> None:
        """Closes the client; later calls raise :class:`ConfigError`."""
        self._close()

    def close(self) -> None:
        """Closes the client (synchronously; nothing to wait for)."""
        self._close()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self._close()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self._close()
