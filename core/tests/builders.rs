//! The builders' JSON entry point, `larkmsg::content::build_content`: the shared cases of
//! `tests/builders/cases.json` byte for byte, what it builds being what the typed
//! builders and the checks agree on, and bad specs named by their path.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::Path;

use larkmsg::card::{Button, ButtonType, Card, Column, Config, Element, Header, HeaderTemplate, WidthMode};
use larkmsg::content::{Built, MessageContent, build_content, build_message};
use larkmsg::{MsgType, Rule};
use serde_json::{Value, json};

fn cases() -> Vec<Value> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/builders/cases.json");
    let file: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    file["cases"].as_array().unwrap().clone()
}

fn built(spec: Value) -> Built {
    build_content(spec.clone()).unwrap_or_else(|violations| panic!("{spec}: {violations}"))
}

/// Every violation of a spec that does not build, as (path, rule).
fn violations(spec: Value) -> Vec<(String, Rule)> {
    let violations = build_content(spec.clone()).expect_err(&spec.to_string()).into_vec();
    violations.into_iter().map(|violation| (violation.path, violation.rule)).collect()
}

fn paths(found: &[(&str, Rule)]) -> Vec<(String, Rule)> {
    found.iter().map(|(path, rule)| ((*path).to_owned(), *rule)).collect()
}

#[test]
fn every_shared_case_is_built_byte_for_byte() {
    let cases = cases();
    let mut kinds: Vec<String> = Vec::new();
    for case in &cases {
        let answer = built(case["spec"].clone()).to_json();
        // The string form compares key order too.
        assert_eq!(answer.to_string(), case["built"].to_string(), "case {}", case["name"]);
        kinds.extend(case["spec"].as_object().unwrap().keys().cloned());
    }
    kinds.sort();
    kinds.dedup();
    let every_kind = [
        "audio",
        "card",
        "card_entity",
        "divider",
        "element",
        "file",
        "image",
        "interactive",
        "media",
        "post",
        "share_chat",
        "share_user",
        "sticker",
        "template",
        "text",
    ];
    assert_eq!(kinds, every_kind, "the shared cases cover every kind but system (given as is)");
}

#[test]
fn built_content_parses_back_to_itself_and_passes_the_checks() {
    for case in cases() {
        let Built::Content(content) = built(case["spec"].clone()) else { continue };
        let text = content.to_content_string();
        assert_eq!(
            MessageContent::parse(&content.msg_type(), &text).as_ref(),
            Ok(&content),
            "{}",
            case["name"]
        );
        assert_eq!(content.validate(), Ok(()), "{}", case["name"]);
    }
}

#[test]
fn a_card_spec_builds_what_the_rust_builder_builds() {
    let spec = json!({ "card": {
        "header": { "title": "周报", "subtitle": "第 12 周", "template": "wathet" },
        "config": { "update_multi": true, "width_mode": "compact" },
        "elements": [
            { "markdown": { "content": "**进度** 80%", "element_id": "progress" } },
            { "column_set": { "columns": [
                { "column": { "elements": [{ "button": { "text": "Approve", "type": "primary", "value": { "ok": true } } }] } },
                { "column": { "width": "auto", "elements": [{ "image": { "img_key": "img_1", "alt": "封面" } }] } }
            ] } }
        ]
    } });
    let approve = Button::new("Approve").button_type(ButtonType::Primary).callback(json!({ "ok": true }));
    let card = Card::new()
        .header(Header::new("周报").subtitle("第 12 周").template(HeaderTemplate::Wathet))
        .config(Config::new().update_multi(true).width_mode(WidthMode::Compact))
        .element(Element::markdown("**进度** 80%").element_id("progress"))
        .element(Element::column_set([
            Column::weighted(1).element(approve.into()),
            Column::auto().element(Element::image("img_1", "封面")),
        ]));
    let Built::Content(content) = built(spec) else { panic!("a card spec builds a content") };
    assert_eq!(content.msg_type(), MsgType::Interactive);
    assert_eq!(content.to_content_string(), card.to_json_string());
}

#[test]
fn text_takes_a_string_parts_or_the_content_object_alike() {
    let forms = [
        json!({ "text": "<at user_id=\"all\"></at> hi" }),
        json!({ "text": [{ "part": "at_all" }, { "part": "text", "text": " hi" }] }),
        json!({ "text": { "text": "<at user_id=\"all\"></at> hi" } }),
    ];
    for spec in forms {
        let expected = json!({ "msg_type": "text", "content": r#"{"text":"<at user_id=\"all\"></at> hi"}"# });
        assert_eq!(built(spec).to_json(), expected);
    }
}

#[test]
fn the_spec_must_be_an_object_with_one_known_key() {
    assert_eq!(violations(json!("text")), paths(&[("spec", Rule::Format)]));
    assert_eq!(violations(json!({})), paths(&[("spec", Rule::Format)]));
    assert_eq!(violations(json!({ "text": "a", "image": {} })), paths(&[("spec", Rule::Format)]));
    let unknown = build_content(json!({ "imag": { "image_key": "x" } })).unwrap_err().into_vec();
    assert_eq!((unknown[0].path.as_str(), unknown[0].rule), ("imag", Rule::Enum));
    assert!(unknown[0].message.contains("text, post, image"), "{}", unknown[0].message);
}

#[test]
fn message_content_is_built_from_a_content_spec_only() {
    let text = build_message(json!({ "text": "hi" })).map(|content| content.to_content_string());
    assert_eq!(text, Ok(r#"{"text":"hi"}"#.to_owned()));
    let element =
        build_message(json!({ "element": { "markdown": { "content": "x" } } })).unwrap_err().into_vec();
    assert_eq!((element[0].path.as_str(), element[0].rule), ("spec", Rule::Format));
    assert!(element[0].message.contains("card component"), "{}", element[0].message);
    assert_eq!(build_message(json!({ "image": {} })).unwrap_err().into_vec()[0].path, "image.image_key");
}

#[test]
fn a_spec_that_does_not_decode_is_named_by_its_path_in_the_spec() {
    assert_eq!(violations(json!({ "image": {} })), paths(&[("image.image_key", Rule::Required)]));
    assert_eq!(violations(json!({ "text": 7 })), paths(&[("text", Rule::Format)]));
    assert_eq!(violations(json!({ "text": [{ "part": "shout" }] })), paths(&[("text[0].part", Rule::Enum)]));
    assert_eq!(
        violations(json!({ "card": { "header": { "titel": "x" } } })),
        paths(&[("card.header.titel", Rule::UnknownField)])
    );
    assert_eq!(
        violations(json!({ "card": { "config": { "streaming_config": { "print_step": "fast" } } } })),
        paths(&[("card.config.streaming_config.print_step", Rule::Format)])
    );
    assert_eq!(
        violations(json!({ "divider": { "text": "x", "rollup": true } })),
        paths(&[("divider.rollup", Rule::UnknownField)])
    );
}

#[test]
fn every_bad_component_of_a_card_is_reported_at_its_path() {
    let spec = json!({ "card": { "elements": [
        { "markdown": { "content": "ok" } },
        { "button": { "text": 1 } },
        { "buton": { "text": "x" } },
        { "button": { "text": "x", "type": "shiny" } },
        { "column_set": { "columns": [
            { "column": { "elements": [{ "image": { "alt": "no key" } }] } },
            { "markdown": { "content": "not a column" } },
            { "column": { "width": "wide" } },
            { "column": { "width": "auto", "weight": 2 } }
        ] } },
        { "column": { "elements": [] } },
        "text"
    ] } });
    assert_eq!(
        violations(spec),
        paths(&[
            ("card.elements[1].button.text", Rule::Format),
            ("card.elements[2].buton", Rule::Enum),
            ("card.elements[3].button.type", Rule::Enum),
            ("card.elements[4].column_set.columns[0].column.elements[0].image.img_key", Rule::Required),
            ("card.elements[4].column_set.columns[1]", Rule::Forbidden),
            ("card.elements[4].column_set.columns[2].column.width", Rule::Format),
            ("card.elements[4].column_set.columns[3].column.weight", Rule::Forbidden),
            ("card.elements[5]", Rule::Forbidden),
            ("card.elements[6]", Rule::Format),
        ])
    );
}

#[test]
fn unknown_enum_values_of_a_card_are_rejected() {
    let spec = json!({ "card": {
        "header": { "title": "t", "template": "bleu" },
        "config": { "width_mode": "huge", "streaming_config": { "print_strategy": "slow" } },
        "elements": [{ "markdown": { "content": "x" } }]
    } });
    assert_eq!(
        violations(spec),
        paths(&[
            ("card.header.template", Rule::Enum),
            ("card.config.width_mode", Rule::Enum),
            ("card.config.streaming_config.print_strategy", Rule::Enum),
        ])
    );
}

#[test]
fn a_field_the_content_would_drop_is_an_unknown_field() {
    assert_eq!(
        violations(json!({ "image": { "image_key": "img_1", "imageKey": "img_1" } })),
        paths(&[("image.imageKey", Rule::UnknownField)])
    );
    let post =
        json!({ "post": { "zh_cn": { "content": [[{ "tag": "text", "text": "x", "colour": "red" }]] } } });
    assert_eq!(violations(post), paths(&[("post.zh_cn.content[0][0].colour", Rule::UnknownField)]));
    assert_eq!(
        violations(json!({ "template": { "template_id": "ctp_1", "variables": {} } })),
        paths(&[("template.variables", Rule::UnknownField)])
    );
    assert_eq!(
        violations(json!({ "interactive": { "type": "card", "data": { "card_id": "1" }, "extra": 1 } })),
        paths(&[("interactive.extra", Rule::UnknownField)])
    );
    // `null` means "not set", and card JSON given as is keeps every field.
    built(json!({ "media": { "file_key": "f", "image_key": null } }));
    built(
        json!({ "interactive": { "schema": "2.0", "body": { "elements": [{ "tag": "hr", "margin": "4px" }] } } }),
    );
}

#[test]
fn a_built_content_that_breaks_a_rule_is_named_by_its_path_in_the_content() {
    assert_eq!(
        violations(json!({ "image": { "image_key": "" } })),
        paths(&[("content.image_key", Rule::Required)])
    );
    let post = json!({ "post": { "zh_cn": { "content": [[{ "tag": "md", "text": "x" }, { "tag": "text", "text": "y" }]] } } });
    assert_eq!(violations(post), paths(&[("content.zh_cn.content[0][0]", Rule::Forbidden)]));
    assert_eq!(violations(json!({ "text": "长".repeat(60_000) })), paths(&[("content", Rule::Size)]));
    assert_eq!(
        violations(json!({ "template": { "template_id": "" } })),
        paths(&[("content.data.template_id", Rule::Required)])
    );
}

#[test]
fn a_built_card_is_checked_as_card_json_2_0() {
    assert_eq!(violations(json!({ "card": {} })), paths(&[("content", Rule::Required)]));
    let spec = json!({ "card": {
        "config": { "update_multi": false },
        "elements": [
            { "markdown": { "content": "a", "element_id": "same" } },
            { "divider": { "element_id": "same" } },
            { "plain_text": { "content": "b", "element_id": "9lives" } }
        ]
    } });
    assert_eq!(
        violations(spec),
        paths(&[
            ("content.config.update_multi", Rule::Forbidden),
            ("content.body.elements[1].element_id", Rule::Unique),
            ("content.body.elements[2].element_id", Rule::Format),
        ])
    );
    let many = vec![json!({ "divider": {} }); 201];
    assert_eq!(violations(json!({ "card": { "elements": many } })), paths(&[("content", Rule::Items)]));
}

#[test]
fn an_element_spec_builds_one_component_as_card_json() {
    let Built::Element(element) = built(json!({ "element": { "image": { "img_key": "img_1" } } })) else {
        panic!("an element spec builds an element")
    };
    assert_eq!(element, Element::image("img_1", "").to_value());
    let raw = json!({ "tag": "form", "name": "f", "elements": [] });
    assert_eq!(built(json!({ "element": raw.clone() })), Built::Element(raw));
    assert_eq!(
        violations(json!({ "element": { "markdown": {} } })),
        paths(&[("element.markdown.content", Rule::Required)])
    );
}
