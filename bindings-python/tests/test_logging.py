"""The core's log events reach the stdlib logger ``larkmsg`` (levels, handlers and filters
work), or stderr when ``LARKMSG_LOG`` or ``enable_logging(to="stderr")`` asks for it."""

from __future__ import annotations

import asyncio
import logging
import os
import subprocess
import sys

import pytest

import larkmsg
from larkmsg.testing import FakeServer


def core_records(caplog: pytest.LogCaptureFixture) -> list[logging.LogRecord]:
    return [record for record in caplog.records if record.name.startswith("larkmsg.")]


def test_a_call_is_logged_at_debug_with_its_endpoint(
    caplog: pytest.LogCaptureFixture, lark_client: larkmsg.Client
) -> None:
    with caplog.at_level(logging.DEBUG, logger="larkmsg"):
        lark_client.send_text("open_id", "ou_1", "x")
    succeeded = [record for record in core_records(caplog) if "call succeeded" in record.getMessage()]
    assert len(succeeded) == 1, caplog.text
    assert succeeded[0].name == "larkmsg.call"
    assert succeeded[0].levelno == logging.DEBUG
    assert 'endpoint="send_message"' in succeeded[0].getMessage()
    assert "attempts=1" in succeeded[0].getMessage()


def test_retries_are_infos_and_failures_warnings(
    caplog: pytest.LogCaptureFixture, lark_fake: FakeServer, lark_client: larkmsg.Client
) -> None:
    with caplog.at_level(logging.INFO, logger="larkmsg"):
        lark_fake.inject_fault("status_5xx")
        lark_client.send_text("open_id", "ou_1", "x")
        lark_fake.inject_fault("permission_denied")
        with pytest.raises(larkmsg.PermissionDeniedError):
            lark_client.send_text("open_id", "ou_1", "x")
    records = core_records(caplog)
    summary = [(record.levelno, record.name, "failed" in record.getMessage()) for record in records]
    assert summary == [(logging.INFO, "larkmsg.call", True), (logging.WARNING, "larkmsg.call", True)], caplog.text
    assert "attempt failed" in records[0].getMessage()
    assert "call failed" in records[1].getMessage()
    assert "permission" in records[1].getMessage().lower()


def test_the_logger_level_is_followed_as_it_changes(
    caplog: pytest.LogCaptureFixture, lark_fake: FakeServer, lark_client: larkmsg.Client
) -> None:
    logger = logging.getLogger("larkmsg")
    with caplog.at_level(logging.DEBUG):
        try:
            logger.setLevel(logging.WARNING)
            lark_fake.inject_fault("status_5xx")
            lark_client.send_text("open_id", "ou_1", "x")
            assert core_records(caplog) == []
            logger.setLevel(logging.INFO)
            lark_fake.inject_fault("status_5xx")
            lark_client.send_text("open_id", "ou_1", "x")
        finally:
            logger.setLevel(logging.NOTSET)
    assert [record.levelno for record in core_records(caplog)] == [logging.INFO], caplog.text


def test_handlers_and_filters_of_the_application_apply(lark_fake: FakeServer, lark_client: larkmsg.Client) -> None:
    seen: list[logging.LogRecord] = []

    class Keep(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            seen.append(record)

    handler = Keep(logging.DEBUG)
    handler.addFilter(lambda record: "attempt failed" not in record.getMessage())
    logger = logging.getLogger("larkmsg")
    logger.addHandler(handler)
    logger.setLevel(logging.DEBUG)
    try:
        lark_fake.inject_fault("status_5xx")
        lark_client.send_text("open_id", "ou_1", "x")
    finally:
        logger.removeHandler(handler)
        logger.setLevel(logging.NOTSET)
    messages = [record.getMessage() for record in seen]
    assert any("call succeeded" in message and "attempts=2" in message for message in messages), messages
    assert not any("attempt failed" in message for message in messages), messages


def test_async_calls_log_from_the_runtime(caplog: pytest.LogCaptureFixture, lark_fake: FakeServer) -> None:
    async def send() -> None:
        async with lark_fake.async_client() as client:
            await client.send_text("open_id", "ou_1", "x")

    with caplog.at_level(logging.DEBUG, logger="larkmsg"):
        asyncio.run(send())
    assert any("call succeeded" in record.getMessage() for record in core_records(caplog)), caplog.text


CHILD = """
import logging, sys
import larkmsg
from larkmsg.testing import FakeServer
seen = []
class Keep(logging.Handler):
    def emit(self, record):
        seen.append(record)
logging.getLogger().addHandler(Keep())
logging.getLogger().setLevel(logging.DEBUG)
if sys.argv[1] != "env":
    larkmsg.enable_logging("debug", to=sys.argv[1])
with FakeServer() as fake, fake.client() as client:
    client.send_text("open_id", "ou_1", "x")
print("records:", sum("call succeeded" in record.getMessage() for record in seen if record.name.startswith("larkmsg")))
"""


@pytest.mark.parametrize(
    ("how", "env", "records", "on_stderr"),
    [("env", {"LARKMSG_LOG": "debug"}, 0, True), ("stderr", {}, 0, True), ("logging", {}, 1, False)],
)
def test_where_lines_go_when_asked(how: str, env: dict[str, str], records: int, on_stderr: bool) -> None:
    base = {key: value for key, value in os.environ.items() if key != "LARKMSG_LOG"}
    child = subprocess.run(
        [sys.executable, "-c", CHILD, how], capture_output=True, text=True, timeout=60, env={**base, **env}
    )
    assert child.returncode == 0, child.stderr
    assert f"records: {records}" in child.stdout, child.stdout + child.stderr
    assert ("call succeeded" in child.stderr) == on_stderr, child.stderr


def test_enable_logging_checks_where() -> None:
    with pytest.raises(ValueError, match="stderr"):
        larkmsg.enable_logging("debug", to="file")  # type: ignore[arg-type]
