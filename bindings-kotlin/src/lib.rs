//! The Kotlin/JVM (and Swift) binding of larkmsg, through uniffi: `liblarkmsg_kotlin.so`,
//! loaded by JNA from the `larkmsg` jar, and the Kotlin sources uniffi writes from it.
//!
//! Conversion only. Requests and results are uniffi records generated from the core's
//! registry (`models.rs`, `operations.rs`, by `larkmsg-codegen`); a call turns its record
//! into the core's flat JSON request, runs `Client::call_json` and turns the JSON result
//! into the result record. Validation, retries, tokens and pacing happen in the core; so
//! does the card stream (`stream.rs` hands the core's `CardStream` over as an object).
//! Async calls run on the core's one runtime (`larkmsg::runtime`) and are awaited by
//! uniffi's Kotlin coroutine (or Swift async) bridge; blocking calls block on it. Every
//! failure crosses as a [`NativeError`] with the core's error details, from which the
//! Kotlin layer builds its sealed `LarkException` hierarchy.

// The error crosses the boundary by value as a uniffi record, which cannot be boxed.
#![allow(clippy::result_large_err)]

uniffi::setup_scaffolding!("larkmsg");

mod bridge;
mod client;
mod content;
mod error;
mod fake;
mod json;
mod models;
mod operations;
mod stream;

pub use client::NativeClient;
pub use content::{BuiltContent, native_build_content, native_enable_logging, native_version};
pub use error::{ErrorDetails, FieldViolation, NativeError, PermissionViolation, Violation};
pub use fake::{FakeCounters, FakeError, FakeInbox, FakeOptions, FakeServer};
pub use models::*;
pub use stream::{NativeCardStream, StreamCardOptions, StreamSummary};
