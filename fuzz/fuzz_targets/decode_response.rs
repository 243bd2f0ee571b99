//! Bytes as an answer of the platform, read as the client reads one: the envelope with its
//! `data` left raw, then `data` as each call's result type; and through the public
//! `Envelope<T>`. Never a panic; whatever decodes encodes and decodes back to itself.
#![no_main]

use std::fmt::Debug;

use larkmsg::api::ErrorDetail;
use larkmsg::{BatchSendResult, CreateAppFeedCardResult, CreateCardResult, Envelope, Message};
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

fuzz_target!(|body: &[u8]| {
    if let Ok(envelope) = serde_json::from_slice::<RawEnvelope<'_>>(body) {
        if let Some(detail) = &envelope.error {
            assert_round_trip(detail);
        }
        if let Some(data) = envelope.data {
            decode_data::<Message>(data);
            decode_data::<BatchSendResult>(data);
            decode_data::<CreateCardResult>(data);
            decode_data::<CreateAppFeedCardResult>(data);
        }
    }
    decode_envelope::<Message>(body);
    decode_envelope::<BatchSendResult>(body);
    decode_envelope::<CreateCardResult>(body);
    decode_envelope::<CreateAppFeedCardResult>(body);
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
