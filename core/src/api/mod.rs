//! The endpoints' request and response models, their validation, their [`Operation`]
//! impls (one module per endpoint), and the envelope.
//!
//! Each request struct holds the endpoint's path parameters, query parameters and body
//! fields, so one flat JSON object (`{"receive_id_type": "open_id", "receive_id": …}`)
//! decodes into it; path and query fields are never serialized, so serializing a request
//! gives exactly the HTTP body. Requests reject unknown fields; responses ignore them and
//! keep enum values this version does not know.
//!
//! [`Operation`]: crate::operation::Operation

mod batch;
mod card;
mod cardkit;
mod envelope;
mod feed_card;
mod file;
mod image;
mod lenient;
mod message;
mod reply;

pub use batch::{BATCH_IDS_MAX, BatchSend, BatchSendRequest, BatchSendResult};
pub use card::{CardType, CreateCard, CreateCardRequest, CreateCardResult};
pub use cardkit::{
    CardJson, CardJsonType, CardOperationResult, CreateCardElements, CreateCardElementsRequest,
    DeleteCardElement, DeleteCardElementRequest, InsertType, MAX_CARD_TEXT_CHARS, MAX_SEQUENCE,
    PatchCardElement, PatchCardElementRequest, UpdateCard, UpdateCardElement, UpdateCardElementContent,
    UpdateCardElementContentRequest, UpdateCardElementRequest, UpdateCardRequest, UpdateCardSettings,
    UpdateCardSettingsRequest,
};
pub use envelope::{Envelope, ErrorDetail, ErrorDetailEntry, ErrorHelp, FieldViolation, PermissionViolation};
pub use feed_card::{
    ActionType, AppFeedCard, AppFeedCardButton, AppFeedCardButtons, AppFeedCardText, AppFeedCardUrl,
    AppFeedLink, AppFeedNotify, ButtonType, CreateAppFeedCard, CreateAppFeedCardRequest,
    CreateAppFeedCardResult, FEED_CARD_USERS_MAX, FailedCard, FailedCardReason, FailedCardReasonKind,
    StatusLabel, StatusLabelType,
};
pub use file::{FILE_MAX_BYTES, FileType, UploadFile, UploadFileRequest, UploadFileResult};
pub use image::{IMAGE_MAX_BYTES, ImageType, UploadImage, UploadImageRequest, UploadImageResult};
pub use message::{
    Mention, Message, MessageBody, SendMessage, SendMessageRequest, Sender, SenderIdType, SenderType,
};
pub use reply::{ReplyMessage, ReplyMessageRequest};

pub(crate) use batch::check_id_values;
pub(crate) use feed_card::check_user_ids;
pub(crate) use image::check_image;
pub(crate) use message::{BodySize, check_message_body};
