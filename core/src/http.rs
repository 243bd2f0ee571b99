//! The one place bytes go on the wire: a pooled, keep-alive HTTP client (HTTP/2 where the
//! server offers it), rebuilt in a forked child, and the classification of what happened.
//!
//! Defences against a hostile or broken server: no redirect is followed (it could carry the
//! app secret or a token to another host, or turn a send into a GET), every answer is read
//! up to a size cap, a loopback base URL never goes through a proxy, and TLS failures are
//! reported as such and never retried.

use std::time::Duration;

use bytes::{Bytes, BytesMut};
use reqwest::header::{AUTHORIZATION, CONTENT_TYPE, HeaderMap, HeaderValue, LOCATION};

use crate::endpoint::Endpoint;
use crate::error::{Error, ErrorKind, Result};
use crate::fork::ForkLocal;
use crate::form::{Form, FormPart};
use crate::operation::Method;
use crate::secret::Secret;

/// `Content-Type` of every JSON request, as the platform documents it.
const JSON_UTF8: &str = "application/json; charset=utf-8";

/// A request body.
#[derive(Debug, Clone)]
pub(crate) enum Body {
    /// JSON text.
    Json(Bytes),
    /// A `multipart/form-data` form (uploads), built anew for each attempt.
    Form(Form),
}

/// The base URL, parsed once, with the URL of every endpoint without path parameters:
/// no call parses a URL.
#[derive(Debug, Clone)]
pub(crate) struct BaseUrl {
    base: reqwest::Url,
    /// By [`Endpoint::index`]: the endpoint's URL when its path has no parameter.
    fixed: Box<[Option<reqwest::Url>]>,
}

impl BaseUrl {
    /// The base URL `url` (checked by the client's builder).
    pub(crate) fn new(url: reqwest::Url) -> Self {
        let mut base = Self { base: url, fixed: Box::default() };
        base.fixed = Endpoint::ALL
            .iter()
            .map(|endpoint| (!endpoint.path().contains(':')).then(|| base.join(endpoint.path())))
            .collect();
        base
    }

    /// The URL of a call to `endpoint` at `path` (its template filled in).
    pub(crate) fn of(&self, endpoint: Endpoint, path: &str) -> reqwest::Url {
        match self.fixed.get(endpoint.index()) {
            Some(Some(url)) => url.clone(),
            _ => self.join(path),
        }
    }

    /// The URL of `path` (from the root, percent-encoded) below the base URL's own path.
    pub(crate) fn join(&self, path: &str) -> reqwest::Url {
        let mut url = self.base.clone();
        match self.base.path().trim_end_matches('/') {
            "" => url.set_path(path),
            prefix => url.set_path(&format!("{prefix}{path}")),
        }
        url
    }
}

/// Default cap on the size of an answer's body: far above any answer of the platform.
pub(crate) const DEFAULT_MAX_RESPONSE_BYTES: usize = 8 * 1024 * 1024;

/// Characters of a redirect's location quoted in the error.
const LOCATION_SHOWN: usize = 200;

/// What the transport knows about an answer, before the envelope is read.
#[derive(Debug)]
pub(crate) struct RawResponse {
    pub(crate) status: u16,
    pub(crate) log_id: Option<String>,
    /// `x-ogw-ratelimit-reset`: seconds until the throttling window resets.
    pub(crate) rate_limit_reset: Option<Duration>,
    /// The media type of the body (`Content-Type` without parameters), when given.
    pub(crate) content_type: Option<String>,
    pub(crate) body: Bytes,
}

/// What an answer whose body is not JSON means.
#[derive(Debug)]
pub(crate) enum NotJson {
    /// HTTP 429: throttled; wait this long, then try again (nothing took effect).
    Throttled(Duration, Error),
    /// Another 4xx: the request was refused before anything was done; trying again cannot
    /// help (a wrong base URL's 404 is a `config` error).
    Refused(Error),
    /// A 2xx or 5xx whose body cannot be read: the request may or may not have taken effect.
    Unreadable(Error),
}

impl RawResponse {
    /// What the body is, for errors: its size and media type (never its content, which a
    /// hostile server could fill with what the request carried).
    pub(crate) fn describe_body(&self) -> String {
        match &self.content_type {
            Some(media) => format!("{} bytes of {media}", self.body.len()),
            None => format!("{} bytes without a content type", self.body.len()),
        }
    }

    /// What this answer means when its body is not JSON (`cause` says why it does not parse).
    pub(crate) fn not_json(&self, cause: &serde_json::Error) -> NotJson {
        let what = self.describe_body();
        let error = |kind: ErrorKind, message: String| {
            Error::new(kind, message).with_http_status(self.status).with_log_id(self.log_id.clone())
        };
        match self.status {
            429 => {
                let wait = self.rate_limit_reset.unwrap_or(DEFAULT_THROTTLE_WAIT);
                let message = format!("throttled: the server answered HTTP 429 with {what}");
                NotJson::Throttled(wait, error(ErrorKind::RateLimited, message).with_retry_after(Some(wait)))
            }
            400..=499 => {
                let (kind, hint) = match self.status {
                    404 | 405 => (ErrorKind::Config, "; check the base URL: is it the Open Platform's?"),
                    _ => (ErrorKind::Api, ""),
                };
                let message = format!(
                    "the server answered HTTP {} with {what}, not the platform's JSON envelope{hint}",
                    self.status
                );
                NotJson::Refused(error(kind, message))
            }
            _ => {
                let message = format!(
                    "the answer (HTTP {}, {what}) is not the platform's JSON envelope: {cause}",
                    self.status
                );
                NotJson::Unreadable(error(ErrorKind::Decode, message))
            }
        }
    }
}

/// How long to wait after a throttled answer without `x-ogw-ratelimit-reset`.
pub(crate) const DEFAULT_THROTTLE_WAIT: Duration = Duration::from_secs(1);

/// A request that got no usable answer.
#[derive(Debug)]
pub(crate) struct NoAnswer {
    /// Whether the request may have reached the server (anything but a failed connect).
    pub(crate) maybe_reached: bool,
    /// Whether trying again may help (not after a redirect, an oversized answer, a TLS or
    /// configuration failure).
    pub(crate) retryable: bool,
    pub(crate) error: Error,
}

impl NoAnswer {
    /// A failure that trying again cannot mend.
    fn permanent(maybe_reached: bool, error: Error) -> Self {
        Self { maybe_reached, retryable: false, error }
    }
}

/// Settings of the HTTP client.
#[derive(Debug, Clone)]
pub(crate) struct HttpSettings {
    pub(crate) connect_timeout: Duration,
    pub(crate) user_agent: String,
    /// Largest answer body read; a longer one fails the attempt.
    pub(crate) max_response_bytes: usize,
    /// Never through a proxy (the base URL is a loopback address).
    pub(crate) direct: bool,
    /// Trusted in addition to the system's roots.
    pub(crate) root_certificates: Vec<reqwest::Certificate>,
}

/// A pooled HTTP client, one per larkmsg client and process.
#[derive(Debug)]
pub(crate) struct Http {
    client: ForkLocal<reqwest::Client>,
    max_response_bytes: usize,
}

impl Http {
    pub(crate) fn new(settings: HttpSettings) -> Result<Self> {
        let max_response_bytes = settings.max_response_bytes;
        let http = Self { client: ForkLocal::new(move || build_client(&settings)), max_response_bytes };
        http.client.get()?;
        Ok(http)
    }

    /// Sends a JSON body with `method` and reads the whole answer within `timeout`.
    pub(crate) async fn send_json(
        &self,
        method: Method,
        url: &reqwest::Url,
        query: &[(&'static str, String)],
        bearer: Option<&Secret>,
        body: Bytes,
        timeout: Duration,
    ) -> std::result::Result<RawResponse, NoAnswer> {
        self.send(method, url, query, bearer, &Body::Json(body), timeout).await
    }

    /// Sends `body` with `method` and reads the whole answer within `timeout`.
    pub(crate) async fn send(
        &self,
        method: Method,
        url: &reqwest::Url,
        query: &[(&'static str, String)],
        bearer: Option<&Secret>,
        body: &Body,
        timeout: Duration,
    ) -> std::result::Result<RawResponse, NoAnswer> {
        let client = self.client.get().map_err(|error| NoAnswer::permanent(false, error))?;
        let request = client.request(reqwest_method(method), url.clone()).timeout(timeout);
        let mut request = match body {
            Body::Json(json) => request.header(CONTENT_TYPE, JSON_UTF8).body(json.clone()),
            Body::Form(form) => request.multipart(multipart(form).await?),
        };
        if !query.is_empty() {
            request = request.query(query);
        }
        if let Some(token) = bearer {
            request = request.header(AUTHORIZATION, bearer_header(token)?);
        }
        let response = request.send().await.map_err(no_answer)?;
        let status = response.status().as_u16();
        let log_id = log_id(response.headers());
        let annotate = |mut failure: NoAnswer| {
            failure.maybe_reached = true;
            failure.error = failure.error.with_log_id(log_id.clone()).with_http_status(status);
            failure
        };
        if response.status().is_redirection() {
            return Err(annotate(NoAnswer::permanent(true, redirect_error(status, response.headers()))));
        }
        let rate_limit_reset = rate_limit_reset(response.headers());
        let content_type = media_type(response.headers());
        let body = read_capped(response, self.max_response_bytes).await.map_err(annotate)?;
        Ok(RawResponse { status, log_id, rate_limit_reset, content_type, body })
    }
}

/// The reqwest form of `form`: a file on disk is opened now and streamed as it is sent,
/// bytes are shared, not copied.
async fn multipart(form: &Form) -> std::result::Result<reqwest::multipart::Form, NoAnswer> {
    use reqwest::multipart::Part;
    let mut built = reqwest::multipart::Form::new();
    for part in form.parts() {
        built = match part {
            FormPart::Text { name, value } => built.text(*name, value.clone()),
            FormPart::File { name, file_name, source } => {
                let part = match source {
                    crate::FileSource::Path(path) => Part::file(path).await.map_err(|e| {
                        let message = format!("{name}: cannot open {}: {e}", path.display());
                        NoAnswer::permanent(false, Error::new(ErrorKind::InvalidArgument, message))
                    })?,
                    crate::FileSource::Bytes(bytes) => {
                        Part::stream_with_length(reqwest::Body::from(bytes.clone()), bytes.len() as u64)
                    }
                };
                built.part(*name, part.file_name(file_name.clone()))
            }
        };
    }
    Ok(built)
}

/// The body of `response`, failing as soon as it announces or reaches more than `limit`
/// bytes (an endless or huge answer never fills memory).
async fn read_capped(mut response: reqwest::Response, limit: usize) -> std::result::Result<Bytes, NoAnswer> {
    if let Some(announced) = response.content_length()
        && announced > limit as u64
    {
        return Err(too_large(format!("it announces {announced} bytes")));
    }
    // Most answers arrive in one chunk: keep it without copying.
    let mut first: Option<Bytes> = None;
    let mut joined = BytesMut::new();
    let mut total = 0_usize;
    while let Some(chunk) = response.chunk().await.map_err(no_answer)? {
        total = total.saturating_add(chunk.len());
        if total > limit {
            return Err(too_large(format!("it goes on past {limit} bytes")));
        }
        match first.take() {
            None if joined.is_empty() => first = Some(chunk),
            earlier => {
                if let Some(earlier) = earlier {
                    joined.extend_from_slice(&earlier);
                }
                joined.extend_from_slice(&chunk);
            }
        }
    }
    Ok(first.unwrap_or_else(|| joined.freeze()))
}

fn too_large(what: String) -> NoAnswer {
    NoAnswer::permanent(
        true,
        Error::new(
            ErrorKind::Decode,
            format!("the answer is larger than max_response_bytes allows: {what}; it was not read"),
        ),
    )
}

/// A redirect is refused: following it could send the app secret or a token to another
/// host, or repeat a send as a GET elsewhere and report that host's answer.
fn redirect_error(status: u16, headers: &HeaderMap) -> Error {
    let location = match headers.get(LOCATION).map(|value| String::from_utf8_lossy(value.as_bytes())) {
        Some(location) => {
            let shown: String = location.chars().take(LOCATION_SHOWN).collect();
            let cut = if shown.len() < location.len() { "…" } else { "" };
            format!("to {shown:?}{cut}")
        }
        None => "without a location".to_owned(),
    };
    Error::new(
        ErrorKind::Config,
        format!(
            "the server answered HTTP {status}, a redirect {location}; larkmsg follows no redirects, \
             so that no secret or token goes elsewhere: check the base URL"
        ),
    )
}

fn reqwest_method(method: Method) -> reqwest::Method {
    match method {
        Method::Get => reqwest::Method::GET,
        Method::Post => reqwest::Method::POST,
        Method::Put => reqwest::Method::PUT,
        Method::Patch => reqwest::Method::PATCH,
        Method::Delete => reqwest::Method::DELETE,
    }
}

/// `Authorization: Bearer …`, marked sensitive: never indexed by HTTP/2 header compression
/// and shown as `Sensitive` by `Debug`.
fn bearer_header(token: &Secret) -> std::result::Result<HeaderValue, NoAnswer> {
    let mut value = HeaderValue::try_from(format!("Bearer {}", token.expose())).map_err(|_| {
        NoAnswer::permanent(
            false,
            Error::new(ErrorKind::Config, "the tenant access token is not a valid HTTP header value"),
        )
    })?;
    value.set_sensitive(true);
    Ok(value)
}

fn build_client(settings: &HttpSettings) -> Result<reqwest::Client> {
    let mut builder = reqwest::Client::builder()
        .user_agent(settings.user_agent.clone())
        .connect_timeout(settings.connect_timeout)
        .tcp_nodelay(true)
        .pool_idle_timeout(Duration::from_secs(90))
        .redirect(reqwest::redirect::Policy::none());
    if settings.direct {
        builder = builder.no_proxy();
    }
    if !settings.root_certificates.is_empty() {
        builder = builder.tls_certs_merge(settings.root_certificates.iter().cloned());
    }
    builder
        .build()
        .map_err(|e| Error::new(ErrorKind::Config, format!("cannot build the HTTP client: {}", chain(&e))))
}

/// The root certificates of a PEM bundle; `what` names where it came from.
pub(crate) fn parse_root_certificates(pem: &[u8], what: &str) -> Result<Vec<reqwest::Certificate>> {
    let certificates = reqwest::Certificate::from_pem_bundle(pem)
        .map_err(|e| Error::new(ErrorKind::Config, format!("{what} is not a PEM certificate bundle: {e}")))?;
    if certificates.is_empty() {
        return Err(Error::new(ErrorKind::Config, format!("{what} holds no PEM certificate")));
    }
    Ok(certificates)
}

/// Whether `host` is this machine: `localhost`, 127.0.0.0/8 or ::1.
pub(crate) fn is_loopback(host: &url::Host<&str>) -> bool {
    match host {
        url::Host::Domain(name) => name.eq_ignore_ascii_case("localhost"),
        url::Host::Ipv4(ip) => ip.is_loopback(),
        url::Host::Ipv6(ip) => ip.is_loopback(),
    }
}

/// `X-Tt-Logid` (any letter case), else `X-Request-Id`.
fn log_id(headers: &HeaderMap) -> Option<String> {
    ["x-tt-logid", "x-request-id"]
        .iter()
        .find_map(|name| headers.get(*name))
        .and_then(|value| value.to_str().ok())
        .map(str::to_owned)
}

/// `Content-Type` without its parameters, at most 100 characters.
fn media_type(headers: &HeaderMap) -> Option<String> {
    let value = headers.get(CONTENT_TYPE)?.to_str().ok()?;
    let media = value.split(';').next()?.trim();
    let end = media.char_indices().nth(100).map_or(media.len(), |(at, _)| at);
    (!media.is_empty()).then(|| media[..end].to_owned())
}

fn rate_limit_reset(headers: &HeaderMap) -> Option<Duration> {
    let value = headers.get("x-ogw-ratelimit-reset")?.to_str().ok()?.trim();
    let seconds: f64 = value.parse().ok()?;
    (seconds.is_finite() && seconds >= 0.0).then(|| Duration::from_secs_f64(seconds.min(3600.0)))
}

fn no_answer(error: reqwest::Error) -> NoAnswer {
    if let Some(tls) = tls_failure(&error) {
        let message = format!(
            "the TLS handshake with the server failed: {tls}; for a private deployment's own \
             certificate authority, add its root certificate (root_certificates_pem or \
             root_certificates_file)"
        );
        return NoAnswer::permanent(false, Error::new(ErrorKind::Tls, message));
    }
    let maybe_reached = !error.is_connect();
    let kind = if error.is_timeout() { ErrorKind::Timeout } else { ErrorKind::Network };
    let what = if error.is_timeout() { "no answer in time" } else { "connection failed" };
    NoAnswer { maybe_reached, retryable: true, error: Error::new(kind, format!("{what}: {}", chain(&error))) }
}

/// The TLS error behind a failed request, if that is what it was (rustls reports through
/// `io::Error`s, whose `source` skips the error they wrap).
fn tls_failure<'a>(error: &'a (dyn std::error::Error + 'static)) -> Option<&'a rustls::Error> {
    let mut cause = Some(error);
    while let Some(current) = cause {
        if let Some(tls) = current.downcast_ref::<rustls::Error>() {
            return Some(tls);
        }
        cause = match current.downcast_ref::<std::io::Error>().and_then(std::io::Error::get_ref) {
            Some(wrapped) => Some(wrapped as &(dyn std::error::Error + 'static)),
            None => current.source(),
        };
    }
    None
}

/// An error and its causes, `outer: inner: innermost`.
fn chain(error: &dyn std::error::Error) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        let cause_text = cause.to_string();
        if !text.contains(&cause_text) {
            text.push_str(": ");
            text.push_str(&cause_text);
        }
        source = cause.source();
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn log_id_prefers_tt_logid_in_any_case() {
        let mut headers = HeaderMap::new();
        headers.insert("X-Request-Id", HeaderValue::from_static("req-1"));
        assert_eq!(log_id(&headers).as_deref(), Some("req-1"));
        headers.insert("x-TT-logid", HeaderValue::from_static("2024091316"));
        assert_eq!(log_id(&headers).as_deref(), Some("2024091316"));
    }

    #[test]
    fn the_bearer_header_is_sensitive_and_hides_the_token() {
        let header = bearer_header(&Secret::new("t-hidden")).ok().unwrap();
        assert!(header.is_sensitive());
        assert!(!format!("{header:?}").contains("t-hidden"));
        let error = bearer_header(&Secret::new("t-bad\nline")).err().unwrap().error;
        assert!(!error.to_string().contains("t-bad"), "{error}");
    }

    #[test]
    fn loopback_hosts_are_recognized() {
        for (url, loopback) in [
            ("http://127.0.0.1:8080", true),
            ("http://127.9.9.9", true),
            ("http://LOCALHOST:1", true),
            ("http://[::1]:1", true),
            ("http://10.0.0.1", false),
            ("http://localhost.example", false),
        ] {
            let url = url::Url::parse(url).unwrap();
            assert_eq!(is_loopback(&url.host().unwrap()), loopback, "{url}");
        }
    }

    #[test]
    fn a_redirect_names_its_location_shortened() {
        let mut headers = HeaderMap::new();
        assert!(redirect_error(302, &headers).message().contains("without a location"));
        headers.insert(LOCATION, HeaderValue::from_static("http://127.0.0.1:9/steal"));
        let error = redirect_error(307, &headers);
        assert_eq!(error.kind(), ErrorKind::Config);
        assert!(
            error.message().contains("HTTP 307") && error.message().contains("\"http://127.0.0.1:9/steal\"")
        );
        let long = format!("https://x/{}", "a".repeat(500));
        headers.insert(LOCATION, HeaderValue::try_from(long).unwrap());
        assert!(redirect_error(301, &headers).message().len() < 400);
    }

    #[test]
    fn call_urls_are_the_base_url_with_the_call_path() {
        let parse = |url: &str| reqwest::Url::parse(url).unwrap();
        for (base, expected_prefix) in [
            ("http://127.0.0.1:8080", "http://127.0.0.1:8080"),
            ("https://open.feishu.cn/", "https://open.feishu.cn"),
            ("https://gw.corp/lark/", "https://gw.corp/lark"),
            ("https://gw.corp/lark", "https://gw.corp/lark"),
        ] {
            let base = BaseUrl::new(parse(base));
            for endpoint in Endpoint::ALL {
                let path = crate::operation::expand_path(endpoint.path(), &["om_1", "e/1", "x"]);
                let url = base.of(*endpoint, &path);
                assert_eq!(url, parse(&format!("{expected_prefix}{path}")), "{endpoint:?}");
            }
            let send = base.of(Endpoint::SendMessage, "/open-apis/im/v1/messages");
            assert_eq!(send.as_str(), format!("{expected_prefix}/open-apis/im/v1/messages"));
        }
    }

    #[test]
    fn media_types_are_cut_at_100_characters() {
        let mut headers = HeaderMap::new();
        headers.insert(CONTENT_TYPE, HeaderValue::from_static("text/html; charset=utf-8"));
        assert_eq!(media_type(&headers).as_deref(), Some("text/html"));
        headers.insert(CONTENT_TYPE, HeaderValue::try_from("a".repeat(300)).unwrap());
        assert_eq!(media_type(&headers).map(|media| media.len()), Some(100));
        headers.insert(CONTENT_TYPE, HeaderValue::from_static(" ; x"));
        assert_eq!(media_type(&headers), None);
    }

    #[test]
    fn rate_limit_reset_is_read_in_seconds() {
        let mut headers = HeaderMap::new();
        assert_eq!(rate_limit_reset(&headers), None);
        headers.insert("x-ogw-ratelimit-reset", HeaderValue::from_static("2"));
        assert_eq!(rate_limit_reset(&headers), Some(Duration::from_secs(2)));
        headers.insert("x-ogw-ratelimit-reset", HeaderValue::from_static("-1"));
        assert_eq!(rate_limit_reset(&headers), None);
    }
}
