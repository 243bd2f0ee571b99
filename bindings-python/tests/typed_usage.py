"""A typed use of the public API, checked by ``mypy --strict`` in the tests."""

from __future__ import annotations

import asyncio

import larkmsg
from larkmsg import content
from larkmsg.card import Card, Column, Markdown, PlatformValues, StreamingConfig
from larkmsg.testing import FakeServer
from larkmsg.types import CreateAppFeedCardRequest, SendMessageRequest


def send_all(client: larkmsg.Client) -> list[str]:
    request: SendMessageRequest = {
        "receive_id_type": "open_id",
        "receive_id": "ou_1",
        "msg_type": "text",
        "content": '{"text":"hi"}',
    }
    first: larkmsg.Message = client.send_message(request)
    second = client.send_text("open_id", "ou_1", "hello", uuid="u-1")
    third = client.send("chat_id", "oc_1", larkmsg.TextBuilder().at_all().text(" hi").build())
    card = client.create_card_entity({"schema": "2.0", "body": {"elements": [{"tag": "markdown", "content": "hi"}]}})
    feed: CreateAppFeedCardRequest = {
        "user_id_type": "open_id",
        "app_feed_card": {"title": "t", "link": {"link": "https://www.feishu.cn/"}},
        "user_ids": ["ou_1"],
    }
    created: larkmsg.CreateAppFeedCardResult = client.create_app_feed_card(feed)
    failed: list[larkmsg.FailedCard] = created.failed_cards
    batch = client.batch_send(msg_type="text", content={"text": "x"}, open_ids=["ou_1"])
    tenant: str | None = first.sender.tenant_key if first.sender else None
    return [first.message_id, second.message_id, third.message_id, card.card_id, batch.message_id, str(len(failed)), str(tenant)]


def send_card(client: larkmsg.Client) -> str:
    pace = StreamingConfig(print_frequency_ms=50, print_step=PlatformValues(2, pc=4), print_strategy="fast")
    card = (
        larkmsg.Card()
        .header("Deploy", subtitle="prod", template="green")
        .config(streaming_mode=True, summary="…", streaming_config=pace, width_mode="fill")
        .markdown("", element_id="answer")
        .button("Stop", type="danger", value={"action": "stop"})
        .column_set(Column([Markdown("left")]), Column([Markdown("right")], width="auto"))
    )
    assert isinstance(card, Card)
    body: dict[str, object] = card.to_dict()
    sent = client.send("open_id", "ou_1", content.card(card))
    entity = client.create_card(type="card_json", data=card.to_json())
    return f"{sent.message_id} {entity.card_id} {len(body)}"


async def send_async(client: larkmsg.AsyncClient) -> str:
    message = await client.send(receive_id_type="open_id", receive_id="ou_1", content=content.image("img_1"))
    return message.message_id


async def stream_answer(client: larkmsg.AsyncClient, tokens: list[str]) -> int:
    pace = StreamingConfig(print_frequency_ms=50, print_step=2, print_strategy="fast")
    card = larkmsg.Card().header("Assistant")
    async with client.stream_card("open_id", "ou_1", card=card, streaming_config=pace, text="…") as stream:
        for piece in tokens:
            await stream.append(piece)
    summary: larkmsg.CardStreamSummary = await stream.finish()
    other: larkmsg.AsyncCardStream = await client.stream_card(reply_to=summary.message_id, rate_share=0.5)
    await other.finish("done", summary="done")
    return summary.sequence


def stream_sync(client: larkmsg.Client) -> str:
    with client.stream_card("chat_id", "oc_1", summary="answer") as stream:
        stream.append("hi")
    return stream.card_id


def handle(error: larkmsg.LarkError) -> str:
    if isinstance(error, larkmsg.ValidationError):
        return ", ".join(f"{v.path}: {v.rule}" for v in error.violations)
    if isinstance(error, larkmsg.RateLimitedError):
        return f"wait {error.retry_after or 0.0:.1f}s"
    if isinstance(error, larkmsg.ApiError):
        return f"{error.code} {error.msg} {error.log_id} {error.http_status} {error.troubleshooter}"
    return str(error)


def main() -> None:
    with FakeServer() as fake:
        with fake.client(timeouts={"request_ms": 1000}, retry={"max_attempts": 2}) as client:
            try:
                print(send_all(client))
                print(send_card(client))
                print(stream_sync(client))
            except larkmsg.LarkError as error:
                print(handle(error))
        with larkmsg.Client("cli_x", "secret", base_url=fake.url, quotas=False) as other:
            print(repr(other))

        async def run() -> None:
            async with fake.async_client() as client:
                print(await send_async(client))
                print(await stream_answer(client, ["a", "b"]))

        asyncio.run(run())


if __name__ == "__main__":
    main()
