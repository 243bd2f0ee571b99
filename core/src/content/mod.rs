//! Typed message content for send message (`content` string) and batch send (`content` /
//! `card` objects).
//!
//! Build a content with the types' constructors and builders, wrap it in
//! [`MessageContent`] (every type converts with `into()`), then take
//! [`MessageContent::to_content_string`] for send message or [`MessageContent::to_batch`]
//! for batch send. [`check_message_content`], [`check_batch_content`] and
//! [`check_batch_card`] validate content given as JSON. [`build_content`] builds content
//! and cards from a JSON spec: the one entry point of the bindings' builders
//! ([`build_message`] when only message content will do).
//!
//! Serializing a content cannot fail: each type builds its JSON as a `serde_json::Value`
//! (fields in the order of the platform's examples, `None` fields left out) and its
//! `Serialize` impl writes that value, so no `Result` is needed for the JSON text.

mod batch;
mod check;
mod fields;
mod interactive;
mod json;
mod media;
mod post;
mod post_check;
mod share;
mod spec;
mod system;
mod text;

use serde_json::Value;

pub use batch::{BATCH_MSG_TYPES, BatchMessage, check_batch_card, check_batch_content, check_batch_msg_type};
pub(crate) use batch::{check_batch_card_in, check_batch_content_in};
pub use check::{POST_CARD_MAX_BYTES, TEXT_MAX_BYTES, check_message_content};
pub(crate) use check::{check_body_size, check_content_shape};
pub use interactive::{CardEntity, InteractiveContent, TemplateCard};
pub use media::{AudioContent, FileContent, ImageContent, MediaContent, StickerContent};
pub use post::{
    PostAt, PostBuilder, PostCodeBlock, PostContent, PostEmotion, PostImg, PostLink, PostLocale, PostMd,
    PostMedia, PostNode, PostTag, PostText, TextStyle,
};
pub use share::{ShareChatContent, ShareUserContent};
pub use spec::{Built, build_content, build_message};
pub use system::{DividerText, SystemContent, SystemKind, SystemOptions, SystemParams};
pub use text::{TextBuilder, TextContent, TextPart};

use crate::enums::{KnownValues, MsgType};
use crate::validate::{Rule, Validator, Violation, Violations, decode_str, decode_value};
use json::ToJson;

/// The content of a message, one variant per `msg_type`.
#[derive(Debug, Clone, PartialEq)]
pub enum MessageContent {
    /// `text`
    Text(TextContent),
    /// `post`
    Post(PostContent),
    /// `image`
    Image(ImageContent),
    /// `file`
    File(FileContent),
    /// `audio`
    Audio(AudioContent),
    /// `media`
    Media(MediaContent),
    /// `sticker`
    Sticker(StickerContent),
    /// `interactive`
    Interactive(InteractiveContent),
    /// `share_chat`
    ShareChat(ShareChatContent),
    /// `share_user`
    ShareUser(ShareUserContent),
    /// `system`
    System(SystemContent),
}

impl MessageContent {
    /// The `msg_type` that goes with this content.
    pub fn msg_type(&self) -> MsgType {
        match self {
            Self::Text(_) => MsgType::Text,
            Self::Post(_) => MsgType::Post,
            Self::Image(_) => MsgType::Image,
            Self::File(_) => MsgType::File,
            Self::Audio(_) => MsgType::Audio,
            Self::Media(_) => MsgType::Media,
            Self::Sticker(_) => MsgType::Sticker,
            Self::Interactive(_) => MsgType::Interactive,
            Self::ShareChat(_) => MsgType::ShareChat,
            Self::ShareUser(_) => MsgType::ShareUser,
            Self::System(_) => MsgType::System,
        }
    }

    /// The content as a JSON value (send message's form).
    pub fn to_value(&self) -> Value {
        match self {
            Self::Text(c) => c.to_json(),
            Self::Post(c) => c.to_json(),
            Self::Image(c) => c.to_json(),
            Self::File(c) => c.to_json(),
            Self::Audio(c) => c.to_json(),
            Self::Media(c) => c.to_json(),
            Self::Sticker(c) => c.to_json(),
            Self::Interactive(c) => c.to_json(),
            Self::ShareChat(c) => c.to_json(),
            Self::ShareUser(c) => c.to_json(),
            Self::System(c) => c.to_json(),
        }
    }

    /// The JSON string send message's `content` wants, e.g. `{"text":"test content"}`.
    pub fn to_content_string(&self) -> String {
        self.to_value().to_string()
    }

    /// Checks that the JSON values given to this content (card JSON, template variables)
    /// nest at most [`crate::validate::MAX_DEPTH`] deep, before anything copies or
    /// serializes them; the violation is at `path`.
    pub(crate) fn check_depth(&self, path: &str) -> Result<(), Violations> {
        let mut v = Validator::new();
        match self {
            Self::Interactive(InteractiveContent::Card(card)) => {
                v.depth(path, card);
            }
            Self::Interactive(InteractiveContent::Template(template)) => {
                let variables = template.template_variable.iter().flat_map(|variables| variables.values());
                for value in variables {
                    if !v.depth(path, value) {
                        break;
                    }
                }
            }
            _ => {}
        }
        v.finish()
    }

    /// Checks this content against send message's rules (shape, sizes, post rules);
    /// violations have paths below `content`.
    ///
    /// # Errors
    /// Every violation of send message's rules.
    pub fn validate(&self) -> Result<(), Violations> {
        self.check_depth("content")?;
        let mut v = Validator::new();
        check_message_content(&mut v, "content", &self.msg_type(), &self.to_content_string());
        v.finish()
    }

    /// Decodes send message's `content` string for `msg_type`, after checking it with
    /// [`check_message_content`]; violations have paths `msg_type` or below `content`.
    ///
    /// The content is decoded from its JSON value, as the checks decode it, so whatever
    /// passes them parses (a key given twice keeps its last value).
    ///
    /// # Errors
    /// Every violation, when `msg_type` is unknown or the content breaks its rules.
    pub fn parse(msg_type: &MsgType, content: &str) -> Result<Self, Violations> {
        if let MsgType::Unknown(other) = msg_type {
            return Err(unknown_msg_type(other));
        }
        let mut v = Validator::new();
        check_message_content(&mut v, "content", msg_type, content);
        v.finish()?;
        let path = "content";
        let value: Value = decode_str(path, content)?;
        Ok(match msg_type {
            MsgType::Text => Self::Text(decode_value(path, value)?),
            MsgType::Post => Self::Post(decode_value(path, value)?),
            MsgType::Image => Self::Image(decode_value(path, value)?),
            MsgType::File => Self::File(decode_value(path, value)?),
            MsgType::Audio => Self::Audio(decode_value(path, value)?),
            MsgType::Media => Self::Media(decode_value(path, value)?),
            MsgType::Sticker => Self::Sticker(decode_value(path, value)?),
            MsgType::Interactive => Self::Interactive(decode_value(path, value)?),
            MsgType::ShareChat => Self::ShareChat(decode_value(path, value)?),
            MsgType::ShareUser => Self::ShareUser(decode_value(path, value)?),
            MsgType::System => Self::System(decode_value(path, value)?),
            MsgType::Unknown(other) => return Err(unknown_msg_type(other)),
        })
    }
}

/// The violation of a `msg_type` this version does not know.
fn unknown_msg_type(other: &str) -> Violations {
    let message = format!("must be one of {}, got {other:?}", MsgType::KNOWN.join(", "));
    Violation { path: "msg_type".into(), rule: Rule::Enum, message }.into()
}

/// Implements `From<$ty> for MessageContent` for each content type.
macro_rules! from_content {
    ($($ty:ty => $variant:ident),+ $(,)?) => {
        $(
            impl From<$ty> for MessageContent {
                fn from(content: $ty) -> Self {
                    Self::$variant(content)
                }
            }
        )+
    };
}

from_content! {
    TextContent => Text,
    PostContent => Post,
    ImageContent => Image,
    FileContent => File,
    AudioContent => Audio,
    MediaContent => Media,
    StickerContent => Sticker,
    InteractiveContent => Interactive,
    ShareChatContent => ShareChat,
    ShareUserContent => ShareUser,
    SystemContent => System,
}

impl From<TextBuilder> for MessageContent {
    fn from(builder: TextBuilder) -> Self {
        Self::Text(builder.build())
    }
}

impl From<PostBuilder> for MessageContent {
    fn from(builder: PostBuilder) -> Self {
        Self::Post(builder.build())
    }
}

impl From<TemplateCard> for MessageContent {
    fn from(template: TemplateCard) -> Self {
        Self::Interactive(template.into())
    }
}
