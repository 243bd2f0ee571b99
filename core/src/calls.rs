//! The calls of [`Client`]: one async method per operation of the registry, the
//! JSON-call table of the bindings ([`Client::call_json`]), and the content conveniences.

use serde_json::Value;

use crate::api::{Message, SendMessageRequest};
use crate::client::Client;
use crate::content::{MessageContent, TextContent};
use crate::endpoint::Endpoint;
use crate::enums::ReceiveIdType;
use crate::error::{Error, ErrorKind, Result};
use crate::operation::Operation;
use crate::registry::for_each_operation;

macro_rules! define_calls {
    ($( $(#[doc = $doc:literal])* $op:ident => $name:ident, )+) => {
        impl Client {
            $(
                $(#[doc = $doc])*
                ///
                /// # Errors
                /// [`ErrorKind::InvalidArgument`] with every violation when the request breaks
                /// a documented rule (nothing is sent); otherwise the platform's refusal or
                /// what kept the call from completing, with [`Error::maybe_sent`] telling
                /// whether it may have taken effect.
                pub async fn $name(
                    &self,
                    request: <crate::api::$op as Operation>::Request,
                ) -> Result<<crate::api::$op as Operation>::Output> {
                    self.run::<crate::api::$op>(request).await
                }
            )+

            /// Runs the call named `call` with its flat request object (path parameters,
            /// query parameters and body fields together) and gives the result as JSON:
            /// the one path every binding takes.
            ///
            /// # Errors
            /// [`ErrorKind::InvalidArgument`] for an unknown call or a request that does not
            /// decode or breaks a rule (naming the field); otherwise as the typed call.
            #[doc(hidden)]
            pub async fn call_json(&self, call: &str, request: Value) -> Result<Value> {
                match call {
                    $(stringify!($name) => self.run_json::<crate::api::$op>(request).await,)+
                    other => Err(unknown_call(other)),
                }
            }
        }
    };
}

for_each_operation!(define_calls);

fn unknown_call(name: &str) -> Error {
    let known: Vec<&str> = Endpoint::ALL.iter().map(|endpoint| endpoint.name()).collect();
    Error::new(
        ErrorKind::InvalidArgument,
        format!("unknown call {name:?}; expected one of {}", known.join(", ")),
    )
}

impl Client {
    /// Sends typed content to one receiver.
    ///
    /// # Errors
    /// As [`Client::send_message`].
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
    ///
    /// # Errors
    /// As [`Client::send_message`].
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
