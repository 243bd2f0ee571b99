//! The one place bytes go on the wire: a pooled, keep-alive HTTP client (HTTP/2 where the
//! server offers it), rebuilt in a forked child, and the classification of what happened.

use std::time::Duration;

use bytes::Bytes;
use reqwest::header::{AUTHORIZATION, CONTENT_TYPE, HeaderMap, HeaderValue};

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

/// What the transport knows about an answer, before the envelope is read.
#[derive(Debug)]
pub(crate) struct RawResponse {
    pub(crate) status: u16,
    pub(crate) log_id: Option<String>,
    /// `x-ogw-ratelimit-reset`: seconds until the throttling window resets.
    pub(crate) rate_limit_reset: Option<Duration>,
    pub(crate) body: Bytes,
}

/// A request that got no answer.
#[derive(Debug)]
pub(crate) struct NoAnswer {
    /// Whether the request may have reached the server (anything but a failed connect).
    pub(crate) maybe_reached: bool,
    pub(crate) error: Error,
}

/// Settings of the HTTP client.
#[derive(Debug, Clone)]
pub(crate) struct HttpSettings {
    pub(crate) connect_timeout: Duration,
    pub(crate) user_agent: String,
}

/// A pooled HTTP client, one per larkmsg client and process.
#[derive(Debug)]
pub(crate) struct Http {
    client: ForkLocal<reqwest::Client>,
}

impl Http {
    pub(crate) fn new(settings: HttpSettings) -> Result<Self> {
        let http = Self { client: ForkLocal::new(move || build_client(&settings)) };
        http.client.get()?;
        Ok(http)
    }

    /// Sends a JSON body with `method` and reads the whole answer within `timeout`.
    pub(crate) async fn send_json(
        &self,
        method: Method,
        url: &str,
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
        url: &str,
        query: &[(&'static str, String)],
        bearer: Option<&Secret>,
        body: &Body,
        timeout: Duration,
    ) -> std::result::Result<RawResponse, NoAnswer> {
        let client = self.client.get().map_err(|error| NoAnswer { maybe_reached: false, error })?;
        let request = client.request(reqwest_method(method), url).timeout(timeout);
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
        let rate_limit_reset = rate_limit_reset(response.headers());
        let body = response.bytes().await.map_err(|error| {
            let mut failure = no_answer(error);
            failure.maybe_reached = true;
            failure.error = failure.error.with_log_id(log_id.clone()).with_http_status(status);
            failure
        })?;
        Ok(RawResponse { status, log_id, rate_limit_reset, body })
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
                    crate::FileSource::Path(path) => Part::file(path).await.map_err(|e| NoAnswer {
                        maybe_reached: false,
                        error: Error::new(
                            ErrorKind::InvalidArgument,
                            format!("{name}: cannot open {}: {e}", path.display()),
                        ),
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
    let mut value = HeaderValue::try_from(format!("Bearer {}", token.expose())).map_err(|_| NoAnswer {
        maybe_reached: false,
        error: Error::new(ErrorKind::Config, "the tenant access token is not a valid HTTP header value"),
    })?;
    value.set_sensitive(true);
    Ok(value)
}

fn build_client(settings: &HttpSettings) -> Result<reqwest::Client> {
    reqwest::Client::builder()
        .user_agent(settings.user_agent.clone())
        .connect_timeout(settings.connect_timeout)
        .tcp_nodelay(true)
        .pool_idle_timeout(Duration::from_secs(90))
        .build()
        .map_err(|e| Error::new(ErrorKind::Config, format!("cannot build the HTTP client: {}", chain(&e))))
}

/// `X-Tt-Logid` (any letter case), else `X-Request-Id`.
fn log_id(headers: &HeaderMap) -> Option<String> {
    ["x-tt-logid", "x-request-id"]
        .iter()
        .find_map(|name| headers.get(*name))
        .and_then(|value| value.to_str().ok())
        .map(str::to_owned)
}

fn rate_limit_reset(headers: &HeaderMap) -> Option<Duration> {
    let value = headers.get("x-ogw-ratelimit-reset")?.to_str().ok()?.trim();
    let seconds: f64 = value.parse().ok()?;
    (seconds.is_finite() && seconds >= 0.0).then(|| Duration::from_secs_f64(seconds.min(3600.0)))
}

fn no_answer(error: reqwest::Error) -> NoAnswer {
    let maybe_reached = !error.is_connect();
    let kind = if error.is_timeout() { ErrorKind::Timeout } else { ErrorKind::Network };
    let what = if error.is_timeout() { "no answer in time" } else { "connection failed" };
    NoAnswer { maybe_reached, error: Error::new(kind, format!("{what}: {}", chain(&error))) }
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
    fn rate_limit_reset_is_read_in_seconds() {
        let mut headers = HeaderMap::new();
        assert_eq!(rate_limit_reset(&headers), None);
        headers.insert("x-ogw-ratelimit-reset", HeaderValue::from_static("2"));
        assert_eq!(rate_limit_reset(&headers), Some(Duration::from_secs(2)));
        headers.insert("x-ogw-ratelimit-reset", HeaderValue::from_static("-1"));
        assert_eq!(rate_limit_reset(&headers), None);
    }
}
