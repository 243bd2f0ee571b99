//! Batch send (legacy v4): `POST /open-apis/message/v4/batch_send/`.
//!
//! `content` and `card` are JSON objects here, not strings. The receivers are users given
//! directly or through their departments; at least one id list must be non-empty.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::lenient::null_as_default;
use crate::content::{check_batch_card_in, check_batch_content_in};
use crate::enums::MsgType;
use crate::operation::{Method, Operation, Repeat};
use crate::rate::{Quota, TIER_4};
use crate::validate::{Rule, Validator, Violations};

/// Batch send: `POST /open-apis/message/v4/batch_send/`.
#[derive(Debug, Clone, Copy)]
pub struct BatchSend;

impl Operation for BatchSend {
    type Request = BatchSendRequest;
    type Output = BatchSendResult;
    const METHOD: Method = Method::Post;
    const PATH: &'static str = "/open-apis/message/v4/batch_send/";
    const QUOTAS: &'static [Quota] = TIER_4;
    const REPEAT: Repeat = Repeat::Unsafe;

    fn validate(request: &BatchSendRequest) -> Result<(), Violations> {
        request.validate()
    }

    fn dismantle(mut request: BatchSendRequest) {
        request.content.take().into_iter().chain(request.card.take()).for_each(crate::validate::dismantle);
    }
}

/// Most ids one list may hold.
pub const BATCH_IDS_MAX: usize = 200;
/// The root department's id, which batch send does not accept.
const ROOT_DEPARTMENT: &str = "0";
/// Batch send request (the JSON body; there are no query parameters).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct BatchSendRequest {
    /// One of `text`, `image`, `post`, `share_chat`, `interactive`.
    pub msg_type: MsgType,
    /// The content object, for every type but `interactive`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub content: Option<Value>,
    /// The card object, for `interactive` only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub card: Option<Value>,
    /// Departments whose members receive the message (department_id or open_department_id).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub department_ids: Option<Vec<String>>,
    /// Users by open_id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub open_ids: Option<Vec<String>>,
    /// Users by user_id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_ids: Option<Vec<String>>,
    /// Users by union_id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub union_ids: Option<Vec<String>>,
}

/// Where a batch message of some type carries its content.
enum Carrier {
    /// In `content`.
    Content,
    /// In `card`.
    Card,
}

fn carrier(msg_type: &MsgType) -> Option<Carrier> {
    match msg_type {
        MsgType::Text | MsgType::Image | MsgType::Post | MsgType::ShareChat => Some(Carrier::Content),
        MsgType::Interactive => Some(Carrier::Card),
        _ => None,
    }
}

fn collect(ids: impl IntoIterator<Item = impl Into<String>>) -> Option<Vec<String>> {
    Some(ids.into_iter().map(Into::into).collect())
}

impl From<crate::content::BatchMessage> for BatchSendRequest {
    /// The batch form of typed content (see [`crate::MessageContent::to_batch`]), to no one yet.
    fn from(message: crate::content::BatchMessage) -> Self {
        Self {
            msg_type: message.msg_type,
            content: message.content,
            card: message.card,
            department_ids: None,
            open_ids: None,
            user_ids: None,
            union_ids: None,
        }
    }
}

impl BatchSendRequest {
    /// A message of `msg_type` (not `interactive`) with its `content` object, to no one yet.
    pub fn from_content(msg_type: MsgType, content: Value) -> Self {
        Self {
            msg_type,
            content: Some(content),
            card: None,
            department_ids: None,
            open_ids: None,
            user_ids: None,
            union_ids: None,
        }
    }

    /// An `interactive` message with its `card` object, to no one yet.
    pub fn from_card(card: Value) -> Self {
        Self {
            msg_type: MsgType::Interactive,
            content: None,
            card: Some(card),
            department_ids: None,
            open_ids: None,
            user_ids: None,
            union_ids: None,
        }
    }

    /// Sets the departments whose members receive the message.
    pub fn department_ids(mut self, ids: impl IntoIterator<Item = impl Into<String>>) -> Self {
        self.department_ids = collect(ids);
        self
    }

    /// Sets the receiving users by open_id.
    pub fn open_ids(mut self, ids: impl IntoIterator<Item = impl Into<String>>) -> Self {
        self.open_ids = collect(ids);
        self
    }

    /// Sets the receiving users by user_id.
    pub fn user_ids(mut self, ids: impl IntoIterator<Item = impl Into<String>>) -> Self {
        self.user_ids = collect(ids);
        self
    }

    /// Sets the receiving users by union_id.
    pub fn union_ids(mut self, ids: impl IntoIterator<Item = impl Into<String>>) -> Self {
        self.union_ids = collect(ids);
        self
    }

    /// The query parameters to send: none.
    pub fn query(&self) -> Vec<(&'static str, String)> {
        Vec::new()
    }

    /// Checks every documented rule; reports all violations together.
    ///
    /// When none of the four id lists has an id, the `one_of_required` violation has the
    /// empty path: the rule concerns the request as a whole, and its message names the four
    /// fields.
    ///
    /// # Errors
    /// Every violation, when the request breaks a rule.
    pub fn validate(&self) -> Result<(), Violations> {
        let mut v = Validator::new();
        // Nothing below may walk a value nested too deep.
        let content_ok = self.content.as_ref().is_none_or(|content| v.depth("content", content));
        let card_ok = self.card.as_ref().is_none_or(|card| v.depth("card", card));
        if !(content_ok && card_ok) {
            return v.finish();
        }
        // The pages' size limits are on the request body as sent.
        let body = serde_json::to_vec(self).map_or(0, |body| body.len());
        match carrier(&self.msg_type) {
            Some(Carrier::Content) => {
                match &self.content {
                    Some(content) => {
                        check_batch_content_in(&mut v, "content", &self.msg_type, content, body);
                    }
                    None => v.push(
                        "content",
                        Rule::Required,
                        format!("is required for msg_type {}", self.msg_type),
                    ),
                }
                if self.card.is_some() {
                    v.push(
                        "card",
                        Rule::Forbidden,
                        format!("is only allowed with msg_type interactive, got {}", self.msg_type),
                    );
                }
            }
            Some(Carrier::Card) => {
                if self.content.is_some() {
                    v.push(
                        "content",
                        Rule::Forbidden,
                        "is not allowed with msg_type interactive; put the card in card",
                    );
                }
                match &self.card {
                    Some(card) => check_batch_card_in(&mut v, "card", card, body),
                    None => v.push("card", Rule::Required, "is required for msg_type interactive"),
                }
            }
            None => crate::content::check_batch_msg_type(&mut v, "msg_type", &self.msg_type),
        }
        let lists = [
            ("department_ids", &self.department_ids),
            ("open_ids", &self.open_ids),
            ("user_ids", &self.user_ids),
            ("union_ids", &self.union_ids),
        ];
        if lists.iter().all(|(_, ids)| ids.as_ref().is_none_or(Vec::is_empty)) {
            let message = "at least one of department_ids, open_ids, user_ids, union_ids must have an id";
            v.push("", Rule::OneOfRequired, message);
        }
        for (name, ids) in lists {
            if let Some(ids) = ids {
                check_ids(&mut v, name, ids);
            }
        }
        v.finish()
    }
}

/// At most [`BATCH_IDS_MAX`] ids, none empty, and no root department.
fn check_ids(v: &mut Validator, name: &str, ids: &[String]) {
    v.items(name, ids.len(), 0, BATCH_IDS_MAX);
    check_id_values(v, name, ids);
}

/// No id of the list `name` empty, and no root department.
pub(crate) fn check_id_values(v: &mut Validator, name: &str, ids: &[String]) {
    for (i, id) in ids.iter().enumerate() {
        if id.is_empty() {
            v.push(format!("{name}[{i}]"), Rule::Required, "must not be empty");
        } else if v.no_control(format!("{name}[{i}]"), id)
            && name == "department_ids"
            && id == ROOT_DEPARTMENT
        {
            v.push(format!("{name}[{i}]"), Rule::Forbidden, "the root department \"0\" is not allowed");
        }
    }
}

/// The result of a batch send (its `data`); the `invalid_*_ids` lists may be missing or
/// `null` in the answer (none were invalid).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[non_exhaustive]
pub struct BatchSendResult {
    /// The batch's id (`bm-…`), for recall and progress queries.
    pub message_id: String,
    /// Department ids that were not valid; the others were sent to.
    #[serde(default, deserialize_with = "null_as_default", skip_serializing_if = "Vec::is_empty")]
    pub invalid_department_ids: Vec<String>,
    /// open_ids that were not valid.
    #[serde(default, deserialize_with = "null_as_default", skip_serializing_if = "Vec::is_empty")]
    pub invalid_open_ids: Vec<String>,
    /// user_ids that were not valid.
    #[serde(default, deserialize_with = "null_as_default", skip_serializing_if = "Vec::is_empty")]
    pub invalid_user_ids: Vec<String>,
    /// union_ids that were not valid.
    #[serde(default, deserialize_with = "null_as_default", skip_serializing_if = "Vec::is_empty")]
    pub invalid_union_ids: Vec<String>,
}
