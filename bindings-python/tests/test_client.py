"""The Python API around the core: threads, asyncio, fork, errors, values, the fake helper."""

from __future__ import annotations

import asyncio
import gc
import json
import os
import pickle
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest

import larkmsg
from larkmsg import content
from larkmsg.testing import DEFAULT_APP_ID, FakeControlError, FakeServer


def test_send_text_returns_a_typed_result(lark_fake: FakeServer, lark_client: larkmsg.Client) -> None:
    message = lark_client.send_text("open_id", "ou_1", "hello")
    assert isinstance(message, larkmsg.Message)
    assert message.message_id.startswith("om_")
    assert message.sender.id == DEFAULT_APP_ID
    assert json.loads(message.body.content) == {"text": "hello"}
    assert message.root_id is None
    assert message.to_dict()["message_id"] == message.message_id
    assert pickle.loads(pickle.dumps(message)) == message
    with pytest.raises(AttributeError):
        message.no_such_field  # noqa: B018
    (sent,) = lark_fake.inbox()["messages"]
    assert sent["receive_id"] == "ou_1" and sent["uuid"]


def test_requests_as_dicts_or_keywords(lark_fake: FakeServer, lark_client: larkmsg.Client) -> None:
    request: larkmsg.types.SendMessageRequest = {
        "receive_id_type": "chat_id",
        "receive_id": "oc_1",
        "msg_type": "text",
        "content": '{"text":"a"}',
    }
    first = lark_client.send_message(request, uuid="u-1")
    again = lark_client.send_message(**request, uuid="u-1")
    assert first.message_id == again.message_id
    assert len(lark_fake.inbox()["messages"]) == 1


def test_every_call_and_content_convenience(lark_fake: FakeServer, lark_client: larkmsg.Client) -> None:
    text = larkmsg.TextBuilder().at_user("ou_1", "Tom").text(" hi ").link("docs", "https://open.feishu.cn").build()
    assert json.loads(text.content)["text"] == '<at user_id="ou_1">Tom</at> hi [docs](https://open.feishu.cn)'
    post = content.post({"zh_cn": {"title": "t", "content": [[{"tag": "text", "text": "x"}]]}})
    # The fake accepts keys its app uploaded: these count as uploaded.
    lark_fake.control("POST", "resources", {"image_key": "img_1"})
    lark_fake.control("POST", "resources", {"file_key": "file_1"})
    for item in (text, post, content.image("img_1"), content.share_chat("oc_1"), content.file("file_1")):
        assert lark_client.send("open_id", "ou_1", item).msg_type == item.msg_type
    card = {"schema": "2.0", "body": {"elements": [{"tag": "markdown", "content": "**hi**"}]}}
    card_id = lark_client.create_card_entity(card).card_id
    assert lark_client.send("open_id", "ou_1", content.card_entity(card_id)).msg_type == "interactive"
    batch = lark_client.batch_send(msg_type="text", content={"text": "all"}, open_ids=["ou_1", "ou_2"])
    assert batch.message_id and batch.invalid_open_ids == []
    feed = lark_client.create_app_feed_card(
        user_id_type="open_id",
        app_feed_card={"title": "标题", "link": {"link": "https://www.feishu.cn/"}},
        user_ids=["ou_1"],
    )
    assert feed.biz_id and feed.failed_cards == []
    inbox = lark_fake.inbox()
    assert [len(inbox[k]) for k in ("messages", "batches", "cards", "feed_cards")] == [6, 1, 1, 1]


def test_content_is_checked_by_the_core() -> None:
    with pytest.raises(larkmsg.ValidationError) as caught:
        content.image("")
    assert caught.value.violations[0].path.startswith("content")
    with pytest.raises(larkmsg.ValidationError):
        content.post({})


def test_validation_error_lists_every_violation(lark_fake: FakeServer, lark_client: larkmsg.Client) -> None:
    with pytest.raises(larkmsg.ValidationError) as caught:
        lark_client.create_app_feed_card(
            user_id_type="open_id", app_feed_card={"title": "标" * 61}, user_ids=[]
        )
    error = caught.value
    assert isinstance(error, ValueError) and error.kind == "invalid_argument"
    paths = {v.path for v in error.violations}
    assert "app_feed_card.title" in paths and len(paths) >= 2
    assert "app_feed_card.title" in str(error)
    assert lark_fake.requests("create_app_feed_card") == 0
    copy = pickle.loads(pickle.dumps(error))
    assert type(copy) is larkmsg.ValidationError and copy.violations == error.violations and str(copy) == str(error)


def test_api_errors_carry_code_status_and_log_id(lark_fake: FakeServer) -> None:
    with lark_fake.client(retry={"max_attempts": 1}) as client:
        lark_fake.inject_fault("status_5xx", endpoint="send_message")
        with pytest.raises(larkmsg.ApiError) as caught:
            client.send_text("open_id", "ou_1", "x")
        error = caught.value
        assert error.http_status and error.http_status >= 500 and error.code
        assert error.log_id and error.log_id in str(error)
        assert repr(error).startswith("ApiError(")
        lark_fake.inject_fault("rate_limit", endpoint="send_message")
        with pytest.raises(larkmsg.RateLimitedError) as throttled:
            client.send_text("open_id", "ou_1", "x")
        assert isinstance(throttled.value, larkmsg.ApiError) and throttled.value.retry_after is not None
        lark_fake.inject_fault("permission_denied", endpoint="send_message")
        with pytest.raises(larkmsg.PermissionDeniedError) as denied:
            client.send_text("open_id", "ou_1", "x")
        assert denied.value.permission_violations
        again = pickle.loads(pickle.dumps(denied.value))
        assert again.code == denied.value.code and again.log_id == denied.value.log_id


def test_a_lost_answer_is_resent_once_with_its_uuid(lark_fake: FakeServer) -> None:
    with lark_fake.client(retry={"max_attempts": 1}) as client:
        lark_fake.inject_fault("drop_after_read", endpoint="send_message")
        with pytest.raises(larkmsg.NetworkError) as caught:
            client.send_text("open_id", "ou_1", "once")
        error = caught.value
        assert error.maybe_sent and error.uuid
        assert error.resend_request and error.resend_request["call"] == "send_message"
        message = client.resend(error)
        assert isinstance(message, larkmsg.Message) and message.uuid == error.uuid
        (sent,) = lark_fake.inbox()["messages"]
        assert sent["uuid"] == error.uuid and sent["message_id"] == message.message_id
        with pytest.raises(larkmsg.InvalidArgumentError):
            client.resend(larkmsg.InvalidArgumentError("no resend"))


def test_async_resend_and_unmodeled_fields(lark_fake: FakeServer) -> None:
    async def main() -> None:
        async with lark_fake.async_client(retry={"max_attempts": 1}) as client:
            lark_fake.inject_fault("drop_after_read", endpoint="send_message")
            with pytest.raises(larkmsg.NetworkError) as caught:
                await client.send_text("open_id", "ou_1", "once")
            message = await client.resend(caught.value)
            assert message.uuid == caught.value.uuid
            batch = await client.batch_send(
                msg_type="text", content={"text": "x"}, open_ids=["ou_1"], extra_fields={"update_multi": False}
            )
            assert batch.message_id

    asyncio.run(main())
    inbox = lark_fake.inbox()
    assert len(inbox["messages"]) == 1 and inbox["batches"][0]["update_multi"] is False


def test_auth_timeout_and_network_errors(lark_fake: FakeServer) -> None:
    with larkmsg.Client("cli_unknown", "top-secret-value", base_url=lark_fake.url, quotas=False) as client:
        with pytest.raises(larkmsg.AuthError) as caught:
            client.send_text("open_id", "ou_1", "x")
        assert "top-secret-value" not in str(caught.value) and "top-secret-value" not in repr(client)
    with lark_fake.client(retry={"max_attempts": 1}, timeouts={"request_ms": 200}) as client:
        lark_fake.inject_fault("slow", endpoint="send_message", delay_ms=2000)
        with pytest.raises(larkmsg.TimeoutError):
            client.send_text("open_id", "ou_1", "x")
    with larkmsg.Client("a", "b", base_url="http://127.0.0.1:9", retry={"max_attempts": 1}) as client:
        with pytest.raises(larkmsg.NetworkError):
            client.send_text("open_id", "ou_1", "x")


def test_config_errors_and_closed_clients() -> None:
    with pytest.raises(larkmsg.ConfigError):
        larkmsg.Client("cli_only_id")
    with pytest.raises(larkmsg.ConfigError):
        larkmsg.Client("a", "b", domain="moon")
    with pytest.raises(larkmsg.ValidationError):
        larkmsg.Client("a", "b", retry={"attempts": 1})  # type: ignore[typeddict-unknown-key]
    client = larkmsg.Client("a", "b", domain="lark")
    client.close()
    assert client.closed and "closed" in repr(client)
    with pytest.raises(larkmsg.ConfigError):
        client.send_text("open_id", "ou_1", "x")


def test_store_app_with_ticket(lark_fake: FakeServer) -> None:
    from larkmsg.testing import FAKE_TENANT_KEY, STORE_APP_ID, STORE_APP_SECRET

    client = larkmsg.Client.store_app(STORE_APP_ID, STORE_APP_SECRET, FAKE_TENANT_KEY, base_url=lark_fake.url)
    with client:
        with pytest.raises(larkmsg.LarkError):
            client.send_text("open_id", "ou_1", "no ticket yet")
        client.set_app_ticket(lark_fake.app_ticket())
        assert client.send_text("open_id", "ou_1", "x").sender.tenant_key == FAKE_TENANT_KEY


def test_one_client_shared_by_threads(lark_fake: FakeServer, lark_client: larkmsg.Client) -> None:
    with ThreadPoolExecutor(8) as pool:
        ids = list(pool.map(lambda i: lark_client.send_text("open_id", f"ou_{i}", "x").message_id, range(40)))
    assert len(set(ids)) == 40
    assert lark_fake.token_requests() == 1


def test_the_gil_is_released_while_waiting(lark_fake: FakeServer, lark_client: larkmsg.Client) -> None:
    lark_fake.set_latency(300)
    ticks = 0
    done = threading.Event()

    def spin() -> None:
        nonlocal ticks
        while not done.is_set():
            ticks += 1
            time.sleep(0.005)

    spinner = threading.Thread(target=spin)
    spinner.start()
    try:
        lark_client.send_text("open_id", "ou_1", "x")
    finally:
        done.set()
        spinner.join()
    assert ticks >= 20


def test_asyncio_concurrency(lark_fake: FakeServer) -> None:
    lark_fake.set_latency(200)

    async def main() -> list[str]:
        async with lark_fake.async_client() as client:
            started = time.perf_counter()
            messages = await asyncio.gather(*(client.send_text("open_id", f"ou_{i}", "x") for i in range(20)))
            assert time.perf_counter() - started < 2.0
            return [m.message_id for m in messages]

    assert len(set(asyncio.run(main()))) == 20


def test_async_errors_and_cancellation(lark_fake: FakeServer) -> None:
    async def main() -> None:
        async with lark_fake.async_client() as client:
            with pytest.raises(larkmsg.ValidationError):
                await client.send_message(receive_id_type="open_id", receive_id="", msg_type="text", content="{}")
            lark_fake.set_latency(2000)
            task = asyncio.ensure_future(client.send_text("open_id", "ou_1", "x"))
            await asyncio.sleep(0.05)
            task.cancel()
            with pytest.raises(asyncio.CancelledError):
                await task
            lark_fake.set_latency(0)
            assert (await client.send_text("open_id", "ou_2", "y")).message_id

    asyncio.run(main())


def test_a_cancelled_call_stops_in_the_core(lark_fake: FakeServer) -> None:
    async def main() -> tuple[int, int]:
        async with lark_fake.async_client() as client:
            lark_fake.set_latency(100)
            campaign = asyncio.ensure_future(
                client.send_campaign(
                    campaign_id="cancelled",
                    receive_id_type="open_id",
                    receive_ids=[f"ou_{n}" for n in range(400)],
                    msg_type="text",
                    content='{"text":"stop me"}',
                )
            )
            await asyncio.sleep(0.3)
            campaign.cancel()
            with pytest.raises(asyncio.CancelledError):
                await campaign
            # Sends already at the fake may still land; no new one starts.
            await asyncio.sleep(0.5)
            settled = len(lark_fake.inbox()["messages"])
            await asyncio.sleep(0.8)
            return settled, len(lark_fake.inbox()["messages"])

    settled, later = asyncio.run(main())
    assert 0 < settled < 400 and later == settled, (settled, later)


def test_a_sync_call_inside_a_loop_still_works(lark_client: larkmsg.Client) -> None:
    async def main() -> str:
        return lark_client.send_text("open_id", "ou_1", "x").message_id

    assert asyncio.run(main()).startswith("om_")


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs os.fork")
def test_a_client_keeps_working_after_fork(lark_fake: FakeServer, lark_client: larkmsg.Client) -> None:
    lark_client.send_text("open_id", "ou_parent", "before fork")
    pid = os.fork()
    if pid == 0:  # the child: exit code 0 on success, never return into pytest
        code = 1
        try:
            message = lark_client.send_text("open_id", "ou_child", "from the child")
            code = 0 if message.message_id.startswith("om_") else 2
        finally:
            os._exit(code)
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            break
        time.sleep(0.05)
    else:
        os.kill(pid, 9)
        pytest.fail("the child hung after fork")
    assert os.waitstatus_to_exitcode(status) == 0
    assert lark_client.send_text("open_id", "ou_parent", "after fork").message_id
    assert len(lark_fake.inbox()["messages"]) == 3


def test_fake_controls(lark_fake: FakeServer, lark_client: larkmsg.Client) -> None:
    lark_client.send_text("open_id", "ou_1", "x")
    assert lark_fake.requests("send_message") == 1
    lark_fake.clear_inbox()
    assert lark_fake.inbox()["messages"] == []
    lark_fake.revoke_tokens()
    lark_client.send_text("open_id", "ou_1", "x")
    assert lark_fake.token_requests() == 2
    lark_fake.reset()
    assert lark_fake.counters()["requests"] == {}
    with pytest.raises(FakeControlError):
        lark_fake.control("POST", "no_such_control")
    assert "127.0.0.1" in repr(lark_fake)


def test_values_without_a_json_form_are_refused_naming_the_field(
    lark_fake: FakeServer, lark_client: larkmsg.Client
) -> None:
    base = {"receive_id_type": "open_id", "receive_id": "ou_1", "msg_type": "text", "content": '{"text": "x"}'}
    for field, value, what in (
        ("uuid", {"a", "b"}, "of type set"),
        ("receive_id", float("nan"), "not a finite number"),
        ("content", object(), "of type object"),
        ("receive_id", 10**400, "too large"),
    ):
        with pytest.raises(TypeError) as caught:
            lark_client.send_message({**base, field: value})  # type: ignore[typeddict-item]
        assert str(caught.value).startswith(f"{field}: ") and what in str(caught.value), caught.value
    with pytest.raises(TypeError, match="keys must be strings"):
        lark_client.call("send_message", {**base, "extra_fields": {(1, 2): "x"}})
    assert lark_fake.inbox()["messages"] == []


def test_request_values_keep_their_json_meaning(lark_fake: FakeServer, lark_client: larkmsg.Client) -> None:
    class Receiver(str):
        pass

    message = lark_client.send_message(
        receive_id_type="open_id",
        receive_id=Receiver("ou_sub"),
        msg_type="text",
        content='{"text": "\u4f60\u597d"}',
        uuid=None,
    )
    (sent,) = lark_fake.inbox()["messages"]
    assert sent["receive_id"] == "ou_sub" and json.loads(message.body.content) == {"text": "你好"}
    assert isinstance(message.to_dict(), dict) and message.to_dict()["message_id"] == message.message_id
    uploaded = lark_client.upload_file(file_type="stream", file=memoryview(b"plain bytes"), file_name="a.bin")
    again = lark_client.upload_file(file_type="stream", file=bytearray(b"plain bytes"), file_name="b.bin")
    assert uploaded.file_key != again.file_key
    assert [f["size"] for f in lark_fake.inbox()["files"]] == [11, 11]


def test_many_async_calls_on_several_loops_all_resolve(lark_fake: FakeServer) -> None:
    async def main(prefix: str) -> list[str]:
        async with lark_fake.async_client() as client:
            sends = [client.send_text("open_id", f"ou_{prefix}_{n % 10}", f"{prefix} {n}") for n in range(150)]
            outcomes = await asyncio.gather(*sends, client.send_text("open_id", "", "no receiver"), return_exceptions=True)
            *messages, refused = outcomes
            assert isinstance(refused, larkmsg.ValidationError), refused
            assert all(isinstance(m, larkmsg.Message) for m in messages), messages[:3]
            return [m.message_id for m in messages]  # type: ignore[union-attr]

    with ThreadPoolExecutor(3) as pool:
        ids = [message_id for batch in pool.map(lambda p: asyncio.run(main(p)), ("a", "b", "c")) for message_id in batch]
    assert len(set(ids)) == 450
    assert len(lark_fake.inbox()["messages"]) == 450


class _RecordingLoop(asyncio.SelectorEventLoop):
    """A selector loop that counts the sockets registered with it."""

    def __init__(self) -> None:
        super().__init__()
        self.readers: list[int] = []

    def add_reader(self, fd: Any, callback: Any, *args: Any) -> None:
        self.readers.append(fd)
        super().add_reader(fd, callback, *args)


class _NoReadersLoop(asyncio.SelectorEventLoop):
    """A loop that cannot watch sockets, as Windows' proactor loop."""

    def add_reader(self, fd: Any, callback: Any, *args: Any) -> None:
        raise NotImplementedError


@pytest.mark.parametrize("loop_class", [_RecordingLoop, _NoReadersLoop])
def test_async_answers_reach_a_loop_with_or_without_socket_watching(
    lark_fake: FakeServer, loop_class: type[asyncio.AbstractEventLoop]
) -> None:
    async def main(client: larkmsg.AsyncClient, round: int) -> list[str]:
        sends = [client.send_text("open_id", f"ou_{n % 5}", f"round {round}, {n}") for n in range(40)]
        return [message.message_id for message in await asyncio.gather(*sends)]

    event_loop = loop_class()
    try:
        client = lark_fake.async_client()
        ids = event_loop.run_until_complete(main(client, 1)) + event_loop.run_until_complete(main(client, 2))
        event_loop.run_until_complete(client.aclose())
    finally:
        event_loop.close()
    assert len(set(ids)) == 80 and len(lark_fake.inbox()["messages"]) == 80
    if isinstance(event_loop, _RecordingLoop):
        # One socket per loop wakes it for every answer, not one per call.
        assert len(event_loop.readers) == 1, event_loop.readers


@pytest.mark.skipif(not os.path.isdir("/proc/self/fd"), reason="counts open files in /proc")
@pytest.mark.parametrize("in_flight_at_close", [False, True])
def test_event_loops_that_come_and_go_leave_no_open_files(lark_fake: FakeServer, in_flight_at_close: bool) -> None:
    client = lark_fake.async_client()

    async def send(n: int) -> None:
        await client.send_text("open_id", "ou_1", f"loop {n}")

    async def leave_one_in_flight(n: int) -> None:
        # asyncio.run cancels it at the end; its answer comes after the loop is closed.
        asyncio.ensure_future(send(n))
        await asyncio.sleep(0.01)

    def open_files() -> int:
        gc.collect()
        return len(os.listdir("/proc/self/fd"))

    asyncio.run(send(0))
    before = open_files()
    if in_flight_at_close:
        lark_fake.set_latency(100)
    for n in range(1, 31):
        asyncio.run(leave_one_in_flight(n) if in_flight_at_close else send(n))
    time.sleep(0.3)  # the late answers arrive
    lark_fake.set_latency(0)
    asyncio.run(send(31))
    after = open_files()
    # The queue of the last loop stays until another loop is seen: 2 sockets.
    assert after - before <= 4, (before, after)
    asyncio.run(client.aclose())


_TEXT_SENDS_THAT_BREAK_A_RULE: list[tuple[Any, Any, Any, Any]] = [
    ("phone", "ou_1", "hi", None),
    ("open_id", "", "hi", None),
    ("open_id", "ou_1", "x" * 160 * 1024, None),
    ("open_id", "ou_1", "hi", "u" * 51),
    ("open_id", "ou_1", 7, None),
    (None, "ou_1", "hi", None),
]


def _failure(send: Any) -> tuple[type[BaseException], str]:
    with pytest.raises(Exception) as caught:
        send()
    return type(caught.value), str(caught.value)


@pytest.mark.parametrize("receive_id_type, receive_id, text, uuid", _TEXT_SENDS_THAT_BREAK_A_RULE)
def test_send_text_breaks_the_rules_of_a_text_send(
    lark_fake: FakeServer, lark_client: larkmsg.Client, receive_id_type: Any, receive_id: Any, text: Any, uuid: Any
) -> None:
    # send_text takes a native call of its own when every argument is a str: it must refuse
    # what the general call refuses, with the same error, and send nothing.
    by_text = _failure(lambda: lark_client.send_text(receive_id_type, receive_id, text, uuid=uuid))
    by_content = _failure(
        lambda: lark_client.send(receive_id_type, receive_id, content.text(text), uuid=uuid)
    )
    assert by_text == by_content
    assert by_text[0] is not AssertionError
    async_client = lark_fake.async_client()

    async def by_async() -> tuple[type[BaseException], str]:
        try:
            await async_client.send_text(receive_id_type, receive_id, text, uuid=uuid)
        except Exception as error:
            return type(error), str(error)
        raise AssertionError("the async send_text was accepted")

    assert asyncio.run(by_async()) == by_text
    assert lark_fake.inbox()["messages"] == []


def test_send_text_sends_what_send_with_text_content_sends(
    lark_fake: FakeServer, lark_client: larkmsg.Client
) -> None:
    by_text = lark_client.send_text("chat_id", "oc_1", "<at user_id=\"all\"></at> 你好", uuid="same-1")
    async_client = lark_fake.async_client()
    by_async = asyncio.run(async_client.send_text("chat_id", "oc_1", "<at user_id=\"all\"></at> 你好", uuid="same-1"))
    by_content = lark_client.send("chat_id", "oc_1", content.text("<at user_id=\"all\"></at> 你好"), uuid="same-1")
    assert by_text == by_async == by_content
    (sent,) = lark_fake.inbox()["messages"]
    assert sent["uuid"] == "same-1" and json.loads(sent["content"]) == {"text": "<at user_id=\"all\"></at> 你好"}
    lark_client.close()
    with pytest.raises(larkmsg.ConfigError):
        lark_client.send_text("chat_id", "oc_1", "closed")
