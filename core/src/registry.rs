//! The operation registry: the one list of the platform operations larkmsg implements.
//!
//! Each line gives an operation's docs, its marker type (which implements [`Operation`] in
//! its endpoint module under `api/`) and its call name. `for_each_operation!` hands the
//! list to a macro; from it come the [`Endpoint`] enum (`endpoint.rs`), the async methods
//! of [`Client`] and its JSON-call table (`calls.rs`), the methods of [`BlockingClient`]
//! (`blocking.rs`), the [`visit_operations`] visitor and the JSON Schemas below, and
//! through them the pacer's lanes, the fake server's routes and, by `larkmsg-codegen`, the
//! bindings' surfaces.
//!
//! Adding an operation: write its module under `api/` (request, result, rules and the
//! [`Operation`] impl), add its line below, give the fake a handler, add conformance cases,
//! and run `cargo run -p larkmsg-codegen` to regenerate the bindings' surfaces (then
//! `bindings-kotlin/generate.sh` for uniffi's Kotlin and Swift sources).
//!
//! [`Endpoint`]: crate::Endpoint
//! [`Client`]: crate::Client
//! [`BlockingClient`]: crate::BlockingClient

use crate::operation::Operation;

/// Calls `$callback!` with the list of operations: `$(#[doc] …)* Marker => call_name,`.
macro_rules! for_each_operation {
    ($callback:ident) => {
        $callback! {
            /// Sends a message to one user or chat (`POST /open-apis/im/v1/messages`).
            ///
            /// A request without a `uuid` gets a fresh one, so that a repeat after a lost answer
            /// finds the platform's de-duplication and can never produce a second message.
            SendMessage => send_message,
            /// Replies to a message (`POST /open-apis/im/v1/messages/:message_id/reply`), in its
            /// chat or, with `reply_in_thread`, in a thread.
            ///
            /// A request without a `uuid` gets a fresh one, as for send message.
            ReplyMessage => reply_message,
            /// Sends one message to many users and departments
            /// (`POST /open-apis/message/v4/batch_send/`).
            ///
            /// The platform has no de-duplication key for batches: a batch is repeated only when it
            /// surely never reached the platform; otherwise the error says it may have been sent.
            BatchSend => batch_send,
            /// Creates a card entity (`POST /open-apis/cardkit/v1/cards`), to send later by
            /// `card_id`.
            CreateCard => create_card,
            /// Updates a card entity's settings
            /// (`PATCH /open-apis/cardkit/v1/cards/:card_id/settings`): its `config` (streaming
            /// mode, its pace, the chat preview's summary) and `card_link`.
            UpdateCardSettings => update_card_settings,
            /// Replaces a card entity's whole card (`PUT /open-apis/cardkit/v1/cards/:card_id`).
            UpdateCard => update_card,
            /// Streams text into a card entity's `markdown` or `plain_text` element, given in
            /// full each time
            /// (`PUT /open-apis/cardkit/v1/cards/:card_id/elements/:element_id/content`); the
            /// card must be in streaming mode.
            UpdateCardElementContent => update_card_element_content,
            /// Adds components to a card entity, before or after one or at the end of a
            /// container (`POST /open-apis/cardkit/v1/cards/:card_id/elements`).
            CreateCardElements => create_card_elements,
            /// Replaces a component of a card entity
            /// (`PUT /open-apis/cardkit/v1/cards/:card_id/elements/:element_id`).
            UpdateCardElement => update_card_element,
            /// Changes some properties of a component of a card entity
            /// (`PATCH /open-apis/cardkit/v1/cards/:card_id/elements/:element_id`).
            PatchCardElement => patch_card_element,
            /// Deletes a component of a card entity, with everything inside it
            /// (`DELETE /open-apis/cardkit/v1/cards/:card_id/elements/:element_id`).
            DeleteCardElement => delete_card_element,
            /// Creates an app feed card for up to 20 users (`POST /open-apis/im/v2/app_feed_card`).
            CreateAppFeedCard => create_app_feed_card,
            /// Uploads an image (`POST /open-apis/im/v1/images`, multipart) for image messages,
            /// posts, cards or avatars, and gives its `image_key`.
            ///
            /// The image is a path (streamed from disk) or bytes; its size, format (by its
            /// header) and resolution are checked before anything is sent. A repeat after a lost
            /// answer only leaves an unused key.
            UploadImage => upload_image,
            /// Uploads a file (`POST /open-apis/im/v1/files`, multipart) for file, audio (`opus`)
            /// or video (`mp4`) messages, and gives its `file_key`.
            ///
            /// The file is a path (streamed from disk) or bytes, at most 30 MB; its content must be
            /// what `file_type` says. A repeat after a lost answer only leaves an unused key.
            UploadFile => upload_file,
        }
    };
}
pub(crate) use for_each_operation;

/// Something done once per operation, with its types (see [`visit_operations`]).
pub trait OperationVisitor {
    /// Visits the operation `O`.
    fn visit<O: Operation>(&mut self);
}

macro_rules! define_visitors {
    ($( $(#[doc = $doc:literal])* $op:ident => $name:ident, )+) => {
        /// Calls `visitor` once per operation of the registry, with its types, in the
        /// registry's order: for code that must cover every operation (tests, fuzz targets).
        pub fn visit_operations(visitor: &mut impl OperationVisitor) {
            $( visitor.visit::<crate::api::$op>(); )+
        }
    };
}

for_each_operation!(define_visitors);
