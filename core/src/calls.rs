//! The four endpoint calls and the content conveniences, as async methods of [`Client`].
//! Each validates first: a request that breaks a documented rule is never sent.

use crate::api::{
    BatchSendRequest, BatchSendResult, CreateAppFeedCardRequest, CreateAppFeedCardResult, CreateCardRequest,
    CreateCardResult, Message, SendMessageRequest,
};
use crate::client::Client;
use crate::content::{MessageContent, TextContent};
use crate::enums::ReceiveIdType;
use crate::error::Result;
use crate::quota::Endpoint;
use crate::validate::dismantle;

impl Client {
    /// Sends a message (`POST /open-apis/im/v1/messages`).
    ///
    /// A request without a `uuid` gets a fresh one, so that a repeat after a lost answer
    /// finds the platform's de-duplication and can never produce a second message.
    pub async fn send_message(&self, mut request: SendMessageRequest) -> Result<Message> {
        request.validate()?;
        if request.uuid.is_none() {
            request.uuid = Some(uuid::Uuid::new_v4().to_string());
        }
        let receiver = Some(request.receive_id.as_str());
        self.execute(Endpoint::SendMessage, request.query(), &request, receiver).await
    }

    /// Sends one message to many users and departments (`POST /open-apis/message/v4/batch_send/`).
    ///
    /// The platform has no de-duplication key for batches: a batch is repeated only when it
    /// surely never reached the platform; otherwise the error says it may have been sent.
    pub async fn batch_send(&self, mut request: BatchSendRequest) -> Result<BatchSendResult> {
        if let Err(violations) = request.validate() {
            // A value nested too deep for an ordinary drop is taken apart here.
            request.content.take().into_iter().chain(request.card.take()).for_each(dismantle);
            return Err(violations.into());
        }
        self.execute(Endpoint::BatchSend, request.query(), &request, None).await
    }

    /// Creates a card entity (`POST /open-apis/cardkit/v1/cards`), to send later by `card_id`.
    pub async fn create_card(&self, request: CreateCardRequest) -> Result<CreateCardResult> {
        request.validate()?;
        self.execute(Endpoint::CreateCard, request.query(), &request, None).await
    }

    /// Creates an app feed card for up to 20 users (`POST /open-apis/im/v2/app_feed_card`).
    pub async fn create_app_feed_card(
        &self,
        request: CreateAppFeedCardRequest,
    ) -> Result<CreateAppFeedCardResult> {
        request.validate()?;
        self.execute(Endpoint::CreateAppFeedCard, request.query(), &request, None).await
    }

    /// Sends typed content to one receiver.
    pub async fn send(
        &self,
        receive_id_type: ReceiveIdType,
        receive_id: impl Into<String>,
        content: &MessageContent,
    ) -> Result<Message> {
        content.check_depth("content")?;
        let request = SendMessageRequest::new(
            receive_id_type,
            receive_id,
            content.msg_type(),
            content.to_content_string(),
        );
        self.send_message(request).await
    }

    /// Sends a plain text message to one receiver.
    pub async fn send_text(
        &self,
        receive_id_type: ReceiveIdType,
        receive_id: impl Into<String>,
        text: impl Into<String>,
    ) -> Result<Message> {
        let content = MessageContent::from(TextContent::new(text));
        self.send(receive_id_type, receive_id, &content).await
    }
}
