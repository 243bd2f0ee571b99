//! [`BlockingClient`]: the same calls for synchronous callers, run on the shared runtime.

use crate::api::Message;
use crate::client::Client;
use crate::content::MessageContent;
use crate::enums::ReceiveIdType;
use crate::error::Result;
use crate::flows::for_each_flow;
use crate::operation::Operation;
use crate::registry::for_each_operation;
use crate::runtime::block_on;

macro_rules! define_blocking_calls {
    ($( $(#[doc = $doc:literal])* $op:ident => $name:ident, )+) => {
        impl BlockingClient {
            $(
                #[doc = concat!("Blocking [`Client::", stringify!($name), "`].")]
                ///
                /// # Errors
                /// As the async call, and [`crate::ErrorKind::Config`] when called from
                /// inside an async runtime.
                pub fn $name(
                    &self,
                    request: <crate::api::$op as Operation>::Request,
                ) -> Result<<crate::api::$op as Operation>::Output> {
                    block_on(self.client.$name(request))?
                }
            )+
        }
    };
}

for_each_operation!(define_blocking_calls);

/// A blocking flow method, with or without its progress callback.
macro_rules! blocking_flow {
    ($(#[doc = $doc:literal])* $name:ident($request:ident) -> $output:ident, true) => {
        $(#[doc = $doc])*
        ///
        #[doc = concat!("Blocking [`Client::", stringify!($name), "`]; `progress` is called on the calling thread.")]
        ///
        /// # Errors
        /// As the async call, and [`crate::ErrorKind::Config`] inside an async runtime.
        pub fn $name(&self, request: crate::$request, progress: impl FnMut(&crate::Progress) + Send) -> Result<crate::$output> {
            block_on(self.client.$name(request, progress))?
        }
    };
    ($(#[doc = $doc:literal])* $name:ident($request:ident) -> $output:ident, false) => {
        $(#[doc = $doc])*
        ///
        #[doc = concat!("Blocking [`Client::", stringify!($name), "`].")]
        ///
        /// # Errors
        /// As the async call, and [`crate::ErrorKind::Config`] inside an async runtime.
        pub fn $name(&self, request: crate::$request) -> Result<crate::$output> {
            block_on(self.client.$name(request))?
        }
    };
}

macro_rules! define_blocking_flows {
    ($( $(#[doc = $doc:literal])* $name:ident($request:ident) -> $output:ident, progress = $progress:tt, run = $run:ident; )+) => {
        impl BlockingClient {
            $( blocking_flow!($(#[doc = $doc])* $name($request) -> $output, $progress); )+
        }
    };
}

for_each_flow!(define_blocking_flows);

/// A [`Client`] whose calls block the calling thread until they finish. They run on the
/// one shared, fork-aware runtime; calling them from inside an async runtime is an error.
#[derive(Debug, Clone)]
pub struct BlockingClient {
    client: Client,
}

impl Client {
    /// A blocking facade over this client (sharing its pool, tokens and pacing).
    pub fn blocking(&self) -> BlockingClient {
        BlockingClient { client: self.clone() }
    }
}

impl BlockingClient {
    /// The async client behind this facade.
    pub fn client(&self) -> &Client {
        &self.client
    }

    /// Blocking [`Client::send`].
    ///
    /// # Errors
    /// As [`Client::send`], and [`crate::ErrorKind::Config`] inside an async runtime.
    pub fn send(
        &self,
        receive_id_type: ReceiveIdType,
        receive_id: impl Into<String>,
        content: &MessageContent,
    ) -> Result<Message> {
        block_on(self.client.send(receive_id_type, receive_id, content))?
    }

    /// Blocking [`Client::stream_card`]: the stream's background task runs on the shared
    /// runtime; finish it with [`crate::CardStream::finish_blocking`].
    ///
    /// # Errors
    /// As [`Client::stream_card`], and [`crate::ErrorKind::Config`] inside an async runtime.
    pub fn stream_card(&self, options: crate::StreamCardOptions) -> Result<crate::CardStream> {
        block_on(self.client.stream_card(options))?
    }

    /// Blocking [`Client::send_text`].
    ///
    /// # Errors
    /// As [`Client::send_text`], and [`crate::ErrorKind::Config`] inside an async runtime.
    pub fn send_text(
        &self,
        receive_id_type: ReceiveIdType,
        receive_id: impl Into<String>,
        text: impl Into<String>,
    ) -> Result<Message> {
        block_on(self.client.send_text(receive_id_type, receive_id, text))?
    }

    /// Blocking [`Client::resend_message`]: sends a failed send or reply again with its
    /// `uuid`.
    ///
    /// # Errors
    /// As [`Client::resend_message`].
    pub fn resend_message(&self, error: &crate::Error) -> Result<Message> {
        block_on(self.client.resend_message(error))?
    }
}
