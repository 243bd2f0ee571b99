//! `image`, `file`, `audio`, `sticker` and `media` messages: uploaded resources by key.

use serde::Deserialize;
use serde_json::Value;

use super::fields::CheckFields;
use super::json::{Object, ToJson, serialize_as_json};
use crate::validate::{Validator, join};

/// Defines a content with one required key field.
macro_rules! key_content {
    ($(#[$meta:meta])* $name:ident { $(#[$fmeta:meta])* $field:ident }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
        pub struct $name {
            $(#[$fmeta])*
            pub $field: String,
        }

        impl $name {
            #[doc = concat!("A content with this `", stringify!($field), "`.")]
            pub fn new($field: impl Into<String>) -> Self {
                Self { $field: $field.into() }
            }
        }

        impl ToJson for $name {
            fn to_json(&self) -> Value {
                Object::new().field(stringify!($field), self.$field.as_str()).build()
            }
        }

        impl CheckFields for $name {
            fn check_fields(&self, v: &mut Validator, path: &str) {
                v.id(join(path, stringify!($field)), &self.$field);
            }
        }

        serialize_as_json!($name);
    };
}

key_content! {
    /// Content of an `image` message: `{"image_key"}`.
    ImageContent {
        /// The key of an uploaded image.
        image_key
    }
}

key_content! {
    /// Content of a `file` message: `{"file_key"}`.
    FileContent {
        /// The key of an uploaded file.
        file_key
    }
}

key_content! {
    /// Content of an `audio` message: `{"file_key"}`.
    AudioContent {
        /// The key of an uploaded audio file.
        file_key
    }
}

key_content! {
    /// Content of a `sticker` message: `{"file_key"}`.
    StickerContent {
        /// The key of a sticker.
        file_key
    }
}

/// Content of a `media` (video) message: `{"file_key", "image_key"?}`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct MediaContent {
    /// The key of an uploaded video file.
    pub file_key: String,
    /// The key of an uploaded cover image.
    pub image_key: Option<String>,
}

impl MediaContent {
    /// A video without a cover image.
    pub fn new(file_key: impl Into<String>) -> Self {
        Self { file_key: file_key.into(), image_key: None }
    }

    /// Sets the cover image.
    pub fn cover(mut self, image_key: impl Into<String>) -> Self {
        self.image_key = Some(image_key.into());
        self
    }
}

impl ToJson for MediaContent {
    fn to_json(&self) -> Value {
        Object::new()
            .field("file_key", self.file_key.as_str())
            .optional("image_key", self.image_key.as_deref())
            .build()
    }
}

impl CheckFields for MediaContent {
    fn check_fields(&self, v: &mut Validator, path: &str) {
        v.id(join(path, "file_key"), &self.file_key);
    }
}

serialize_as_json!(MediaContent);
