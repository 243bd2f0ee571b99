//! The endpoints the fake serves, their names, and the parsed parts of a request.

use hyper::{HeaderMap, Method};

use super::reply::Rejection;

/// An endpoint of the platform the fake implements.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(crate) enum Endpoint {
    /// `POST /open-apis/im/v1/messages`
    SendMessage,
    /// `POST /open-apis/message/v4/batch_send/`
    BatchSend,
    /// `POST /open-apis/cardkit/v1/cards`
    CreateCard,
    /// `POST /open-apis/im/v2/app_feed_card`
    CreateFeedCard,
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

/// Every endpoint with its name (used in counters and fault plans) and path.
const ROUTES: &[(Endpoint, &str, &str)] = &[
    (Endpoint::SendMessage, "send_message", "/open-apis/im/v1/messages"),
    (Endpoint::BatchSend, "batch_send", "/open-apis/message/v4/batch_send/"),
    (Endpoint::CreateCard, "create_card", "/open-apis/cardkit/v1/cards"),
    (Endpoint::CreateFeedCard, "create_feed_card", "/open-apis/im/v2/app_feed_card"),
    (
        Endpoint::TenantTokenInternal,
        "tenant_access_token_internal",
        "/open-apis/auth/v3/tenant_access_token/internal",
    ),
    (Endpoint::AppTokenInternal, "app_access_token_internal", "/open-apis/auth/v3/app_access_token/internal"),
    (Endpoint::AppToken, "app_access_token", "/open-apis/auth/v3/app_access_token"),
    (Endpoint::TenantToken, "tenant_access_token", "/open-apis/auth/v3/tenant_access_token"),
    (Endpoint::AppTicketResend, "app_ticket_resend", "/open-apis/auth/v3/app_ticket/resend"),
];

impl Endpoint {
    /// The endpoint a request goes to: POST and the exact path (batch send keeps its
    /// trailing slash; without it the fake answers 404).
    pub fn route(method: &Method, path: &str) -> Option<Self> {
        if method != Method::POST {
            return None;
        }
        ROUTES.iter().find(|(_, _, route)| *route == path).map(|(endpoint, _, _)| *endpoint)
    }

    /// The endpoint with this name or path.
    pub fn resolve(name_or_path: &str) -> Option<Self> {
        ROUTES
            .iter()
            .find(|(_, name, path)| *name == name_or_path || *path == name_or_path)
            .map(|(endpoint, _, _)| *endpoint)
    }

    /// The endpoint's name, as in counters and fault records.
    pub fn name(self) -> &'static str {
        ROUTES.iter().find(|(endpoint, _, _)| *endpoint == self).map_or("unknown", |(_, name, _)| name)
    }

    /// Whether this is an authentication endpoint.
    pub fn is_auth(self) -> bool {
        !matches!(self, Self::SendMessage | Self::BatchSend | Self::CreateCard | Self::CreateFeedCard)
    }

    /// The endpoint's answer to an invalid parameter: send message and feed card answer
    /// HTTP 400 code 230001, card create HTTP 400 code 10002, and the legacy batch send
    /// HTTP 200 code 10003 (it reports business errors at HTTP 200).
    pub fn param_error(self, msg: impl Into<String>) -> Rejection {
        match self {
            Self::CreateCard => Rejection::new(400, 10002, msg),
            Self::BatchSend => Rejection::new(200, 10003, msg),
            Self::SendMessage | Self::CreateFeedCard => Rejection::new(400, 230001, msg),
            _ => Rejection::new(200, 10003, msg),
        }
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
