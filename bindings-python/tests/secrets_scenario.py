"""The child process of test_secrets.py: logging at its most verbose, then successes and
every error kind through the sync and async clients, printing every form of every outcome.

Usage: python secrets_scenario.py BASE_URL APP_TICKET stderr|logging
(where the core's lines go: written to stderr, or handed to the stdlib logger ``larkmsg``)
"""

from __future__ import annotations

import asyncio
import json
import logging
import pickle
import sys
import traceback
from typing import Any

import larkmsg

APP_ID = "cli_secrets_py"
APP_SECRET = "SeCrEt-py-2c8e51f7"
STORE_ID = "cli_secrets_py_store"
STORE_SECRET = "StOrE-SeCrEt-py-64b0d9"
BAD_TICKET = "BaD-TiCkEt-py-1f93ac"

QUICK: dict[str, Any] = {
    "quotas": False,
    "retry": {"max_attempts": 1, "max_throttle_wait_ms": 0},
    "timeouts": {"request_ms": 500},
}
TEXT = json.dumps({"text": "hi"})


def show(label: str, value: object) -> None:
    print(f"{label} str={value!s}")
    print(f"{label} repr={value!r}")
    if isinstance(value, larkmsg.LarkError):
        print(f"{label} kind={value.kind} log_id={value.log_id} dict={value.to_dict()}")
        print(f"{label} json={json.dumps(value.to_dict(), ensure_ascii=False)}")
        print(f"{label} pickled={pickle.loads(pickle.dumps(value))!r}")
        print("".join(traceback.format_exception(type(value), value, value.__traceback__)))
    elif isinstance(value, larkmsg.Result):
        print(f"{label} dict={value.to_dict()}")


def attempt(label: str, run: Any) -> None:
    try:
        show(label, run())
    except larkmsg.LarkError as error:
        show(label, error)


async def attempt_async(label: str, run: Any) -> None:
    try:
        show(label, await run())
    except larkmsg.LarkError as error:
        show(label, error)


def fault(fake: Any, kind: str) -> None:
    fake("POST", "faults", {"kind": kind, "endpoint": "send_message", "delay_ms": 1500})


def main(url: str, ticket: str, to: str) -> None:
    logging.basicConfig(level=1, stream=sys.stderr)
    larkmsg.enable_logging(
        "trace,hyper=trace,hyper_util=trace,h2=trace,reqwest=trace,rustls=trace",
        to="logging" if to == "logging" else "stderr",
    )

    from urllib.request import Request, urlopen

    def fake(method: str, name: str, body: Any = None) -> Any:
        data = None if body is None else json.dumps(body).encode()
        request = Request(f"{url}/_fake/{name}", data=data, method=method)
        request.add_header("Content-Type", "application/json")
        with urlopen(request) as answer:
            return json.loads(answer.read())

    with larkmsg.Client(APP_ID, APP_SECRET, base_url=url, **QUICK) as client:
        show("client", client)
        attempt("ok", lambda: client.send_text("open_id", "ou_1", "hi"))
        attempt("invalid", lambda: client.send_message(receive_id_type="open_id", receive_id="ou_1",
                                                       msg_type="text", content="{}"))
        attempt("api", lambda: client.send_text("open_id", "ou_unknown_1", "hi"))
        for kind in ["permission_denied", "rate_limit", "malformed", "drop_before_read", "status_5xx", "slow"]:
            fault(fake, kind)
            attempt(kind, lambda: client.send_text("open_id", "ou_1", "hi"))

        token = fake("GET", "tokens")["issued"][0]
        with larkmsg.Client(tenant_access_token=token, base_url=url, **QUICK) as token_client:
            show("token client", token_client)
            attempt("token ok", lambda: token_client.send_text("open_id", "ou_1", "hi"))
            fault(fake, "revoke_tokens")
            attempt("token revoked", lambda: token_client.send_text("open_id", "ou_1", "hi"))
        attempt("after revocation", lambda: client.send_text("open_id", "ou_1", "hi"))
        attempt("ticket for a self-built app", lambda: client.set_app_ticket(BAD_TICKET))

    async def run_async() -> None:
        async with larkmsg.AsyncClient(APP_ID, APP_SECRET, base_url=url, **QUICK) as client:
            show("async client", client)
            await attempt_async("async ok", lambda: client.send_text("open_id", "ou_1", "hi"))
            await attempt_async("async invalid", lambda: client.send_message(
                receive_id_type="open_id", receive_id="ou_1", msg_type="text", content="{}"))
            for kind in ["permission_denied", "malformed", "slow"]:
                fault(fake, kind)
                await attempt_async(f"async {kind}", lambda: client.send_text("open_id", "ou_1", "hi"))
        store = larkmsg.AsyncClient.store_app(STORE_ID, STORE_SECRET, "fake_tenant", app_ticket=ticket,
                                              base_url=url, **QUICK)
        show("store client", store)
        await attempt_async("store ok", lambda: store.send_text("open_id", "ou_1", "hi"))
        wrong = larkmsg.AsyncClient.store_app(STORE_ID, STORE_SECRET, "fake_tenant", app_ticket=BAD_TICKET,
                                              base_url=url, **QUICK)
        await attempt_async("store wrong ticket", lambda: wrong.send_text("open_id", "ou_1", "hi"))

    asyncio.run(run_async())
    attempt("empty app id", lambda: larkmsg.Client("", APP_SECRET, base_url=url))
    attempt("unknown domain", lambda: larkmsg.Client(APP_ID, APP_SECRET, domain="mars"))
    closed = larkmsg.Client(APP_ID, APP_SECRET, base_url=url)
    closed.close()
    show("closed client", closed)
    attempt("closed client call", lambda: closed.send_text("open_id", "ou_1", "hi"))
    attempt("bad directive", lambda: larkmsg.enable_logging("larkmsg=loud"))


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], sys.argv[3])
