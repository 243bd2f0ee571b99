//! A card entity's life after it is created: its settings, a full update, streamed text,
//! and its components (`/open-apis/cardkit/v1/cards/:card_id/…`), one module per endpoint.
//!
//! What every one of them shares, stated on each page: the `card_id` (1 to 20
//! characters), an optional idempotency `uuid` (1 to 64 characters, filled by the client
//! when left out), a `sequence` (a positive int32 that must be strictly greater than the
//! previous operation's on the same card, platform code 300317), the endpoint's tier 4
//! quota (1000 per minute and 50 per second) and the per-card quota of 10 operations per
//! second ([`crate::SubjectKind::Card`]), and an empty `data` in the answer.

mod content;
mod element_create;
mod element_delete;
mod element_patch;
mod element_update;
mod settings;
mod update;

use serde::{Deserialize, Serialize};

use crate::validate::{Rule, Validator};

pub use content::{MAX_CARD_TEXT_CHARS, UpdateCardElementContent, UpdateCardElementContentRequest};
pub use element_create::{CreateCardElements, CreateCardElementsRequest, InsertType};
pub use element_delete::{DeleteCardElement, DeleteCardElementRequest};
pub use element_patch::{PatchCardElement, PatchCardElementRequest};
pub use element_update::{UpdateCardElement, UpdateCardElementRequest};
pub use settings::{UpdateCardSettings, UpdateCardSettingsRequest};
pub use update::{CardJson, CardJsonType, UpdateCard, UpdateCardRequest};

/// The largest `sequence` (the int32 range of the pages).
pub const MAX_SEQUENCE: i64 = 2_147_483_647;

/// Length range of `card_id`, in characters.
const CARD_ID_CHARS: (usize, usize) = (1, 20);
/// Length range of a path `element_id`, in characters.
const ELEMENT_ID_CHARS: (usize, usize) = (1, 20);
/// Length range of `uuid`, in characters.
const UUID_CHARS: (usize, usize) = (1, 64);
/// Length range of the JSON text of components (`elements`, `element`, `partial_element`).
const COMPONENT_CHARS: (usize, usize) = (1, 1_000_000);

/// The result of every card entity operation after create: the platform answers an empty
/// `data` (`{}`), and anything it may add later is ignored.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema), schemars(extend("properties" = {})))]
#[non_exhaustive]
pub struct CardOperationResult {}

impl<'de> Deserialize<'de> for CardOperationResult {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        serde::de::IgnoredAny::deserialize(deserializer)?;
        Ok(Self {})
    }
}

/// Implements [`crate::Operation`] for a card entity operation: its marker type, request,
/// method, path and path parameters; tier 4, repeated safely by its `uuid`, paced per card.
macro_rules! card_operation {
    ($(#[$doc:meta])* $op:ident($request:ty) = $method:ident $path:literal, [$($param:ident),+]) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy)]
        pub struct $op;

        impl crate::operation::Operation for $op {
            type Request = $request;
            type Output = crate::api::CardOperationResult;
            const METHOD: crate::operation::Method = crate::operation::Method::$method;
            const PATH: &'static str = $path;
            const QUOTAS: &'static [crate::rate::Quota] = crate::rate::TIER_4;
            const REPEAT: crate::operation::Repeat = crate::operation::Repeat::Deduplicated;

            fn validate(request: &$request) -> Result<(), crate::validate::Violations> {
                request.validate()
            }

            fn path_params(request: &$request) -> Vec<&str> {
                vec![$(request.$param.as_str()),+]
            }

            fn dedup_key(request: &mut $request) -> Option<&mut Option<String>> {
                Some(&mut request.uuid)
            }

            /// Every operation on a card counts against its 10 per second.
            fn subject(request: &$request) -> Option<crate::operation::Subject> {
                Some(crate::operation::Subject::card(request.card_id.as_str()))
            }
        }
    };
}
pub(crate) use card_operation;

/// Checks what every card entity operation carries: `card_id`, `uuid` and `sequence`
/// (an empty path parameter is reported by `check_path_params`).
pub(crate) fn check_common(v: &mut Validator, card_id: &str, uuid: Option<&str>, sequence: i64) {
    let (min, max) = CARD_ID_CHARS;
    if !card_id.is_empty() {
        v.chars("card_id", card_id, min, max);
    }
    if let Some(uuid) = uuid {
        let (min, max) = UUID_CHARS;
        v.chars("uuid", uuid, min, max);
    }
    if !(1..=MAX_SEQUENCE).contains(&sequence) {
        let message = format!("must be a positive int32 (1 to {MAX_SEQUENCE}), got {sequence}");
        v.push("sequence", Rule::Format, message);
    }
}

/// Checks a path `element_id` (1 to 20 characters; empty is reported by `check_path_params`).
pub(crate) fn check_element_id_param(v: &mut Validator, element_id: &str) {
    let (min, max) = ELEMENT_ID_CHARS;
    if !element_id.is_empty() {
        v.chars("element_id", element_id, min, max);
    }
}

/// The JSON of components given as text at `path` (1 to 1,000,000 characters); `None`
/// when a violation was recorded (text that is not JSON: platform code 200220).
pub(crate) fn component_json(v: &mut Validator, path: &str, text: &str) -> Option<serde_json::Value> {
    let (min, max) = COMPONENT_CHARS;
    if !v.chars(path, text, min, max) {
        return None;
    }
    match crate::validate::decode_str(path, text) {
        Ok(value) => Some(value),
        Err(violations) => {
            for violation in violations.into_vec() {
                let message = format!("{} (platform code 200220)", violation.message);
                v.push(violation.path, violation.rule, message);
            }
            None
        }
    }
}
