"""Clients sharing a Redis store (``shared={...}``): one token fetch for all of them, and
together within the quotas the fake enforces. ``test.sh`` starts the Redis server
(``LARKMSG_TEST_REDIS_URL``)."""

from __future__ import annotations

import os
import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest

import larkmsg
from larkmsg.testing import FakeServer


def _redis_url() -> str:
    url = os.environ.get("LARKMSG_TEST_REDIS_URL")
    if not url:
        if os.environ.get("LARKMSG_REQUIRE_REDIS"):
            pytest.fail("LARKMSG_TEST_REDIS_URL is not set (bindings-python/test.sh starts Redis)")
        pytest.skip("no Redis server: run bindings-python/test.sh")
    return url


def test_clients_sharing_redis_fetch_one_token_and_keep_to_the_quotas(lark_fake: FakeServer) -> None:
    shared: larkmsg.types.SharedOptions = {"redis_url": _redis_url(), "key_prefix": f"py-{uuid.uuid4()}:"}
    lark_fake.set_quotas(True)
    clients = [lark_fake.client(quotas=True, shared=shared) for _ in range(3)]
    try:
        jobs = [(clients[n % 3], n) for n in range(90)]
        with ThreadPoolExecutor(max_workers=24) as pool:
            list(pool.map(lambda job: job[0].send_text("open_id", f"ou_{job[1] % 30}", f"m{job[1]}"), jobs))
    finally:
        for client in clients:
            client.close()
    counters = lark_fake.counters()
    assert len(lark_fake.inbox()["messages"]) == 90
    assert sum(counters.get("throttled", {}).values()) == 0, counters
    assert lark_fake.token_requests() == 1, counters


def test_an_unreachable_redis_does_not_stop_sending(lark_fake: FakeServer) -> None:
    with lark_fake.client(shared={"redis_url": "redis://127.0.0.1:1", "timeout_ms": 50}) as client:
        for n in range(5):
            client.send_text("open_id", "ou_1", f"m{n}")
    assert len(lark_fake.inbox()["messages"]) == 5


def test_a_bad_redis_url_is_a_config_error_that_hides_it() -> None:
    with pytest.raises(larkmsg.ConfigError) as caught:
        larkmsg.Client("cli_1", "s", shared={"redis_url": "s3cret://x"})
    assert "shared.redis_url" in str(caught.value) and "s3cret" not in str(caught.value)
