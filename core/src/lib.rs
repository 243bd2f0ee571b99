//! larkmsg: a Feishu / Lark messaging SDK.
//!
//! This crate is the one core behind the Rust, Python, Node and C APIs: the request and
//! response models of four Open Platform endpoints, client-side validation of every
//! documented rule, typed message content and card JSON 2.0, and the client that
//! authenticates, sends, retries and paces itself to the platform's quotas.

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
pub mod fake;
mod fork;
mod http;
pub mod logging;
pub mod operation;
pub mod options;
mod pacing;
pub mod quota;
mod registry;
pub mod runtime;
pub mod secret;
pub mod token_store;
mod transport;
pub mod validate;

pub use api::{
    BatchSendRequest, BatchSendResult, CreateAppFeedCardRequest, CreateAppFeedCardResult, CreateCardRequest,
    CreateCardResult, Envelope, Message, ReplyMessageRequest, SendMessageRequest,
};
pub use auth::{AppTicketCell, AppTicketSource};
pub use blocking::BlockingClient;
pub use client::{Client, ClientBuilder};
pub use config::{Domain, RetryPolicy, Timeouts};
pub use content::MessageContent;
pub use enums::{KnownValues, MsgType, ReceiveIdType, UserIdType};
pub use error::{Error, ErrorKind, Result};
pub use operation::{Method, Operation, Repeat, Subject, SubjectKind};
pub use options::ClientOptions;
pub use quota::{Quota, QuotaTable};
#[cfg(feature = "schema")]
#[doc(hidden)]
pub use registry::schemas;
pub use registry::{Endpoint, OperationVisitor, visit_operations};
pub use secret::Secret;
pub use token_store::{CachedToken, MemoryTokenStore, TokenStore};
pub use validate::{Rule, Violation, Violations};
