#![doc = include_str!("../README.md")]
//!
//! # The crate
//!
//! One [`Operation`] per endpoint of the Open Platform, listed in one registry (see
//! [`Endpoint`]); the modules `api`, `content`, `card`, `stream`, `logging` and (feature
//! `fake`) `fake` are public namespaces, and everything else is re-exported here.
#![cfg_attr(docsrs, feature(doc_cfg))]
#![warn(clippy::missing_errors_doc)]

/// The Rust examples of the project's README, compiled and run as doctests.
#[cfg(doctest)]
#[doc = include_str!("../../README.md")]
struct ProjectReadme;

mod answer;
pub mod api;
mod auth;
mod blocking;
mod call_output;
mod calls;
pub mod card;
mod client;
mod codes;
mod config;
pub mod content;
mod endpoint;
mod enums;
mod error;
#[cfg(feature = "fake")]
#[cfg_attr(docsrs, doc(cfg(feature = "fake")))]
pub mod fake;
mod file;
mod flows;
mod fork;
mod form;
mod http;
pub mod logging;
mod operation;
mod options;
mod pacing;
mod quota;
mod rate;
mod receivers;
mod registry;
#[doc(hidden)]
pub mod runtime;
mod secret;
mod shared;
pub mod stream;
mod token_store;
mod transport;
#[doc(hidden)]
pub mod validate;

pub use answer::Answer;
pub use api::*;
pub use auth::{AppTicketCell, AppTicketSource, MAX_REJECTED_TOKENS_IN_A_ROW};
pub use blocking::BlockingClient;
#[doc(hidden)]
pub use call_output::CallOutput;
pub use calls::{CallExtras, call_names};
pub use client::{Client, ClientBuilder};
pub use config::{Domain, RetryPolicy, Timeouts};
pub use content::MessageContent;
#[cfg(feature = "schema")]
#[doc(hidden)]
pub use endpoint::schemas;
pub use endpoint::{Endpoint, Listed};
pub use enums::{KnownValues, MsgType, ReceiveIdType, UserIdType};
pub use error::{Error, ErrorKind, Resend, Result};
pub use file::{FileSource, ImageFormat, ImageInfo};
#[cfg(feature = "schema")]
#[doc(hidden)]
pub use flows::flow_schemas;
pub use flows::{
    BatchSendAllResult, CampaignFailure, CampaignReport, CampaignRequest, CampaignSent,
    CreateAppFeedCardAllRequest, CreateAppFeedCardAllResult, FailedBatch, FailedFeedCards, OnProgress,
    Progress, SendFileRequest, SendImageRequest, campaign_uuid,
};
#[doc(hidden)]
pub use flows::{FLOWS, FlowInfo};
pub use form::{Form, FormPart};
pub use operation::{Method, Operation, Repeat, Subject, SubjectKind};
#[doc(hidden)]
pub use operation::{match_path, path_param_names};
pub use options::{ClientOptions, RetryOptions, SharedOptions, TimeoutOptions};
pub use quota::QuotaTable;
pub use rate::Quota;
pub use registry::{OperationVisitor, visit_operations};
pub use secret::Secret;
pub use shared::{DEFAULT_FALLBACK_SHARE, SharedStore};
pub use stream::{CardStream, StreamCardOptions, StreamSummary};
pub use token_store::{CachedToken, MemoryTokenStore, TokenStore};
pub use validate::{Rule, Violation, Violations};
