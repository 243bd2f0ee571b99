"""Progress of a call to many receivers, and the callbacks that receive it."""

from __future__ import annotations

from typing import Any, Callable, NamedTuple, Protocol, Union

__all__ = ["Progress", "ProgressCallback"]


class Progress(NamedTuple):
    """How far a call to many receivers is, counted in receivers."""

    total: int
    """Receivers in the call."""
    done: int
    """Receivers whose request is finished (sent or failed)."""
    sent: int
    """Receivers whose request succeeded."""
    failed: int
    """Receivers whose request failed."""


class _SupportsUpdate(Protocol):
    """A progress bar such as ``tqdm``: ``update(n)`` moves it ``n`` steps."""

    def update(self, n: float = 1) -> object: ...


ProgressCallback = Union[Callable[[Progress], object], _SupportsUpdate]
"""A function called with each :class:`Progress`, or a bar with ``update(n)`` (``tqdm``)."""


def adapt(progress: ProgressCallback | None) -> Callable[[int, int, int, int], None] | None:
    """The native callback for ``progress``: a function gets a :class:`Progress`, a bar
    (anything with ``update`` that is not callable, e.g. ``tqdm``) the steps since the last
    report (its ``total`` is set when it has none)."""
    if progress is None:
        return None
    if callable(progress):
        function: Any = progress

        def call(total: int, done: int, sent: int, failed: int) -> None:
            function(Progress(total, done, sent, failed))

        return call
    bar: Any = progress
    last = [0]

    def step(total: int, done: int, sent: int, failed: int) -> None:
        if getattr(bar, "total", 0) in (None, 0) and hasattr(bar, "total"):
            bar.total = total
        bar.update(done - last[0])
        last[0] = done

    return step
