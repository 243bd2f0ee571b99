//! The calls of [`Client`]: one async method per operation of the registry, the
//! JSON-call table of the bindings ([`Client::call_json`], covering the flows too), and
//! the content conveniences.

use bytes::Bytes;
use serde_json::{Map, Value};

use crate::answer::Answer;
use crate::api::{Message, SendMessageRequest};
use crate::call_output::CallOutput;
use crate::client::{Client, check_extra_fields};
use crate::content::MessageContent;
use crate::endpoint::{Endpoint, Listed};
use crate::enums::ReceiveIdType;
use crate::error::{Error, ErrorKind, Result};
use crate::flows::{OnProgress, for_each_flow};
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

            /// Runs the operation named `call` with its flat request and gives its result, or
            /// `None` when no operation has that name.
            async fn call_operation_json(&self, call: &str, request: Value, buffers: Vec<Bytes>) -> Option<Result<CallOutput>> {
                Some(match call {
                    $(stringify!($name) => self.run_json::<crate::api::$op>(request, buffers).await,)+
                    _ => return None,
                })
            }
        }
    };
}

for_each_operation!(define_calls);

impl Client {
    /// Runs the operation `O` of the registry with a typed request and gives its typed
    /// result together with the answer's `data` as the platform sent it
    /// ([`Answer::raw_json`], [`Answer::unmodeled_fields`]), e.g.
    /// `client.call::<larkmsg::api::SendMessage>(request)`.
    ///
    /// # Errors
    /// As the operation's own method (e.g. [`Client::send_message`]).
    pub async fn call<O: Listed>(&self, request: O::Request) -> Result<Answer<O::Output>> {
        self.call_with_fields::<O>(request, Map::new()).await
    }

    /// [`Client::call`], sending `extra_fields` in the JSON body besides the request's own:
    /// fields larkmsg does not model yet (a platform addition, a legacy field). The
    /// request's fields are checked as always.
    ///
    /// # Errors
    /// [`ErrorKind::InvalidArgument`] when an extra field is one the request models
    /// (`extra_fields.<name>`) or the operation uploads a file (multipart takes none);
    /// otherwise as [`Client::call`].
    pub async fn call_with_fields<O: Listed>(
        &self,
        request: O::Request,
        extra_fields: Map<String, Value>,
    ) -> Result<Answer<O::Output>> {
        check_extra_fields::<O>(&extra_fields)?;
        let decoded = self.run_with::<O>(request, extra_fields).await?;
        Ok(Answer::new(decoded.output, decoded.raw, decoded.unmodeled))
    }
}

/// What a binding hands a call besides its JSON request.
#[derive(Default)]
#[doc(hidden)]
#[non_exhaustive]
pub struct CallExtras {
    /// The byte buffers the request names as `{"buffer": i}` (files to upload).
    pub buffers: Vec<Bytes>,
    /// Where a flow that reports progress reports it.
    pub progress: Option<OnProgress>,
}

impl CallExtras {
    /// Buffers and a progress callback.
    pub fn new(buffers: Vec<Bytes>, progress: Option<OnProgress>) -> Self {
        Self { buffers, progress }
    }
}

/// Calls a flow's method with or without its progress callback.
macro_rules! run_flow {
    ($client:expr, $run:ident, $request:expr, $progress:expr, true) => {
        $client.$run($request, $progress).await
    };
    ($client:expr, $run:ident, $request:expr, $progress:expr, false) => {
        $client.$run($request).await
    };
}

macro_rules! define_flow_calls {
    ($( $(#[doc = $doc:literal])* $name:ident($request:ident) -> $output:ident, progress = $progress:tt, run = $run:ident; )+) => {
        impl Client {
            /// Runs the flow named `call` with its request and gives its result, or `None`
            /// when no flow has that name.
            async fn call_flow_json(&self, call: &str, request: Value, extras: CallExtras) -> Option<Result<CallOutput>> {
                let CallExtras { buffers, progress } = extras;
                let _ = &progress;
                Some(match call {
                    $(stringify!($name) => {
                        match decode_with::<crate::$request>(request, buffers) {
                            Ok(request) => run_flow!(self, $run, request, progress, $progress).map(|output| CallOutput::new(output, Map::new())),
                            Err(error) => Err(error),
                        }
                    })+
                    _ => return None,
                })
            }
        }

        /// The names of every flow.
        const FLOW_NAMES: &[&str] = &[$(stringify!($name)),+];
    };
}

for_each_flow!(define_flow_calls);

impl Client {
    /// Runs the call named `call` (an operation of the registry or a flow) with its flat
    /// request object (path parameters, query parameters and body fields together) and
    /// gives the result as JSON: the one path every binding takes.
    ///
    /// The untyped door to the platform: the request may carry `extra_fields`, an object
    /// of body fields larkmsg does not model (a platform addition, a legacy field), sent
    /// as given after the fields it knows are checked; the result holds, besides the
    /// fields larkmsg models, every other top-level field of the answer's `data`.
    ///
    /// # Errors
    /// [`ErrorKind::InvalidArgument`] for an unknown call or a request that does not
    /// decode or breaks a rule (naming the field), or an `extra_fields` member that names
    /// a field larkmsg models; otherwise as the typed call.
    pub async fn call_json(&self, call: &str, request: Value) -> Result<Value> {
        self.call_json_with(call, request, CallExtras::default()).await
    }

    /// [`Client::call_json`] with the byte buffers the request names (`{"buffer": i}`) and
    /// a progress callback for the flows that report progress.
    ///
    /// # Errors
    /// As [`Client::call_json`].
    #[doc(hidden)]
    pub async fn call_json_with(&self, call: &str, request: Value, extras: CallExtras) -> Result<Value> {
        self.call_output(call, request, extras).await?.into_value()
    }

    /// The operation `O` with a typed request, its result as [`Client::call_output`] gives
    /// it: for a binding that builds the typed request itself (C's `larkmsg_send_text`,
    /// Node's `sendText`).
    ///
    /// # Errors
    /// As [`Client::call`].
    #[doc(hidden)]
    pub async fn call_output_of<O: Listed>(&self, request: O::Request) -> Result<CallOutput> {
        self.output_of::<O>(request, Map::new()).await
    }

    /// [`Client::call_json_with`] with the result still typed, for a binding that writes
    /// it as JSON text ([`CallOutput::into_json`]) rather than taking JSON values.
    ///
    /// # Errors
    /// As [`Client::call_json`].
    #[doc(hidden)]
    pub async fn call_output(&self, call: &str, request: Value, extras: CallExtras) -> Result<CallOutput> {
        if Endpoint::from_name(call).is_some() {
            if let Some(outcome) = self.call_operation_json(call, request, extras.buffers).await {
                return outcome;
            }
        } else if let Some(outcome) = self.call_flow_json(call, request, extras).await {
            return outcome;
        }
        Err(unknown_call(call))
    }
}

impl Client {
    /// Sends a failed call again exactly as it was sent, with the same `uuid`
    /// ([`Error::resend`]), and gives its result as JSON: the remedy for a send that may
    /// have been sent ([`Error::maybe_sent`]). The platform keeps at most one message per
    /// `uuid` for an hour, so within that hour this never makes a second one.
    ///
    /// # Errors
    /// [`ErrorKind::InvalidArgument`] when `error` carries no resend (a broken rule, or a
    /// call the platform does not de-duplicate, such as a batch); otherwise as the call.
    pub async fn resend(&self, error: &Error) -> Result<Value> {
        let resend = error.resend().ok_or_else(|| {
            Error::new(
                ErrorKind::InvalidArgument,
                format!(
                    "this error cannot be resent safely: only a failed call with a uuid can be ({})",
                    error.kind()
                ),
            )
        })?;
        self.call_json(resend.call(), resend.request().clone()).await
    }

    /// [`Client::resend`] for a failed send or reply, giving the message.
    ///
    /// # Errors
    /// As [`Client::resend`]; [`ErrorKind::InvalidArgument`] when the failed call was not a
    /// send or a reply.
    pub async fn resend_message(&self, error: &Error) -> Result<Message> {
        let call = error.resend().map(crate::Resend::call);
        let messages = [Endpoint::SendMessage.name(), Endpoint::ReplyMessage.name()];
        if !call.is_some_and(|call| messages.contains(&call)) {
            return Err(Error::new(
                ErrorKind::InvalidArgument,
                format!(
                    "resend_message resends a failed send or reply, not {}",
                    call.unwrap_or("this error")
                ),
            ));
        }
        let message = self.resend(error).await?;
        serde_json::from_value(message)
            .map_err(|e| Error::new(ErrorKind::Decode, format!("cannot read the resent message: {e}")))
    }
}

/// A flat request decoded with its buffers.
fn decode_with<T: serde::de::DeserializeOwned>(request: Value, buffers: Vec<Bytes>) -> Result<T> {
    crate::file::with_buffers(buffers, || crate::validate::decode_value::<T>("", request))
        .map_err(Error::from)
}

/// Every call's name: the operations, then the flows.
#[doc(hidden)]
pub fn call_names() -> impl Iterator<Item = &'static str> {
    Endpoint::ALL.iter().map(|endpoint| endpoint.name()).chain(FLOW_NAMES.iter().copied())
}

fn unknown_call(name: &str) -> Error {
    let known: Vec<&str> = call_names().collect();
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
        self.send_message(SendMessageRequest::text(receive_id_type, receive_id, text)).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn assert_send<T: Send>(_: &T) {}

    #[test]
    fn json_calls_can_run_on_any_thread_of_the_runtime() {
        let client = Client::builder("cli_1", "s").base_url("http://127.0.0.1:1").build().unwrap();
        let call = client.call_json_with("send_campaign", Value::Null, CallExtras::default());
        assert_send(&call);
        let names: Vec<&str> = call_names().collect();
        assert!(names.contains(&"upload_image") && names.contains(&"batch_send_all"));
        assert_eq!(names.len(), Endpoint::ALL.len() + FLOW_NAMES.len());
    }
}
