"""The core's log events in Python: by default they go to the stdlib logger ``larkmsg``
(``larkmsg.call``, ``larkmsg.auth``, …) at the levels its configuration enables; the core
filters them before they cross, so a level that is off costs nothing per call."""

from __future__ import annotations

import logging
import os
from typing import Literal

from . import _native

__all__ = ["enable_logging", "follow_level"]

_LOGGER = logging.getLogger("larkmsg")
# A library's logger: silent until the application configures logging.
_LOGGER.addHandler(logging.NullHandler())

TRACE = 5
"""The level of the core's trace events in :mod:`logging` (below ``logging.DEBUG``)."""
if logging.getLevelName(TRACE) == f"Level {TRACE}":
    logging.addLevelName(TRACE, "TRACE")

_LEVELS = (
    (logging.ERROR, "error"),
    (logging.WARNING, "warn"),
    (logging.INFO, "info"),
    (logging.DEBUG, "debug"),
    (TRACE, "trace"),
)

# "follow": forward at the level of the `larkmsg` logger; "fixed": enable_logging chose;
# "env": LARKMSG_LOG chose (the core reads it when a client is built).
_mode = "env" if os.environ.get("LARKMSG_LOG", "").strip() else "follow"
_followed: int | None = None
_loggers: dict[str, logging.Logger] = {}


def _directive_of(level: int) -> str:
    """The core's directive that lets through exactly the events ``level`` enables."""
    if level > logging.ERROR:
        return "off"
    return next(name for threshold, name in _LEVELS if level >= threshold or threshold == TRACE)


def _forward(level: int, target: str, message: str) -> None:
    """One event of the core, logged to the logger of its target (``larkmsg::call`` →
    ``larkmsg.call``; a dependency's target under ``larkmsg.``)."""
    logger = _loggers.get(target)
    if logger is None:
        name = target.replace("::", ".")
        if name != "larkmsg" and not name.startswith("larkmsg."):
            name = f"larkmsg.{name}"
        logger = _loggers.setdefault(target, logging.getLogger(name))
    if logger.isEnabledFor(level):
        logger.log(level, message)


def follow_level() -> None:
    """Keeps the core's filter at the effective level of the ``larkmsg`` logger, unless
    :func:`enable_logging` or ``LARKMSG_LOG`` chose; called before each call (it costs one
    level lookup when nothing changed)."""
    global _followed
    if _mode != "follow":
        return
    level = _LOGGER.getEffectiveLevel()
    if level != _followed:
        _native.forward_logging(_directive_of(level), _forward)
        _followed = level


def enable_logging(
    level_or_directive: int | str = "debug", *, to: Literal["stderr", "logging"] = "stderr"
) -> None:
    """Chooses which of larkmsg's log events are kept (each call with its endpoint, attempts
    and ``log_id``, failed attempts, token fetches) and where they go.

    Without a call, they go to the stdlib logger ``larkmsg`` and its children
    (``larkmsg.call``, ``larkmsg.auth``, …) at the level that logger enables, followed as it
    changes: ``logging.basicConfig(level=logging.INFO)`` is enough to see retries, and
    failed calls are warnings. ``LARKMSG_LOG=debug`` in the environment writes them to
    stderr instead.

    ``level_or_directive``: a :mod:`logging` level (``logging.DEBUG``; below it: trace) or a
    directive: ``"trace"``, ``"debug"``, ``"info"``, ``"warn"``, ``"error"``, ``"off"``, or
    ``target=level`` pairs such as ``"larkmsg=trace"`` (a dependency's events only where a
    pair names it: ``"debug,hyper_util=debug"``). ``to="stderr"`` writes the core's lines to
    the process's stderr; ``to="logging"`` hands them to the ``larkmsg`` loggers with this
    directive, whatever their level. Calling it again changes the choice. No line ever
    carries the app secret, an app ticket or a token.

    Raises :class:`larkmsg.ValidationError` for a directive that does not parse.
    """
    global _mode
    if isinstance(level_or_directive, bool) or not isinstance(level_or_directive, (int, str)):
        raise TypeError("enable_logging takes a logging level (int) or a directive (str)")
    if to not in ("stderr", "logging"):
        raise ValueError(f"enable_logging: to must be 'stderr' or 'logging', not {to!r}")
    if isinstance(level_or_directive, int):
        directive = _directive_of(level_or_directive)
    else:
        directive = level_or_directive
    if to == "stderr":
        _native.enable_logging(directive)
    else:
        _native.forward_logging(directive, _forward)
    _mode = "fixed"
