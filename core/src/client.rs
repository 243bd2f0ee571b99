//! [`Client`] and [`ClientBuilder`]: credentials, base URL, timeouts, retries and quotas.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use serde::Serialize;
use serde_json::{Map, Value};

use crate::auth::{AppTicketCell, AppTicketSource, Credentials, TokenManager};
use crate::call_output::CallOutput;
use crate::config::{Domain, RetryPolicy, Timeouts};
use crate::endpoint::Listed;
use crate::error::{Error, ErrorKind, Resend, Result};
use crate::http::{
    BaseUrl, Body, DEFAULT_MAX_RESPONSE_BYTES, Http, HttpSettings, is_loopback, parse_root_certificates,
};
use crate::operation::{Operation, expand_path, path_param_names};
use crate::pacing::Pacer;
use crate::quota::QuotaTable;
use crate::receivers::Receivers;
use crate::secret::Secret;
use crate::shared::{CardSequences, RedisTokenStore, SharedPacer, SharedStore};
use crate::token_store::{MemoryTokenStore, TokenStore};
use crate::transport::{Call, Decoded, Transport};
use crate::validate::{Rule, Validator, Violation, Violations, decode_value, dismantle, join, json_kind};

/// Default time before expiry at which a token is refreshed.
const REFRESH_AHEAD: Duration = Duration::from_secs(300);

/// Builds a [`Client`].
#[derive(Clone)]
pub struct ClientBuilder {
    credentials: Option<Credentials>,
    domain: Domain,
    timeouts: Timeouts,
    retry: RetryPolicy,
    quotas: QuotaTable,
    token_store: Option<Arc<dyn TokenStore>>,
    shared: Option<SharedStore>,
    refresh_ahead: Duration,
    user_agent_suffix: Option<String>,
    max_response_bytes: usize,
    insecure_http_hosts: Vec<String>,
    root_certificates: Vec<RootCertificates>,
    #[cfg(feature = "fake")]
    panic_in_calls: bool,
}

/// Where extra root certificates come from.
#[derive(Debug, Clone)]
enum RootCertificates {
    Pem(Vec<u8>),
    File(PathBuf),
}

impl std::fmt::Debug for ClientBuilder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ClientBuilder")
            .field("credentials", &self.credentials)
            .field("domain", &self.domain)
            .field("timeouts", &self.timeouts)
            .field("retry", &self.retry)
            .finish_non_exhaustive()
    }
}

impl Default for ClientBuilder {
    fn default() -> Self {
        Self {
            credentials: None,
            domain: Domain::default(),
            timeouts: Timeouts::default(),
            retry: RetryPolicy::default(),
            quotas: QuotaTable::documented(),
            token_store: None,
            shared: None,
            refresh_ahead: REFRESH_AHEAD,
            user_agent_suffix: None,
            max_response_bytes: DEFAULT_MAX_RESPONSE_BYTES,
            insecure_http_hosts: Vec::new(),
            root_certificates: Vec::new(),
            #[cfg(feature = "fake")]
            panic_in_calls: false,
        }
    }
}

impl ClientBuilder {
    /// A builder without credentials; give them with [`ClientBuilder::app`],
    /// [`ClientBuilder::store_app`] or [`ClientBuilder::tenant_access_token`].
    pub fn new() -> Self {
        Self::default()
    }

    /// Authenticates as a self-built app.
    pub fn app(mut self, app_id: impl Into<String>, app_secret: impl Into<Secret>) -> Self {
        self.credentials =
            Some(Credentials::SelfBuilt { app_id: app_id.into(), app_secret: app_secret.into() });
        self
    }

    /// Authenticates as a store (ISV) app installed by the tenant `tenant_key`; `tickets`
    /// gives the `app_ticket` the platform pushes to the app.
    pub fn store_app(
        mut self,
        app_id: impl Into<String>,
        app_secret: impl Into<Secret>,
        tenant_key: impl Into<String>,
        tickets: Arc<dyn AppTicketSource>,
    ) -> Self {
        self.credentials = Some(Credentials::Store {
            app_id: app_id.into(),
            app_secret: app_secret.into(),
            tenant_key: tenant_key.into(),
            tickets,
        });
        self
    }

    /// Uses a ready tenant access token as is (never refreshed).
    pub fn tenant_access_token(mut self, token: impl Into<Secret>) -> Self {
        self.credentials = Some(Credentials::Token(token.into()));
        self
    }

    /// Calls Feishu, Lark, or a custom base URL.
    pub fn domain(mut self, domain: Domain) -> Self {
        self.domain = domain;
        self
    }

    /// Calls a custom base URL (`https://…`, or `http://127.0.0.1:…` for a fake).
    pub fn base_url(self, url: impl Into<String>) -> Self {
        self.domain(Domain::Custom(url.into()))
    }

    /// Sets every timeout.
    pub fn timeouts(mut self, timeouts: Timeouts) -> Self {
        self.timeouts = timeouts;
        self
    }

    /// Sets how calls are repeated after failures.
    pub fn retry(mut self, retry: RetryPolicy) -> Self {
        self.retry = retry;
        self
    }

    /// Sets the quotas the client paces itself to; [`QuotaTable::unlimited`] switches pacing off.
    pub fn quotas(mut self, quotas: QuotaTable) -> Self {
        self.quotas = quotas;
        self
    }

    /// Keeps tokens in `store` instead of this process's memory.
    pub fn token_store(mut self, store: Arc<dyn TokenStore>) -> Self {
        self.token_store = Some(store);
        self
    }

    /// Shares quotas, tenant tokens and card sequences with every process of the app and
    /// tenant through `store` (see [`SharedStore`]); a [`ClientBuilder::token_store`] given
    /// too keeps the tokens instead.
    pub fn shared_store(mut self, store: SharedStore) -> Self {
        self.shared = Some(store);
        self
    }

    /// Fetches a new token this long before the current one expires (default 5 minutes,
    /// at most half the token's lifetime).
    pub fn refresh_ahead(mut self, ahead: Duration) -> Self {
        self.refresh_ahead = ahead;
        self
    }

    /// Appends to the `User-Agent` (bindings name their language here).
    pub fn user_agent_suffix(mut self, suffix: impl Into<String>) -> Self {
        self.user_agent_suffix = Some(suffix.into());
        self
    }

    /// Reads at most this many bytes of an answer's body (default 8 MiB); a longer answer
    /// fails the call with [`ErrorKind::Decode`] as soon as it is announced or reached.
    pub fn max_response_bytes(mut self, limit: usize) -> Self {
        self.max_response_bytes = limit;
        self
    }

    /// Allows a `http://` base URL on `host` (a name or an address, without the port). The
    /// app secret and tokens then cross the network unencrypted: without this, only
    /// loopback hosts (`localhost`, 127.0.0.0/8, ::1) may be reached over `http://`.
    pub fn insecure_http_host(mut self, host: impl Into<String>) -> Self {
        self.insecure_http_hosts.push(host.into());
        self
    }

    /// Trusts the root certificates of a PEM bundle in addition to the system's (for a
    /// private deployment with its own certificate authority).
    pub fn root_certificates_pem(mut self, pem: impl Into<Vec<u8>>) -> Self {
        self.root_certificates.push(RootCertificates::Pem(pem.into()));
        self
    }

    /// Trusts the root certificates of a PEM file in addition to the system's; the file is
    /// read when the client is built.
    pub fn root_certificates_file(mut self, path: impl Into<PathBuf>) -> Self {
        self.root_certificates.push(RootCertificates::File(path.into()));
        self
    }

    /// For the bindings' tests: every call panics inside the core, after validation.
    #[cfg(feature = "fake")]
    #[doc(hidden)]
    pub fn panic_in_calls_for_tests(mut self) -> Self {
        self.panic_in_calls = true;
        self
    }

    /// Builds the client; fails with [`ErrorKind::Config`] on missing credentials, a bad
    /// URL, an `http://` URL to a host that is neither loopback nor allowed by
    /// [`ClientBuilder::insecure_http_host`], or root certificates that cannot be read.
    ///
    /// # Errors
    /// [`ErrorKind::Config`] naming what is missing or wrong.
    pub fn build(self) -> Result<Client> {
        let credentials = self.credentials.ok_or_else(|| {
            Error::new(
                ErrorKind::Config,
                "no credentials: give an app id and secret, a store app, or a token",
            )
        })?;
        check_credentials(&credentials)?;
        let base_url = self.domain.base_url().to_owned();
        let (base_url, direct) = check_base_url(&base_url, &self.insecure_http_hosts)?;
        let user_agent = match &self.user_agent_suffix {
            Some(suffix) => format!("larkmsg/{} {suffix}", env!("CARGO_PKG_VERSION")),
            None => format!("larkmsg/{} (rust)", env!("CARGO_PKG_VERSION")),
        };
        let root_certificates = load_root_certificates(&self.root_certificates)?;
        let http = Http::new(HttpSettings {
            connect_timeout: self.timeouts.connect,
            user_agent,
            max_response_bytes: self.max_response_bytes,
            direct,
            root_certificates,
        })?;
        let (pacer, shared_tokens, sequences) = match &self.shared {
            Some(shared) => {
                let redis = shared.open(scope_of(&credentials))?;
                let pacer = SharedPacer::new(Arc::clone(&redis), self.quotas.clone());
                (
                    Pacer::with_shared(self.quotas, pacer, shared.share_when_unreachable()),
                    Some(Arc::new(RedisTokenStore::new(Arc::clone(&redis))) as Arc<dyn TokenStore>),
                    CardSequences::shared(redis),
                )
            }
            None => (Pacer::new(self.quotas), None, CardSequences::default()),
        };
        let store = self.token_store.or(shared_tokens).unwrap_or_else(|| Arc::new(MemoryTokenStore::new()));
        let inner = Inner {
            app_id: app_id_of(&credentials),
            transport: Transport::new(BaseUrl::new(base_url), http, self.timeouts, self.retry),
            tokens: TokenManager::new(credentials, store, self.refresh_ahead),
            pacer,
            receivers: Receivers::default(),
            sequences,
            #[cfg(feature = "fake")]
            panic_in_calls: self.panic_in_calls,
        };
        Ok(Client { inner: Arc::new(inner), timeouts: self.timeouts, tickets: None })
    }
}

fn check_credentials(credentials: &Credentials) -> Result<()> {
    let values: Vec<(&str, &str)> = match credentials {
        Credentials::SelfBuilt { app_id, app_secret } => {
            vec![("app_id", app_id), ("app_secret", app_secret.expose())]
        }
        Credentials::Store { app_id, app_secret, tenant_key, .. } => {
            vec![("app_id", app_id), ("app_secret", app_secret.expose()), ("tenant_key", tenant_key)]
        }
        Credentials::Token(token) => vec![("tenant_access_token", token.expose())],
    };
    for (name, value) in values {
        if value.is_empty() {
            return Err(Error::new(ErrorKind::Config, format!("{name} must not be empty")));
        }
        // They travel in a JSON body or a header: control characters there are always a mistake.
        if value.chars().any(char::is_control) {
            return Err(Error::new(
                ErrorKind::Config,
                format!("{name} must not contain control characters (NUL, CR, LF, …)"),
            ));
        }
    }
    Ok(())
}

/// Checks the base URL; gives it parsed and whether it is a loopback address (reached
/// without a proxy). No part of the URL is quoted in an error: a secret given there by
/// mistake stays hidden.
fn check_base_url(base_url: &str, insecure_http_hosts: &[String]) -> Result<(url::Url, bool)> {
    let url = url::Url::parse(base_url)
        .map_err(|e| Error::new(ErrorKind::Config, format!("the base URL is not a URL ({e})")))?;
    let Some(host) = url.host().filter(|_| matches!(url.scheme(), "https" | "http")) else {
        return Err(Error::new(ErrorKind::Config, "the base URL must be an https:// URL with a host"));
    };
    let loopback = is_loopback(&host);
    let allowed = |host: &str| {
        let bare = host.trim_start_matches('[').trim_end_matches(']');
        insecure_http_hosts
            .iter()
            .any(|named| named.trim_start_matches('[').trim_end_matches(']').eq_ignore_ascii_case(bare))
    };
    if url.scheme() == "http" && !loopback && !allowed(&host.to_string()) {
        return Err(Error::new(
            ErrorKind::Config,
            "the base URL uses http:// to a host that is not loopback: the app secret and tokens \
             would cross the network unencrypted; use https://, or name the host in \
             insecure_http_hosts to allow it",
        ));
    }
    Ok((url, loopback))
}

fn load_root_certificates(sources: &[RootCertificates]) -> Result<Vec<reqwest::Certificate>> {
    let mut certificates = Vec::new();
    for source in sources {
        certificates.extend(match source {
            RootCertificates::Pem(pem) => parse_root_certificates(pem, "root_certificates_pem")?,
            RootCertificates::File(path) => {
                let what = format!("root_certificates_file {}", path.display());
                let pem = std::fs::read(path)
                    .map_err(|e| Error::new(ErrorKind::Config, format!("cannot read {what}: {e}")))?;
                parse_root_certificates(&pem, &what)?
            }
        });
    }
    Ok(certificates)
}

/// `app_id:tenant`, the hash tag of the shared store's keys: the tenant of a store app,
/// `self` for a self-built app's own tenant, and for a ready token a digest of it (its app
/// and tenant are not known).
fn scope_of(credentials: &Credentials) -> String {
    match credentials {
        Credentials::SelfBuilt { app_id, .. } => format!("{app_id}:self"),
        Credentials::Store { app_id, tenant_key, .. } => format!("{app_id}:{tenant_key}"),
        Credentials::Token(token) => {
            format!("token:{}", uuid::Uuid::new_v5(&uuid::Uuid::NAMESPACE_OID, token.expose().as_bytes()))
        }
    }
}

fn app_id_of(credentials: &Credentials) -> Option<String> {
    match credentials {
        Credentials::SelfBuilt { app_id, .. } | Credentials::Store { app_id, .. } => Some(app_id.clone()),
        Credentials::Token(_) => None,
    }
}

/// A Feishu / Lark client: one connection pool, one token cache and one pacer, shared by
/// every clone. Cheap to clone; safe to share between tasks and threads.
#[derive(Clone)]
pub struct Client {
    inner: Arc<Inner>,
    timeouts: Timeouts,
    tickets: Option<Arc<AppTicketCell>>,
}

struct Inner {
    app_id: Option<String>,
    transport: Transport,
    tokens: TokenManager,
    pacer: Pacer,
    receivers: Receivers,
    /// Card sequences, shared through the store when there is one.
    sequences: CardSequences,
    #[cfg(feature = "fake")]
    panic_in_calls: bool,
}

impl std::fmt::Debug for Client {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Client")
            .field("app_id", &self.inner.app_id)
            .field("timeouts", &self.timeouts)
            .finish_non_exhaustive()
    }
}

impl Client {
    /// A builder for a self-built app.
    pub fn builder(app_id: impl Into<String>, app_secret: impl Into<Secret>) -> ClientBuilder {
        ClientBuilder::new().app(app_id, app_secret)
    }

    /// This client with other timeouts for the calls made through it; it shares the
    /// connection pool, tokens and pacing of the original.
    pub fn with_timeouts(&self, timeouts: Timeouts) -> Client {
        Client { inner: Arc::clone(&self.inner), timeouts, tickets: self.tickets.clone() }
    }

    /// This client with a handle on the ticket cell its store-app credentials read, so that
    /// [`Client::set_app_ticket`] can pass on the tickets the platform pushes.
    pub(crate) fn with_app_tickets(mut self, tickets: Arc<AppTicketCell>) -> Client {
        self.tickets = Some(tickets);
        self
    }

    /// Passes on an `app_ticket` the platform pushed to a store app built from
    /// [`crate::ClientOptions`]; fails with [`ErrorKind::Config`] for any other client.
    ///
    /// # Errors
    /// [`ErrorKind::Config`] when the client was not built as a store app from options.
    pub fn set_app_ticket(&self, ticket: impl Into<Secret>) -> Result<()> {
        let tickets = self.tickets.as_ref().ok_or_else(|| {
            Error::new(ErrorKind::Config, "this client was not built as a store app from options")
        })?;
        tickets.set(ticket);
        Ok(())
    }

    /// The timeouts of calls made through this client.
    pub fn timeouts(&self) -> Timeouts {
        self.timeouts
    }

    /// The `sequence` for the next operation on the card entity `card_id`: one more than
    /// any this client used on it, and, with a [`SharedStore`], than any every process of
    /// the app and tenant used (so that any of them can update a card another created).
    pub async fn next_card_sequence(&self, card_id: &str) -> i64 {
        self.next_card_sequence_above(card_id, 0).await
    }

    /// [`Client::next_card_sequence`], and above `floor` (the last one the caller used).
    pub(crate) async fn next_card_sequence_above(&self, card_id: &str, floor: i64) -> i64 {
        let deadline = tokio::time::Instant::now() + self.timeouts.request;
        self.inner.sequences.next(card_id, floor, deadline).await
    }

    /// Runs one operation: validates the request (nothing is sent when it breaks a rule),
    /// fills its de-duplication key, then sends it paced, authenticated and repeated when
    /// that is safe, and decodes the answer's `data`.
    pub(crate) async fn run<O: Listed>(&self, request: O::Request) -> Result<O::Output> {
        self.run_with::<O>(request, Map::new()).await.map(|decoded| decoded.output)
    }

    /// [`Client::run`] with `extra_fields` added to the JSON body, giving the answer's
    /// `data` as sent and its fields the result does not model too. A failure of a call the platform de-duplicates names the `uuid`
    /// it carried and how to resend it ([`Error::resend`]); a success records it on the
    /// result when the result has a place for it.
    pub(crate) async fn run_with<O: Listed>(
        &self,
        mut request: O::Request,
        extra_fields: Map<String, Value>,
    ) -> Result<Decoded<O::Output>> {
        if let Err(violations) = O::validate(&request) {
            O::dismantle(request);
            return Err(violations.into());
        }
        #[cfg(feature = "fake")]
        #[allow(clippy::panic)]
        if self.inner.panic_in_calls {
            panic!("a panic injected for tests (panic_in_calls_for_tests)");
        }
        let uuid = O::dedup_key(&mut request).map(|key| key.get_or_insert_with(new_uuid).clone());
        let extra_names: Vec<String> = extra_fields.keys().cloned().collect();
        let body = match O::form(&request) {
            Some(form) if extra_fields.is_empty() => Body::Form(form),
            Some(_) => return Err(extra_fields_refused("multipart uploads take no extra fields")),
            None => Body::Json(encode_body(&request, extra_fields)?.into()),
        };
        let inner = &*self.inner;
        let subject = O::subject(&request);
        // Which chat a receiver is matters only to the per-receiver quota.
        let paces_receivers = inner.pacer.paces_receivers();
        let known_as =
            if paces_receivers { inner.receivers.resolve(subject.clone()) } else { subject.clone() };
        let call = Call {
            endpoint: O::ENDPOINT,
            path: expand_path(O::PATH, &O::path_params(&request)),
            query: O::query(&request),
            body,
            alias: subject.clone().filter(|given| known_as.as_ref() != Some(given)),
            subject: known_as,
        };
        match inner.transport.call::<O::Output>(&call, &inner.tokens, &inner.pacer, &self.timeouts).await {
            Ok(mut decoded) => {
                if paces_receivers && let Some((message_id, chat_id)) = O::landed_in(&decoded.output) {
                    inner.receivers.learn(subject.as_ref(), message_id, chat_id);
                }
                if let Some(uuid) = uuid {
                    O::record_dedup_key(&mut decoded.output, uuid);
                }
                Ok(decoded)
            }
            Err(error) => Err(match uuid {
                Some(uuid) if error.kind() != ErrorKind::InvalidArgument => {
                    let flat = flat_request::<O>(&request, &call.body, &extra_names);
                    let resend = Resend::new(O::ENDPOINT.name(), flat);
                    error.with_resend(uuid, resend)
                }
                _ => error,
            }),
        }
    }

    /// [`Client::run`] with the request as its flat JSON object (its `{"buffer": i}` files
    /// taken from `buffers`, its `extra_fields` added to the body) and the decoded result
    /// with the fields of the answer this version does not model.
    pub(crate) async fn run_json<O: Listed>(
        &self,
        request: Value,
        buffers: Vec<bytes::Bytes>,
    ) -> Result<CallOutput> {
        let mut request = check_depth(request)?;
        let extra_fields = take_extra_fields::<O>(&mut request)?;
        let request = crate::file::with_buffers(buffers, || decode_value::<O::Request>("", request))
            .map_err(Error::from)?;
        self.output_of::<O>(request, extra_fields).await
    }

    /// [`Client::run`] with a typed request, giving the result as a call by name does.
    pub(crate) async fn output_of<O: Listed>(
        &self,
        request: O::Request,
        extra_fields: Map<String, Value>,
    ) -> Result<CallOutput> {
        let Decoded { output, unmodeled, .. } = self.run_with::<O>(request, extra_fields).await?;
        Ok(CallOutput::new(output, unmodeled))
    }
}

/// The request key that holds fields to send that larkmsg does not model.
pub(crate) const EXTRA_FIELDS: &str = "extra_fields";

/// Adds `extra_fields` to the schema of an operation's request (`request` refers to its
/// definition), so that every binding's request type offers it.
#[cfg(feature = "schema")]
pub(crate) fn add_extra_fields_schema(generator: &mut schemars::SchemaGenerator, request: &schemars::Schema) {
    let Some(name) = request.get("$ref").and_then(Value::as_str).and_then(|r| r.rsplit('/').next()) else {
        return;
    };
    let schema = serde_json::json!({
        "type": "object",
        "additionalProperties": true,
        "description": "Body fields larkmsg does not model (a platform addition, a legacy field), sent as given after the fields it knows are checked; a field it models is refused here.",
    });
    if let Some(Value::Object(properties)) =
        generator.definitions_mut().get_mut(name).and_then(|definition| definition.get_mut("properties"))
    {
        properties.insert(EXTRA_FIELDS.to_owned(), schema);
    }
}

/// A fresh de-duplication key.
fn new_uuid() -> String {
    uuid::Uuid::new_v4().to_string()
}

fn extra_fields_refused(message: impl Into<String>) -> Error {
    Error::from(Violations::from(Violation {
        path: EXTRA_FIELDS.to_owned(),
        rule: Rule::Format,
        message: message.into(),
    }))
}

/// Takes the request's `extra_fields` out: an object of body fields the request type does
/// not know (a field it knows belongs in the request, where its rules are checked).
fn take_extra_fields<O: Operation>(request: &mut Value) -> Result<Map<String, Value>> {
    let Some(extra) = request.as_object_mut().and_then(|fields| fields.remove(EXTRA_FIELDS)) else {
        return Ok(Map::new());
    };
    let Value::Object(extra) = extra else {
        return Err(extra_fields_refused(format!("must be an object, got {}", json_kind(&extra))));
    };
    check_extra_fields::<O>(&extra)?;
    Ok(extra)
}

/// Refuses an extra field that the request type of `O` models.
pub(crate) fn check_extra_fields<O: Operation>(extra: &Map<String, Value>) -> Result<()> {
    for (name, value) in extra {
        let probe = Value::Object(Map::from_iter([(name.clone(), value.clone())]));
        let unknown = matches!(
            decode_value::<O::Request>("", probe),
            Err(violations) if violations.as_slice().iter().any(|v| v.rule == Rule::UnknownField && v.path == *name)
        );
        if !unknown {
            return Err(Error::from(Violations::from(Violation {
                path: join(EXTRA_FIELDS, name),
                rule: Rule::Format,
                message: format!(
                    "{name:?} is a field larkmsg models: give it in the request, where its rules are checked"
                ),
            })));
        }
    }
    Ok(())
}

/// The JSON body of a request, with `extra_fields` added.
fn encode_body<R: Serialize>(request: &R, extra_fields: Map<String, Value>) -> Result<Vec<u8>> {
    let cannot = |e: serde_json::Error| {
        Error::new(ErrorKind::InvalidArgument, format!("the request cannot be encoded: {e}"))
    };
    if extra_fields.is_empty() {
        return serde_json::to_vec(request).map_err(cannot);
    }
    let mut body = serde_json::to_value(request).map_err(cannot)?;
    if let Value::Object(fields) = &mut body {
        fields.extend(extra_fields);
    }
    serde_json::to_vec(&body).map_err(cannot)
}

/// The flat request of a call as the JSON call takes it: its body's fields with its path
/// and query parameters, and the body fields named `extra_names` under `extra_fields`.
fn flat_request<O: Operation>(request: &O::Request, body: &Body, extra_names: &[String]) -> Value {
    let mut fields = match body {
        Body::Json(json) => serde_json::from_slice::<Map<String, Value>>(json).unwrap_or_default(),
        Body::Form(_) => Map::new(),
    };
    let extra: Map<String, Value> = extra_names.iter().filter_map(|name| fields.remove_entry(name)).collect();
    if !extra.is_empty() {
        fields.insert(EXTRA_FIELDS.to_owned(), Value::Object(extra));
    }
    for (name, value) in path_param_names(O::PATH).zip(O::path_params(request)) {
        fields.insert(name.to_owned(), Value::String(value.to_owned()));
    }
    for (name, value) in O::query(request) {
        fields.insert(name.to_owned(), Value::String(value));
    }
    Value::Object(fields)
}

/// Refuses a request with a field nested too deep, before decoding copies it, naming the
/// field; the request is then taken apart without recursion.
fn check_depth(request: Value) -> Result<Value> {
    let mut v = Validator::new();
    match &request {
        Value::Object(fields) => {
            for (name, value) in fields {
                v.depth(name, value);
            }
        }
        other => {
            v.depth("", other);
        }
    }
    match v.finish() {
        Ok(()) => Ok(request),
        Err(violations) => {
            dismantle(request);
            Err(violations.into())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn build_checks_credentials_and_url() {
        let missing = ClientBuilder::new().build().unwrap_err();
        assert_eq!(missing.kind(), ErrorKind::Config);
        let empty = Client::builder("cli_1", "").build().unwrap_err();
        assert!(empty.message().contains("app_secret"), "{empty}");
        let bad_url = Client::builder("cli_1", "s").base_url("ftp://x").build().unwrap_err();
        assert_eq!(bad_url.kind(), ErrorKind::Config);
        assert!(Client::builder("cli_1", "s").base_url("http://127.0.0.1:1").build().is_ok());
        let control = Client::builder("cli_1", "s\r\nX: y").build().unwrap_err();
        assert!(control.message().contains("app_secret") && !control.message().contains("X: y"), "{control}");
    }

    #[test]
    fn credentials_go_over_http_only_to_loopback_or_named_hosts() {
        for url in ["http://localhost:8080", "http://127.0.0.1:1", "http://[::1]:1", "https://gw.corp"] {
            assert!(Client::builder("cli_1", "s").base_url(url).build().is_ok(), "{url}");
        }
        for url in ["http://gw.corp", "http://10.1.2.3:80", "http://[fd00::1]"] {
            let error = Client::builder("cli_1", "s").base_url(url).build().unwrap_err();
            assert_eq!(error.kind(), ErrorKind::Config, "{url}");
            assert!(error.message().contains("insecure_http_hosts"), "{error}");
        }
        let named =
            Client::builder("cli_1", "s").insecure_http_host("GW.corp").base_url("http://gw.corp:8080");
        assert!(named.build().is_ok());
        let other = Client::builder("cli_1", "s").insecure_http_host("gw.corp").base_url("http://gw2.corp");
        assert!(other.build().is_err());
        let ipv6 =
            Client::builder("cli_1", "s").insecure_http_host("fd00::1").base_url("http://[fd00::1]:80");
        assert!(ipv6.build().is_ok());
    }

    #[test]
    fn errors_about_the_base_url_do_not_quote_it() {
        for url in ["s3cr3t-value", "s3cr3t-value:opaque", "http://s3cr3t-value"] {
            let error = Client::builder("cli_1", "s").base_url(url).build().unwrap_err();
            assert!(!error.to_string().contains("s3cr3t"), "{error}");
        }
    }

    #[test]
    fn root_certificates_that_cannot_be_read_are_config_errors() {
        let garbage = Client::builder("cli_1", "s").root_certificates_pem("not a pem").build().unwrap_err();
        assert_eq!(garbage.kind(), ErrorKind::Config);
        assert!(garbage.message().contains("root_certificates_pem"), "{garbage}");
        let missing =
            Client::builder("cli_1", "s").root_certificates_file("/nonexistent/ca.pem").build().unwrap_err();
        assert!(missing.message().contains("/nonexistent/ca.pem"), "{missing}");
    }

    #[test]
    fn debug_shows_no_secret() {
        let client = Client::builder("cli_1", "very-secret").build().unwrap();
        let builder = Client::builder("cli_1", "very-secret");
        for text in [format!("{client:?}"), format!("{builder:?}")] {
            assert!(text.contains("cli_1") && !text.contains("very-secret"), "{text}");
        }
    }
}
