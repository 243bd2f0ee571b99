//! Local checks of a card JSON 2.0 card entity, mirroring the errors of the card entity
//! endpoint so that a bad card is rejected before it is sent.

use std::collections::HashMap;

use serde_json::{Map, Value};

use crate::validate::{Rule, Validator, decode_str, join, json_kind};

/// Most elements plus components a card may hold (platform code 300305).
pub const MAX_COMPONENTS: usize = 200;

/// Largest card entity, in characters of its JSON text: the create page's range of `data`
/// (1 to 3,000,000 characters). A card over the platform's size limit is refused with code
/// 200860, whose remedy the pages give as keeping the card within 30 KB
/// ([`ADVISED_CARD_BYTES`]).
pub const MAX_CARD_CHARS: usize = 3_000_000;

/// The card size the card entity pages advise, in bytes of the compact serialization
/// (200860: 建议卡片大小控制在 30KB 以内). Larger cards are not refused; they are
/// logged as a warning (target `larkmsg::card`).
pub const ADVISED_CARD_BYTES: usize = 30 * 1024;

/// Deepest nesting of container components (card JSON 2.0 allows 5 levels).
pub const MAX_NESTING: usize = 5;

/// Most characters an `element_id` may have.
const MAX_ELEMENT_ID_CHARS: usize = 20;

/// Fields through which a component holds other components: `elements` (body, column,
/// form, collapsible panel, interactive container) and `columns` (column set).
const CONTAINER_FIELDS: [&str; 2] = ["elements", "columns"];

/// Checks a card JSON 2.0 card entity and records every violation below `path`
/// (`data.schema`, `data.config.update_multi`, `data.body.elements[2].element_id`).
///
/// The rules, each named after the platform error it prevents:
/// - the card is a JSON object and not empty: an empty object, or neither a header nor
///   a body element (300307, rules `format` and `required`);
/// - `schema` is `"2.0"` (300303, rule `required` when missing, else `enum`);
/// - `config.update_multi` is not `false` (300302, rule `forbidden`);
/// - every `element_id` is unique in the card (300301, rule `unique`, reported at the
///   second occurrence) and matches `^[A-Za-z][A-Za-z0-9_]{0,19}$` (rule `format`);
/// - at most [`MAX_COMPONENTS`] elements plus components (300305, rule `items`): every
///   JSON object anywhere in the card whose `tag` is a string counts once. This counts
///   components (`markdown`, `button`, `column`, …) and the text elements inside them
///   (a header's `title` and `subtitle`, a button's `text`, an image's `alt`), as the
///   platform counts "elements (such as `plain_text` texts) or components";
/// - a card over [`ADVISED_CARD_BYTES`] (the pages' advice for 200860) is logged as a
///   warning, not refused: the pages refuse only what exceeds the card size limit, which
///   they do not state beyond the length of `data` its endpoint checks;
/// - at most [`MAX_NESTING`] levels of containers (rule `format`), see below.
///
/// Nesting counts containers only: a container is a tagged object with at least one
/// tagged object in its `elements` or `columns` array, and its level is the number of
/// containers on the path from the card root down to it, itself included. The leaf
/// components inside the innermost container add no level, so `column_set` → `column`
/// → `markdown` is 2 levels. The first container past the limit on each path is reported.
pub fn check_card_entity(v: &mut Validator, path: &str, card: &Value) {
    if v.depth(path, card) {
        check_card(v, path, card, card.to_string().len());
    }
}

/// Parses `data` as card JSON and checks it as [`check_card_entity`] does; text that is
/// not JSON is one violation (rule `format`, platform code 200220).
///
/// The size advice measures `data` as given, since that is what the endpoint receives.
pub fn check_card_entity_str(v: &mut Validator, path: &str, data: &str) {
    match decode_str::<Value>(path, data) {
        Ok(card) => check_card(v, path, &card, data.len()),
        Err(violations) => {
            for violation in violations.into_vec() {
                let message = format!("{} (platform code 200220)", violation.message);
                v.push(violation.path, violation.rule, message);
            }
        }
    }
}

/// Checks card JSON 2.0 components given apart from a card (the element operations)
/// below `path`: each is an object with a string `tag` (rule `format`), and, as in
/// [`check_card_entity`], `element_id`s are well formed and unique among them, containers
/// nest at most [`MAX_NESTING`] levels and they hold at most [`MAX_COMPONENTS`] elements
/// and components.
pub fn check_components(v: &mut Validator, path: &str, components: &[Value]) {
    let mut walk = Walk::default();
    for (i, component) in components.iter().enumerate() {
        let item = format!("{path}[{i}]");
        if component.get("tag").is_none_or(|tag| !tag.is_string()) {
            let message =
                format!("must be a component: an object with a string tag, got {}", json_kind(component));
            v.push(&item, Rule::Format, message);
            continue;
        }
        walk.visit(v, &item, component, 0, false);
    }
    if walk.tagged > MAX_COMPONENTS {
        let message = format!(
            "must hold at most {MAX_COMPONENTS} elements and components, got {} (platform code 300305)",
            walk.tagged
        );
        v.push(path, Rule::Items, message);
    }
}

/// Whether `id` is a well formed `element_id`: `^[A-Za-z][A-Za-z0-9_]{0,19}$`.
pub fn is_element_id(id: &str) -> bool {
    is_valid_element_id(id)
}

fn check_card(v: &mut Validator, path: &str, card: &Value, size: usize) {
    let Some(object) = card.as_object() else {
        let message = format!("must be a JSON object, got {} (platform code 300307)", json_kind(card));
        v.push(path, Rule::Format, message);
        return;
    };
    if is_empty(object) {
        let message = "must not be empty: give a header or at least one body element \
                       (platform code 300307)";
        v.push(path, Rule::Required, message);
    }
    check_schema(v, path, object);
    if object.get("config").and_then(|config| config.get("update_multi")) == Some(&Value::Bool(false)) {
        let message = "must not be false: a card entity is always a shared card (platform code 300302)";
        v.push(join(&join(path, "config"), "update_multi"), Rule::Forbidden, message);
    }

    let mut walk = Walk::default();
    walk.visit(v, path, card, 0, false);
    if walk.tagged > MAX_COMPONENTS {
        let message = format!(
            "must have at most {MAX_COMPONENTS} elements and components (objects with a tag), \
             got {} (platform code 300305)",
            walk.tagged
        );
        v.push(path, Rule::Items, message);
    }
    if size > ADVISED_CARD_BYTES {
        tracing::warn!(
            target: "larkmsg::card",
            path,
            bytes = size,
            advised = ADVISED_CARD_BYTES,
            "the card is larger than the 30 KB the card entity pages advise; the platform may \
             refuse it as too large (code 200860)"
        );
    }
}

/// Empty: no field at all, or neither a header nor a body element.
fn is_empty(card: &Map<String, Value>) -> bool {
    let has_header = card.get("header").and_then(Value::as_object).is_some_and(|header| !header.is_empty());
    let has_elements = card
        .get("body")
        .and_then(|body| body.get("elements"))
        .and_then(Value::as_array)
        .is_some_and(|elements| !elements.is_empty());
    card.is_empty() || !(has_header || has_elements)
}

fn check_schema(v: &mut Validator, path: &str, card: &Map<String, Value>) {
    let path = join(path, "schema");
    match card.get("schema") {
        None | Some(Value::Null) => {
            v.push(path, Rule::Required, "is required and must be \"2.0\" (platform code 300303)");
        }
        Some(Value::String(schema)) if schema == "2.0" => {}
        Some(other) => {
            v.push(path, Rule::Enum, format!("must be \"2.0\", got {other} (platform code 300303)"));
        }
    }
}

/// What one pass over the card collects: tagged objects and the `element_id`s seen.
#[derive(Default)]
struct Walk<'a> {
    tagged: usize,
    first_paths: HashMap<&'a str, String>,
}

impl<'a> Walk<'a> {
    /// Visits `value` at `path` with `depth` containers above it; `reported` is set once a
    /// container above was reported as too deep.
    fn visit(&mut self, v: &mut Validator, path: &str, value: &'a Value, depth: usize, reported: bool) {
        match value {
            Value::Array(items) => {
                for (i, item) in items.iter().enumerate() {
                    self.visit(v, &format!("{path}[{i}]"), item, depth, reported);
                }
            }
            Value::Object(object) => self.visit_object(v, path, object, depth, reported),
            _ => {}
        }
    }

    fn visit_object(
        &mut self,
        v: &mut Validator,
        path: &str,
        object: &'a Map<String, Value>,
        depth: usize,
        mut reported: bool,
    ) {
        let tagged = object.get("tag").is_some_and(Value::is_string);
        if tagged {
            self.tagged += 1;
            if !reported && depth + 1 > MAX_NESTING && is_container(object) {
                let message = format!(
                    "nests containers {} levels deep; card JSON 2.0 allows at most {MAX_NESTING}",
                    depth + 1
                );
                v.push(path, Rule::Format, message);
                reported = true;
            }
        }
        if let Some(id) = object.get("element_id") {
            self.check_element_id(v, join(path, "element_id"), id);
        }
        for (key, child) in object {
            let child_depth =
                if tagged && CONTAINER_FIELDS.contains(&key.as_str()) { depth + 1 } else { depth };
            self.visit(v, &join(path, key), child, child_depth, reported);
        }
    }

    fn check_element_id(&mut self, v: &mut Validator, path: String, id: &'a Value) {
        let Some(id) = id.as_str() else {
            v.push(path, Rule::Format, format!("must be a string, got {}", json_kind(id)));
            return;
        };
        if !is_valid_element_id(id) {
            let message = format!(
                "must be 1 to {MAX_ELEMENT_ID_CHARS} characters, a letter then letters, digits \
                 or underscores (^[A-Za-z][A-Za-z0-9_]{{0,19}}$), got {id:?}"
            );
            v.push(&path, Rule::Format, message);
        }
        match self.first_paths.get(id) {
            Some(first) => {
                let message = format!(
                    "must be unique in the card: {id:?} is already used at {first} (platform code 300301)"
                );
                v.push(path, Rule::Unique, message);
            }
            None => {
                self.first_paths.insert(id, path);
            }
        }
    }
}

/// A container holds at least one tagged object in one of its container fields.
fn is_container(object: &Map<String, Value>) -> bool {
    CONTAINER_FIELDS
        .iter()
        .filter_map(|field| object.get(*field).and_then(Value::as_array))
        .any(|children| children.iter().any(|child| child.get("tag").is_some_and(Value::is_string)))
}

/// `^[A-Za-z][A-Za-z0-9_]{0,19}$`, without a regex engine.
fn is_valid_element_id(id: &str) -> bool {
    let mut bytes = id.bytes();
    let starts_with_letter = bytes.next().is_some_and(|first| first.is_ascii_alphabetic());
    starts_with_letter
        && id.len() <= MAX_ELEMENT_ID_CHARS
        && bytes.all(|byte| byte.is_ascii_alphanumeric() || byte == b'_')
}
