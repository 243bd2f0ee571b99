//! The checks a decoded content runs beyond its shape, shared by every content type.

use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::validate::{Validator, decode_value};

/// Rules beyond shape that a decoded content must follow (required keys not empty, ...).
pub(crate) trait CheckFields {
    /// Records every broken rule below `path`.
    fn check_fields(&self, v: &mut Validator, path: &str);
}

/// Decodes `value` as `T` at `path` and checks its fields, recording every violation.
pub(crate) fn decode_checked<T: DeserializeOwned + CheckFields>(v: &mut Validator, path: &str, value: Value) {
    match decode_value::<T>(path, value) {
        Ok(content) => content.check_fields(v, path),
        Err(violations) => v.extend(violations),
    }
}
