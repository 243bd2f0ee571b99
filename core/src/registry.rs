//! The operation registry: the one list of the platform operations larkmsg implements.
//!
//! Each line gives an operation's docs, its marker type (which implements [`Operation`] in
//! its endpoint module under `api/`) and its call name. From this list come the
//! [`Endpoint`] enum, the async methods of [`Client`], the methods of [`BlockingClient`],
//! the JSON-call table of the bindings ([`Client::call_json`]), the pacer's lanes, the fake
//! server's routes and, through `larkmsg-codegen`, the bindings' generated surfaces.
//!
//! Adding an operation: write its module under `api/` (request, result, rules and the
//! [`Operation`] impl), add its line below, give the fake a handler, add conformance cases,
//! and run `cargo run -p larkmsg-codegen` to regenerate the bindings' surfaces.

use serde_json::Value;

use crate::api::{BatchSend, CreateAppFeedCard, CreateCard, ReplyMessage, SendMessage};
use crate::blocking::BlockingClient;
use crate::client::Client;
use crate::error::{Error, ErrorKind, Result};
use crate::operation::{Method, Operation, Repeat};
use crate::quota::Quota;
use crate::runtime::block_on;

/// Generates everything the list of operations determines.
macro_rules! operations {
    ($( $(#[doc = $doc:literal])* $op:ident => $name:ident, )+) => {
        /// The platform endpoints larkmsg calls: one per operation of the registry.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        #[non_exhaustive]
        pub enum Endpoint {
            $( $(#[doc = $doc])* $op, )+
        }

        impl Endpoint {
            /// Every endpoint, in the registry's order.
            pub const ALL: &'static [Endpoint] = &[$(Self::$op),+];

            /// The call's snake_case name (`send_message`), as every binding names it.
            pub fn name(self) -> &'static str {
                match self { $(Self::$op => stringify!($name),)+ }
            }

            /// The endpoint of a call name.
            pub fn from_name(name: &str) -> Option<Self> {
                match name { $(stringify!($name) => Some(Self::$op),)+ _ => None }
            }

            /// The HTTP method.
            pub fn method(self) -> Method {
                match self { $(Self::$op => <$op as Operation>::METHOD,)+ }
            }

            /// The path template below the base URL (`:name` marks a path parameter).
            pub fn path(self) -> &'static str {
                match self { $(Self::$op => <$op as Operation>::PATH,)+ }
            }

            /// The names of the request fields sent as query parameters.
            pub fn query_params(self) -> &'static [&'static str] {
                match self { $(Self::$op => <$op as Operation>::QUERY,)+ }
            }

            /// The documented quotas of the endpoint, per app and tenant.
            pub fn quotas(self) -> &'static [Quota] {
                match self { $(Self::$op => <$op as Operation>::QUOTAS,)+ }
            }

            /// Whether a repeat after an ambiguous failure is safe, and why.
            pub fn repeat(self) -> Repeat {
                match self { $(Self::$op => <$op as Operation>::REPEAT,)+ }
            }

            /// Whether repeating the call after an ambiguous failure cannot cause a second
            /// visible effect.
            pub fn repeat_is_safe(self) -> bool {
                self.repeat().is_safe()
            }

            /// The operation's documentation.
            pub fn docs(self) -> &'static str {
                match self { $(Self::$op => concat!($($doc, "\n"),*),)+ }
            }
        }

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
                    request: <$op as Operation>::Request,
                ) -> Result<<$op as Operation>::Output> {
                    self.run::<$op>(request).await
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
                    $(stringify!($name) => self.run_json::<$op>(request).await,)+
                    other => Err(unknown_call(other)),
                }
            }
        }

        /// Calls `visitor` once per operation of the registry, with its types, in the
        /// registry's order: for code that must cover every operation (tests, fuzz targets).
        pub fn visit_operations(visitor: &mut impl OperationVisitor) {
            $( visitor.visit::<$op>(); )+
        }

        /// The JSON Schemas (what decodes) of every operation's request and result, in the
        /// registry's order; their definitions land in `generator`.
        #[cfg(feature = "schema")]
        #[doc(hidden)]
        pub fn schemas(
            generator: &mut schemars::SchemaGenerator,
        ) -> Vec<(Endpoint, schemars::Schema, schemars::Schema)> {
            vec![$((
                Endpoint::$op,
                generator.subschema_for::<<$op as Operation>::Request>(),
                generator.subschema_for::<<$op as Operation>::Output>(),
            ),)+]
        }

        impl BlockingClient {
            $(
                #[doc = concat!("Blocking [`Client::", stringify!($name), "`].")]
                ///
                /// # Errors
                /// As the async call, and [`ErrorKind::Config`] when called from inside an
                /// async runtime.
                pub fn $name(
                    &self,
                    request: <$op as Operation>::Request,
                ) -> Result<<$op as Operation>::Output> {
                    block_on(self.client().$name(request))?
                }
            )+
        }
    };
}

operations! {
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
    /// Creates an app feed card for up to 20 users (`POST /open-apis/im/v2/app_feed_card`).
    CreateAppFeedCard => create_app_feed_card,
}

/// Something done once per operation, with its types (see [`visit_operations`]).
pub trait OperationVisitor {
    /// Visits the operation `O`.
    fn visit<O: Operation>(&mut self);
}

fn unknown_call(name: &str) -> Error {
    let known: Vec<&str> = Endpoint::ALL.iter().map(|endpoint| endpoint.name()).collect();
    Error::new(
        ErrorKind::InvalidArgument,
        format!("unknown call {name:?}; expected one of {}", known.join(", ")),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::operation::path_param_names;

    #[test]
    fn names_round_trip_and_are_unique() {
        for endpoint in Endpoint::ALL {
            assert_eq!(Endpoint::from_name(endpoint.name()), Some(*endpoint));
            assert!(!endpoint.docs().trim().is_empty(), "{endpoint:?} has no docs");
            assert!(endpoint.path().starts_with("/open-apis/"), "{endpoint:?}");
        }
        assert_eq!(Endpoint::from_name("create_feed_card"), None);
    }

    #[test]
    fn no_two_endpoints_share_a_route() {
        for (i, a) in Endpoint::ALL.iter().enumerate() {
            for b in &Endpoint::ALL[i + 1..] {
                assert!(a.method() != b.method() || a.path() != b.path(), "{a:?} and {b:?}");
            }
        }
    }

    #[test]
    fn the_reply_path_has_its_parameter() {
        assert_eq!(path_param_names(Endpoint::ReplyMessage.path()).collect::<Vec<_>>(), ["message_id"]);
        assert!(Endpoint::ReplyMessage.repeat_is_safe());
        assert!(!Endpoint::BatchSend.repeat_is_safe());
    }
}
