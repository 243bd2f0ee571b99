"""No secret in any output: a child process logs at its most verbose and produces successes
and every error kind (secrets_scenario.py); its stdout and stderr, captured at the
file-descriptor level, hold neither the app secrets, nor the app tickets, nor any token the
fake issued."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
import secrets_scenario as scenario

import larkmsg
from larkmsg.testing import FakeServer

KINDS = ["invalid_argument", "auth", "permission", "rate_limited", "api", "timeout", "network", "decode", "config"]


@pytest.mark.parametrize("to", ["stderr", "logging"])
def test_no_secret_in_any_output_at_the_most_verbose_level(to: str) -> None:
    with FakeServer() as fake:
        fake.register_app(scenario.APP_ID, scenario.APP_SECRET)
        fake.register_app(scenario.STORE_ID, scenario.STORE_SECRET, store=True)
        first_ticket = fake.app_ticket(scenario.STORE_ID)
        child = subprocess.run(
            [sys.executable, str(Path(__file__).with_name("secrets_scenario.py")), fake.url, first_ticket, to],
            capture_output=True,
            text=True,
            timeout=120,
            env={key: value for key, value in os.environ.items() if key != "LARKMSG_LOG"},
        )
        output = child.stdout + child.stderr
        assert child.returncode == 0, output
        tokens = fake.issued_tokens()
        secrets = [scenario.APP_SECRET, scenario.STORE_SECRET, scenario.BAD_TICKET, first_ticket]
        secrets += [fake.app_ticket(scenario.STORE_ID), *tokens]

    assert len(tokens) >= 4, tokens
    leaked = [secret for secret in secrets if secret in output]
    assert not leaked, f"secrets in the output: {leaked}"

    # The capture works: the core's log lines (through `logging` or not) and every kind are there.
    through_logging = ["WARNING:larkmsg.call:", "INFO:larkmsg.call:", "TRACE:larkmsg.hyper_util"]
    for expected in [
        *(through_logging if to == "logging" else ["TRACE hyper_util", " WARN larkmsg.call{"]),
        'larkmsg.call{endpoint="send_message"',
        'log_id="',
        "call succeeded",
        "call failed",
        "attempt failed",
        "fetched a new tenant access token",
        "token rejected; fetching a new one",
        "Traceback (most recent call last)",
        "client repr=Client(app_id='cli_secrets_py'",
    ]:
        assert expected in child.stderr + child.stdout, f"the output lacks {expected!r}"
    for kind in KINDS:
        assert f"kind={kind} " in child.stdout, f"no {kind} error was printed"


def test_enable_logging_refuses_what_it_cannot_use() -> None:
    with pytest.raises(larkmsg.ValidationError, match="larkmsg=loud"):
        larkmsg.enable_logging("larkmsg=loud")
    with pytest.raises(TypeError):
        larkmsg.enable_logging(None)  # type: ignore[arg-type]
