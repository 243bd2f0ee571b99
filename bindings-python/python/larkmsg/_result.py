"""The base of the result classes (``larkmsg._results``, generated from the core's models):
attribute access over the JSON the core returns, and ``to_dict()``."""

from __future__ import annotations

import copy
from typing import Any, ClassVar

__all__ = ["Result"]


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
