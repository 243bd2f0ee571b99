//! Lenient reading of answers: a field the client does not need that the platform sends
//! as `null` reads as its default, as a missing one does (the official SDKs' models make
//! every answer field optional).

use serde::{Deserialize, Deserializer};

/// `T`'s default for `null`, else `T` (with `#[serde(default)]` for a missing field).
pub(crate) fn null_as_default<'de, D, T>(deserializer: D) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: Default + Deserialize<'de>,
{
    Option::<T>::deserialize(deserializer).map(Option::unwrap_or_default)
}
