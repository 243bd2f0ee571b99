"""Logging of the core's events to stderr: conversion of the level, the core does the rest."""

from __future__ import annotations

import logging

from . import _native

__all__ = ["enable_logging"]

_LEVELS = (
    (logging.ERROR, "error"),
    (logging.WARNING, "warn"),
    (logging.INFO, "info"),
    (logging.DEBUG, "debug"),
)


def enable_logging(level_or_directive: int | str = "debug") -> None:
    """Writes larkmsg's log lines (each call with its endpoint, attempts and ``log_id``,
    failed attempts, token fetches) to the process's stderr.

    ``level_or_directive``: a :mod:`logging` level (``logging.DEBUG``; below it: trace) or a
    directive: ``"trace"``, ``"debug"``, ``"info"``, ``"warn"``, ``"error"``, ``"off"``, or
    ``target=level`` pairs such as ``"larkmsg=trace"``. Calling it again changes the
    directive. Without a call, the first client reads the directive from the environment
    variable ``LARKMSG_LOG``. No line ever carries the app secret, an app ticket or a token.

    Raises :class:`larkmsg.ValidationError` for a directive that does not parse.
    """
    if isinstance(level_or_directive, bool) or not isinstance(level_or_directive, (int, str)):
        raise TypeError("enable_logging takes a logging level (int) or a directive (str)")
    if isinstance(level_or_directive, int):
        directive = next((name for level, name in _LEVELS if level_or_directive >= level), "trace")
    else:
        directive = level_or_directive
    _native.enable_logging(directive)
