"""Result objects: attribute access over the JSON the core returns, and ``to_dict()``."""

from __future__ import annotations

import copy
from typing import Any, ClassVar

__all__ = [
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


def _wrap(value: Any, cls: type[Result] | None = None) -> Any:
    if isinstance(value, dict):
        return (cls or Result)(value)
    if isinstance(value, list):
        return [_wrap(item, cls) for item in value]
    return value


class Result:
    """A value from the platform: fields as attributes, nested objects as results too.

    Fields the core left out (``None``) read as ``None`` when the type declares them;
    ``to_dict()`` gives the JSON form.
    """

    __slots__ = ("_data",)
    _fields: ClassVar[dict[str, type[Result] | None]] = {}
    _lists: ClassVar[frozenset[str]] = frozenset()

    def __init__(self, data: dict[str, Any]) -> None:
        object.__setattr__(self, "_data", data)

    def __getattr__(self, name: str) -> Any:
        data = object.__getattribute__(self, "_data")
        fields = type(self)._fields
        if name in data:
            return _wrap(data[name], fields.get(name))
        if name in type(self)._lists:
            return []
        if name in fields:
            return None
        raise AttributeError(f"{type(self).__name__} has no field {name!r}")

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError(f"{type(self).__name__} is read-only")

    def __getitem__(self, key: str) -> Any:
        return _wrap(self._data[key])

    def __contains__(self, key: object) -> bool:
        return key in self._data

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Result):
            return bool(self._data == other._data)
        return NotImplemented

    def __hash__(self) -> int:
        return id(self)

    def __repr__(self) -> str:
        fields = ", ".join(f"{key}={value!r}" for key, value in self._data.items())
        return f"{type(self).__name__}({fields})"

    def __reduce__(self) -> tuple[Any, ...]:
        return (type(self), (self._data,))

    def __dir__(self) -> list[str]:
        return sorted(set(self._data) | set(type(self)._fields) | {"to_dict"})

    def to_dict(self) -> dict[str, Any]:
        """The JSON form (a deep copy)."""
        return copy.deepcopy(self._data)


class Sender(Result):
    """Who sent a message."""

    __slots__ = ()
    _fields = {"id": None, "id_type": None, "sender_type": None, "tenant_key": None}
    id: str
    id_type: str
    sender_type: str
    tenant_key: str | None


class MessageBody(Result):
    """A message's content, as the JSON string the platform keeps."""

    __slots__ = ()
    _fields = {"content": None}
    content: str


class Mention(Result):
    """A user mentioned in a message."""

    __slots__ = ()
    _fields = {"key": None, "id": None, "id_type": None, "name": None, "tenant_key": None}
    key: str
    id: str
    id_type: str
    name: str
    tenant_key: str | None


class Message(Result):
    """A sent message (send message's ``data``)."""

    __slots__ = ()
    _fields = {
        "message_id": None,
        "root_id": None,
        "parent_id": None,
        "thread_id": None,
        "msg_type": None,
        "create_time": None,
        "update_time": None,
        "deleted": None,
        "updated": None,
        "chat_id": None,
        "sender": Sender,
        "body": MessageBody,
        "mentions": Mention,
        "upper_message_id": None,
    }
    _lists = frozenset({"mentions"})
    message_id: str
    root_id: str | None
    parent_id: str | None
    thread_id: str | None
    msg_type: str
    create_time: str
    update_time: str
    deleted: bool
    updated: bool
    chat_id: str
    sender: Sender
    body: MessageBody
    mentions: list[Mention]
    upper_message_id: str | None


class BatchSendResult(Result):
    """An accepted batch: its ``message_id`` and the receivers the platform refused."""

    __slots__ = ()
    _fields = {
        "message_id": None,
        "invalid_department_ids": None,
        "invalid_open_ids": None,
        "invalid_user_ids": None,
        "invalid_union_ids": None,
    }
    _lists = frozenset({"invalid_department_ids", "invalid_open_ids", "invalid_user_ids", "invalid_union_ids"})
    message_id: str
    invalid_department_ids: list[str]
    invalid_open_ids: list[str]
    invalid_user_ids: list[str]
    invalid_union_ids: list[str]


class CreateCardResult(Result):
    """A created card entity."""

    __slots__ = ()
    _fields = {"card_id": None}
    card_id: str


class FailedCard(Result):
    """A feed card the platform did not create for one user."""

    __slots__ = ()
    _fields = {"biz_id": None, "user_id": None, "reason": None}
    biz_id: str
    user_id: str
    reason: str


class CreateAppFeedCardResult(Result):
    """Created app feed cards: the ``biz_id`` and the users it failed for."""

    __slots__ = ()
    _fields = {"failed_cards": FailedCard, "biz_id": None}
    _lists = frozenset({"failed_cards"})
    failed_cards: list[FailedCard]
    biz_id: str
