//! [`Endpoint`]: one variant per operation of the registry, with what the transport, the
//! pacer and the fake need to know of it.

use crate::operation::{Method, Operation, Repeat};
use crate::rate::Quota;
use crate::registry::for_each_operation;

/// An operation of larkmsg's registry (each marker type of [`crate::api`], such as
/// [`crate::api::SendMessage`]), with its entry; implemented by the registry alone.
pub trait Listed: Operation + sealed::Sealed {
    /// The operation's entry.
    const ENDPOINT: Endpoint;
}

mod sealed {
    /// Keeps [`super::Listed`] to the registry's operations.
    pub trait Sealed {}
}

macro_rules! define_endpoint {
    ($( $(#[doc = $doc:literal])* $op:ident => $name:ident, )+) => {
        /// The platform endpoints larkmsg calls: one per operation of the registry.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        #[non_exhaustive]
        pub enum Endpoint {
            $( $(#[doc = $doc])* $op, )+
        }

        $(
            impl sealed::Sealed for crate::api::$op {}

            impl Listed for crate::api::$op {
                const ENDPOINT: Endpoint = Endpoint::$op;
            }
        )+

        /// The JSON Schemas (what decodes) of every operation's request and result, in the
        /// registry's order; their definitions land in `generator`.
        #[cfg(feature = "schema")]
        #[doc(hidden)]
        pub fn schemas(
            generator: &mut schemars::SchemaGenerator,
        ) -> Vec<(Endpoint, schemars::Schema, schemars::Schema)> {
            let schemas = vec![$((
                Endpoint::$op,
                generator.subschema_for::<<crate::api::$op as Operation>::Request>(),
                generator.subschema_for::<<crate::api::$op as Operation>::Output>(),
            ),)+];
            for (_, request, _) in &schemas {
                crate::client::add_extra_fields_schema(generator, request);
            }
            schemas
        }

        impl Endpoint {
            /// Every endpoint, in the registry's order.
            pub const ALL: &'static [Endpoint] = &[$(Self::$op),+];

            /// The endpoint's place in [`Endpoint::ALL`].
            pub(crate) fn index(self) -> usize {
                self as usize
            }

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
                match self { $(Self::$op => <crate::api::$op as Operation>::METHOD,)+ }
            }

            /// The path template below the base URL (`:name` marks a path parameter).
            pub fn path(self) -> &'static str {
                match self { $(Self::$op => <crate::api::$op as Operation>::PATH,)+ }
            }

            /// The names of the request fields sent as query parameters.
            pub fn query_params(self) -> &'static [&'static str] {
                match self { $(Self::$op => <crate::api::$op as Operation>::QUERY,)+ }
            }

            /// The documented quotas of the endpoint, per app and tenant.
            pub fn quotas(self) -> &'static [Quota] {
                match self { $(Self::$op => <crate::api::$op as Operation>::QUOTAS,)+ }
            }

            /// Whether a repeat after an ambiguous failure is safe, and why.
            pub fn repeat(self) -> Repeat {
                match self { $(Self::$op => <crate::api::$op as Operation>::REPEAT,)+ }
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
    };
}

for_each_operation!(define_endpoint);

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
