//! Bytes as an answer of the platform, read as the client reads one: the envelope with its
//! `data` left raw, then `data` as each operation's result type; and through the public
//! `Envelope<T>`. Never a panic; whatever decodes encodes and decodes back to itself.
#![no_main]

use std::fmt::Debug;

use larkmsg::api::ErrorDetail;
use larkmsg::{Envelope, Operation, OperationVisitor, visit_operations};
use larkmsg_fuzz::assert_round_trip;
use libfuzzer_sys::fuzz_target;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;

/// The envelope as the client's transport reads it (`code`, `msg`, `data` left raw,
/// `error`), all fields optional.
#[derive(Deserialize)]
struct RawEnvelope<'a> {
    #[serde(default, rename = "code")]
    _code: i64,
    #[serde(default, rename = "msg")]
    _msg: String,
    #[serde(borrow, default)]
    data: Option<&'a RawValue>,
    #[serde(default)]
    error: Option<ErrorDetail>,
}

/// Reads the answer as the result of every operation of the registry.
struct Decode<'a> {
    body: &'a [u8],
    data: Option<&'a RawValue>,
}

impl OperationVisitor for Decode<'_> {
    fn visit<O: Operation>(&mut self) {
        if let Some(data) = self.data {
            decode_data::<O::Output>(data);
        }
        decode_envelope::<O::Output>(self.body);
    }
}

fuzz_target!(|body: &[u8]| {
    let envelope = serde_json::from_slice::<RawEnvelope<'_>>(body).ok();
    if let Some(detail) = envelope.as_ref().and_then(|envelope| envelope.error.as_ref()) {
        assert_round_trip(detail);
    }
    visit_operations(&mut Decode { body, data: envelope.and_then(|envelope| envelope.data) });
});

/// `data` as the result type `T`, as the transport decodes it.
fn decode_data<T: Serialize + DeserializeOwned + PartialEq + Debug>(data: &RawValue) {
    if let Ok(result) = serde_json::from_str::<T>(data.get()) {
        assert_round_trip(&result);
    }
}

/// The whole answer as the public `Envelope<T>`.
fn decode_envelope<T: Serialize + DeserializeOwned + PartialEq + Debug>(body: &[u8]) {
    if let Ok(envelope) = serde_json::from_slice::<Envelope<T>>(body) {
        assert_round_trip(&envelope);
    }
}
