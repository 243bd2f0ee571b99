//! Bytes as the flat JSON request of each call, decoded and validated as
//! `Client::call_json` does before it sends anything. Never a panic; a failure is an
//! `invalid_argument` error whose violations name the field (when the request is an object)
//! and the rule; a request that validates encodes, decodes to itself and validates again.
#![no_main]

use std::fmt::Debug;

use larkmsg::validate::decode_value;
use larkmsg::{
    BatchSendRequest, CreateAppFeedCardRequest, CreateCardRequest, SendMessageRequest, Violations,
};
use larkmsg_fuzz::assert_invalid_argument;
use libfuzzer_sys::fuzz_target;
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;

/// What the client does with a request of one call before it sends it.
trait Request: Serialize + DeserializeOwned + PartialEq + Debug {
    fn validate(&self) -> Result<(), Violations>;
    fn query(&self) -> Vec<(&'static str, String)>;
}

/// Implements [`Request`] with the request types' own methods.
macro_rules! requests {
    ($($request:ty),+) => {
        $(
            impl Request for $request {
                fn validate(&self) -> Result<(), Violations> {
                    <$request>::validate(self)
                }
                fn query(&self) -> Vec<(&'static str, String)> {
                    <$request>::query(self)
                }
            }
        )+
    };
}

requests!(SendMessageRequest, BatchSendRequest, CreateCardRequest, CreateAppFeedCardRequest);

fuzz_target!(|bytes: &[u8]| {
    let Ok(request) = serde_json::from_slice::<Value>(bytes) else {
        return;
    };
    check::<SendMessageRequest>(&request);
    check::<BatchSendRequest>(&request);
    check::<CreateCardRequest>(&request);
    check::<CreateAppFeedCardRequest>(&request);
});

fn check<R: Request>(request: &Value) {
    let named = request.is_object();
    let decoded = match decode_value::<R>("", request.clone()) {
        Ok(decoded) => decoded,
        Err(violations) => return assert_invalid_argument(violations, "", named),
    };
    if let Err(violations) = decoded.validate() {
        return assert_invalid_argument(violations, "", true);
    }
    // The body as sent, with the query parameters put back: the flat form once more.
    let mut flat = serde_json::to_value(&decoded).expect("a request encodes");
    let fields = flat.as_object_mut().expect("a request encodes to an object");
    for (name, value) in decoded.query() {
        fields.insert(name.to_owned(), Value::String(value));
    }
    let again: R = decode_value("", flat.clone())
        .unwrap_or_else(|violations| panic!("{flat} does not decode again: {violations}"));
    assert_eq!(again, decoded, "{flat} decodes to another request");
    if let Err(violations) = again.validate() {
        panic!("{flat} validated once, not twice: {violations}");
    }
}
