"""The card stream through the Python API, sync and asyncio, against the fake.

The 2,000-token answer is appended as fast as the loop goes, in 2 s (the core's own test
streams it at 200 tokens per second on a paused clock); what matters here is what the
fake saw: the exact text, no refused operation, never more than 10 operations on the card
in one second, strictly increasing sequences.
"""

from __future__ import annotations

import asyncio
import time
from typing import Any

import pytest

import larkmsg
from larkmsg.testing import FakeServer


def token(n: int) -> str:
    return ["流式", f" word{n}", f" {n}.", "\n"][n % 4]


def codes(card: dict[str, Any]) -> list[int]:
    return [op["code"] for op in card["operations"]]


def accepted_sequences(card: dict[str, Any]) -> list[int]:
    return [op["sequence"] for op in card["operations"] if op["code"] == 0]


def wait_until(what: str, done: Any) -> None:
    deadline = time.monotonic() + 30
    while not done():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.02)


@pytest.fixture
def fake() -> Any:
    with FakeServer(quotas=True) as server:
        yield server


def test_a_2000_token_answer_lands_exactly_within_the_card_rate(fake: FakeServer) -> None:
    async def run() -> tuple[larkmsg.CardStreamSummary, str, str]:
        async with fake.async_client(quotas=True) as client:
            answer = ""
            async with client.stream_card("open_id", "ou_stream", card=larkmsg.Card().header("AI")) as stream:
                started = time.monotonic()
                for n in range(2000):
                    piece = token(n)
                    answer += piece
                    await stream.append(piece)
                    if n % 20 == 19:
                        await asyncio.sleep(max(0.0, started + (n + 1) / 1000 - time.monotonic()))
            return await stream.finish(), answer, stream.card_id

    summary, answer, card_id = asyncio.run(run())
    card = fake.card(card_id)
    assert card["texts"]["answer"] == answer
    assert card["streaming_mode"] is False
    assert card["summary"]
    assert set(codes(card)) == {0}
    assert fake.counters()["throttled"] == {}
    assert card["max_operations_per_second"] <= 10
    sequences = accepted_sequences(card)
    assert sequences == sorted(set(sequences))
    assert summary.sequence == card["sequence"]
    assert summary.text_chars == len(answer)
    assert 2 <= summary.pushes < 2000


def test_the_sync_form_streams_and_finishes_on_exit(fake: FakeServer) -> None:
    with fake.client() as client:
        with client.stream_card("open_id", "ou_sync", text="…", summary="done") as stream:
            for piece in ["Hello", ", ", "world"]:
                stream.append(piece)
        card = fake.card(stream.card_id)
    assert card["texts"]["answer"] == "Hello, world"
    assert card["summary"] == "done"
    assert card["streaming_mode"] is False
    assert fake.inbox()["messages"][0]["card_id"] == stream.card_id


def test_finish_after_the_auto_close_turns_streaming_on_again(fake: FakeServer) -> None:
    with fake.client() as client:
        stream = client.stream_card("open_id", "ou_late")
        stream.append("before")
        wait_until("the first push", lambda: fake.card(stream.card_id)["texts"]["answer"] == "before")
        fake.advance_clock(11 * 60)
        stream.append(" and after")
        summary = stream.finish()
    card = fake.card(stream.card_id)
    assert card["texts"]["answer"] == "before and after"
    assert summary.reopened == 1
    assert 200850 in codes(card)
    assert card["streaming_mode"] is False


def test_a_sequence_moved_by_another_writer_is_overtaken(fake: FakeServer) -> None:
    with fake.client() as client:
        stream = client.stream_card("open_id", "ou_other")
        stream.append("one")
        wait_until("the first push", lambda: fake.card(stream.card_id)["texts"]["answer"] == "one")
        client.update_card_settings(
            card_id=stream.card_id, settings={"config": {"summary": {"content": "x"}}}, sequence=40
        )
        stream.append(" two")
        summary = stream.finish()
    card = fake.card(stream.card_id)
    assert card["texts"]["answer"] == "one two"
    assert summary.sequence_conflicts >= 1 and summary.sequence > 40
    assert 300317 in codes(card)


def test_a_cancelled_task_finishes_the_card_with_the_text_so_far(fake: FakeServer) -> None:
    appended: list[str] = []
    created: list[str] = []

    async def run() -> None:
        async with fake.async_client() as client:

            async def answer() -> None:
                async with client.stream_card("open_id", "ou_cancel") as stream:
                    created.append(stream.card_id)
                    for n in range(10_000):
                        await stream.append(token(n))
                        appended.append(token(n))
                        await asyncio.sleep(0.005)

            task = asyncio.create_task(answer())
            while len(appended) < 50:
                await asyncio.sleep(0.01)
            task.cancel()
            with pytest.raises(asyncio.CancelledError):
                await task

    asyncio.run(run())
    wait_until("the background finish", lambda: fake.card(created[0])["streaming_mode"] is False)
    assert fake.card(created[0])["texts"]["answer"] == "".join(appended)


def test_bad_options_are_refused_before_anything_is_sent(fake: FakeServer) -> None:
    with fake.client() as client:
        with pytest.raises(larkmsg.InvalidArgumentError) as raised:
            client.stream_card("open_id", "ou_1", element_id="1x", rate_share=2)
        assert sorted(v.path for v in raised.value.violations) == ["element_id", "rate_share"]
        with pytest.raises(larkmsg.InvalidArgumentError):
            client.stream_card(reply_to="om_1", card={"elements": [{"button": {"text": "b", "element_id": "answer"}}]})
    assert fake.requests("create_card") == 0
