//! Flows: calls made of several operations (upload then send, a batch or feed cards for
//! any audience, a campaign), listed once like the operations so that the JSON-call table
//! and the bindings' generated surfaces cover them too.
//!
//! Each line of `for_each_flow!` gives a flow's docs, its call name, its request and
//! result types, and whether it reports [`Progress`]; the typed method is
//! `Client::<name>` (with a `progress` callback when it reports progress).

mod batch_all;
mod campaign;
mod chunks;
mod feed_cards_all;
mod journal;
mod progress;
mod upload_send;

pub use batch_all::{BatchSendAllResult, FailedBatch};
pub use campaign::{CampaignFailure, CampaignReport, CampaignRequest, CampaignSent, campaign_uuid};
pub use feed_cards_all::{CreateAppFeedCardAllRequest, CreateAppFeedCardAllResult, FailedFeedCards};
pub use progress::{OnProgress, Progress};
pub use upload_send::{SendFileRequest, SendImageRequest};

/// Calls `$callback!` with the list of flows:
/// `$(#[doc] …)* name(Request) -> Output, progress = bool, run = method;`.
macro_rules! for_each_flow {
    ($callback:ident) => {
        $callback! {
            /// Uploads an image and sends it to one receiver as an image message.
            send_image(SendImageRequest) -> Message, progress = false, run = send_image;
            /// Uploads a file and sends it to one receiver as a file, audio (OPUS) or media (MP4)
            /// message, by its type (told from the content when not given).
            send_file(SendFileRequest) -> Message, progress = false, run = send_file;
            /// Sends one message to any number of users and departments: batches of at most 200
            /// ids per list, paced to the quota, with one result (every batch's message_id, the
            /// merged invalid ids, each failed batch with its ids and whether it may have been
            /// sent; such a batch is never repeated automatically).
            batch_send_all(BatchSendRequest) -> BatchSendAllResult, progress = true, run = batch_send_all_boxed;
            /// Creates an app feed card for any number of users (calls of at most 20, the card's
            /// biz_id in each), optionally uploading its avatar first, with one result.
            create_app_feed_card_all(CreateAppFeedCardAllRequest) -> CreateAppFeedCardAllResult, progress = true, run = create_app_feed_card_all_boxed;
            /// Sends one message to each of many receivers at the full documented pace, with a
            /// uuid per receiver derived from the campaign id, so that a rerun after a crash
            /// (within the platform's one-hour uuid window) sends each receiver exactly once; a
            /// journal file lets a rerun skip the receivers already sent.
            send_campaign(CampaignRequest) -> CampaignReport, progress = true, run = send_campaign_boxed;
        }
    };
}
pub(crate) use for_each_flow;

/// What one flow is, for the generators of the bindings' surfaces.
#[doc(hidden)]
#[derive(Debug, Clone, Copy)]
pub struct FlowInfo {
    /// The call name.
    pub name: &'static str,
    /// Its documentation.
    pub docs: &'static str,
    /// Whether it reports progress.
    pub progress: bool,
}

macro_rules! define_flow_info {
    ($( $(#[doc = $doc:literal])* $name:ident($request:ident) -> $output:ident, progress = $progress:literal, run = $run:ident; )+) => {
        /// Every flow, in the list's order.
        #[doc(hidden)]
        pub const FLOWS: &[FlowInfo] = &[$(FlowInfo { name: stringify!($name), docs: concat!($($doc, "\n"),*), progress: $progress },)+];

        /// The JSON Schemas of every flow's request and result, in the list's order.
        #[cfg(feature = "schema")]
        #[doc(hidden)]
        pub fn flow_schemas(generator: &mut schemars::SchemaGenerator) -> Vec<(FlowInfo, schemars::Schema, schemars::Schema)> {
            use crate::api::*;
            let mut schemas = Vec::new();
            let mut flows = FLOWS.iter();
            $(
                if let Some(info) = flows.next() {
                    schemas.push((*info, generator.subschema_for::<$request>(), generator.subschema_for::<$output>()));
                }
            )+
            schemas
        }
    };
}

for_each_flow!(define_flow_info);
