//! A card and its components in the JSON form of a spec, decoded into the card builder
//! with every violation named by its path in the spec. The form is documented with
//! [`crate::content::build_content`], the entry point that reads it.

use serde::Deserialize;
use serde_json::{Map, Value};

use super::{Button, ButtonType, Card, Column, Config, Element, Header};
use crate::enums::{KnownValues, string_enum};
use crate::validate::{Rule, Validator, join, json_kind};

/// The spec of a card.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CardSpec {
    header: Option<Header>,
    config: Option<Config>,
    #[serde(default)]
    elements: Vec<Value>,
}

string_enum! {
    /// The builder components, by the key that names them.
    enum ComponentKind {
        Markdown = "markdown",
        PlainText = "plain_text",
        Button = "button",
        Image = "image",
        Divider = "divider",
        ColumnSet = "column_set",
        Column = "column",
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct TextSpec {
    content: String,
    element_id: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ButtonSpec {
    text: String,
    #[serde(rename = "type")]
    button_type: Option<ButtonType>,
    url: Option<String>,
    value: Option<Value>,
    element_id: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ImageSpec {
    img_key: String,
    #[serde(default)]
    alt: String,
    element_id: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct DividerSpec {
    element_id: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ColumnSetSpec {
    columns: Vec<Value>,
    element_id: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ColumnSpec {
    #[serde(default)]
    elements: Vec<Value>,
    width: Option<String>,
    weight: Option<u8>,
    element_id: Option<String>,
}

/// A component decoded from its spec: a body element, a column, or card JSON (which is
/// either, by where it stands).
enum Component {
    Element(Element),
    Column(Column),
    Json(Map<String, Value>),
}

/// Builds the card `spec` at `path`; `None` when a violation was recorded.
pub(crate) fn card(v: &mut Validator, path: &str, spec: Value) -> Option<Card> {
    let spec = v.decode::<CardSpec>(path, spec)?;
    let mut inner = Validator::new();
    let mut card = Card::new();
    if let Some(header) = spec.header {
        header.check_known(&mut inner, &join(path, "header"));
        card = card.header(header);
    }
    if let Some(config) = spec.config {
        config.check_known(&mut inner, &join(path, "config"));
        card = card.config(config);
    }
    let card = elements(&mut inner, &join(path, "elements"), spec.elements)
        .into_iter()
        .fold(card, |card, element| card.element(element));
    finished(v, inner, card)
}

/// Builds one component `spec` at `path` (a column too) as card JSON; `None` when a
/// violation was recorded.
pub(crate) fn component(v: &mut Validator, path: &str, spec: Value) -> Option<Value> {
    let mut inner = Validator::new();
    let json = component_of(&mut inner, path, spec).map(|component| match component {
        Component::Element(element) => element.into(),
        Component::Column(column) => column.into(),
        Component::Json(json) => Value::Object(json),
    });
    finished(v, inner, json).flatten()
}

/// `built` when `inner` recorded nothing, else `None` with `inner`'s violations moved to `v`.
fn finished<T>(v: &mut Validator, inner: Validator, built: T) -> Option<T> {
    match inner.finish() {
        Ok(()) => Some(built),
        Err(violations) => {
            v.extend(violations);
            None
        }
    }
}

/// The body elements (or a column's) at `path`: components other than columns.
fn elements(v: &mut Validator, path: &str, specs: Vec<Value>) -> Vec<Element> {
    let mut elements = Vec::with_capacity(specs.len());
    for (i, spec) in specs.into_iter().enumerate() {
        let path = format!("{path}[{i}]");
        match component_of(v, &path, spec) {
            Some(Component::Element(element)) => elements.push(element),
            Some(Component::Json(json)) => elements.push(Element::json(json)),
            Some(Component::Column(_)) => {
                v.push(path, Rule::Forbidden, "a column stands only in a column set's `columns`");
            }
            None => {}
        }
    }
    elements
}

/// The columns of a column set at `path`.
fn columns(v: &mut Validator, path: &str, specs: Vec<Value>) -> Vec<Column> {
    let mut columns = Vec::with_capacity(specs.len());
    for (i, spec) in specs.into_iter().enumerate() {
        let path = format!("{path}[{i}]");
        match component_of(v, &path, spec) {
            Some(Component::Column(column)) => columns.push(column),
            Some(Component::Json(json)) => columns.push(Column::json(json)),
            Some(Component::Element(_)) => {
                let message = "must be a column: {\"column\": {…}} or a column's card JSON";
                v.push(path, Rule::Forbidden, message);
            }
            None => {}
        }
    }
    columns
}

/// Decodes and builds the component `spec` at `path`; card JSON (an object with a string
/// `tag`) is kept as is.
fn component_of(v: &mut Validator, path: &str, spec: Value) -> Option<Component> {
    let object = match spec {
        Value::Object(object) if object.get("tag").is_some_and(Value::is_string) => {
            return Some(Component::Json(object));
        }
        Value::Object(object) if object.len() == 1 => object,
        other => {
            let message = format!(
                "must be a component: an object with one key naming it ({}), or card JSON with a `tag`; got {}",
                ComponentKind::KNOWN.join(", "),
                match &other {
                    Value::Object(object) => format!("an object with {} keys", object.len()),
                    other => json_kind(other).to_owned(),
                }
            );
            v.push(path, Rule::Format, message);
            return None;
        }
    };
    let (key, payload) = object.into_iter().next()?;
    let kind = ComponentKind::from(key.as_str());
    let path = join(path, &key);
    if !v.known(&path, &kind) {
        return None;
    }
    let component = match kind {
        ComponentKind::Markdown => {
            let spec: TextSpec = v.decode(&path, payload)?;
            Component::Element(with_id(Element::markdown(spec.content), spec.element_id))
        }
        ComponentKind::PlainText => {
            let spec: TextSpec = v.decode(&path, payload)?;
            Component::Element(with_id(Element::plain_text(spec.content), spec.element_id))
        }
        ComponentKind::Button => {
            let spec: ButtonSpec = v.decode(&path, payload)?;
            Component::Element(button(v, &path, spec))
        }
        ComponentKind::Image => {
            let spec: ImageSpec = v.decode(&path, payload)?;
            Component::Element(with_id(Element::image(spec.img_key, spec.alt), spec.element_id))
        }
        ComponentKind::Divider => {
            let spec: DividerSpec = v.decode(&path, payload)?;
            Component::Element(with_id(Element::divider(), spec.element_id))
        }
        ComponentKind::ColumnSet => {
            let spec: ColumnSetSpec = v.decode(&path, payload)?;
            let columns = columns(v, &join(&path, "columns"), spec.columns);
            Component::Element(with_id(Element::column_set(columns), spec.element_id))
        }
        ComponentKind::Column => {
            let spec: ColumnSpec = v.decode(&path, payload)?;
            Component::Column(column(v, &path, spec)?)
        }
        ComponentKind::Unknown(_) => return None,
    };
    Some(component)
}

fn with_id(element: Element, id: Option<String>) -> Element {
    match id {
        Some(id) => element.element_id(id),
        None => element,
    }
}

fn button(v: &mut Validator, path: &str, spec: ButtonSpec) -> Element {
    let mut button = Button::new(spec.text);
    if let Some(button_type) = spec.button_type {
        v.known(join(path, "type"), &button_type);
        button = button.button_type(button_type);
    }
    if let Some(url) = spec.url {
        button = button.open_url(url);
    }
    if let Some(value) = spec.value {
        button = button.callback(value);
    }
    with_id(button.into(), spec.element_id)
}

fn column(v: &mut Validator, path: &str, spec: ColumnSpec) -> Option<Column> {
    let width = spec.width.as_deref().unwrap_or("weighted");
    let column = match width {
        "weighted" => Some(Column::weighted(spec.weight.unwrap_or(1))),
        "auto" => Some(Column::auto()),
        _ => match width.strip_suffix("px").and_then(|pixels| pixels.parse().ok()) {
            Some(pixels) => Some(Column::pixels(pixels)),
            None => {
                let message = format!(
                    "must be \"weighted\", \"auto\" or a width in pixels such as \"120px\", got {width:?}"
                );
                v.push(join(path, "width"), Rule::Format, message);
                None
            }
        },
    };
    if width != "weighted" && spec.weight.is_some() {
        let message = format!("applies only to width \"weighted\", the width is {width:?}");
        v.push(join(path, "weight"), Rule::Forbidden, message);
        return None;
    }
    let column = elements(v, &join(path, "elements"), spec.elements)
        .into_iter()
        .fold(column?, |column, element| column.element(element));
    Some(match spec.element_id {
        Some(id) => column.element_id(id),
        None => column,
    })
}
