//! larkmsg: a Feishu / Lark messaging SDK.
//!
//! This crate is the one core behind the Rust, Python, Node and C APIs: the request and
//! response models of four Open Platform endpoints, client-side validation of every
//! documented rule, typed message content and card JSON 2.0, and the client that
//! authenticates, sends, retries and paces itself to the platform's quotas.

pub mod enums;
#[cfg(feature = "fake")]
pub mod fake;
pub mod validate;

pub use enums::{KnownValues, MsgType, ReceiveIdType, UserIdType};
pub use validate::{Rule, Violation, Violations};
