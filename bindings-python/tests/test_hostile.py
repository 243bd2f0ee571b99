"""Misuse and hostile conditions through the Python API: a panic inside the core is an
``InternalError`` (sync and async), input nested 100,000 levels deep or cyclic is a
``ValidationError`` (never a ``RecursionError``), a failed construction leaves no secret in
frame locals, forks during concurrent sends never hang, and the options for answer size,
private CAs and plain-http hosts."""

from __future__ import annotations

import asyncio
import http.server
import json
import os
import signal
import ssl
import threading
import time
import traceback
from pathlib import Path
from typing import Any

import pytest

import larkmsg
from larkmsg import _native, content
from larkmsg.testing import FakeServer

SECRET = "py-hostile-secret-7e21"
TICKET = "py-hostile-ticket-90ab"
TLS_DIR = Path(__file__).resolve().parents[2] / "core" / "tests" / "tls"


def deep(levels: int) -> dict[str, Any]:
    value: dict[str, Any] = {"leaf": True}
    for _ in range(levels):
        value = {"elements": [value]}
    return value


def panicking(cls: type[larkmsg.Client] | type[larkmsg.AsyncClient]) -> Any:
    """A client whose every call panics inside the core (a test-only option)."""
    client = cls(tenant_access_token="t-1", base_url="http://127.0.0.1:1")
    options = {"base_url": "http://127.0.0.1:1", "_panic_in_calls_for_tests": True}
    client._native = _native.NativeClient(json.dumps(options), json.dumps({"tenant_access_token": "t-1"}))
    return client


def test_a_panic_in_a_sync_call_is_an_internal_error() -> None:
    with pytest.raises(larkmsg.InternalError) as caught:
        panicking(larkmsg.Client).send_text("open_id", "ou_1", "hi")
    assert caught.value.kind == "internal" and "panic" in str(caught.value)


def test_a_panic_in_an_async_call_resolves_the_awaitable() -> None:
    async def main() -> None:
        client = panicking(larkmsg.AsyncClient)
        with pytest.raises(larkmsg.InternalError):
            await asyncio.wait_for(client.send_text("open_id", "ou_1", "hi"), timeout=10)

    asyncio.run(main())


def test_input_nested_too_deep_or_cyclic_is_a_validation_error(lark_fake: FakeServer) -> None:
    card = deep(100_000)
    cyclic: dict[str, Any] = {"tag": "markdown"}
    cyclic["self"] = cyclic
    with lark_fake.client() as client:
        for call in (
            lambda: client.batch_send(msg_type="interactive", card=card, open_ids=["ou_1"]),
            lambda: client.batch_send({"msg_type": "interactive", "card": cyclic, "open_ids": ["ou_1"]}),
            lambda: client.create_card_entity(card),
            lambda: content.card(card),
            lambda: larkmsg.Client("cli_1", "s", timeouts=card),  # type: ignore[arg-type]
        ):
            with pytest.raises(larkmsg.ValidationError) as caught:
                call()
            assert caught.value.violations[0].rule == "depth", caught.value
    assert lark_fake.inbox()["batches"] == []

    async def main() -> None:
        async with lark_fake.async_client() as client:
            with pytest.raises(larkmsg.ValidationError) as caught:
                await client.batch_send(msg_type="interactive", card=card, open_ids=["ou_1"])
            assert caught.value.violations[0].path == "card"

    asyncio.run(main())


def test_a_failed_construction_keeps_no_secret_in_frame_locals() -> None:
    makers = (
        lambda: larkmsg.Client("cli_1", SECRET, domain="nowhere"),
        lambda: larkmsg.Client.store_app("cli_1", SECRET, "tenant", app_ticket=TICKET, domain="nowhere"),
        lambda: larkmsg.AsyncClient(tenant_access_token=SECRET, base_url="http://gateway.invalid"),
    )
    for make in makers:
        with pytest.raises(larkmsg.ConfigError) as caught:
            make()
        shown = "".join(traceback.TracebackException.from_exception(caught.value, capture_locals=True).format())
        assert "Secret(***)" in shown
        assert SECRET not in shown and TICKET not in shown, shown


def test_a_secret_in_the_wrong_option_is_not_echoed() -> None:
    for options in ({"domain": SECRET}, {"base_url": SECRET}, {"quotas": SECRET}, {"timeouts": {"connect_ms": SECRET}}):
        with pytest.raises(larkmsg.LarkError) as caught:
            larkmsg.Client("cli_1", "s", **options)  # type: ignore[arg-type]
        assert SECRET not in f"{caught.value} {caught.value!r} {caught.value.to_dict()}"


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs os.fork")
def test_forks_during_concurrent_sends_never_hang(lark_fake: FakeServer) -> None:
    client = lark_fake.client()
    stop = threading.Event()
    sent = [0]

    def sender(index: int) -> None:
        while not stop.is_set():
            client.send_text("open_id", f"ou_{index}", "from the parent")
            sent[0] += 1

    senders = [threading.Thread(target=sender, args=(i,)) for i in range(4)]
    for thread in senders:
        thread.start()
    try:
        for fork in range(100):
            pid = os.fork()
            if pid == 0:
                code = 1
                try:
                    client.send_text("open_id", "ou_child", "from a child")
                    code = 0
                finally:
                    os._exit(code)
            deadline = time.monotonic() + 20
            while True:
                done, status = os.waitpid(pid, os.WNOHANG)
                if done:
                    break
                if time.monotonic() > deadline:
                    os.kill(pid, signal.SIGKILL)
                    os.waitpid(pid, 0)
                    pytest.fail(f"fork {fork}: the child hung")
                time.sleep(0.002)
            assert os.waitstatus_to_exitcode(status) == 0, f"fork {fork}: the child failed"
    finally:
        stop.set()
        for thread in senders:
            thread.join()
    children = [m for m in lark_fake.inbox()["messages"] if m["receive_id"] == "ou_child"]
    assert len(children) == 100
    assert sent[0] > 0


def test_an_answer_larger_than_max_response_bytes_is_a_decode_error(lark_fake: FakeServer) -> None:
    with lark_fake.client(max_response_bytes=100) as small, pytest.raises(larkmsg.DecodeError) as caught:
        small.send_text("open_id", "ou_1", "hi")
    assert "max_response_bytes" in str(caught.value)


def test_plain_http_needs_the_host_named() -> None:
    with pytest.raises(larkmsg.ConfigError):
        larkmsg.Client("cli_1", "s", base_url="http://gateway.invalid")
    larkmsg.Client("cli_1", "s", base_url="http://gateway.invalid", insecure_http_hosts=["gateway.invalid"]).close()


class _Platform(http.server.BaseHTTPRequestHandler):
    """Answers like the platform: a token on the auth endpoints, a message elsewhere."""

    def do_POST(self) -> None:  # noqa: N802 - the name http.server calls
        self.rfile.read(int(self.headers.get("content-length", 0)))
        if self.path.startswith("/open-apis/auth/"):
            body: dict[str, Any] = {"code": 0, "msg": "ok", "tenant_access_token": "t-tls", "expire": 7200}
        else:
            sender = {"id": "cli_1", "id_type": "app_id", "sender_type": "app"}
            message = {"message_id": "om_tls", "msg_type": "text", "create_time": "1", "update_time": "1"}
            body = {"code": 0, "msg": "ok", "data": {**message, "chat_id": "oc_1", "sender": sender, "body": {"content": "{}"}}}
        data = json.dumps(body).encode()
        self.send_response(200)
        self.send_header("content-type", "application/json")
        self.send_header("content-length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - the signature of the base class
        pass


def test_a_private_ca_is_trusted_through_root_certificates() -> None:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Platform)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(TLS_DIR / "server.pem", TLS_DIR / "server.key")
    server.socket = context.wrap_socket(server.socket, server_side=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    base_url = f"https://127.0.0.1:{server.server_address[1]}"
    try:
        with larkmsg.Client("cli_1", "s", base_url=base_url) as untrusted, pytest.raises(larkmsg.TlsError):
            untrusted.send_text("open_id", "ou_1", "hi")
        pem = (TLS_DIR / "ca.pem").read_bytes()
        with larkmsg.Client("cli_1", "s", base_url=base_url, root_certificates_pem=pem) as client:
            assert client.send_text("open_id", "ou_1", "hi").message_id == "om_tls"
        with larkmsg.Client("cli_1", "s", base_url=base_url, root_certificates_file=TLS_DIR / "ca.pem") as client:
            assert client.send_text("open_id", "ou_1", "hi").message_id == "om_tls"
        with pytest.raises(larkmsg.ConfigError):
            larkmsg.Client("cli_1", "s", base_url=base_url, root_certificates_pem="not a certificate")
    finally:
        server.shutdown()
        server.server_close()
