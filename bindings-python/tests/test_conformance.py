"""Every case of tests/conformance/cases run through the Python API, sync and async
(the format is described in tests/conformance/README.md). A file given as
``{"base64": …}`` is handed over as ``bytes``."""

from __future__ import annotations

import asyncio
import base64
import json
from pathlib import Path
from typing import Any

import pytest

import larkmsg
from larkmsg.testing import FakeServer

CASES = Path(__file__).resolve().parents[2] / "tests" / "conformance" / "cases"
FILES = sorted(CASES.rglob("*.json"))


def expand(value: Any) -> Any:
    """Expands ``{"$repeat": s, "count": n, "prefix"?, "suffix"?}``."""
    if isinstance(value, dict):
        if isinstance(value.get("$repeat"), str) and isinstance(value.get("count"), int):
            return value.get("prefix", "") + value["$repeat"] * value["count"] + value.get("suffix", "")
        return {key: expand(item) for key, item in value.items()}
    if isinstance(value, list):
        return [expand(item) for item in value]
    return value


def with_bytes(request: dict[str, Any]) -> dict[str, Any]:
    """The request with each file given as ``{"base64": …}`` as ``bytes``, as a Python user
    hands over a file held in memory."""
    return {
        key: base64.b64decode(value["base64"], validate=True)
        if isinstance(value, dict) and set(value) == {"base64"}
        else value
        for key, value in request.items()
    }


def subset(expected: Any, actual: Any) -> bool:
    if isinstance(expected, dict) and set(expected) == {"$prefix"}:
        return isinstance(actual, str) and actual.startswith(expected["$prefix"])
    if isinstance(expected, dict):
        return isinstance(actual, dict) and all(
            key in actual and subset(value, actual[key]) for key, value in expected.items()
        )
    if isinstance(expected, list):
        return (
            isinstance(actual, list)
            and len(expected) == len(actual)
            and all(subset(e, a) for e, a in zip(expected, actual))
        )
    if isinstance(expected, bool) or isinstance(actual, bool):
        return expected is actual
    return bool(expected == actual)


def client_options(fake: FakeServer, overrides: dict[str, Any]) -> dict[str, Any]:
    options = fake.client_options()
    for key in ("retry", "timeouts"):
        if key in overrides:
            options[key] = {**options[key], **overrides[key]}
    return options


def error_form(error: larkmsg.LarkError) -> dict[str, Any]:
    """The fields a case compares, read through the exception's attributes."""
    retry_after = error.retry_after
    return {
        "kind": error.kind,
        "code": error.code,
        "http_status": error.http_status,
        "maybe_sent": error.maybe_sent,
        "retry_after_ms": None if retry_after is None else round(retry_after * 1000),
        "violations": [{"path": v.path, "rule": v.rule} for v in error.violations],
    }


def check(case: dict[str, Any], fake: FakeServer, outcome: Any) -> None:
    expect = case["expect"]
    if "ok" in expect:
        assert not isinstance(outcome, BaseException), f"expected ok, got {outcome}"
        assert isinstance(outcome, larkmsg.Result)
        assert subset(expect["ok"], outcome.to_dict()), f"expected subset {expect['ok']}, got {outcome!r}"
    else:
        assert isinstance(outcome, larkmsg.LarkError), f"expected an error, got {outcome!r}"
        want = expect["error"]
        got = error_form(outcome)
        assert type(outcome) is larkmsg.LarkError._by_kind[got["kind"]]
        for key, value in want.items():
            if key == "violations":
                pairs = sorted((v["path"], v["rule"]) for v in value)
                assert pairs == sorted((v["path"], v["rule"]) for v in got["violations"]), str(outcome)
            else:
                assert subset(value, got[key]), f"{key}: expected {value}, got {got[key]} ({outcome})"
    counters = fake.counters()
    if "expect_requests" in case:
        endpoint = case["call"]
        assert counters["requests"].get(endpoint, 0) == case["expect_requests"]
    if "expect_token_requests" in case:
        assert sum(counters["token_requests"].values()) == case["expect_token_requests"]
    for key, want in case.get("expect_inbox", {}).items():
        assert len(fake.inbox()[key]) == want, f"inbox {key}"
    if "expect_card" in case:
        card = fake.card(case["expect_card"]["card_id"])
        assert subset(case["expect_card"], card), f"card: expected subset {case['expect_card']}, got {card}"


def load(path: Path) -> dict[str, Any]:
    case: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    if "skip" in case:
        pytest.skip(str(case["skip"]))
    return expand(case)


def before(fake: FakeServer, action: dict[str, Any], warm_up: Any) -> None:
    if "fault" in action:
        fake.control("POST", "faults", action["fault"])
    elif "control" in action:
        control = action["control"]
        fake.control(control["method"], control["name"], control.get("body"))
    elif "card" in action:
        fake.control("POST", "cards", action["card"])
    elif action.get("revoke_tokens") is True:
        fake.revoke_tokens()
    elif action.get("warm_up") is True:
        warm_up()
        fake.reset()
    else:
        raise AssertionError(f"unknown before action {action}")


def ids(path: Path) -> str:
    return str(path.relative_to(CASES))


def test_the_suite_is_there() -> None:
    assert len(FILES) >= 50


@pytest.mark.parametrize("path", FILES, ids=ids)
def test_case_sync(path: Path) -> None:
    case = load(path)
    with FakeServer() as fake:
        options = client_options(fake, case.get("client", {}))
        with larkmsg.Client(larkmsg.testing.DEFAULT_APP_ID, larkmsg.testing.DEFAULT_APP_SECRET, **options) as client:
            for action in case.get("before", []):
                before(fake, action, lambda: client.send_text("open_id", "ou_warm_up", "warm up"))
            try:
                outcome: Any = client.call(case["call"], with_bytes(case["input"]))
            except larkmsg.LarkError as error:
                outcome = error
            check(case, fake, outcome)


@pytest.mark.parametrize("path", FILES, ids=ids)
def test_case_async(path: Path) -> None:
    case = load(path)

    async def run(fake: FakeServer) -> Any:
        options = client_options(fake, case.get("client", {}))
        async with larkmsg.AsyncClient(
            larkmsg.testing.DEFAULT_APP_ID, larkmsg.testing.DEFAULT_APP_SECRET, **options
        ) as client:
            for action in case.get("before", []):
                if action.get("warm_up") is True:
                    await client.send_text("open_id", "ou_warm_up", "warm up")
                    fake.reset()
                else:
                    before(fake, action, None)
            try:
                return await client.call(case["call"], with_bytes(case["input"]))
            except larkmsg.LarkError as error:
                return error

    with FakeServer() as fake:
        check(case, fake, asyncio.run(run(fake)))
