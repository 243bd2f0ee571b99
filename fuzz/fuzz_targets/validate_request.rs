//! Bytes as the flat JSON request of each operation of the registry, decoded and validated as
//! `Client::call_json` does before it sends anything. Never a panic; a failure is an
//! `invalid_argument` error whose violations name the field (when the request is an object)
//! and the rule; a request that validates encodes, decodes to itself and validates again.
#![no_main]

use larkmsg::path_param_names;
use larkmsg::validate::decode_value;
use larkmsg::{Operation, OperationVisitor, visit_operations};
use larkmsg_fuzz::assert_invalid_argument;
use libfuzzer_sys::fuzz_target;
use serde_json::Value;

/// Checks the request against every operation of the registry.
struct Check<'a>(&'a Value);

impl OperationVisitor for Check<'_> {
    fn visit<O: Operation>(&mut self) {
        check::<O>(self.0);
    }
}

fuzz_target!(|bytes: &[u8]| {
    let Ok(request) = serde_json::from_slice::<Value>(bytes) else {
        return;
    };
    visit_operations(&mut Check(&request));
});

fn check<O: Operation>(request: &Value) {
    let named = request.is_object();
    let decoded = match decode_value::<O::Request>("", request.clone()) {
        Ok(decoded) => decoded,
        Err(violations) => return assert_invalid_argument(violations, "", named),
    };
    if let Err(violations) = O::validate(&decoded) {
        return assert_invalid_argument(violations, "", true);
    }
    // The body as sent, with the query and path parameters put back: the flat form once more.
    let mut flat = serde_json::to_value(&decoded).expect("a request encodes");
    let fields = flat.as_object_mut().expect("a request encodes to an object");
    for (name, value) in O::query(&decoded) {
        fields.insert(name.to_owned(), Value::String(value));
    }
    for (name, value) in path_param_names(O::PATH).zip(O::path_params(&decoded)) {
        fields.insert(name.to_owned(), Value::String(value.to_owned()));
    }
    let again: O::Request = decode_value("", flat.clone())
        .unwrap_or_else(|violations| panic!("{flat} does not decode again: {violations}"));
    assert_eq!(again, decoded, "{flat} decodes to another request");
    if let Err(violations) = O::validate(&again) {
        panic!("{flat} validated once, not twice: {violations}");
    }
}
