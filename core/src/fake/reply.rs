//! Answers: the `{code, msg, data}` envelope, the `error` object and the `X-Tt-Logid` header.

use bytes::Bytes;
use http_body_util::Full;
use hyper::Response;
use hyper::header::{CONTENT_TYPE, HeaderName, HeaderValue};
use serde_json::{Value, json};

/// A refusal of a request: the HTTP status, the platform code and its message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Rejection {
    /// HTTP status of the answer.
    pub http_status: u16,
    /// The platform's error code (`code` in the body).
    pub code: i64,
    /// The error message (`msg` in the body).
    pub msg: String,
}

impl Rejection {
    /// A rejection with the given status, code and message.
    pub fn new(http_status: u16, code: i64, msg: impl Into<String>) -> Self {
        Self { http_status, code, msg: msg.into() }
    }
}

/// The body of an answer.
#[derive(Debug, Clone)]
pub(crate) enum Body {
    /// A JSON body.
    Json(Value),
    /// Anything else, with its content type.
    Raw(&'static str, Bytes),
}

/// An answer before the log id is attached.
#[derive(Debug, Clone)]
pub(crate) struct Reply {
    pub status: u16,
    pub headers: Vec<(&'static str, String)>,
    pub body: Body,
}

impl Reply {
    /// A JSON answer with the given status.
    pub fn json(status: u16, body: Value) -> Self {
        Self { status, headers: Vec::new(), body: Body::Json(body) }
    }

    /// HTTP 200 `{code: 0, msg, data}`.
    pub fn success(msg: &str, data: Value) -> Self {
        Self::json(200, json!({"code": 0, "msg": msg, "data": data}))
    }

    /// HTTP 200 `{code: 0, msg: "success", data}`.
    pub fn ok(data: Value) -> Self {
        Self::success("success", data)
    }

    /// A non-JSON answer.
    pub fn raw(status: u16, content_type: &'static str, body: impl Into<Bytes>) -> Self {
        Self { status, headers: Vec::new(), body: Body::Raw(content_type, body.into()) }
    }

    /// Adds a header.
    pub fn header(mut self, name: &'static str, value: impl ToString) -> Self {
        self.headers.push((name, value.to_string()));
        self
    }

    /// The `code` of a JSON envelope.
    pub fn code(&self) -> Option<i64> {
        match &self.body {
            Body::Json(value) => value.get("code").and_then(Value::as_i64),
            Body::Raw(..) => None,
        }
    }

    /// The id of what a successful answer created (`message_id`, `card_id`, `biz_id`,
    /// `image_key` or `file_key`).
    pub fn created_id(&self) -> Option<String> {
        let Body::Json(value) = &self.body else {
            return None;
        };
        let data = value.get("data")?;
        ["message_id", "card_id", "biz_id", "image_key", "file_key"]
            .iter()
            .find_map(|key| data.get(*key).and_then(Value::as_str))
            .map(str::to_owned)
    }

    /// The HTTP response, with `X-Tt-Logid` and, on a non-zero code, the `error` object.
    pub fn into_response(self, log_id: &str) -> Response<Full<Bytes>> {
        let (content_type, bytes) = match self.body {
            Body::Json(mut value) => {
                attach_error(&mut value, log_id);
                let bytes = serde_json::to_vec(&value).unwrap_or_default();
                ("application/json; charset=utf-8", Bytes::from(bytes))
            }
            Body::Raw(content_type, bytes) => (content_type, bytes),
        };
        let mut response = Response::new(Full::new(bytes));
        *response.status_mut() = hyper::StatusCode::from_u16(self.status).unwrap_or(hyper::StatusCode::OK);
        let headers = response.headers_mut();
        headers.insert(CONTENT_TYPE, HeaderValue::from_static(content_type));
        if let Ok(value) = HeaderValue::from_str(log_id) {
            headers.insert(HeaderName::from_static("x-tt-logid"), value);
        }
        for (name, value) in self.headers {
            if let (Ok(name), Ok(value)) =
                (HeaderName::from_bytes(name.as_bytes()), HeaderValue::from_str(&value))
            {
                headers.insert(name, value);
            }
        }
        response
    }
}

impl From<Rejection> for Reply {
    fn from(rejection: Rejection) -> Self {
        Self::json(rejection.http_status, json!({"code": rejection.code, "msg": rejection.msg}))
    }
}

/// The troubleshooter link the platform puts in `error.troubleshooter`.
pub(crate) fn troubleshooter(log_id: &str, code: i64) -> String {
    format!(
        "排查建议查看（Troubleshooting suggestions）： https://open.feishu.cn/search?from=openapi&log_id={log_id}&code={code}"
    )
}

/// Adds `error.log_id` and `error.troubleshooter` to an envelope whose code is not 0.
fn attach_error(value: &mut Value, log_id: &str) {
    let Some(code) = value.get("code").and_then(Value::as_i64) else {
        return;
    };
    if code == 0 {
        return;
    }
    let Some(error) = value.as_object_mut().map(|object| object.entry("error").or_insert_with(|| json!({})))
    else {
        return;
    };
    if let Some(error) = error.as_object_mut() {
        error.entry("log_id").or_insert_with(|| json!(log_id));
        error.entry("troubleshooter").or_insert_with(|| json!(troubleshooter(log_id, code)));
    }
}
