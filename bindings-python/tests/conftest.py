"""Shared test setup: the installed wheel is tested, never the source tree."""

import larkmsg.testing  # noqa: F401  (makes ``larkmsg.testing`` an attribute for the tests)
