//! What the fuzz targets assert about every outcome: errors say what is wrong and where,
//! and values that decode or validate survive a round trip.

use std::fmt::Debug;

use larkmsg::{Error, ErrorKind, Rule, Violation, Violations};
use serde::Serialize;
use serde::de::DeserializeOwned;

/// Asserts that `violations` is not empty and that each one has a message and a path at
/// or below `base` (`base`, `base.field`, `base[0]`); with `named`, the path must not be
/// empty either (the input was an object, so there is a field to name), except for a
/// `one_of_required` violation, whose message names the fields.
pub fn assert_violations(violations: &[Violation], base: &str, named: bool) {
    assert!(!violations.is_empty(), "a failure without any violation");
    for violation in violations {
        assert!(!violation.message.is_empty(), "a violation without a message: {violation:?}");
        assert!(is_below(&violation.path, base), "the path of {violation:?} is not below {base:?}");
        // "one of these fields is required" is about the request as a whole and names the
        // fields in its message.
        let names_a_field = !violation.path.is_empty() || violation.rule == Rule::OneOfRequired;
        assert!(!named || names_a_field, "a violation that names no field: {violation:?}");
    }
}

/// Whether `path` is `base` or one of its fields or items; every path is below `""`.
fn is_below(path: &str, base: &str) -> bool {
    if base.is_empty() {
        return true;
    }
    path.strip_prefix(base)
        .is_some_and(|rest| rest.is_empty() || rest.starts_with('.') || rest.starts_with('['))
}

/// Asserts that `violations` are as [`assert_violations`] wants, then that the error the
/// client makes of them is an `invalid_argument` error that carries them all and reads well
/// as text and as JSON.
pub fn assert_invalid_argument(violations: Violations, base: &str, named: bool) {
    assert_violations(violations.as_slice(), base, named);
    let count = violations.as_slice().len();
    let error = Error::from(violations);
    assert_eq!(error.kind(), ErrorKind::InvalidArgument);
    assert_eq!(error.violations().len(), count);
    assert_error_forms(&error);
}

/// Asserts that an error has a kind and a message, and that its JSON form (what every
/// binding builds its exceptions from) has `kind` and `message`.
pub fn assert_error_forms(error: &Error) {
    assert!(!error.message().is_empty(), "an error without a message: {error:?}");
    assert!(error.to_string().starts_with(error.kind().as_str()), "{error}");
    let json = serde_json::to_value(error).expect("an error always encodes");
    assert_eq!(json["kind"], error.kind().as_str());
    assert_eq!(json["message"], error.message());
}

/// Asserts that `value` encodes to JSON and decodes back to itself.
pub fn assert_round_trip<T: Serialize + DeserializeOwned + PartialEq + Debug>(value: &T) {
    let json = serde_json::to_string(value).expect("a decoded value encodes");
    let again: T = serde_json::from_str(&json)
        .unwrap_or_else(|error| panic!("{json} does not decode again: {error}; the value was {value:?}"));
    assert_eq!(&again, value, "{json} decodes to something else");
}
