//! What one operation of the platform is: the [`Operation`] trait every endpoint module
//! implements, and the vocabulary it uses (HTTP method, repeat safety, quota subjects,
//! path templates).
//!
//! The list of operations is in `registry.rs`: one line per operation, from which the
//! [`Endpoint`](crate::Endpoint) enum, the client's methods, the blocking facade, the
//! JSON-call table and the bindings' surfaces are generated.

use std::fmt::Write as _;

use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::form::Form;
use crate::rate::Quota;
use crate::validate::{Validator, Violations};

/// The HTTP method of an operation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Method {
    /// `GET`
    Get,
    /// `POST`
    Post,
    /// `PUT`
    Put,
    /// `PATCH`
    Patch,
    /// `DELETE`
    Delete,
}

impl Method {
    /// The method's name, upper case.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Get => "GET",
            Self::Post => "POST",
            Self::Put => "PUT",
            Self::Patch => "PATCH",
            Self::Delete => "DELETE",
        }
    }
}

/// Whether repeating an operation after an ambiguous failure (a lost answer) can cause a
/// second visible effect.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Repeat {
    /// The request carries a de-duplication key (`uuid`) that the client fills when the
    /// caller gives none; the platform keeps one effect per key (for an hour).
    Deduplicated,
    /// The operation has no visible effect until its result is used (a card entity or an
    /// uploaded file that is never sent), so a repeat costs nothing but an unused result.
    NoVisibleEffect,
    /// A repeat may repeat the effect: the call is repeated only when the request surely
    /// never took effect, and otherwise fails with `maybe_sent`.
    Unsafe,
}

impl Repeat {
    /// Whether a repeat after an ambiguous failure cannot cause a second visible effect.
    pub fn is_safe(self) -> bool {
        !matches!(self, Self::Unsafe)
    }
}

/// What a per-subject quota counts against, besides the endpoint's own quota.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum SubjectKind {
    /// The receiver of a message: a user or a chat (5 per second, shared by every bot).
    Receiver,
    /// A card entity: card- and component-level operations on one card (10 per second).
    Card,
}

impl SubjectKind {
    /// A short snake_case name, for logs.
    pub fn name(self) -> &'static str {
        match self {
            Self::Receiver => "receiver",
            Self::Card => "card",
        }
    }
}

/// The subject of one call's per-subject quota: its kind and id.
///
/// A receiver is keyed by what it is, not by how its id is spelled: a chat by its
/// `chat_id` (every message to it shares its quota, whoever sends), a user by the kind and
/// value of the id it was addressed by, and the receiver of a reply by the message replied
/// to until the client has learnt that message's chat from an answer.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Subject {
    /// What kind of subject it is.
    pub kind: SubjectKind,
    /// The subject's key: `chat:oc_…`, `open_id:ou_…` (a user, by the kind of its id),
    /// `message:om_…` (the chat of that message), or a card entity's `card_id`.
    pub id: String,
}

impl Subject {
    /// A chat receiving a message, by its `chat_id`.
    pub fn chat(chat_id: impl AsRef<str>) -> Self {
        Self { kind: SubjectKind::Receiver, id: format!("chat:{}", chat_id.as_ref()) }
    }

    /// A user receiving a message, by the kind of its id (`open_id`, `union_id`,
    /// `user_id`, `email`) and the id.
    pub fn user(id_type: &str, id: impl AsRef<str>) -> Self {
        Self { kind: SubjectKind::Receiver, id: format!("{id_type}:{}", id.as_ref()) }
    }

    /// The receiver of a reply: the chat of the message `message_id`.
    pub fn message(message_id: impl AsRef<str>) -> Self {
        Self { kind: SubjectKind::Receiver, id: format!("message:{}", message_id.as_ref()) }
    }

    /// A card entity, by its `card_id`.
    pub fn card(id: impl Into<String>) -> Self {
        Self { kind: SubjectKind::Card, id: id.into() }
    }
}

/// One operation of the platform: its endpoint, its request and result types, how its
/// request is spread over path, query and body, its quotas and whether a repeat is safe.
///
/// Each endpoint module implements it for a marker type (e.g. [`crate::api::SendMessage`]);
/// the registry lists the marker types. The request type holds path parameters, query
/// parameters and body fields in one flat struct, as the bindings and the conformance
/// cases write them; path and query fields are never serialized, so serializing a request
/// gives exactly its body (an upload describes its multipart body with [`Operation::form`]).
pub trait Operation: Send + Sync + 'static {
    /// The flat request.
    type Request: Serialize + DeserializeOwned + Clone + PartialEq + std::fmt::Debug + Send + Sync + 'static;
    /// The result: the answer's `data`.
    type Output: Serialize + DeserializeOwned + Clone + PartialEq + std::fmt::Debug + Send + 'static;

    /// The HTTP method.
    const METHOD: Method;
    /// The path below the base URL, with path parameters as `:name` segments.
    const PATH: &'static str;
    /// The names of the request fields sent as query parameters.
    const QUERY: &'static [&'static str] = &[];
    /// The endpoint's documented quotas, per app and tenant.
    const QUOTAS: &'static [Quota];
    /// Whether a repeat after an ambiguous failure is safe.
    const REPEAT: Repeat;

    /// Checks every documented rule of the request; reports all violations together.
    ///
    /// # Errors
    /// The violations, when the request breaks a rule.
    fn validate(request: &Self::Request) -> Result<(), Violations>;

    /// The query parameters to send (names from [`Operation::QUERY`]).
    fn query(_request: &Self::Request) -> Vec<(&'static str, String)> {
        Vec::new()
    }

    /// The values of the path parameters, in the order of [`Operation::PATH`].
    fn path_params(_request: &Self::Request) -> Vec<&str> {
        Vec::new()
    }

    /// The de-duplication key of a [`Repeat::Deduplicated`] operation, to be filled when
    /// the caller left it empty.
    fn dedup_key(_request: &mut Self::Request) -> Option<&mut Option<String>> {
        None
    }

    /// Puts the de-duplication key a request carried on its result, for results that have
    /// a place for it (a message names the `uuid` it was sent with).
    fn record_dedup_key(_output: &mut Self::Output, _key: String) {}

    /// Drops a request that failed validation. Requests holding JSON values of their own
    /// take them apart without recursion, since one nested too deep would overflow the
    /// stack of an ordinary drop.
    fn dismantle(request: Self::Request) {
        drop(request);
    }

    /// The subject of the call's per-subject quota, if it has one.
    fn subject(_request: &Self::Request) -> Option<Subject> {
        None
    }

    /// The message an answer describes and the chat it landed in (`(message_id,
    /// chat_id)`), so that later messages to that chat, or replies to that message, count
    /// against the chat's quota.
    fn landed_in(_output: &Self::Output) -> Option<(&str, &str)> {
        None
    }

    /// The `multipart/form-data` body of an upload; `None` (the default) sends the
    /// serialized request as a JSON body.
    fn form(_request: &Self::Request) -> Option<Form> {
        None
    }
}

/// The names of a path template's parameters (`/a/:id/b` → `["id"]`).
pub fn path_param_names(template: &str) -> impl Iterator<Item = &str> {
    template.split('/').filter_map(|segment| segment.strip_prefix(':'))
}

/// Checks that each path parameter is a present, non-empty id without control characters:
/// an empty one would address another endpoint.
pub(crate) fn check_path_params(v: &mut Validator, template: &str, values: &[&str]) {
    for (name, value) in path_param_names(template).zip(values) {
        v.id(name, value);
    }
}

/// The path of a template with its parameters filled in, each percent-encoded as one
/// segment (a `/` or `?` in an id cannot reach another endpoint).
pub(crate) fn expand_path(template: &str, values: &[&str]) -> String {
    let mut values = values.iter();
    let mut path = String::with_capacity(template.len() + 32);
    for (i, segment) in template.split('/').enumerate() {
        if i > 0 {
            path.push('/');
        }
        match segment.strip_prefix(':') {
            Some(_) => encode_segment(&mut path, values.next().copied().unwrap_or_default()),
            None => path.push_str(segment),
        }
    }
    path
}

/// Appends `value` percent-encoded as one path segment (unreserved characters stay).
fn encode_segment(path: &mut String, value: &str) {
    for byte in value.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'.' | b'_' | b'~') {
            path.push(char::from(byte));
        } else {
            let _ = write!(path, "%{byte:02X}");
        }
    }
}

/// The path parameters of `path` if it matches `template` (segments percent-decoded).
pub fn match_path(template: &str, path: &str) -> Option<Vec<String>> {
    let mut template_segments = template.split('/');
    let mut path_segments = path.split('/');
    let mut params = Vec::new();
    loop {
        match (template_segments.next(), path_segments.next()) {
            (None, None) => return Some(params),
            (Some(expected), Some(actual)) => match expected.strip_prefix(':') {
                Some(_) if !actual.is_empty() => params.push(percent_decode(actual)?),
                Some(_) => return None,
                None if expected == actual => {}
                None => return None,
            },
            _ => return None,
        }
    }
}

fn percent_decode(segment: &str) -> Option<String> {
    let bytes = segment.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = std::str::from_utf8(bytes.get(i + 1..i + 3)?).ok()?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::validate::Rule;

    const REPLY: &str = "/open-apis/im/v1/messages/:message_id/reply";

    #[test]
    fn paths_expand_and_match_with_encoded_segments() {
        assert_eq!(expand_path(REPLY, &["om_1"]), "/open-apis/im/v1/messages/om_1/reply");
        let odd = expand_path(REPLY, &["a/b?c 标"]);
        assert_eq!(odd, "/open-apis/im/v1/messages/a%2Fb%3Fc%20%E6%A0%87/reply");
        assert_eq!(match_path(REPLY, &odd), Some(vec!["a/b?c 标".to_owned()]));
        assert_eq!(match_path(REPLY, "/open-apis/im/v1/messages//reply"), None);
        assert_eq!(match_path(REPLY, "/open-apis/im/v1/messages/om_1"), None);
        assert_eq!(
            match_path("/open-apis/message/v4/batch_send/", "/open-apis/message/v4/batch_send/"),
            Some(vec![])
        );
        assert_eq!(match_path("/open-apis/message/v4/batch_send/", "/open-apis/message/v4/batch_send"), None);
        assert_eq!(path_param_names(REPLY).collect::<Vec<_>>(), ["message_id"]);
    }

    #[test]
    fn empty_path_params_are_violations() {
        let mut v = Validator::new();
        check_path_params(&mut v, REPLY, &[""]);
        let violations = v.finish().unwrap_err();
        assert_eq!(violations.as_slice()[0].path, "message_id");
        assert_eq!(violations.as_slice()[0].rule, Rule::Required);
    }
}
