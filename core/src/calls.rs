//! The content conveniences of [`Client`]: typed content in, a send message call out
//! (the operations themselves are generated from the registry).

use crate::api::{Message, SendMessageRequest};
use crate::client::Client;
use crate::content::{MessageContent, TextContent};
use crate::enums::ReceiveIdType;
use crate::error::Result;

impl Client {
    /// Sends typed content to one receiver.
    pub async fn send(
        &self,
        receive_id_type: ReceiveIdType,
        receive_id: impl Into<String>,
        content: &MessageContent,
    ) -> Result<Message> {
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
