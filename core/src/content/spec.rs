//! The one JSON entry point of the bindings' content and card builders: a spec names what
//! to build, the core decodes it into its typed builders, checks the result and writes it.

use serde::Deserialize;
use serde::de::DeserializeOwned;
use serde_json::{Value, json};

use super::MessageContent;
use super::check::check_message_content;
use super::interactive::{CardEntity, InteractiveContent, TemplateCard};
use super::json::ToJson;
use super::media::{AudioContent, FileContent, ImageContent, MediaContent, StickerContent};
use super::post::PostContent;
use super::share::{ShareChatContent, ShareUserContent};
use super::system::SystemContent;
use super::text::{TextContent, TextPart};
use crate::card::{self, check_card_entity};
use crate::enums::{KnownValues, string_enum};
use crate::validate::{Rule, Validator, Violation, Violations, join, json_kind};

string_enum! {
    /// The kind of a spec: its one key.
    enum Kind {
        Text = "text",
        Post = "post",
        Image = "image",
        File = "file",
        Audio = "audio",
        Media = "media",
        Sticker = "sticker",
        ShareChat = "share_chat",
        ShareUser = "share_user",
        System = "system",
        Divider = "divider",
        Interactive = "interactive",
        Card = "card",
        Template = "template",
        CardEntity = "card_entity",
        Element = "element",
    }
}

/// The path of a violation of the spec as a whole.
const SPEC: &str = "spec";

/// What [`build_content`] built.
#[derive(Debug, Clone, PartialEq)]
pub enum Built {
    /// A message content, checked against send message's rules.
    Content(MessageContent),
    /// One card component as card JSON (from an `element` spec).
    Element(Value),
}

impl Built {
    /// The JSON form the bindings hand out: `{"msg_type", "content"}` with send message's
    /// `content` string, or `{"element"}` with the component's card JSON.
    pub fn to_json(&self) -> Value {
        match self {
            Self::Content(content) => {
                json!({ "msg_type": content.msg_type().as_str(), "content": content.to_content_string() })
            }
            Self::Element(element) => json!({ "element": element }),
        }
    }
}

/// `divider`'s payload.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct DividerSpec {
    text: String,
    i18n_text: Option<indexmap::IndexMap<String, String>>,
    need_rollup: Option<bool>,
}

/// Builds what `spec` describes: the one JSON entry point of the bindings' builders.
///
/// A spec is a JSON object with one key, the kind, and its payload:
///
/// | kind | payload | builds (`msg_type`) |
/// |---|---|---|
/// | `text` | the text as is, a list of [`TextPart`]s, or `{"text"}` | `text` |
/// | `post` | the locales object, `{"zh_cn": {"title"?, "content": [[node, …], …]}, …}` | `post` |
/// | `image` | `{"image_key"}` | `image` |
/// | `file`, `audio`, `sticker` | `{"file_key"}` | the same |
/// | `media` | `{"file_key", "image_key"?}` | `media` |
/// | `share_chat` | `{"chat_id"}` | `share_chat` |
/// | `share_user` | `{"user_id"}` | `share_user` |
/// | `system` | the system content object | `system` |
/// | `divider` | `{"text", "i18n_text"?, "need_rollup"?}` | `system` |
/// | `interactive` | a card JSON, or a template or card entity object, as is | `interactive` |
/// | `card` | a card spec: `{"header"?, "config"?, "elements"?}` (see below) | `interactive` |
/// | `template` | `{"template_id", "template_version_name"?, "template_variable"?}` | `interactive` |
/// | `card_entity` | `{"card_id"}` | `interactive` |
/// | `element` | one card component spec | no message: the component's card JSON |
///
/// A card spec's `header` is `{"title", "subtitle"?, "template"?}` and its `config` the
/// card JSON `config` (`update_multi`, `streaming_mode`, `summary` as a string,
/// `streaming_config` with a number or `{"default", "android"?, "ios"?, "pc"?}` per pace,
/// `enable_forward`, `width_mode`). Its `elements` (and an `element` spec) are components:
/// an object with one key naming a builder component, or any card JSON component kept as
/// is (an object with a string `tag`: a form, a collapsible panel, …).
///
/// | component | fields (each also takes an optional `element_id`) |
/// |---|---|
/// | `markdown` | `content` |
/// | `plain_text` | `content` |
/// | `button` | `text`, `type`?, `url`? (a click opens it), `value`? (a click sends it to the callback) |
/// | `image` | `img_key`, `alt`? (default empty) |
/// | `divider` | none |
/// | `column_set` | `columns`: each a `column` or a column's card JSON |
/// | `column` | `elements`?, `width`? (`weighted`, the default, `auto` or `<N>px`), `weight`? (default 1) |
///
/// A `column` stands only in a column set's `columns`, and only columns stand there; a
/// `weight` goes only with the width `weighted`.
///
/// Violations: a spec that does not decode, or holds a field this version does not know
/// (which would be dropped), is reported at its path in the spec (`card.elements[2].button.url`,
/// `post.zh_cn.content[0][0].colour`); a built content that breaks a rule of send message
/// (or, for a `card`, of card JSON 2.0 as the card entity endpoint checks it) is
/// reported at its path in the content (`content.image_key`, `content.body.elements[1].element_id`).
///
/// ```
/// use larkmsg::content::build_content;
/// let spec = serde_json::json!({ "card": { "elements": [{ "button": { "text": "OK", "value": { "ok": true } } }] } });
/// let built = build_content(spec).map(|built| built.to_json());
/// assert_eq!(built.map(|json| json["msg_type"].clone()), Ok("interactive".into()));
///
/// let typo = serde_json::json!({ "card": { "elements": [{ "button": { "text": "OK", "colour": "red" } }] } });
/// let violations = build_content(typo).unwrap_err();
/// assert_eq!(violations.as_slice()[0].path, "card.elements[0].button.colour");
/// ```
///
/// # Errors
/// Every violation found: of the spec's shape at its path in the spec, of the built
/// content's rules at its path below `content`.
pub fn build_content(spec: Value) -> Result<Built, Violations> {
    let mut v = Validator::new();
    let built = match spec {
        Value::Object(object) if object.len() == 1 => {
            let mut entries = object.into_iter();
            entries.next().and_then(|(key, payload)| {
                let kind = Kind::from(key.as_str());
                if v.known(&key, &kind) { build_kind(&mut v, &kind, payload) } else { None }
            })
        }
        Value::Object(object) => {
            let message = format!(
                "must have exactly one key naming what to build ({}), got {}",
                Kind::KNOWN.join(", "),
                object.len()
            );
            v.push(SPEC, Rule::Format, message);
            None
        }
        other => {
            let message = format!("must be a JSON object naming what to build, got {}", json_kind(&other));
            v.push(SPEC, Rule::Format, message);
            None
        }
    };
    v.finish()?;
    // Every builder that gives nothing records why, so this is only a safety net.
    built.ok_or_else(|| {
        Violation { path: SPEC.to_owned(), rule: Rule::Format, message: "was not built".into() }.into()
    })
}

/// Builds message content from a spec, as [`build_content`] does, for callers that send it:
/// a spec of one card component (`element`) is refused, since it is no message.
///
/// ```
/// use larkmsg::content::build_message;
/// let content = build_message(serde_json::json!({ "text": "hi" })).map(|c| c.to_content_string());
/// assert_eq!(content, Ok(r#"{"text":"hi"}"#.to_owned()));
///
/// let element = serde_json::json!({ "element": { "markdown": { "content": "hi" } } });
/// assert_eq!(build_message(element).unwrap_err().as_slice()[0].path, "spec");
/// ```
///
/// # Errors
/// The violations of [`build_content`], and one at `spec` for a spec of a card component.
pub fn build_message(spec: Value) -> Result<MessageContent, Violations> {
    match build_content(spec)? {
        Built::Content(content) => Ok(content),
        Built::Element(_) => Err(Violation {
            path: SPEC.to_owned(),
            rule: Rule::Format,
            message: "builds a card component (`element`), not message content; build it with build_content"
                .into(),
        }
        .into()),
    }
}

/// Builds a spec of `kind` from `payload` (at the path `kind`) and checks the result.
fn build_kind(v: &mut Validator, kind: &Kind, payload: Value) -> Option<Built> {
    let path = kind.as_str();
    let content: MessageContent = match kind {
        Kind::Text => text(v, path, payload)?,
        Kind::Post => as_given::<PostContent>(v, path, payload)?.into(),
        Kind::Image => as_given::<ImageContent>(v, path, payload)?.into(),
        Kind::File => as_given::<FileContent>(v, path, payload)?.into(),
        Kind::Audio => as_given::<AudioContent>(v, path, payload)?.into(),
        Kind::Media => as_given::<MediaContent>(v, path, payload)?.into(),
        Kind::Sticker => as_given::<StickerContent>(v, path, payload)?.into(),
        Kind::ShareChat => as_given::<ShareChatContent>(v, path, payload)?.into(),
        Kind::ShareUser => as_given::<ShareUserContent>(v, path, payload)?.into(),
        Kind::System => as_given::<SystemContent>(v, path, payload)?.into(),
        Kind::Divider => divider(v.decode(path, payload)?).into(),
        Kind::Interactive => as_given::<InteractiveContent>(v, path, payload)?.into(),
        Kind::Card => {
            let card = card::spec::card(v, path, payload)?.to_value();
            check_card_entity(v, "content", &card);
            return Some(Built::Content(InteractiveContent::Card(card).into()));
        }
        Kind::Template => {
            let template: InteractiveContent = data_as_given::<TemplateCard>(v, path, payload)?.into();
            template.into()
        }
        Kind::CardEntity => {
            let entity: InteractiveContent = data_as_given::<CardEntity>(v, path, payload)?.into();
            entity.into()
        }
        Kind::Element => return card::spec::component(v, path, payload).map(Built::Element),
        Kind::Unknown(_) => return None,
    };
    check_message_content(v, "content", &content.msg_type(), &content.to_content_string());
    Some(Built::Content(content))
}

/// `text`'s payload: the text, its parts, or the content object.
fn text(v: &mut Validator, path: &str, payload: Value) -> Option<MessageContent> {
    match payload {
        Value::String(text) => Some(TextContent::new(text).into()),
        Value::Array(_) => {
            let parts: Vec<TextPart> = v.decode(path, payload)?;
            Some(TextContent::from_parts(&parts).into())
        }
        Value::Object(_) => as_given::<TextContent>(v, path, payload).map(Into::into),
        other => {
            let message = format!(
                "must be the text, a list of text parts or {{\"text\": …}}, got {}",
                json_kind(&other)
            );
            v.push(path, Rule::Format, message);
            None
        }
    }
}

fn divider(spec: DividerSpec) -> SystemContent {
    let mut divider = SystemContent::divider(spec.text);
    for (locale, text) in spec.i18n_text.into_iter().flatten() {
        divider = divider.i18n_text(locale, text);
    }
    match spec.need_rollup {
        Some(need_rollup) => divider.need_rollup(need_rollup),
        None => divider,
    }
}

/// Decodes a payload that is the content object itself, recording every field it has
/// that the content does not keep.
fn as_given<T: DeserializeOwned + ToJson>(v: &mut Validator, path: &str, payload: Value) -> Option<T> {
    let content: T = v.decode(path, payload.clone())?;
    report_dropped(v, path, &payload, &content.to_json());
    Some(content)
}

/// Decodes a payload that is the `data` of its content object (templates, card entities),
/// recording every field it has that the content does not keep.
fn data_as_given<T>(v: &mut Validator, path: &str, payload: Value) -> Option<T>
where
    T: DeserializeOwned + Clone + Into<InteractiveContent>,
{
    let data: T = v.decode(path, payload.clone())?;
    let built = data.clone().into().to_json();
    report_dropped(v, path, &payload, &built["data"]);
    Some(data)
}

/// Records, as `unknown_field`, each key of `given` that `built` (its typed form written
/// back) lacks: a field this version does not model, which would otherwise be dropped.
/// A key given as `null` stands for "not set" and is never reported.
fn report_dropped(v: &mut Validator, path: &str, given: &Value, built: &Value) {
    match (given, built) {
        (Value::Object(given), Value::Object(built)) => {
            for (key, value) in given {
                let key_path = join(path, if key.is_empty() { r#""""# } else { key });
                match built.get(key) {
                    Some(kept) => report_dropped(v, &key_path, value, kept),
                    None if value.is_null() => {}
                    None => v.push(key_path, Rule::UnknownField, "is not a field larkmsg knows here"),
                }
            }
        }
        (Value::Array(given), Value::Array(built)) => {
            for (i, (value, kept)) in given.iter().zip(built).enumerate() {
                report_dropped(v, &format!("{path}[{i}]"), value, kept);
            }
        }
        _ => {}
    }
}
