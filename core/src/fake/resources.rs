//! Uploaded images and files: the keys the fake handed out, and the checks that a message,
//! batch or feed card uses only keys its app uploaded.
//!
//! - Send message and reply: an unknown `image_key` or `file_key` (in image, file, audio
//!   and media content, post `img` and `media` nodes) is HTTP 400 code 230017 "Bot is NOT
//!   the owner of the resource."; a file sent as a type its upload does not allow (an `mp4`
//!   as anything but `media`, an `opus` as anything but `audio`) is code 230055; a card's
//!   unknown `img_key` is code 230099 with sub-code 200570.
//! - Batch send: an unknown image key is HTTP 200 code 11227 "Image key not exist."; a
//!   card's unknown `img_key` is code 11246 with sub-code 200570.
//! - App feed card: an unknown `avatar_key` is HTTP 400 code 230001 (inferred: the page
//!   documents no other code). Images of either `image_type` are accepted as avatars.
//! - Sticker keys are the platform's own and are not checked.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::config::DEFAULT_APP_ID;
use super::reply::Rejection;

/// What an uploaded key stands for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub(crate) enum Resource {
    /// An image, with its `image_type`.
    Image { image_key: String, image_type: String, app_id: String },
    /// A file, with its `file_type`.
    File { file_key: String, file_type: String, app_id: String },
}

/// The body of `POST /_fake/resources`: a key to treat as uploaded (by the default app
/// unless `app_id` says otherwise).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Registration {
    #[serde(default)]
    image_key: Option<String>,
    #[serde(default)]
    image_type: Option<String>,
    #[serde(default)]
    file_key: Option<String>,
    #[serde(default)]
    file_type: Option<String>,
    #[serde(default)]
    app_id: Option<String>,
}

impl Registration {
    /// The resource it registers, or why it cannot.
    pub fn resource(self) -> Result<Resource, &'static str> {
        let app_id = self.app_id.unwrap_or_else(|| DEFAULT_APP_ID.to_owned());
        match (self.image_key, self.file_key) {
            (Some(image_key), None) if self.file_type.is_none() => Ok(Resource::Image {
                image_key,
                image_type: self.image_type.unwrap_or_else(|| "message".to_owned()),
                app_id,
            }),
            (None, Some(file_key)) if self.image_type.is_none() => Ok(Resource::File {
                file_key,
                file_type: self.file_type.unwrap_or_else(|| "stream".to_owned()),
                app_id,
            }),
            _ => Err("give image_key (and image_type) or file_key (and file_type)"),
        }
    }
}

/// Every key uploaded since start or the last reset.
#[derive(Debug, Default)]
pub(crate) struct Resources(HashMap<String, Resource>);

impl Resources {
    /// Remembers an upload.
    pub fn insert(&mut self, resource: Resource) {
        let key = match &resource {
            Resource::Image { image_key, .. } => image_key.clone(),
            Resource::File { file_key, .. } => file_key.clone(),
        };
        self.0.insert(key, resource);
    }

    fn image(&self, app_id: &str, key: &str) -> bool {
        matches!(self.0.get(key), Some(Resource::Image { app_id: owner, .. }) if owner == app_id)
    }

    fn file_type(&self, app_id: &str, key: &str) -> Option<&str> {
        match self.0.get(key) {
            Some(Resource::File { app_id: owner, file_type, .. }) if owner == app_id => Some(file_type),
            _ => None,
        }
    }

    /// Checks the keys of send message or reply content.
    pub fn check_message(&self, app_id: &str, msg_type: &str, content: &str) -> Result<(), Rejection> {
        let Ok(content) = serde_json::from_str::<Value>(content) else { return Ok(()) };
        if msg_type == "sticker" {
            return Ok(());
        }
        if msg_type == "interactive" {
            return self.check_card(app_id, &content, 400, 230_099);
        }
        let keys = match msg_type {
            "post" => post_keys(&content),
            _ => Keys::of(&content),
        };
        for image in &keys.images {
            if !self.image(app_id, image) {
                return Err(not_owner(image));
            }
        }
        for file in &keys.files {
            let Some(file_type) = self.file_type(app_id, file) else { return Err(not_owner(file)) };
            let allowed = match file_type {
                "mp4" => msg_type == "media",
                "opus" => msg_type == "audio",
                _ => msg_type == "file",
            };
            if !allowed && msg_type != "post" {
                return Err(Rejection::new(
                    400,
                    230_055,
                    format!(
                        "The type of file upload does not match the type of message being sent. ({file} was uploaded as {file_type})"
                    ),
                ));
            }
        }
        Ok(())
    }

    /// Checks the keys of batch send content or card.
    pub fn check_batch(&self, app_id: &str, body: &Value) -> Result<(), Rejection> {
        if let Some(card) = body.get("card") {
            self.check_card(app_id, card, 200, 11_246)?;
        }
        let Some(content) = body.get("content") else { return Ok(()) };
        let keys = match content.get("post") {
            Some(post) => post_keys(post),
            None => Keys::of(content),
        };
        match keys.images.iter().find(|image| !self.image(app_id, image)) {
            Some(_) => Err(Rejection::new(200, 11_227, "Image key not exist.")),
            None => Ok(()),
        }
    }

    /// Checks a feed card's `avatar_key`.
    pub fn check_avatar(&self, app_id: &str, avatar_key: Option<&str>) -> Result<(), Rejection> {
        match avatar_key {
            Some(key) if !key.is_empty() && !self.image(app_id, key) => Err(Rejection::new(
                400,
                230_001,
                format!("param is invalid: avatar_key {key} is not an image this app uploaded"),
            )),
            _ => Ok(()),
        }
    }

    fn check_card(&self, app_id: &str, card: &Value, status: u16, code: i64) -> Result<(), Rejection> {
        let mut keys = Vec::new();
        card_image_keys(card, &mut keys);
        match keys.into_iter().find(|key| !self.image(app_id, key)) {
            Some(key) => Err(Rejection::new(
                status,
                code,
                format!(
                    "Failed to create card content, ext=ErrCode: 200570; ErrMsg: card contains invalid image keys; ErrorValue: image key {key}"
                ),
            )),
            None => Ok(()),
        }
    }
}

fn not_owner(key: &str) -> Rejection {
    Rejection::new(400, 230_017, format!("Bot is NOT the owner of the resource. ({key})"))
}

/// The image and file keys of a content object or a post node.
#[derive(Debug, Default)]
struct Keys {
    images: Vec<String>,
    files: Vec<String>,
}

impl Keys {
    fn of(value: &Value) -> Self {
        let mut keys = Self::default();
        keys.add(value);
        keys
    }

    fn add(&mut self, value: &Value) {
        if let Some(key) = value.get("image_key").and_then(Value::as_str) {
            self.images.push(key.to_owned());
        }
        if let Some(key) = value.get("file_key").and_then(Value::as_str) {
            self.files.push(key.to_owned());
        }
    }
}

/// The keys of a post's `img` and `media` nodes, in every locale.
fn post_keys(post: &Value) -> Keys {
    let mut keys = Keys::default();
    let locales = post.as_object().into_iter().flat_map(|locales| locales.values());
    let paragraphs = locales.filter_map(|locale| locale.get("content")?.as_array()).flatten();
    for node in paragraphs.filter_map(Value::as_array).flatten() {
        if matches!(node.get("tag").and_then(Value::as_str), Some("img" | "media")) {
            keys.add(node);
        }
    }
    keys
}

/// Every `img_key` in a card, at any depth.
fn card_image_keys(value: &Value, keys: &mut Vec<String>) {
    match value {
        Value::Object(map) => {
            for (name, item) in map {
                match (name.as_str(), item) {
                    ("img_key", Value::String(key)) => keys.push(key.clone()),
                    _ => card_image_keys(item, keys),
                }
            }
        }
        Value::Array(items) => items.iter().for_each(|item| card_image_keys(item, keys)),
        _ => {}
    }
}
