"""Streaming an answer into a card entity: thin wrappers over the core's card stream.

The core does everything (see ``larkmsg::stream``): it creates the card in streaming mode,
sends it, pushes the latest full text at a share of the card's 10 operations per second,
owns the card's ``sequence``, turns streaming mode on again after it closed by itself, and
on ``finish`` puts the exact text on the card, turns streaming mode off and sets the
summary, retrying until the finish deadline.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any, TypedDict

from ._pending import settled
from ._result import Result

if TYPE_CHECKING:
    from collections.abc import Generator, Mapping
    from types import TracebackType

    from typing_extensions import Self

    from . import _native
    from .card import Card, StreamingConfig

__all__ = [
    "CardStream",
    "AsyncCardStream",
    "AsyncCardStreamStart",
    "CardStreamSummary",
    "StreamCardOptions",
    "stream_options",
]


class CardStreamSummary(Result):
    """What a finished stream did."""

    __slots__ = ()
    card_id: str
    """The card entity's id."""
    message_id: str
    """The id of the message that sent the card."""
    sequence: int
    """The last ``sequence`` the stream used: the next operation on the card needs a greater one."""
    operations: int
    """Operations the stream made on the card, refused attempts included."""
    pushes: int
    """Pushes of the text that landed."""
    sequence_conflicts: int
    """Times another writer had moved the card's sequence and the stream moved past it."""
    reopened: int
    """Times the stream turned streaming mode on again."""
    text_chars: int
    """Characters of the final text."""
    final_text_ms: int
    """Milliseconds from ``finish`` until the final text was on the card."""


class StreamCardOptions(TypedDict, total=False):
    """The options of a card stream besides the receiver (all optional)."""

    reply_to: str
    """Reply to this message instead of sending to a receiver."""
    reply_in_thread: bool
    """With ``reply_to``: reply in a thread."""
    card: Card | Mapping[str, Any]
    """The card to create (a :class:`larkmsg.card.Card`, or its spec); streaming mode is turned on."""
    element_id: str
    """The element streamed into (default ``answer``; added as markdown when the card lacks it)."""
    text: str
    """The text shown before the first push."""
    streaming_config: StreamingConfig | Mapping[str, Any]
    """The pace at which the platform prints streamed text."""
    summary: str
    """The chat preview after ``finish`` (default: the start of the text)."""
    rate_share: float
    """The share of the card's 10 operations per second the stream uses (default 0.8)."""
    auto_close_seconds: float
    """When the platform closes streaming mode by itself (default 600)."""
    finish_timeout_seconds: float
    """How long ``finish`` keeps trying to put the final text on the card (default 60)."""
    uuid: str
    """The de-duplication key of the message that sends the card."""


def stream_options(
    receive_id_type: str | None,
    receive_id: str | None,
    *,
    reply_to: str | None = None,
    reply_in_thread: bool | None = None,
    card: Card | Mapping[str, Any] | None = None,
    element_id: str | None = None,
    text: str | None = None,
    streaming_config: StreamingConfig | Mapping[str, Any] | None = None,
    summary: str | None = None,
    rate_share: float | None = None,
    auto_close_seconds: float | None = None,
    finish_timeout_seconds: float | None = None,
    uuid: str | None = None,
) -> str:
    """The core's ``StreamCardOptions`` as JSON text (unset options left out)."""
    from .card import Card, StreamingConfig

    options: dict[str, Any] = {
        "receive_id_type": receive_id_type,
        "receive_id": receive_id,
        "reply_to": reply_to,
        "reply_in_thread": reply_in_thread,
        "card": card._spec() if isinstance(card, Card) else card,
        "element_id": element_id,
        "text": text,
        "streaming_config": (
            streaming_config._spec() if isinstance(streaming_config, StreamingConfig) else streaming_config
        ),
        "summary": summary,
        "rate_share": rate_share,
        "auto_close_ms": None if auto_close_seconds is None else round(auto_close_seconds * 1000),
        "finish_timeout_ms": None if finish_timeout_seconds is None else round(finish_timeout_seconds * 1000),
        "uuid": uuid,
    }
    return json.dumps({key: value for key, value in options.items() if value is not None}, ensure_ascii=False)


class _Stream:
    """What both streams share: the native stream and its ids."""

    def __init__(self, native: _native.NativeCardStream) -> None:
        self._native = native

    @property
    def card_id(self) -> str:
        """The card entity's id."""
        return self._native.card_id

    @property
    def message_id(self) -> str:
        """The id of the message that sent the card."""
        return self._native.message_id

    @property
    def text(self) -> str:
        """The text so far."""
        return self._native.text()

    def close(self) -> None:
        """Finishes the stream in the background with the text so far, without waiting."""
        self._native.close()

    def __repr__(self) -> str:
        return f"{type(self).__name__}(card_id={self.card_id!r})"


class CardStream(_Stream):
    """A card entity being streamed into, for synchronous code (see :meth:`Client.stream_card`).

    As a context manager it finishes on a normal exit; on an exception it finishes in the
    background with the text so far and lets the exception through.
    """

    def append(self, delta: str) -> None:
        """Appends ``delta`` (a token) to the text; never waits."""
        self._native.append(delta)

    def push(self, text: str) -> None:
        """Replaces the whole text; never waits."""
        self._native.push(text)

    def finish(self, text: str | None = None, *, summary: str | None = None) -> CardStreamSummary:
        """Puts the exact text (``text`` when given) on the card, turns streaming mode off and
        sets the summary; raises when a step did not land before the finish deadline."""
        return CardStreamSummary(json.loads(self._native.finish(text, summary)))

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        if exc is None:
            self.finish()
        else:
            self.close()


class AsyncCardStream(_Stream):
    """A card entity being streamed into, for asyncio (see :meth:`AsyncClient.stream_card`).

    As an async context manager it finishes on a normal exit; on an exception (a cancelled
    task included) it finishes in the background with the text so far.
    """

    async def append(self, delta: str) -> None:
        """Appends ``delta`` (a token) to the text; never waits for the network."""
        self._native.append(delta)

    async def push(self, text: str) -> None:
        """Replaces the whole text; never waits for the network."""
        self._native.push(text)

    async def finish(self, text: str | None = None, *, summary: str | None = None) -> CardStreamSummary:
        """Puts the exact text (``text`` when given) on the card, turns streaming mode off and
        sets the summary; raises when a step did not land before the finish deadline."""
        answer = await settled(self._native.finish_async(text, summary))
        return CardStreamSummary(json.loads(answer))

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        if exc is None:
            await self.finish()
        else:
            self.close()


class AsyncCardStreamStart:
    """What :meth:`AsyncClient.stream_card` gives: await it for the stream, or use it as
    ``async with client.stream_card(...) as stream``."""

    def __init__(self, native: _native.NativeClient, options_json: str) -> None:
        self._client = native
        self._options = options_json
        self._stream: AsyncCardStream | None = None

    async def _start(self) -> AsyncCardStream:
        stream = AsyncCardStream(await settled(self._client.stream_card_async(self._options)))
        self._stream = stream
        return stream

    def __await__(self) -> Generator[Any, None, AsyncCardStream]:
        return self._start().__await__()

    async def __aenter__(self) -> AsyncCardStream:
        return await self._start()

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        if self._stream is not None:
            await self._stream.__aexit__(exc_type, exc, traceback)
