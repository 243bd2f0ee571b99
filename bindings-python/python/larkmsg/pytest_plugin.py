"""pytest fixtures of larkmsg (loaded by pytest through the ``pytest11`` entry point).

- ``lark_fake``: a running :class:`larkmsg.testing.FakeServer`, stopped after the test;
- ``lark_client``: a :class:`larkmsg.Client` of the fake's default app.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from .testing import FakeServer

if TYPE_CHECKING:
    from collections.abc import Iterator

    from ._client import Client

__all__ = ["lark_fake", "lark_client"]


@pytest.fixture
def lark_fake() -> Iterator[FakeServer]:
    """A running fake Feishu server."""
    with FakeServer() as fake:
        yield fake


@pytest.fixture
def lark_client(lark_fake: FakeServer) -> Iterator[Client]:
    """A client of the fake's default self-built app."""
    with lark_fake.client() as client:
        yield client
