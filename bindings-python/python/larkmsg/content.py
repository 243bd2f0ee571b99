"""Typed message content for :meth:`larkmsg.Client.send`.

Every constructor collects its arguments into a spec and hands it to the core
(``larkmsg::content::build_content``), which builds the content, checks it against send
message's rules (a broken rule raises :class:`larkmsg.ValidationError`) and writes the
``content`` string the platform wants.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from . import _native
from ._convert import dumps

if TYPE_CHECKING:
    from collections.abc import Mapping

    from .card import Card

__all__ = [
    "Content",
    "TextBuilder",
    "text",
    "post",
    "image",
    "file",
    "audio",
    "media",
    "sticker",
    "share_chat",
    "share_user",
    "system_divider",
    "card",
    "template",
    "card_entity",
]


class Content:
    """A message's ``msg_type`` and its ``content`` string, checked by the core."""

    __slots__ = ("msg_type", "content")

    msg_type: str
    content: str

    def __init__(self, msg_type: str, content: Mapping[str, Any] | str) -> None:
        """The platform's content object for ``msg_type`` (or its JSON text), checked by the core."""
        value = json.loads(content) if isinstance(content, str) else content
        self._assign(*_native.build_message({msg_type: value}))

    @classmethod
    def _of(cls, spec: Mapping[str, Any]) -> Content:
        """The content the core builds from ``spec``."""
        message = cls.__new__(cls)
        message._assign(*_native.build_message(dict(spec)))
        return message

    @classmethod
    def _built(cls, msg_type: str, content: str) -> Content:
        """Content the core built already."""
        message = cls.__new__(cls)
        message._assign(msg_type, content)
        return message

    def _assign(self, msg_type: str, content: str) -> None:
        object.__setattr__(self, "msg_type", msg_type)
        object.__setattr__(self, "content", content)

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError("Content is read-only")

    def __repr__(self) -> str:
        return f"Content(msg_type={self.msg_type!r}, content={self.content!r})"

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Content):
            return (self.msg_type, self.content) == (other.msg_type, other.content)
        return NotImplemented

    def __hash__(self) -> int:
        return hash((self.msg_type, self.content))

    def to_dict(self) -> dict[str, Any]:
        """The content object (``content`` decoded)."""
        value: dict[str, Any] = json.loads(self.content)
        return value


class TextBuilder:
    """Builds the text of a ``text`` message piece by piece; the core formats mentions and links.

    >>> TextBuilder().at_user("ou_1", "Tom").text(" hello").build().content
    '{"text":"<at user_id=\\\\"ou_1\\\\">Tom</at> hello"}'
    """

    def __init__(self) -> None:
        self._parts: list[dict[str, str]] = []

    def text(self, text: str) -> TextBuilder:
        """Appends plain text."""
        self._parts.append({"part": "text", "text": text})
        return self

    def at_user(self, user_id: str, name: str) -> TextBuilder:
        """Appends a mention of one user."""
        self._parts.append({"part": "at_user", "user_id": user_id, "name": name})
        return self

    def at_all(self) -> TextBuilder:
        """Appends a mention of everyone in the chat."""
        self._parts.append({"part": "at_all"})
        return self

    def link(self, text: str, url: str) -> TextBuilder:
        """Appends a link."""
        self._parts.append({"part": "link", "text": text, "url": url})
        return self

    def newline(self) -> TextBuilder:
        """Appends a line break."""
        self._parts.append({"part": "newline"})
        return self

    def build(self) -> Content:
        """The finished ``text`` content."""
        return Content._of({"text": self._parts})


def _build(spec: Mapping[str, Any]) -> dict[str, Any]:
    """The core's build of ``spec``: ``{"msg_type", "content"}`` or ``{"element"}``."""
    built: dict[str, Any] = json.loads(_native.build_content(dumps(spec)))
    return built


def _given(**fields: Any) -> dict[str, Any]:
    """``fields`` without those left unset (``None``)."""
    return {key: value for key, value in fields.items() if value is not None}


def text(text: str) -> Content:
    """A ``text`` message, taken as is."""
    if type(text) is not str:
        return Content._of({"text": text})  # the core names what is wrong
    return Content._built("text", _native.text_content(text))


def post(locales: Mapping[str, Any]) -> Content:
    """A ``post`` (rich text): ``{"zh_cn": {"title": …, "content": [[node, …], …]}, …}``."""
    return Content._of({"post": locales})


def image(image_key: str) -> Content:
    """An ``image`` message."""
    return Content._of({"image": {"image_key": image_key}})


def file(file_key: str) -> Content:
    """A ``file`` message."""
    return Content._of({"file": {"file_key": file_key}})


def audio(file_key: str) -> Content:
    """An ``audio`` message."""
    return Content._of({"audio": {"file_key": file_key}})


def media(file_key: str, image_key: str | None = None) -> Content:
    """A ``media`` (video) message with an optional cover image."""
    return Content._of({"media": _given(file_key=file_key, image_key=image_key)})


def sticker(file_key: str) -> Content:
    """A ``sticker`` message."""
    return Content._of({"sticker": {"file_key": file_key}})


def share_chat(chat_id: str) -> Content:
    """A ``share_chat`` message (a group card)."""
    return Content._of({"share_chat": {"chat_id": chat_id}})


def share_user(user_id: str) -> Content:
    """A ``share_user`` message (a user card; open_id only)."""
    return Content._of({"share_user": {"user_id": user_id}})


def system_divider(
    text: str, i18n_text: Mapping[str, str] | None = None, need_rollup: bool | None = None
) -> Content:
    """A ``system`` divider (bot one-to-one chats only)."""
    i18n = None if i18n_text is None else dict(i18n_text)
    return Content._of({"divider": _given(text=text, i18n_text=i18n, need_rollup=need_rollup)})


def card(card: Card | Mapping[str, Any]) -> Content:
    """An ``interactive`` message: a :class:`larkmsg.card.Card`, or a card JSON (1.0, or 2.0
    with ``"schema": "2.0"``) sent as is."""
    from .card import Card

    if isinstance(card, Card):
        return card.to_content()
    return Content._of({"interactive": card})


def template(
    template_id: str, version_name: str | None = None, variables: Mapping[str, Any] | None = None
) -> Content:
    """An ``interactive`` message from a card template."""
    data = _given(
        template_id=template_id,
        template_version_name=version_name,
        template_variable=None if variables is None else dict(variables),
    )
    return Content._of({"template": data})


def card_entity(card_id: str) -> Content:
    """An ``interactive`` message that sends a card entity (from ``create_card``)."""
    return Content._of({"card_entity": {"card_id": card_id}})
