//! `post` messages: rich text in one or more locales, paragraphs of tagged nodes.

use indexmap::IndexMap;
use serde::Deserialize;
use serde_json::Value;

use super::json::{Object, ToJson, serialize_as_json};
use crate::enums::string_enum;

string_enum! {
    /// A text style of a `text`, `a` or `at` post node (not supported by batch send).
    pub enum TextStyle {
        /// Bold.
        Bold = "bold",
        /// Underlined.
        Underline = "underline",
        /// Struck through.
        LineThrough = "lineThrough",
        /// Italic.
        Italic = "italic",
    }
}

string_enum! {
    /// The `tag` of a post node: which kind of node it is.
    pub enum PostTag {
        /// Text.
        Text = "text",
        /// A hyperlink.
        Link = "a",
        /// A mention.
        At = "at",
        /// An image (stands alone in its paragraph).
        Img = "img",
        /// A video (stands alone in its paragraph).
        Media = "media",
        /// An emoji.
        Emotion = "emotion",
        /// A horizontal rule.
        Hr = "hr",
        /// A code block.
        CodeBlock = "code_block",
        /// Markdown (stands alone in its paragraph; not supported by batch send).
        Md = "md",
    }
}

/// Content of a `post` message: locale (`zh_cn`, `en_us`, `ja_jp`, ...) → rich text.
///
/// Serializes as `{"zh_cn": {...}, "en_us": {...}}` in insertion order; batch send wraps
/// it as `{"post": {...}}` (see [`super::MessageContent::to_batch`]).
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(transparent)]
pub struct PostContent {
    /// The rich text of each locale, in order.
    pub locales: IndexMap<String, PostLocale>,
}

/// The rich text of one locale: an optional title and paragraphs of nodes.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
pub struct PostLocale {
    /// The title, if any.
    pub title: Option<String>,
    /// Paragraphs, each a list of nodes.
    pub content: Vec<Vec<PostNode>>,
}

/// One node of a post paragraph, tagged by `tag`.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(tag = "tag")]
pub enum PostNode {
    /// `{"tag":"text","text",...}`
    #[serde(rename = "text")]
    Text(PostText),
    /// `{"tag":"a","href","text",...}`
    #[serde(rename = "a")]
    Link(PostLink),
    /// `{"tag":"at","user_id",...}`
    #[serde(rename = "at")]
    At(PostAt),
    /// `{"tag":"img","image_key"}`
    #[serde(rename = "img")]
    Img(PostImg),
    /// `{"tag":"media","file_key","image_key"?}`
    #[serde(rename = "media")]
    Media(PostMedia),
    /// `{"tag":"emotion","emoji_type"}`
    #[serde(rename = "emotion")]
    Emotion(PostEmotion),
    /// `{"tag":"hr"}`
    #[serde(rename = "hr")]
    Hr,
    /// `{"tag":"code_block","language"?,"text"}`
    #[serde(rename = "code_block")]
    CodeBlock(PostCodeBlock),
    /// `{"tag":"md","text"}`
    #[serde(rename = "md")]
    Md(PostMd),
}

/// A text node.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
pub struct PostText {
    /// The text.
    pub text: String,
    /// Whether the text is shown as is, without unescaping.
    pub un_escape: Option<bool>,
    /// Text styles.
    pub style: Option<Vec<TextStyle>>,
}

/// A hyperlink node.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
pub struct PostLink {
    /// The link target.
    pub href: String,
    /// The text shown.
    pub text: String,
    /// Text styles.
    pub style: Option<Vec<TextStyle>>,
}

/// A mention node; `user_id` `all` mentions everyone.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
pub struct PostAt {
    /// The user's open_id, user_id or union_id, or `all`.
    pub user_id: String,
    /// The user's name, when known.
    pub user_name: Option<String>,
    /// Text styles.
    pub style: Option<Vec<TextStyle>>,
}

/// An image node.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
pub struct PostImg {
    /// The key of an uploaded image.
    pub image_key: String,
}

/// A video node.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
pub struct PostMedia {
    /// The key of an uploaded video file.
    pub file_key: String,
    /// The key of a cover image.
    pub image_key: Option<String>,
}

/// An emoji node.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
pub struct PostEmotion {
    /// The emoji's type, e.g. `SMILE`.
    pub emoji_type: String,
}

/// A code block node.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
pub struct PostCodeBlock {
    /// The language, e.g. `GO`.
    pub language: Option<String>,
    /// The code.
    pub text: String,
}

/// A Markdown node.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
pub struct PostMd {
    /// The Markdown text.
    pub text: String,
}

impl PostNode {
    /// A text node.
    pub fn text(text: impl Into<String>) -> Self {
        Self::Text(PostText { text: text.into(), ..PostText::default() })
    }

    /// A hyperlink node.
    pub fn link(text: impl Into<String>, href: impl Into<String>) -> Self {
        Self::Link(PostLink { href: href.into(), text: text.into(), style: None })
    }

    /// A mention of one user.
    pub fn at(user_id: impl Into<String>) -> Self {
        Self::At(PostAt { user_id: user_id.into(), ..PostAt::default() })
    }

    /// A mention of one user with their name.
    pub fn at_named(user_id: impl Into<String>, user_name: impl Into<String>) -> Self {
        Self::At(PostAt { user_id: user_id.into(), user_name: Some(user_name.into()), style: None })
    }

    /// A mention of everyone in the chat.
    pub fn at_all() -> Self {
        Self::at("all")
    }

    /// An image node (stands alone in its paragraph).
    pub fn image(image_key: impl Into<String>) -> Self {
        Self::Img(PostImg { image_key: image_key.into() })
    }

    /// A video node (stands alone in its paragraph).
    pub fn media(file_key: impl Into<String>, image_key: Option<&str>) -> Self {
        Self::Media(PostMedia { file_key: file_key.into(), image_key: image_key.map(str::to_owned) })
    }

    /// An emoji node.
    pub fn emotion(emoji_type: impl Into<String>) -> Self {
        Self::Emotion(PostEmotion { emoji_type: emoji_type.into() })
    }

    /// A horizontal rule.
    pub fn hr() -> Self {
        Self::Hr
    }

    /// A code block.
    pub fn code_block(language: Option<&str>, text: impl Into<String>) -> Self {
        Self::CodeBlock(PostCodeBlock { language: language.map(str::to_owned), text: text.into() })
    }

    /// A Markdown node (stands alone in its paragraph; not supported by batch send).
    pub fn md(text: impl Into<String>) -> Self {
        Self::Md(PostMd { text: text.into() })
    }

    /// Adds a style to a `text`, `a` or `at` node; other nodes have no style and are
    /// returned unchanged.
    pub fn style(mut self, style: TextStyle) -> Self {
        if let Some(styles) = self.styles_mut() {
            styles.get_or_insert_with(Vec::new).push(style);
        }
        self
    }

    /// Sets `un_escape` of a `text` node; other nodes are returned unchanged.
    pub fn un_escape(mut self, un_escape: bool) -> Self {
        if let Self::Text(node) = &mut self {
            node.un_escape = Some(un_escape);
        }
        self
    }

    /// The node's tag.
    pub fn tag(&self) -> PostTag {
        match self {
            Self::Text(_) => PostTag::Text,
            Self::Link(_) => PostTag::Link,
            Self::At(_) => PostTag::At,
            Self::Img(_) => PostTag::Img,
            Self::Media(_) => PostTag::Media,
            Self::Emotion(_) => PostTag::Emotion,
            Self::Hr => PostTag::Hr,
            Self::CodeBlock(_) => PostTag::CodeBlock,
            Self::Md(_) => PostTag::Md,
        }
    }

    /// The styles of a node that can have them.
    pub fn styles(&self) -> Option<&[TextStyle]> {
        match self {
            Self::Text(PostText { style, .. })
            | Self::Link(PostLink { style, .. })
            | Self::At(PostAt { style, .. }) => style.as_deref(),
            _ => None,
        }
    }

    fn styles_mut(&mut self) -> Option<&mut Option<Vec<TextStyle>>> {
        match self {
            Self::Text(PostText { style, .. })
            | Self::Link(PostLink { style, .. })
            | Self::At(PostAt { style, .. }) => Some(style),
            _ => None,
        }
    }
}

impl PostTag {
    /// Whether a node with this tag must be the only node of its paragraph.
    pub fn stands_alone(&self) -> bool {
        matches!(self, Self::Img | Self::Media | Self::Md)
    }
}

impl PostLocale {
    /// A locale with no title and no paragraphs yet.
    pub fn new() -> Self {
        Self::default()
    }

    /// Sets the title.
    pub fn title(mut self, title: impl Into<String>) -> Self {
        self.title = Some(title.into());
        self
    }

    /// Appends a paragraph.
    pub fn paragraph(mut self, nodes: impl IntoIterator<Item = PostNode>) -> Self {
        self.content.push(nodes.into_iter().collect());
        self
    }
}

impl PostContent {
    /// A builder that adds locales in order.
    pub fn builder() -> PostBuilder {
        PostBuilder::default()
    }

    /// The rich text of one locale.
    pub fn locale(&self, locale: &str) -> Option<&PostLocale> {
        self.locales.get(locale)
    }
}

/// Builds a [`PostContent`] locale by locale.
///
/// ```
/// use larkmsg::content::{PostContent, PostLocale, PostNode};
/// let post = PostContent::builder()
///     .locale("zh_cn", Some("标题"), vec![vec![PostNode::text("第一行")]])
///     .add("en_us", PostLocale::new().title("Title").paragraph([PostNode::text("first line")]))
///     .build();
/// assert_eq!(post.locales.len(), 2);
/// ```
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PostBuilder {
    locales: IndexMap<String, PostLocale>,
}

impl PostBuilder {
    /// Adds (or replaces) a locale from a title and paragraphs.
    pub fn locale(self, locale: &str, title: Option<&str>, paragraphs: Vec<Vec<PostNode>>) -> Self {
        let entry = PostLocale { title: title.map(str::to_owned), content: paragraphs };
        self.add(locale, entry)
    }

    /// Adds (or replaces) a locale built with [`PostLocale`]'s builder methods.
    pub fn add(mut self, locale: &str, content: PostLocale) -> Self {
        self.locales.insert(locale.to_owned(), content);
        self
    }

    /// The finished content.
    pub fn build(self) -> PostContent {
        PostContent { locales: self.locales }
    }
}

fn styles_json(style: &Option<Vec<TextStyle>>) -> Option<Value> {
    style.as_ref().map(|styles| styles.iter().map(|s| Value::from(s.as_str())).collect())
}

impl ToJson for PostNode {
    fn to_json(&self) -> Value {
        let node = Object::new().field("tag", self.tag().as_str());
        match self {
            Self::Text(n) => node
                .field("text", n.text.as_str())
                .optional("un_escape", n.un_escape)
                .optional("style", styles_json(&n.style)),
            Self::Link(n) => node
                .field("href", n.href.as_str())
                .field("text", n.text.as_str())
                .optional("style", styles_json(&n.style)),
            Self::At(n) => node
                .field("user_id", n.user_id.as_str())
                .optional("user_name", n.user_name.as_deref())
                .optional("style", styles_json(&n.style)),
            Self::Img(n) => node.field("image_key", n.image_key.as_str()),
            Self::Media(n) => {
                node.field("file_key", n.file_key.as_str()).optional("image_key", n.image_key.as_deref())
            }
            Self::Emotion(n) => node.field("emoji_type", n.emoji_type.as_str()),
            Self::Hr => node,
            Self::CodeBlock(n) => {
                node.optional("language", n.language.as_deref()).field("text", n.text.as_str())
            }
            Self::Md(n) => node.field("text", n.text.as_str()),
        }
        .build()
    }
}

impl ToJson for PostLocale {
    fn to_json(&self) -> Value {
        let paragraphs: Vec<Value> =
            self.content.iter().map(|paragraph| paragraph.iter().map(ToJson::to_json).collect()).collect();
        Object::new().optional("title", self.title.as_deref()).field("content", paragraphs).build()
    }
}

impl ToJson for PostContent {
    fn to_json(&self) -> Value {
        let mut object = Object::new();
        for (locale, content) in &self.locales {
            object = object.field(locale, content.to_json());
        }
        object.build()
    }
}

serialize_as_json!(PostContent, PostLocale, PostNode);
