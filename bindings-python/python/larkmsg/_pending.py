"""Awaiting the future of a native async call: a wait that is cancelled stops the call."""

from __future__ import annotations

from typing import TYPE_CHECKING, TypeVar

if TYPE_CHECKING:  # asyncio is imported by the caller's program, not by `import larkmsg`
    import asyncio

    from . import _native

_T = TypeVar("_T")


async def settled(pending: tuple[asyncio.Future[_T], _native.Abort]) -> _T:
    """The result of a native call's future; when the wait ends without it (the task is
    cancelled or closed), the call is stopped in the core."""
    future, call = pending
    try:
        return await future
    except BaseException:
        # Once the call is finished (the future raised its error) this does nothing.
        call.abort()
        raise
