//! Body components of a card JSON 2.0 card: markdown, plain text, button, image, divider
//! and column set.

use serde_json::{Map, Value, json};

use crate::enums::string_enum;

string_enum! {
    /// `type` of a button: its colours and emphasis.
    pub enum ButtonType {
        /// Black text on a white background with a grey border.
        Default = "default",
        /// Blue text on a white background with a blue border.
        Primary = "primary",
        /// Red text on a white background with a red border.
        Danger = "danger",
        /// Black text without a border.
        Text = "text",
        /// Blue text without a border.
        PrimaryText = "primary_text",
        /// Red text without a border.
        DangerText = "danger_text",
        /// White text on a blue background.
        PrimaryFilled = "primary_filled",
        /// White text on a red background.
        DangerFilled = "danger_filled",
        /// The gradient style of the platform's AI scenes.
        Laser = "laser",
    }
}

/// A text element: `{"content": …, "tag": "plain_text"}` (key order as in the platform docs).
pub(crate) fn plain_text(content: impl Into<String>) -> Value {
    json!({ "content": content.into(), "tag": "plain_text" })
}

/// One component of a card body or of a column, as card JSON.
#[derive(Debug, Clone, PartialEq)]
pub struct Element(Map<String, Value>);

impl Element {
    /// A `markdown` component showing `content`.
    pub fn markdown(content: impl Into<String>) -> Self {
        Self::tagged("markdown").with("content", content.into())
    }

    /// A `div` component showing `content` as plain text.
    pub fn plain_text(content: impl Into<String>) -> Self {
        Self::tagged("div").with("text", plain_text(content))
    }

    /// A `button` labelled `text` that opens `url` on every platform.
    pub fn button(text: impl Into<String>, url: impl Into<String>, button_type: ButtonType) -> Self {
        let open_url = json!({ "type": "open_url", "default_url": url.into() });
        Self::tagged("button")
            .with("text", plain_text(text))
            .with("type", button_type.as_str())
            .with("behaviors", Value::Array(vec![open_url]))
    }

    /// An `img` component showing the uploaded image `img_key`, described by `alt`.
    pub fn image(img_key: impl Into<String>, alt: impl Into<String>) -> Self {
        Self::tagged("img").with("img_key", img_key.into()).with("alt", plain_text(alt))
    }

    /// An `hr` divider.
    pub fn divider() -> Self {
        Self::tagged("hr")
    }

    /// A `column_set` laying `columns` side by side.
    pub fn column_set(columns: impl IntoIterator<Item = Column>) -> Self {
        let columns = columns.into_iter().map(Value::from).collect();
        Self::tagged("column_set").with("columns", Value::Array(columns))
    }

    /// Sets `element_id`, the id used to update this component later: 1 to 20 characters,
    /// a letter then letters, digits or underscores, unique in the card.
    pub fn element_id(self, id: impl Into<String>) -> Self {
        self.with("element_id", id.into())
    }

    /// The component as card JSON.
    pub fn to_value(&self) -> Value {
        Value::Object(self.0.clone())
    }

    fn tagged(tag: &str) -> Self {
        Self(Map::new()).with("tag", tag)
    }

    fn with(mut self, key: &str, value: impl Into<Value>) -> Self {
        self.0.insert(key.to_owned(), value.into());
        self
    }
}

impl From<Element> for Value {
    fn from(element: Element) -> Self {
        Value::Object(element.0)
    }
}

/// One `column` of a column set, with a weighted width, holding elements top to bottom.
#[derive(Debug, Clone, PartialEq)]
pub struct Column {
    weight: u8,
    elements: Vec<Element>,
    element_id: Option<String>,
}

impl Column {
    /// An empty column whose width is `weight` shares of the set (the platform allows 1 to 5).
    pub fn weighted(weight: u8) -> Self {
        Self { weight, elements: Vec::new(), element_id: None }
    }

    /// Appends an element below the column's others.
    pub fn element(mut self, element: Element) -> Self {
        self.elements.push(element);
        self
    }

    /// Sets the column's `element_id` (same rules as [`Element::element_id`]).
    pub fn element_id(mut self, id: impl Into<String>) -> Self {
        self.element_id = Some(id.into());
        self
    }
}

impl From<Column> for Value {
    fn from(column: Column) -> Self {
        let elements = column.elements.into_iter().map(Value::from).collect();
        let mut object = Map::new();
        object.insert("tag".to_owned(), "column".into());
        object.insert("width".to_owned(), "weighted".into());
        object.insert("weight".to_owned(), column.weight.into());
        object.insert("elements".to_owned(), Value::Array(elements));
        if let Some(id) = column.element_id {
            object.insert("element_id".to_owned(), id.into());
        }
        Value::Object(object)
    }
}
