//! Where a request goes: an operation of the registry (routed by its method and path
//! template) or an authentication endpoint; and the parsed parts of a request.

use hyper::{HeaderMap, Method};

use crate::endpoint::Endpoint;
use crate::operation::match_path;

/// An authentication endpoint of the platform.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(crate) enum AuthEndpoint {
    /// `POST /open-apis/auth/v3/tenant_access_token/internal`
    TenantTokenInternal,
    /// `POST /open-apis/auth/v3/app_access_token/internal`
    AppTokenInternal,
    /// `POST /open-apis/auth/v3/app_access_token`
    AppToken,
    /// `POST /open-apis/auth/v3/tenant_access_token`
    TenantToken,
    /// `POST /open-apis/auth/v3/app_ticket/resend`
    AppTicketResend,
}

/// Every authentication endpoint with its name (used in counters and fault plans) and path.
const AUTH_ROUTES: &[(AuthEndpoint, &str, &str)] = &[
    (
        AuthEndpoint::TenantTokenInternal,
        "tenant_access_token_internal",
        "/open-apis/auth/v3/tenant_access_token/internal",
    ),
    (
        AuthEndpoint::AppTokenInternal,
        "app_access_token_internal",
        "/open-apis/auth/v3/app_access_token/internal",
    ),
    (AuthEndpoint::AppToken, "app_access_token", "/open-apis/auth/v3/app_access_token"),
    (AuthEndpoint::TenantToken, "tenant_access_token", "/open-apis/auth/v3/tenant_access_token"),
    (AuthEndpoint::AppTicketResend, "app_ticket_resend", "/open-apis/auth/v3/app_ticket/resend"),
];

/// What a request addresses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(crate) enum Route {
    /// An operation of the registry.
    Api(Endpoint),
    /// An authentication endpoint.
    Auth(AuthEndpoint),
}

impl Route {
    /// The route of a request and its path parameters: the method and the path as the
    /// registry spells them (batch send keeps its trailing slash; without it the fake
    /// answers 404).
    pub fn find(method: &Method, path: &str) -> Option<(Self, Vec<String>)> {
        let api = Endpoint::ALL.iter().find_map(|endpoint| {
            (endpoint.method().as_str() == method.as_str())
                .then(|| match_path(endpoint.path(), path))
                .flatten()
                .map(|params| (Self::Api(*endpoint), params))
        });
        api.or_else(|| {
            (method == Method::POST)
                .then(|| AUTH_ROUTES.iter().find(|(_, _, route)| *route == path))
                .flatten()
                .map(|(auth, _, _)| (Self::Auth(*auth), Vec::new()))
        })
    }

    /// The route with this name (`send_message`, `tenant_access_token_internal`, …) or
    /// path (a template for the operations).
    pub fn resolve(name_or_path: &str) -> Option<Self> {
        let api = Endpoint::ALL
            .iter()
            .find(|endpoint| endpoint.name() == name_or_path || endpoint.path() == name_or_path)
            .map(|endpoint| Self::Api(*endpoint));
        api.or_else(|| {
            AUTH_ROUTES
                .iter()
                .find(|(_, name, path)| *name == name_or_path || *path == name_or_path)
                .map(|(auth, _, _)| Self::Auth(*auth))
        })
    }

    /// The route's name, as in counters and fault records: the registry's call name for
    /// an operation.
    pub fn name(self) -> &'static str {
        match self {
            Self::Api(endpoint) => endpoint.name(),
            Self::Auth(auth) => {
                AUTH_ROUTES.iter().find(|(known, _, _)| *known == auth).map_or("unknown", |(_, name, _)| name)
            }
        }
    }

    /// Whether this is an authentication endpoint.
    pub fn is_auth(self) -> bool {
        matches!(self, Self::Auth(_))
    }

    /// Whether requests here count against a receiver's 5 messages per second (230020).
    pub fn has_receiver_quota(self) -> bool {
        matches!(self, Self::Api(Endpoint::SendMessage | Endpoint::ReplyMessage))
    }
}

/// Query parameters of a request, percent-decoded, in order.
#[derive(Debug, Clone, Default)]
pub(crate) struct Query(Vec<(String, String)>);

impl Query {
    /// Parses a query string (without the `?`).
    pub fn parse(query: Option<&str>) -> Self {
        Self(
            url::form_urlencoded::parse(query.unwrap_or_default().as_bytes())
                .map(|(key, value)| (key.into_owned(), value.into_owned()))
                .collect(),
        )
    }

    /// The first value of `name`.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.0.iter().find(|(key, _)| key == name).map(|(_, value)| value.as_str())
    }
}

/// Whether the request says its body is JSON (`application/json`, any parameters).
pub(crate) fn is_json(headers: &HeaderMap) -> bool {
    headers
        .get(hyper::header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.split(';').next())
        .is_some_and(|media| media.trim().eq_ignore_ascii_case("application/json"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn operations_route_by_template_and_auth_by_path() {
        let (route, params) = Route::find(&Method::POST, "/open-apis/im/v1/messages/om_1/reply").unwrap();
        assert_eq!((route, params), (Route::Api(Endpoint::ReplyMessage), vec!["om_1".to_owned()]));
        assert_eq!(Route::find(&Method::GET, "/open-apis/im/v1/messages"), None);
        assert_eq!(Route::find(&Method::POST, "/open-apis/message/v4/batch_send"), None);
        let token = Route::find(&Method::POST, "/open-apis/auth/v3/tenant_access_token/internal");
        assert_eq!(token, Some((Route::Auth(AuthEndpoint::TenantTokenInternal), Vec::new())));
        for endpoint in Endpoint::ALL {
            assert_eq!(Route::resolve(endpoint.name()), Some(Route::Api(*endpoint)));
            assert_eq!(Route::Api(*endpoint).name(), endpoint.name());
        }
        assert_eq!(Route::resolve("app_ticket_resend").map(Route::name), Some("app_ticket_resend"));
    }
}
