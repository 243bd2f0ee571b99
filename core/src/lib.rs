//! larkmsg: a Feishu / Lark messaging SDK.
//!
//! This crate is the one core behind the Rust, Python, Node and C APIs: the request and
//! response models of four Open Platform endpoints, client-side validation of every
//! documented rule, typed message content and card JSON 2.0, and the client that
//! authenticates, sends, retries and paces itself to the platform's quotas.
//!
//! Feature `fake` adds [`fake`], a faithful fake Feishu server for tests, and the
//! `larkmsg-fake` binary.
#![cfg_attr(docsrs, feature(doc_cfg))]

pub mod api;
pub mod auth;
mod blocking;
mod calls;
pub mod card;
pub mod client;
pub mod config;
pub mod content;
pub mod enums;
pub mod error;
#[cfg(feature = "fake")]
#[cfg_attr(docsrs, doc(cfg(feature = "fake")))]
pub mod fake;
mod fork;
mod http;
mod json_api;
pub mod logging;
pub mod options;
mod pacing;
pub mod quota;
pub mod runtime;
pub mod secret;
pub mod token_store;
mod transport;
pub mod validate;

pub use api::{
    BatchSendRequest, BatchSendResult, CreateAppFeedCardRequest, CreateAppFeedCardResult, CreateCardRequest,
    CreateCardResult, Envelope, Message, SendMessageRequest,
};
pub use auth::{AppTicketCell, AppTicketSource};
pub use blocking::BlockingClient;
pub use client::{Client, ClientBuilder};
pub use config::{Domain, RetryPolicy, Timeouts};
pub use content::MessageContent;
pub use enums::{KnownValues, MsgType, ReceiveIdType, UserIdType};
pub use error::{Error, ErrorKind, Result};
pub use json_api::CALLS;
pub use options::ClientOptions;
pub use quota::{Endpoint, Quota, QuotaTable};
pub use secret::Secret;
pub use token_store::{CachedToken, MemoryTokenStore, TokenStore};
pub use validate::{Rule, Violation, Violations};
