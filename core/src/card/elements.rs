//! Body components of a card JSON 2.0 card: markdown, plain text, button, image, divider,
//! column set and column, and components given as card JSON.

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

    /// A `button` labelled `text` that opens `url` on every platform; see [`Button`] for
    /// buttons that call the app back.
    pub fn button(text: impl Into<String>, url: impl Into<String>, button_type: ButtonType) -> Self {
        Button::new(text).button_type(button_type).open_url(url).into()
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

    /// A component given as card JSON (any component this builder does not model, such as
    /// a form or a collapsible panel), kept as is.
    pub fn json(component: Map<String, Value>) -> Self {
        Self(component)
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

/// A `button` component: a label, an optional style, and what a click does, in order:
/// open a URL, send a value to the app's card callback, or both.
///
/// ```
/// use larkmsg::card::{Button, ButtonType, Element};
/// let approve: Element =
///     Button::new("Approve").button_type(ButtonType::Primary).callback(serde_json::json!({"action": "approve"})).into();
/// assert_eq!(approve.to_value()["behaviors"][0]["type"], "callback");
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct Button {
    text: String,
    button_type: Option<ButtonType>,
    behaviors: Vec<Value>,
}

impl Button {
    /// A button labelled `text` (plain text) that does nothing yet; the platform's default
    /// style applies until [`Button::button_type`] sets one.
    pub fn new(text: impl Into<String>) -> Self {
        Self { text: text.into(), button_type: None, behaviors: Vec::new() }
    }

    /// Sets the style.
    pub fn button_type(mut self, button_type: ButtonType) -> Self {
        self.button_type = Some(button_type);
        self
    }

    /// Adds an `open_url` behaviour: a click opens `url` on every platform.
    pub fn open_url(mut self, url: impl Into<String>) -> Self {
        self.behaviors.push(json!({ "type": "open_url", "default_url": url.into() }));
        self
    }

    /// Adds a `callback` behaviour: a click sends `value` to the app's card callback.
    pub fn callback(mut self, value: impl Into<Value>) -> Self {
        self.behaviors.push(json!({ "type": "callback", "value": value.into() }));
        self
    }
}

impl From<Button> for Element {
    fn from(button: Button) -> Self {
        let mut element = Element::tagged("button").with("text", plain_text(button.text));
        if let Some(button_type) = &button.button_type {
            element = element.with("type", button_type.as_str());
        }
        if !button.behaviors.is_empty() {
            element = element.with("behaviors", Value::Array(button.behaviors));
        }
        element
    }
}

/// One `column` of a column set, holding elements top to bottom, as card JSON.
#[derive(Debug, Clone, PartialEq)]
pub struct Column(Map<String, Value>);

impl Column {
    /// An empty column whose width is `weight` shares of the set (the platform allows 1 to 5).
    pub fn weighted(weight: u8) -> Self {
        Self::with_width("weighted").with("weight", weight).with("elements", Vec::<Value>::new())
    }

    /// An empty column as wide as its content.
    pub fn auto() -> Self {
        Self::with_width("auto").with("elements", Vec::<Value>::new())
    }

    /// An empty column `pixels` wide.
    pub fn pixels(pixels: u32) -> Self {
        Self::with_width(format!("{pixels}px")).with("elements", Vec::<Value>::new())
    }

    /// A column given as card JSON, kept as is.
    pub fn json(column: Map<String, Value>) -> Self {
        Self(column)
    }

    /// Appends an element below the column's others (to its `elements`, which it creates
    /// when the column has no list there).
    pub fn element(mut self, element: Element) -> Self {
        match self.0.get_mut("elements") {
            Some(Value::Array(elements)) => elements.push(element.into()),
            _ => {
                self.0.insert("elements".to_owned(), Value::Array(vec![element.into()]));
            }
        }
        self
    }

    /// Sets the column's `element_id` (same rules as [`Element::element_id`]).
    pub fn element_id(self, id: impl Into<String>) -> Self {
        self.with("element_id", id.into())
    }

    /// The column as card JSON.
    pub fn to_value(&self) -> Value {
        Value::Object(self.0.clone())
    }

    fn with_width(width: impl Into<String>) -> Self {
        Self(Map::new()).with("tag", "column").with("width", width.into())
    }

    fn with(mut self, key: &str, value: impl Into<Value>) -> Self {
        self.0.insert(key.to_owned(), value.into());
        self
    }
}

impl From<Column> for Value {
    fn from(column: Column) -> Self {
        Value::Object(column.0)
    }
}
