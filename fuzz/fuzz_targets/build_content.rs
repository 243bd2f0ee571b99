//! Message content and cards through the core's checks and builders. The input is one
//! line naming what the rest is, then the rest:
//!
//! - `send <msg_type>`: send message's `content` string for that msg_type;
//! - `batch <msg_type>`: batch send's `content` object; `batch_card`: its `card` object;
//! - `card`: the `data` of a card JSON 2.0 card entity;
//! - `parts`: a text message's parts as the bindings give them (`[{"part": "text", …}]`);
//! - `spec`: a builder spec as the bindings give it (`{"card": {…}}`, `{"post": {…}}`, …);
//! - `builder`: raw bytes that choose a card made with the card builder.
//!
//! Never a panic; violations say what is wrong below the field checked; content that
//! passes decodes, validates again and round-trips through its typed form; a spec that
//! builds gives content that parses back to what was built.
#![no_main]

use arbitrary::{Arbitrary, Unstructured};
use larkmsg::card::{
    Button, ButtonType, Card, Column, Config, Element, Header, HeaderTemplate, PlatformValues, PrintStrategy,
    StreamingConfig, check_card_entity, check_card_entity_str,
};
use larkmsg::content::{
    Built, TextContent, TextPart, build_content, check_batch_card, check_batch_content, check_message_content,
};
use larkmsg::validate::{Validator, decode_value};
use larkmsg::{MessageContent, MsgType, Violations};
use larkmsg_fuzz::{assert_invalid_argument, assert_violations};
use libfuzzer_sys::fuzz_target;
use serde_json::Value;

fuzz_target!(|bytes: &[u8]| {
    let Some(newline) = bytes.iter().position(|&b| b == b'\n') else {
        return;
    };
    let Ok(header) = std::str::from_utf8(&bytes[..newline]) else {
        return;
    };
    let payload = &bytes[newline + 1..];
    if header == "builder" {
        return build_card(payload);
    }
    let Ok(payload) = std::str::from_utf8(payload) else {
        return;
    };
    match header.split_once(' ') {
        Some(("send", msg_type)) => send_content(&MsgType::from(msg_type), payload),
        Some(("batch", msg_type)) => with_json(payload, |content| {
            checked("content", |v| check_batch_content(v, "content", &MsgType::from(msg_type), &content));
        }),
        _ => match header {
            "batch_card" => with_json(payload, |card| {
                checked("card", |v| check_batch_card(v, "card", &card));
            }),
            "card" => card_entity(payload),
            "parts" => with_json(payload, text_parts),
            "spec" => with_json(payload, spec),
            _ => {}
        },
    }
});

/// Runs `f` on `payload` as JSON, when it is JSON.
fn with_json(payload: &str, f: impl FnOnce(Value)) {
    if let Ok(value) = serde_json::from_str(payload) {
        f(value);
    }
}

/// Runs a check with a fresh validator; on failure asserts its violations are below `base`.
fn checked(base: &str, check: impl FnOnce(&mut Validator)) -> bool {
    let mut v = Validator::new();
    check(&mut v);
    match v.finish() {
        Ok(()) => true,
        Err(violations) => {
            assert_invalid_argument(violations, base, true);
            false
        }
    }
}

/// Send message's `content`: checked, then parsed into its typed form, which validates and
/// parses back to itself.
fn send_content(msg_type: &MsgType, content: &str) {
    let passed = checked("content", |v| check_message_content(v, "content", msg_type, content));
    let parsed = MessageContent::parse(msg_type, content);
    if let MsgType::Unknown(_) = msg_type {
        let violations = parsed.expect_err("an unknown msg_type never parses");
        assert_eq!(violations.as_slice()[0].path, "msg_type");
        return;
    }
    let parsed = match parsed {
        Ok(parsed) => parsed,
        Err(violations) => {
            assert!(!passed, "{content:?} passed the checks but does not parse: {violations}");
            return assert_invalid_argument(violations, "content", true);
        }
    };
    assert!(passed, "{content:?} parses but did not pass the checks");
    assert_eq!(&parsed.msg_type(), msg_type);
    if let Err(violations) = parsed.validate() {
        panic!("{content:?} passed, its typed form does not: {violations}");
    }
    let again = MessageContent::parse(msg_type, &parsed.to_content_string());
    assert_eq!(again.as_ref(), Ok(&parsed), "{content:?} does not round-trip");
    if let Err(violations) = parsed.to_batch() {
        assert_batch_violations(&violations);
    }
}

/// The violations of a content that batch send does not take as it is.
fn assert_batch_violations(violations: &Violations) {
    for violation in violations.as_slice() {
        let path = violation.path.as_str();
        assert!(
            ["msg_type", "content", "card"].iter().any(|base| path == *base
                || path.starts_with(&format!("{base}."))
                || path.starts_with(&format!("{base}["))),
            "{violation:?} is not about msg_type, content or card"
        );
    }
    assert_violations(violations.as_slice(), "", true);
}

/// A card entity's `data`: checked as text; when it passes, its JSON value passes too.
fn card_entity(data: &str) {
    if checked("card", |v| check_card_entity_str(v, "card", data)) {
        let card: Value = serde_json::from_str(data).expect("a card that passed is JSON");
        assert!(checked("card", |v| check_card_entity(v, "card", &card)), "{data} passed as text only");
    }
}

/// A text message from parts, decoded as the bindings decode them.
fn text_parts(parts: Value) {
    let parts: Vec<TextPart> = match decode_value("parts", parts) {
        Ok(parts) => parts,
        Err(violations) => return assert_invalid_argument(violations, "parts", false),
    };
    let text = TextContent::from_parts(&parts);
    let content = MessageContent::from(text);
    match content.validate() {
        Ok(()) => {
            let again = MessageContent::parse(&MsgType::Text, &content.to_content_string());
            assert_eq!(again, Ok(content), "a text from parts does not round-trip");
        }
        Err(violations) => assert_invalid_argument(violations, "content", true),
    }
}

/// A builder spec: what builds parses back to itself and passes send message's checks;
/// what does not names paths in the spec (below its kind) or in the content.
fn spec(spec: Value) {
    let kind =
        spec.as_object().filter(|object| object.len() == 1).and_then(|object| object.keys().next().cloned());
    match build_content(spec) {
        Ok(Built::Content(content)) => {
            let again = MessageContent::parse(&content.msg_type(), &content.to_content_string());
            assert_eq!(again.as_ref(), Ok(&content), "a built content does not parse back to itself");
            if let Err(violations) = content.validate() {
                panic!("a built content fails send message's checks: {violations}");
            }
        }
        Ok(Built::Element(element)) => assert!(element.is_object(), "an element that is not an object"),
        Err(violations) => {
            for violation in violations.as_slice() {
                let below = |base: &str| {
                    violation
                        .path
                        .strip_prefix(base)
                        .is_some_and(|rest| rest.is_empty() || rest.starts_with('.') || rest.starts_with('['))
                };
                let base = kind.as_deref().unwrap_or("spec");
                assert!(below(base) || below("content") || below("spec"), "{violation:?} names no spec path");
            }
            assert_invalid_argument(violations, "", true);
        }
    }
}

/// A card made with the builder, from choices the fuzzer makes.
#[derive(Debug, Arbitrary)]
struct CardPlan {
    header: Option<HeaderPlan>,
    config: Option<ConfigPlan>,
    elements: Vec<ElementPlan>,
}

#[derive(Debug, Arbitrary)]
struct HeaderPlan {
    title: String,
    subtitle: Option<String>,
    template: Option<String>,
}

#[derive(Debug, Arbitrary)]
struct ConfigPlan {
    update_multi: Option<bool>,
    streaming_mode: Option<bool>,
    summary: Option<String>,
    print_frequency_ms: Option<PlatformPlan>,
    print_step: Option<PlatformPlan>,
    print_strategy: Option<String>,
}

#[derive(Debug, Arbitrary)]
struct PlatformPlan {
    default: u32,
    android: Option<u32>,
    ios: Option<u32>,
    pc: Option<u32>,
}

#[derive(Debug, Arbitrary)]
enum LeafPlan {
    Markdown(String),
    PlainText(String),
    Button { text: String, url: String, button_type: String },
    Callback { text: String, value: String, button_type: Option<String> },
    Image { img_key: String, alt: String },
    Divider,
}

#[derive(Debug, Arbitrary)]
enum ElementPlan {
    Leaf(LeafPlan, Option<String>),
    ColumnSet(Vec<(Option<u8>, Vec<LeafPlan>, Option<String>)>, Option<String>),
}

fn build_card(bytes: &[u8]) {
    let Ok(plan) = CardPlan::arbitrary_take_rest(Unstructured::new(bytes)) else {
        return;
    };
    let mut card = Card::new();
    if let Some(plan) = plan.header {
        let mut header = Header::new(plan.title);
        if let Some(subtitle) = plan.subtitle {
            header = header.subtitle(subtitle);
        }
        if let Some(template) = plan.template {
            header = header.template(HeaderTemplate::from(template));
        }
        card = card.header(header);
    }
    if let Some(plan) = plan.config {
        card = card.config(config(plan));
    }
    for element in plan.elements {
        card = card.element(match element {
            ElementPlan::Leaf(leaf, id) => with_id(self::leaf(leaf), id),
            ElementPlan::ColumnSet(columns, id) => {
                let columns = columns.into_iter().map(|(weight, leaves, id)| {
                    // No weight: a column as wide as its content.
                    let column = weight.map_or_else(Column::auto, Column::weighted);
                    let column =
                        leaves.into_iter().fold(column, |column, leaf| column.element(self::leaf(leaf)));
                    match id {
                        Some(id) => column.element_id(id),
                        None => column,
                    }
                });
                with_id(Element::column_set(columns), id)
            }
        });
    }
    let data = card.to_json_string();
    assert_eq!(data, card.to_value().to_string());
    card_entity(&data);
}

fn config(plan: ConfigPlan) -> Config {
    let mut config = Config::new();
    if let Some(update_multi) = plan.update_multi {
        config = config.update_multi(update_multi);
    }
    if let Some(streaming_mode) = plan.streaming_mode {
        config = config.streaming_mode(streaming_mode);
    }
    if let Some(summary) = plan.summary {
        config = config.summary(summary);
    }
    let mut streaming = None;
    if let Some(values) = plan.print_frequency_ms {
        streaming = Some(streaming.unwrap_or_else(StreamingConfig::new).print_frequency_ms(platform(values)));
    }
    if let Some(values) = plan.print_step {
        streaming = Some(streaming.unwrap_or_else(StreamingConfig::new).print_step(platform(values)));
    }
    if let Some(strategy) = plan.print_strategy {
        let strategy = PrintStrategy::from(strategy);
        streaming = Some(streaming.unwrap_or_else(StreamingConfig::new).print_strategy(strategy));
    }
    match streaming {
        Some(streaming) => config.streaming_config(streaming),
        None => config,
    }
}

fn platform(plan: PlatformPlan) -> PlatformValues {
    let mut values = PlatformValues::new(plan.default);
    if let Some(android) = plan.android {
        values = values.android(android);
    }
    if let Some(ios) = plan.ios {
        values = values.ios(ios);
    }
    if let Some(pc) = plan.pc {
        values = values.pc(pc);
    }
    values
}

fn leaf(plan: LeafPlan) -> Element {
    match plan {
        LeafPlan::Markdown(content) => Element::markdown(content),
        LeafPlan::PlainText(content) => Element::plain_text(content),
        LeafPlan::Button { text, url, button_type } => {
            Element::button(text, url, ButtonType::from(button_type))
        }
        LeafPlan::Callback { text, value, button_type } => {
            let mut button = Button::new(text).callback(serde_json::json!({ "value": value }));
            if let Some(button_type) = button_type {
                button = button.button_type(ButtonType::from(button_type));
            }
            button.into()
        }
        LeafPlan::Image { img_key, alt } => Element::image(img_key, alt),
        LeafPlan::Divider => Element::divider(),
    }
}

fn with_id(element: Element, id: Option<String>) -> Element {
    match id {
        Some(id) => element.element_id(id),
        None => element,
    }
}
