use serde_json::{Value, json};

use super::{check_card_entity, check_card_entity_str};
use crate::validate::{Rule, Validator, Violation};

/// The request example of the card entity endpoint (type `card_json`), unescaped.
const DOCS_EXAMPLE: &str = r#"{"schema":"2.0","header":{"title":{"content":"项目进度更新提醒","tag":"plain_text"}},"config":{"streaming_mode":true,"summary":{"content":""},"streaming_config":{"print_frequency_ms":{"default":70,"android":70,"ios":70,"pc":70},"print_step":{"default":1,"android":1,"ios":1,"pc":1},"print_strategy":"fast"}},"body":{"elements":[{"tag":"markdown","content":"截至今日，项目完成度已达80%","element_id":"markdown_1"}]}}"#;

fn check(card: &Value) -> Vec<Violation> {
    let mut v = Validator::new();
    check_card_entity(&mut v, "data", card);
    v.finish().err().map(|violations| violations.into_vec()).unwrap_or_default()
}

fn card_with(elements: Vec<Value>) -> Value {
    json!({ "schema": "2.0", "body": { "elements": elements } })
}

fn markdown(content: &str) -> Value {
    json!({ "tag": "markdown", "content": content })
}

fn with_id(id: &str) -> Value {
    json!({ "tag": "markdown", "content": "x", "element_id": id })
}

fn paths_and_rules(violations: &[Violation]) -> Vec<(&str, Rule)> {
    violations.iter().map(|v| (v.path.as_str(), v.rule)).collect()
}

#[test]
fn the_docs_example_passes() {
    let mut v = Validator::new();
    check_card_entity_str(&mut v, "data", DOCS_EXAMPLE);
    assert!(v.finish().is_ok());
}

#[test]
fn a_card_must_be_a_json_object() {
    let violations = check(&json!([{ "tag": "markdown" }]));
    assert_eq!(paths_and_rules(&violations), [("data", Rule::Format)]);
    assert_eq!(violations[0].message, "must be a JSON object, got an array (platform code 300307)");
}

#[test]
fn an_empty_card_is_rejected() {
    let violations = check(&json!({}));
    assert_eq!(paths_and_rules(&violations), [("data", Rule::Required), ("data.schema", Rule::Required)]);
    assert!(violations[0].message.contains("300307"), "{}", violations[0].message);

    let no_content = json!({ "schema": "2.0", "header": {}, "body": { "elements": [] } });
    assert_eq!(paths_and_rules(&check(&no_content)), [("data", Rule::Required)]);

    let header_only =
        json!({ "schema": "2.0", "header": { "title": { "content": "t", "tag": "plain_text" } } });
    assert!(check(&header_only).is_empty());
    assert!(check(&card_with(vec![markdown("x")])).is_empty());
}

#[test]
fn schema_must_be_2_0() {
    let mut card = card_with(vec![markdown("x")]);
    card["schema"] = json!("1.0");
    let violations = check(&card);
    assert_eq!(paths_and_rules(&violations), [("data.schema", Rule::Enum)]);
    assert_eq!(violations[0].message, "must be \"2.0\", got \"1.0\" (platform code 300303)");

    card["schema"] = json!(2.0);
    assert_eq!(paths_and_rules(&check(&card)), [("data.schema", Rule::Enum)]);

    let missing = json!({ "body": { "elements": [markdown("x")] } });
    let violations = check(&missing);
    assert_eq!(paths_and_rules(&violations), [("data.schema", Rule::Required)]);
    assert!(violations[0].message.contains("300303"));
}

#[test]
fn update_multi_must_not_be_false() {
    let mut card = card_with(vec![markdown("x")]);
    assert!(check(&card).is_empty());
    card["config"] = json!({ "update_multi": true });
    assert!(check(&card).is_empty());
    card["config"] = json!({ "update_multi": false });
    let violations = check(&card);
    assert_eq!(paths_and_rules(&violations), [("data.config.update_multi", Rule::Forbidden)]);
    assert!(violations[0].message.contains("300302"));
}

#[test]
fn element_id_has_at_most_20_characters() {
    let twenty = format!("a{}", "b_9".repeat(6) + "z");
    assert_eq!(twenty.len(), 20);
    assert!(check(&card_with(vec![with_id(&twenty)])).is_empty());

    let twenty_one = format!("{twenty}x");
    let violations = check(&card_with(vec![markdown("x"), with_id(&twenty_one)]));
    assert_eq!(paths_and_rules(&violations), [("data.body.elements[1].element_id", Rule::Format)]);
    assert!(violations[0].message.contains(&format!("got {twenty_one:?}")));
}

#[test]
fn element_id_starts_with_a_letter_and_holds_only_letters_digits_underscores() {
    assert!(check(&card_with(vec![with_id("A"), with_id("z_1")])).is_empty());
    for bad in ["1abc", "_abc", "", "ab-c", "标题", "ab c"] {
        let violations = check(&card_with(vec![with_id(bad)]));
        assert_eq!(
            paths_and_rules(&violations),
            [("data.body.elements[0].element_id", Rule::Format)],
            "{bad:?}"
        );
    }
    let not_a_string = check(&card_with(vec![json!({ "tag": "hr", "element_id": 7 })]));
    assert_eq!(paths_and_rules(&not_a_string), [("data.body.elements[0].element_id", Rule::Format)]);
}

#[test]
fn element_ids_are_unique_across_the_whole_card() {
    let column_set = json!({
        "tag": "column_set",
        "columns": [{ "tag": "column", "elements": [with_id("dup")] }]
    });
    let card = card_with(vec![with_id("dup"), with_id("other"), column_set]);
    let violations = check(&card);
    assert_eq!(
        paths_and_rules(&violations),
        [("data.body.elements[2].columns[0].elements[0].element_id", Rule::Unique)]
    );
    assert_eq!(
        violations[0].message,
        "must be unique in the card: \"dup\" is already used at data.body.elements[0].element_id \
         (platform code 300301)"
    );
}

#[test]
fn at_most_200_tagged_objects() {
    // The header title is one tagged object: 1 + 199 markdown components = 200.
    let header = json!({ "title": { "content": "t", "tag": "plain_text" } });
    let mut card = card_with(vec![markdown("x"); 199]);
    card["header"] = header;
    assert!(check(&card).is_empty());

    card["body"]["elements"] = json!(vec![markdown("x"); 200]);
    let violations = check(&card);
    assert_eq!(paths_and_rules(&violations), [("data", Rule::Items)]);
    assert_eq!(
        violations[0].message,
        "must have at most 200 elements and components (objects with a tag), got 201 (platform code 300305)"
    );
}

#[test]
fn text_elements_inside_components_count() {
    let button = json!({
        "tag": "button",
        "text": { "tag": "plain_text", "content": "go" },
        "behaviors": [{ "type": "open_url", "default_url": "https://example.com" }]
    });
    assert!(check(&card_with(vec![button.clone(); 100])).is_empty());
    let mut elements = vec![button; 100];
    elements.push(json!({ "tag": "hr" }));
    let violations = check(&card_with(elements));
    assert!(violations[0].message.contains("got 201"), "{}", violations[0].message);
}

/// A card whose compact serialization is exactly `size` bytes, with Chinese text so that
/// bytes and characters differ.
fn card_of_size(size: usize) -> Value {
    let base = card_with(vec![markdown("")]).to_string().len();
    let room = size - base;
    let content = format!("{}{}", "进".repeat(room / 3), "a".repeat(room % 3));
    let card = card_with(vec![markdown(&content)]);
    assert_eq!(card.to_string().len(), size);
    card
}

/// What `check` logs while it runs, as text, and its result.
fn logged<T>(check: impl FnOnce() -> T) -> (T, String) {
    #[derive(Clone, Default)]
    struct Captured(std::sync::Arc<std::sync::Mutex<Vec<u8>>>);
    impl std::io::Write for Captured {
        fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
            self.0.lock().unwrap_or_else(std::sync::PoisonError::into_inner).extend_from_slice(bytes);
            Ok(bytes.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }
    let captured = Captured::default();
    let writer = captured.clone();
    let subscriber = tracing_subscriber::fmt().with_writer(move || writer.clone()).with_ansi(false).finish();
    // With a single dispatcher registered, tracing caches a callsite's interest from the
    // default of whichever thread meets it first: a test on another thread, with no
    // subscriber, would turn this one's events off. A second one makes every thread ask.
    let _second = tracing::Dispatch::new(tracing::subscriber::NoSubscriber::default());
    let result = tracing::subscriber::with_default(subscriber, check);
    let text = String::from_utf8_lossy(&captured.0.lock().unwrap_or_else(std::sync::PoisonError::into_inner))
        .into_owned();
    (result, text)
}

#[test]
fn over_30_kb_is_advice_logged_as_a_warning_not_a_violation() {
    let (violations, log) = logged(|| check(&card_of_size(30 * 1024)));
    assert!(violations.is_empty());
    assert_eq!(log, "");
    let (violations, log) = logged(|| check(&card_of_size(30 * 1024 + 1)));
    assert!(violations.is_empty(), "{violations:?}");
    assert!(log.contains("WARN"), "{log}");
    assert!(log.contains("larkmsg::card"), "{log}");
    assert!(log.contains("bytes=30721"), "{log}");
    assert!(log.contains("200860"), "{log}");
}

#[test]
fn the_string_form_measures_the_text_as_given() {
    let compact = card_of_size(30 * 1024).to_string();
    let (result, log) = logged(|| {
        let mut v = Validator::new();
        check_card_entity_str(&mut v, "data", &compact);
        v.finish()
    });
    assert!(result.is_ok());
    assert_eq!(log, "");

    let padded = format!(" {compact}");
    let (result, log) = logged(|| {
        let mut v = Validator::new();
        check_card_entity_str(&mut v, "data", &padded);
        v.finish()
    });
    assert!(result.is_ok());
    assert!(log.contains("bytes=30721"), "{log}");
}

#[test]
fn invalid_json_is_one_violation() {
    let mut v = Validator::new();
    check_card_entity_str(&mut v, "data", r#"{"schema":"2.0","body":"#);
    let violations = v.finish().unwrap_err().into_vec();
    assert_eq!(paths_and_rules(&violations), [("data.body", Rule::Format)]);
    assert!(violations[0].message.ends_with("(platform code 200220)"), "{}", violations[0].message);
    assert!(!violations[0].message.contains("line"));

    let mut v = Validator::new();
    check_card_entity_str(&mut v, "data", "not json");
    let violations = v.finish().unwrap_err().into_vec();
    assert_eq!(paths_and_rules(&violations), [("data", Rule::Format)]);
}

/// Wraps `inner` in `levels` alternating `column` / `column_set` containers; the outermost
/// is a column set when `levels` is even.
fn nested(levels: usize, inner: Value) -> Value {
    (0..levels).fold(inner, |inner, level| {
        if level % 2 == 0 {
            json!({ "tag": "column", "width": "weighted", "weight": 1, "elements": [inner] })
        } else {
            json!({ "tag": "column_set", "columns": [inner] })
        }
    })
}

#[test]
fn common_layouts_are_within_the_nesting_limit() {
    let columns = nested(2, markdown("x"));
    let panel = json!({
        "tag": "collapsible_panel",
        "header": { "title": { "tag": "plain_text", "content": "more" } },
        "elements": [columns.clone(), markdown("y")]
    });
    let form = json!({
        "tag": "form",
        "name": "form_1",
        "elements": [
            { "tag": "input", "name": "reason", "placeholder": { "tag": "plain_text", "content": "why" } },
            columns,
            { "tag": "button", "text": { "tag": "plain_text", "content": "ok" }, "form_action_type": "submit",
              "name": "submit" }
        ]
    });
    assert!(check(&card_with(vec![panel, form])).is_empty());
}

#[test]
fn at_most_5_levels_of_containers() {
    // column_set > column > column_set > column > collapsible_panel > markdown: 5 levels.
    let panel = json!({ "tag": "collapsible_panel", "elements": [markdown("x")] });
    let five = json!({ "tag": "column_set", "columns": [nested(3, panel.clone())] });
    assert!(check(&card_with(vec![five])).is_empty());

    // The same inside a form: 6 levels; the panel is the container past the limit.
    let six = json!({ "tag": "form", "name": "f", "elements": [
        { "tag": "column_set", "columns": [nested(3, panel)] }
    ] });
    let violations = check(&card_with(vec![six]));
    assert_eq!(
        paths_and_rules(&violations),
        [("data.body.elements[0].elements[0].columns[0].elements[0].columns[0].elements[0]", Rule::Format)]
    );
    assert_eq!(violations[0].message, "nests containers 6 levels deep; card JSON 2.0 allows at most 5");
}

#[test]
fn only_the_first_container_past_the_limit_is_reported() {
    let violations = check(&card_with(vec![nested(8, markdown("x"))]));
    assert_eq!(
        paths_and_rules(&violations),
        [("data.body.elements[0].columns[0].elements[0].columns[0].elements[0].columns[0]", Rule::Format)]
    );
}

#[test]
fn all_violations_of_a_card_are_reported_together() {
    let mut elements = vec![with_id("same"), with_id("same"), with_id("9lives"), nested(6, markdown("x"))];
    elements.extend(vec![markdown(&"长".repeat(200)); 200]);
    let card = json!({
        "schema": "1.0",
        "config": { "update_multi": false },
        "body": { "elements": elements }
    });
    let violations = check(&card);
    assert_eq!(
        paths_and_rules(&violations),
        [
            ("data.schema", Rule::Enum),
            ("data.config.update_multi", Rule::Forbidden),
            ("data.body.elements[1].element_id", Rule::Unique),
            ("data.body.elements[2].element_id", Rule::Format),
            ("data.body.elements[3].columns[0].elements[0].columns[0].elements[0].columns[0]", Rule::Format),
            ("data", Rule::Items),
        ]
    );
}
