//! `system` messages (bot one-to-one chats only): a divider with text.

use indexmap::IndexMap;
use serde::Deserialize;
use serde_json::Value;

use super::fields::CheckFields;
use super::json::{Object, ToJson, serialize_as_json};
use crate::enums::string_enum;
use crate::validate::{Validator, join};

string_enum! {
    /// The `type` of a system message.
    pub enum SystemKind {
        /// A divider line with text, e.g. to mark a new conversation.
        Divider = "divider",
    }
}

/// Content of a `system` message:
/// `{"type":"divider","params":{"divider_text":{"text","i18n_text"?}},"options"?:{"need_rollup"?}}`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct SystemContent {
    /// The kind of system message.
    #[serde(rename = "type")]
    pub kind: SystemKind,
    /// What the message shows.
    pub params: SystemParams,
    /// How the message behaves.
    pub options: Option<SystemOptions>,
}

/// `params` of a system message.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct SystemParams {
    /// The divider's text.
    pub divider_text: DividerText,
}

/// The text of a divider, with optional translations.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct DividerText {
    /// The default text.
    pub text: String,
    /// Translations by locale (`zh_cn`, `en_us`, ...).
    pub i18n_text: Option<IndexMap<String, String>>,
}

/// `options` of a system message.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
pub struct SystemOptions {
    /// Whether earlier messages are folded above the divider.
    pub need_rollup: Option<bool>,
}

impl SystemContent {
    /// A divider with this text.
    pub fn divider(text: impl Into<String>) -> Self {
        Self {
            kind: SystemKind::Divider,
            params: SystemParams { divider_text: DividerText { text: text.into(), i18n_text: None } },
            options: None,
        }
    }

    /// Adds the divider's text in one locale.
    pub fn i18n_text(mut self, locale: impl Into<String>, text: impl Into<String>) -> Self {
        let texts = self.params.divider_text.i18n_text.get_or_insert_with(IndexMap::new);
        texts.insert(locale.into(), text.into());
        self
    }

    /// Sets whether earlier messages are folded above the divider.
    pub fn need_rollup(mut self, need_rollup: bool) -> Self {
        self.options.get_or_insert_with(SystemOptions::default).need_rollup = Some(need_rollup);
        self
    }
}

impl ToJson for SystemContent {
    fn to_json(&self) -> Value {
        let divider = &self.params.divider_text;
        let i18n = divider.i18n_text.as_ref().map(|texts| {
            let mut object = Object::new();
            for (locale, text) in texts {
                object = object.field(locale, text.as_str());
            }
            object.build()
        });
        let divider_text = Object::new().field("text", divider.text.as_str()).optional("i18n_text", i18n);
        let params = Object::new().field("divider_text", divider_text.build());
        let options = self
            .options
            .as_ref()
            .map(|options| Object::new().optional("need_rollup", options.need_rollup).build());
        Object::new()
            .field("type", self.kind.as_str())
            .field("params", params.build())
            .optional("options", options)
            .build()
    }
}

impl CheckFields for SystemContent {
    fn check_fields(&self, v: &mut Validator, path: &str) {
        v.known(join(path, "type"), &self.kind);
        v.required(join(path, "params.divider_text.text"), Some(self.params.divider_text.text.as_str()));
    }
}

serialize_as_json!(SystemContent);
