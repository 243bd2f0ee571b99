//! `text` messages: `{"text": "..."}` with `<at>` mentions and light markup.

use serde::Deserialize;
use serde_json::Value;

use super::fields::CheckFields;
use super::json::{Object, ToJson, serialize_as_json};
use crate::validate::{Validator, join};

/// Content of a `text` message: `{"text": "..."}`.
///
/// The text may hold `<at user_id="ou_...">name</at>`, `<at user_id="all"></at>`,
/// the styles `<b>` or `**bold**`, `<i>`, `<u>`, `<s>` (send message and reply only: batch
/// send refuses them) and `[text](url)`; see [`TextBuilder`].
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct TextContent {
    /// The message text.
    pub text: String,
}

impl TextContent {
    /// A text message with this text, taken as is.
    pub fn new(text: impl Into<String>) -> Self {
        Self { text: text.into() }
    }

    /// A builder that appends text and mentions.
    pub fn builder() -> TextBuilder {
        TextBuilder::default()
    }

    /// The `content` string of a `text` message with `text`, taken as is: `{"text":"..."}`.
    pub fn content_string(text: impl Into<String>) -> String {
        super::MessageContent::from(Self::new(text)).to_content_string()
    }
}

impl ToJson for TextContent {
    fn to_json(&self) -> Value {
        Object::new().field("text", self.text.as_str()).build()
    }
}

serialize_as_json!(TextContent);

impl CheckFields for TextContent {
    fn check_fields(&self, v: &mut Validator, path: &str) {
        v.required(join(path, "text"), Some(self.text.as_str()));
    }
}

/// The style markup of text messages: bold, italic, underline and strikethrough, each as
/// its opening and closing mark.
const STYLE_MARKS: [(&str, &str); 5] =
    [("<b>", "</b>"), ("**", "**"), ("<i>", "</i>"), ("<u>", "</u>"), ("<s>", "</s>")];

/// The first style the text applies (`<b>…</b>`, `**…**`, `<i>…</i>`, `<u>…</u>` or
/// `<s>…</s>`), as its opening and closing mark. A mark without its closing one is not a
/// style: the platform shows it as typed.
pub(crate) fn styled(text: &str) -> Option<(&'static str, &'static str)> {
    STYLE_MARKS
        .into_iter()
        .find(|(open, close)| text.find(open).is_some_and(|at| text[at + open.len()..].contains(close)))
}

/// Builds the text of a `text` message piece by piece.
///
/// ```
/// use larkmsg::content::TextContent;
/// let content = TextContent::builder().at_user("ou_1", "Tom").text(" hello").build();
/// assert_eq!(content.text, r#"<at user_id="ou_1">Tom</at> hello"#);
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TextBuilder {
    text: String,
}

impl TextBuilder {
    /// Appends plain text.
    pub fn text(mut self, text: &str) -> Self {
        self.text.push_str(text);
        self
    }

    /// Appends a mention of one user: `<at user_id="ou_...">name</at>`.
    pub fn at_user(mut self, user_id: &str, name: &str) -> Self {
        self.text.push_str(&format!("<at user_id=\"{user_id}\">{name}</at>"));
        self
    }

    /// Appends a mention of everyone in the chat: `<at user_id="all"></at>`.
    pub fn at_all(mut self) -> Self {
        self.text.push_str("<at user_id=\"all\"></at>");
        self
    }

    /// Appends a link: `[text](url)`.
    pub fn link(mut self, text: &str, url: &str) -> Self {
        self.text.push_str(&format!("[{text}]({url})"));
        self
    }

    /// Appends a line break.
    pub fn newline(mut self) -> Self {
        self.text.push('\n');
        self
    }

    /// The finished content.
    pub fn build(self) -> TextContent {
        TextContent { text: self.text }
    }
}

/// One piece of a text message in JSON form, for the bindings' builders:
/// `{"part": "text", "text": "hi"}`, `{"part": "at_user", "user_id": "ou_…", "name": "Tom"}`,
/// `{"part": "at_all"}`, `{"part": "link", "text": "…", "url": "…"}`, `{"part": "newline"}`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(tag = "part", rename_all = "snake_case", deny_unknown_fields)]
pub enum TextPart {
    /// Plain text.
    Text {
        /// The text.
        text: String,
    },
    /// A mention of one user.
    AtUser {
        /// The user's open_id.
        user_id: String,
        /// The name shown.
        name: String,
    },
    /// A mention of everyone in the chat.
    AtAll,
    /// A link.
    Link {
        /// The link's text.
        text: String,
        /// Where it leads.
        url: String,
    },
    /// A line break.
    Newline,
}

impl TextContent {
    /// A text message built from parts, as [`TextBuilder`] builds it.
    pub fn from_parts(parts: &[TextPart]) -> Self {
        parts
            .iter()
            .fold(TextContent::builder(), |builder, part| match part {
                TextPart::Text { text } => builder.text(text),
                TextPart::AtUser { user_id, name } => builder.at_user(user_id, name),
                TextPart::AtAll => builder.at_all(),
                TextPart::Link { text, url } => builder.link(text, url),
                TextPart::Newline => builder.newline(),
            })
            .build()
    }
}

impl From<TextBuilder> for TextContent {
    fn from(builder: TextBuilder) -> Self {
        builder.build()
    }
}
