//! String enums of the platform that keep values this version does not know.
//!
//! The server may add enum values at any time; decoding must not fail on them.
//! Every enum built by `string_enum!` has an `Unknown(String)` variant that keeps
//! the value as sent, and validation rejects unknown values in requests.

/// The values an enum knows, for validation and error messages.
pub trait KnownValues {
    /// Every value this version knows, in their wire form.
    const KNOWN: &'static [&'static str];
    /// The wire form of this value.
    fn as_str(&self) -> &str;
    /// Whether this version knows the value.
    fn is_known(&self) -> bool;
}

/// Defines a string enum with an `Unknown(String)` fallback, serde as plain strings.
macro_rules! string_enum {
    (
        $(#[$meta:meta])*
        $vis:vis enum $name:ident {
            $( $(#[$vmeta:meta])* $variant:ident = $value:literal, )+
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        $vis enum $name {
            $( $(#[$vmeta])* $variant, )+
            /// A value this version of larkmsg does not know, kept as sent.
            Unknown(String),
        }

        impl $crate::enums::KnownValues for $name {
            const KNOWN: &'static [&'static str] = &[$($value),+];
            fn as_str(&self) -> &str {
                match self {
                    $( Self::$variant => $value, )+
                    Self::Unknown(other) => other,
                }
            }
            fn is_known(&self) -> bool {
                !matches!(self, Self::Unknown(_))
            }
        }

        impl $name {
            /// The wire form of this value.
            pub fn as_str(&self) -> &str {
                $crate::enums::KnownValues::as_str(self)
            }
        }

        impl From<&str> for $name {
            fn from(value: &str) -> Self {
                match value {
                    $( $value => Self::$variant, )+
                    other => Self::Unknown(other.to_owned()),
                }
            }
        }

        impl From<String> for $name {
            fn from(value: String) -> Self {
                match Self::from(value.as_str()) {
                    Self::Unknown(_) => Self::Unknown(value),
                    known => known,
                }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        /// A string: one of the known values, or any other (kept as sent).
        #[cfg(feature = "schema")]
        impl schemars::JsonSchema for $name {
            fn schema_name() -> std::borrow::Cow<'static, str> {
                stringify!($name).into()
            }

            fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
                schemars::json_schema!({
                    "anyOf": [{"type": "string", "enum": [$($value),+]}, {"type": "string"}],
                })
            }
        }

        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                String::deserialize(deserializer).map(Self::from)
            }
        }
    };
}
pub(crate) use string_enum;

string_enum! {
    /// `msg_type` of a message: what its `content` holds.
    pub enum MsgType {
        /// Plain text, with `<at>` mentions and light markup.
        Text = "text",
        /// Rich text in one or more locales.
        Post = "post",
        /// An uploaded image, by `image_key`.
        Image = "image",
        /// An uploaded file, by `file_key`.
        File = "file",
        /// An uploaded audio clip, by `file_key`.
        Audio = "audio",
        /// An uploaded video, by `file_key` with an optional cover `image_key`.
        Media = "media",
        /// A sticker, by `file_key`.
        Sticker = "sticker",
        /// A card: card JSON, a template, or a card entity.
        Interactive = "interactive",
        /// A group's business card.
        ShareChat = "share_chat",
        /// A user's business card.
        ShareUser = "share_user",
        /// A system message (bot one-to-one chats only).
        System = "system",
    }
}

string_enum! {
    /// `receive_id_type` of send message: what kind of id `receive_id` is.
    pub enum ReceiveIdType {
        /// A user's id within this app.
        OpenId = "open_id",
        /// A user's id across the apps of one developer.
        UnionId = "union_id",
        /// A user's id within the tenant.
        UserId = "user_id",
        /// A user's email address.
        Email = "email",
        /// A group chat's id.
        ChatId = "chat_id",
    }
}

string_enum! {
    /// `user_id_type` query parameter: what kind of user id a request carries.
    pub enum UserIdType {
        /// A user's id within this app (the platform's default).
        OpenId = "open_id",
        /// A user's id across the apps of one developer.
        UnionId = "union_id",
        /// A user's id within the tenant.
        UserId = "user_id",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_values_round_trip() {
        let decoded: MsgType = serde_json::from_str("\"share_chat\"").unwrap();
        assert_eq!(decoded, MsgType::ShareChat);
        assert_eq!(serde_json::to_string(&decoded).unwrap(), "\"share_chat\"");
        assert!(decoded.is_known());
    }

    #[test]
    fn unknown_values_are_kept() {
        let decoded: MsgType = serde_json::from_str("\"hologram\"").unwrap();
        assert_eq!(decoded, MsgType::Unknown("hologram".into()));
        assert!(!decoded.is_known());
        assert_eq!(serde_json::to_string(&decoded).unwrap(), "\"hologram\"");
    }

    #[test]
    fn known_lists_every_variant() {
        assert_eq!(ReceiveIdType::KNOWN, &["open_id", "union_id", "user_id", "email", "chat_id"]);
        assert_eq!(UserIdType::from("user_id"), UserIdType::UserId);
    }
}
