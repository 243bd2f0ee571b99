//! The calls in JSON form, for the bindings: a call's name and its flat request object
//! in, the result's `data` out. Python dicts, JS objects and C JSON strings all take this
//! one path, so every binding decodes, validates and calls exactly as the core does.

use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::api::{BatchSendRequest, CreateAppFeedCardRequest, CreateCardRequest, SendMessageRequest};
use crate::client::Client;
use crate::error::{Error, ErrorKind, Result};
use crate::validate::{Validator, decode_value, dismantle};

/// The calls by name: `send_message`, `batch_send`, `create_card`, `create_app_feed_card`.
pub const CALLS: [&str; 4] = ["send_message", "batch_send", "create_card", "create_app_feed_card"];

impl Client {
    /// Runs the call named `call` with its flat request object (query parameters and body
    /// fields together) and gives the result as JSON. A malformed request is an
    /// `invalid_argument` error naming the field, as a broken rule is.
    pub async fn call_json(&self, call: &str, request: Value) -> Result<Value> {
        let request = check_depth(request)?;
        match call {
            "send_message" => to_json(self.send_message(decode::<SendMessageRequest>(request)?).await?),
            "batch_send" => to_json(self.batch_send(decode::<BatchSendRequest>(request)?).await?),
            "create_card" => to_json(self.create_card(decode::<CreateCardRequest>(request)?).await?),
            "create_app_feed_card" => {
                to_json(self.create_app_feed_card(decode::<CreateAppFeedCardRequest>(request)?).await?)
            }
            other => Err(Error::new(
                ErrorKind::InvalidArgument,
                format!("unknown call {other:?}; expected one of {}", CALLS.join(", ")),
            )),
        }
    }
}

/// Refuses a request with a field nested too deep, before decoding copies it, naming the
/// field; the request is then taken apart without recursion.
fn check_depth(request: Value) -> Result<Value> {
    let mut v = Validator::new();
    match &request {
        Value::Object(fields) => {
            for (name, value) in fields {
                v.depth(name, value);
            }
        }
        other => {
            v.depth("", other);
        }
    }
    match v.finish() {
        Ok(()) => Ok(request),
        Err(violations) => {
            dismantle(request);
            Err(violations.into())
        }
    }
}

fn decode<T: DeserializeOwned>(request: Value) -> Result<T> {
    decode_value("", request).map_err(Error::from)
}

fn to_json(result: impl Serialize) -> Result<Value> {
    serde_json::to_value(result)
        .map_err(|e| Error::new(ErrorKind::Decode, format!("cannot encode the result: {e}")))
}
