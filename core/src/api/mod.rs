//! The four endpoints' request and response models, their validation, and the envelope.
//!
//! Each request struct holds the endpoint's query parameters and its body fields, so one flat
//! JSON object (`{"receive_id_type": "open_id", "receive_id": …}`) decodes into it; query
//! fields are never serialized, so serializing a request gives exactly the HTTP body, and
//! `query()` gives the query pairs. Requests reject unknown fields; responses ignore them
//! and keep enum values this version does not know.

mod batch;
mod card;
mod envelope;
mod feed_card;
mod message;

pub use batch::{BatchSendRequest, BatchSendResult};
pub use card::{CardType, CreateCardRequest, CreateCardResult};
pub use envelope::{Envelope, ErrorDetail, ErrorDetailEntry, ErrorHelp, FieldViolation, PermissionViolation};
pub use feed_card::{
    ActionType, AppFeedCard, AppFeedCardButton, AppFeedCardButtons, AppFeedCardText, AppFeedCardUrl,
    AppFeedLink, AppFeedNotify, ButtonType, CreateAppFeedCardRequest, CreateAppFeedCardResult, FailedCard,
    FailedCardReason, FailedCardReasonKind, StatusLabel, StatusLabelType,
};
pub use message::{Mention, Message, MessageBody, SendMessageRequest, Sender, SenderIdType, SenderType};
