use serde_json::{Value, json};

use super::{
    ButtonType, Card, Column, Config, Element, Header, HeaderTemplate, PlatformValues, PrintStrategy,
    StreamingConfig, check_card_entity, check_card_entity_str,
};
use crate::enums::KnownValues;
use crate::validate::Validator;

/// The `data` of the card entity endpoint's `card_json` request example, unescaped.
const DOCS_EXAMPLE: &str = r#"{"schema":"2.0","header":{"title":{"content":"项目进度更新提醒","tag":"plain_text"}},"config":{"streaming_mode":true,"summary":{"content":""},"streaming_config":{"print_frequency_ms":{"default":70,"android":70,"ios":70,"pc":70},"print_step":{"default":1,"android":1,"ios":1,"pc":1},"print_strategy":"fast"}},"body":{"elements":[{"tag":"markdown","content":"截至今日，项目完成度已达80%","element_id":"markdown_1"}]}}"#;

fn docs_example_card() -> Card {
    let streaming = StreamingConfig::new()
        .print_frequency_ms(PlatformValues::all(70))
        .print_step(PlatformValues::all(1))
        .print_strategy(PrintStrategy::Fast);
    Card::new()
        .header(Header::new("项目进度更新提醒"))
        .config(Config::new().streaming_mode(true).summary("").streaming_config(streaming))
        .element(Element::markdown("截至今日，项目完成度已达80%").element_id("markdown_1"))
}

#[test]
fn builds_the_docs_example_exactly() {
    let card = docs_example_card();
    let expected: Value = serde_json::from_str(DOCS_EXAMPLE).unwrap();
    assert_eq!(card.to_value(), expected);
    assert_eq!(card.to_json_string(), DOCS_EXAMPLE);
}

fn full_card() -> Card {
    let left = Column::weighted(1).element(Element::image("img_v2_abc", "封面")).element_id("left_col");
    let right = Column::weighted(2).element(Element::markdown("**进度** 80%")).element(Element::button(
        "打开",
        "https://example.com/p/1",
        ButtonType::PrimaryFilled,
    ));
    Card::new()
        .header(Header::new("周报").subtitle("第 12 周").template(HeaderTemplate::Wathet))
        .config(Config::new().update_multi(true).summary("周报摘要"))
        .element(Element::plain_text("纯文本").element_id("intro"))
        .element(Element::divider())
        .element(Element::column_set([left, right]).element_id("layout"))
        .element(Element::button("详情", "https://example.com/d", ButtonType::Default))
}

#[test]
fn builds_every_component_in_card_json_2_0_form() {
    let expected = json!({
        "schema": "2.0",
        "header": {
            "title": { "content": "周报", "tag": "plain_text" },
            "subtitle": { "content": "第 12 周", "tag": "plain_text" },
            "template": "wathet"
        },
        "config": { "update_multi": true, "summary": { "content": "周报摘要" } },
        "body": { "elements": [
            { "tag": "div", "text": { "content": "纯文本", "tag": "plain_text" }, "element_id": "intro" },
            { "tag": "hr" },
            { "tag": "column_set", "columns": [
                { "tag": "column", "width": "weighted", "weight": 1, "elements": [
                    { "tag": "img", "img_key": "img_v2_abc", "alt": { "content": "封面", "tag": "plain_text" } }
                ], "element_id": "left_col" },
                { "tag": "column", "width": "weighted", "weight": 2, "elements": [
                    { "tag": "markdown", "content": "**进度** 80%" },
                    { "tag": "button", "text": { "content": "打开", "tag": "plain_text" }, "type": "primary_filled",
                      "behaviors": [{ "type": "open_url", "default_url": "https://example.com/p/1" }] }
                ] }
            ], "element_id": "layout" },
            { "tag": "button", "text": { "content": "详情", "tag": "plain_text" }, "type": "default",
              "behaviors": [{ "type": "open_url", "default_url": "https://example.com/d" }] }
        ] }
    });
    let card = full_card();
    assert_eq!(card.to_value(), expected);
    // Key order is part of the output: the string matches the expected value's own order.
    assert_eq!(card.to_json_string(), expected.to_string());
}

#[test]
fn built_cards_pass_the_card_entity_checks() {
    for card in [docs_example_card(), full_card()] {
        let mut v = Validator::new();
        check_card_entity(&mut v, "data", &card.to_value());
        check_card_entity_str(&mut v, "data", &card.to_json_string());
        assert!(v.finish().is_ok(), "{}", card.to_json_string());
    }
}

#[test]
fn platform_values_write_only_what_is_set() {
    let streaming = StreamingConfig::new().print_step(PlatformValues::new(2).pc(5));
    let card = Card::new().config(Config::new().streaming_config(streaming)).element(Element::divider());
    assert_eq!(
        card.to_json_string(),
        r#"{"schema":"2.0","config":{"streaming_config":{"print_step":{"default":2,"pc":5}}},"body":{"elements":[{"tag":"hr"}]}}"#
    );
}

#[test]
fn the_enums_know_the_documented_values() {
    assert_eq!(
        HeaderTemplate::KNOWN,
        [
            "blue",
            "wathet",
            "turquoise",
            "green",
            "yellow",
            "orange",
            "red",
            "carmine",
            "violet",
            "purple",
            "indigo",
            "grey",
            "default"
        ]
    );
    assert_eq!(PrintStrategy::KNOWN, ["fast", "delay"]);
    assert_eq!(ButtonType::from("danger"), ButtonType::Danger);
}
