"""The content and card builders: the shared cases of tests/builders/cases.json byte for
byte, and bad arguments named by their path."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any, Union

import pytest

import larkmsg
from larkmsg import content
from larkmsg.card import (
    Button,
    Card,
    Column,
    ColumnSet,
    Divider,
    Image,
    Markdown,
    PlainText,
    PlatformValues,
    StreamingConfig,
)
from larkmsg.testing import FakeServer

CASES = json.loads(
    (Path(__file__).resolve().parents[2] / "tests" / "builders" / "cases.json").read_text(encoding="utf-8")
)["cases"]

URL = "https://www.feishu.cn/"


def _post() -> content.Content:
    return content.post(
        {
            "zh_cn": {
                "title": "标题",
                "content": [
                    [
                        {"tag": "text", "text": "bold", "style": ["bold"]},
                        {"tag": "a", "text": "link", "href": URL},
                        {"tag": "at", "user_id": "ou_1"},
                    ],
                    [{"tag": "md", "text": "**md**"}],
                ],
            },
            "en_us": {
                "title": "Title",
                "content": [
                    [{"tag": "text", "text": "hello"}, {"tag": "emotion", "emoji_type": "SMILE"}],
                    [{"tag": "code_block", "language": "GO", "text": "fmt.Println()"}],
                    [{"tag": "hr"}],
                ],
            },
        }
    )


def _card() -> content.Content:
    columns = ColumnSet(
        [
            Column([Markdown("left")]),
            Column([Markdown("middle")], weight=2),
            Column([Image("img_v2_2")], width="auto"),
            Column([PlainText("fixed")], width="120px", element_id="fixed_col"),
        ],
        element_id="layout",
    )
    panel = {"tag": "collapsible_panel", "expanded": False, "elements": [{"tag": "markdown", "content": "card JSON as is"}]}
    card = (
        Card()
        .header("Deploy", subtitle="prod", template="blue")
        .config(update_multi=True, summary="deploy done", enable_forward=False, width_mode="fill")
        .markdown("**done** in 3 min", element_id="summary")
        .divider()
        .text("plain")
        .button("Open", type="primary", url=URL)
        .button("Approve", type="primary_filled", value={"action": "approve", "id": 7})
        .button("Both", url=URL, value={"action": "seen"})
        .image("img_v2_1", alt="cover")
        .element(columns)
        .element(panel)
    )
    return content.card(card)


def _streaming_card() -> content.Content:
    pace = StreamingConfig(print_frequency_ms=PlatformValues(70, android=70, ios=70, pc=70), print_step=2, print_strategy="fast")
    card = Card().config(streaming_mode=True, summary="", streaming_config=pace)
    return card.markdown("截至今日，项目完成度已达80%", element_id="markdown_1").to_content()


Built = Union[content.Content, dict[str, Any]]

BUILDERS: dict[str, Callable[[], Built]] = {
    "text": lambda: content.text("hello <b>"),
    "text_parts": lambda: larkmsg.TextBuilder()
    .text("Hi ")
    .at_user("ou_1", "Tom")
    .text(" and ")
    .at_all()
    .newline()
    .link("docs", URL)
    .build(),
    "post": _post,
    "image": lambda: content.image("img_v2_1"),
    "file": lambda: content.file("file_v2_1"),
    "audio": lambda: content.audio("file_v2_2"),
    "media": lambda: content.media("file_v2_3", "img_v2_3"),
    "sticker": lambda: content.sticker("file_v2_4"),
    "share_chat": lambda: content.share_chat("oc_1"),
    "share_user": lambda: content.share_user("ou_1"),
    "divider": lambda: content.system_divider("新会话", {"en_us": "New session"}, need_rollup=True),
    "template": lambda: content.template("ctp_1", "1.0.0", {"name": "Tom"}),
    "card_entity": lambda: content.card_entity("7355372766134157313"),
    "interactive": lambda: content.card({"schema": "2.0", "body": {"elements": [{"tag": "markdown", "content": "as is"}]}}),
    "card": _card,
    "card_streaming": _streaming_card,
    "element_button": lambda: Button("Retry", type="danger", value={"retry": True}).to_dict(),
    "element_column": lambda: Column([Markdown("x")], weight=3).to_dict(),
}


def _answer(built: Built) -> dict[str, Any]:
    if isinstance(built, content.Content):
        return {"msg_type": built.msg_type, "content": built.content}
    return {"element": built}


def _text(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def test_every_shared_case_is_built_as_the_core_builds_it() -> None:
    assert sorted(BUILDERS) == sorted(case["name"] for case in CASES)
    for case in CASES:
        # The text form compares key order too.
        assert _text(_answer(BUILDERS[case["name"]]())) == _text(case["built"]), case["name"]


def test_text_content_is_the_text_spec_built_by_the_core() -> None:
    for text in ["hello", '引号 "q" \\ back', "line\nbreak\ttab", '<at user_id="ou_1">Tom</at>', "\u2028 \U0001f600"]:
        assert content.text(text) == content.Content("text", {"text": text}), text
    with pytest.raises(larkmsg.InvalidArgumentError) as refused:
        content.text(None)  # type: ignore[arg-type]
    assert refused.value.violations[0].path == "text"


def test_a_card_is_written_schema_header_config_body() -> None:
    card = Card().config(update_multi=True).header("t").markdown("x")
    assert list(card.to_dict()) == ["schema", "header", "config", "body"]
    assert card.to_json() == card.to_content().content
    assert card.to_dict()["header"]["title"] == {"content": "t", "tag": "plain_text"}
    assert Divider(element_id="d1").to_dict() == {"tag": "hr", "element_id": "d1"}


def _violations(build: Callable[[], object]) -> list[tuple[str, str]]:
    with pytest.raises(larkmsg.ValidationError) as caught:
        build()
    return [(violation.path, violation.rule) for violation in caught.value.violations]


def test_a_bad_argument_is_named_by_its_path_in_the_spec() -> None:
    bad_type: Any = "shiny"
    assert _violations(lambda: Card().button("x", type=bad_type).to_content()) == [
        ("card.elements[0].button.type", "enum")
    ]
    assert _violations(lambda: Column([], width="auto", weight=2).to_dict()) == [("element.column.weight", "forbidden")]
    assert _violations(lambda: Card().column_set(Column([]), {"markdown": {"content": "x"}}).to_content()) == [
        ("card.elements[0].column_set.columns[1]", "forbidden")
    ]
    assert _violations(lambda: content.Content("hologram", {})) == [("hologram", "enum")]
    # A card component is no message: refused by the core, as in every binding.
    assert _violations(lambda: content.Content("element", {"markdown": {"content": "x"}})) == [("spec", "format")]


def test_a_built_card_is_checked_as_card_json_2_0() -> None:
    twice = Card().markdown("a", element_id="same").markdown("b", element_id="same")
    assert _violations(twice.to_content) == [("content.body.elements[1].element_id", "unique")]
    assert _violations(Card().to_json) == [("content", "required")]
    assert _violations(lambda: Card().config(update_multi=False).markdown("x").to_dict()) == [
        ("content.config.update_multi", "forbidden")
    ]


def test_a_card_is_sent_inline_and_as_a_card_entity(lark_fake: FakeServer, lark_client: larkmsg.Client) -> None:
    card = Card().header("Hi").markdown("**x**", element_id="m1").button("Go", value={"go": 1})
    assert lark_client.send("open_id", "ou_1", card.to_content()).msg_type == "interactive"
    created = lark_client.create_card(type="card_json", data=card.to_json())
    assert lark_client.send("open_id", "ou_1", content.card_entity(created.card_id)).msg_type == "interactive"
    assert [len(lark_fake.inbox()[k]) for k in ("messages", "cards")] == [2, 1]
