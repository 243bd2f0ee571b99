//! What the handlers share: the added latency, the unknown-id convention, the throttled
//! answer, and decoding a flat request with the core's models and rules.

use std::time::{Duration, Instant};

use serde_json::{Map, Value, json};

use super::Input;
use crate::fake::quota::Throttle;
use crate::fake::reply::Reply;
use crate::fake::state::Shared;
use crate::file::with_buffers;
use crate::operation::{Operation, path_param_names};
use crate::validate::{Rule, Violation, Violations, decode_value};

/// Marks a receiver id the fake treats as unknown.
pub(crate) const UNKNOWN_MARKER: &str = "unknown";

/// Whether the fake treats this receiver id as unknown.
pub(crate) fn is_unknown(id: &str) -> bool {
    id.contains(UNKNOWN_MARKER)
}

/// HTTP 429 `{"code":99991400}` with the `x-ogw-ratelimit-*` headers.
pub(crate) fn throttled(throttle: Throttle) -> Reply {
    Reply::json(429, json!({"code": 99_991_400, "msg": "request trigger frequency limit"}))
        .header("x-ogw-ratelimit-limit", throttle.limit)
        .header("x-ogw-ratelimit-reset", throttle.reset_secs)
}

/// The part of an added latency left to a thread's sleep: tokio's timer rounds up to whole
/// milliseconds and wakes up to a millisecond or two late, which alone would add 5 to 10 %
/// to a 20 ms latency.
const FINE_PAUSE: Duration = Duration::from_millis(3);

/// Waits the added latency, if any, to within a fraction of a millisecond: the timer for
/// most of it, then a blocking-pool thread's sleep until the deadline.
pub(crate) async fn pause(shared: &Shared) {
    let latency = shared.lock().settings.latency;
    if latency.is_zero() {
        return;
    }
    let deadline = Instant::now() + latency;
    if let Some(coarse) = latency.checked_sub(FINE_PAUSE) {
        tokio::time::sleep(coarse).await;
    }
    let fine = tokio::task::spawn_blocking(move || {
        std::thread::sleep(deadline.saturating_duration_since(Instant::now()));
    });
    if fine.await.is_err() {
        tokio::time::sleep_until(tokio::time::Instant::from_std(deadline)).await;
    }
}

/// The operation's request, decoded from the flat form (see [`decoded`]) and checked with
/// the core's own rules.
pub(crate) fn checked<O: Operation>(input: &Input<'_>) -> Result<O::Request, Violations> {
    let request = decoded::<O>(input)?;
    O::validate(&request)?;
    Ok(request)
}

/// The operation's request, decoded from the flat form (the body's fields, the
/// operation's query parameters and its path parameters) with the core's own model. Body
/// fields the model does not know are ignored, as the platform ignores them (they stay in
/// the inbox's copy of the request).
pub(crate) fn decoded<O: Operation>(input: &Input<'_>) -> Result<O::Request, Violations> {
    let Some(fields) = input.body.as_object() else {
        return Err(Violations::from(Violation {
            path: String::new(),
            rule: Rule::Format,
            message: "the body must be a JSON object".into(),
        }));
    };
    let mut flat: Map<String, Value> = fields.clone();
    for name in O::QUERY {
        if let Some(value) = input.query.get(name) {
            flat.insert((*name).to_owned(), Value::String(value.to_owned()));
        }
    }
    for (name, value) in path_param_names(O::PATH).zip(input.path_params) {
        flat.insert(name.to_owned(), Value::String(value.clone()));
    }
    loop {
        let decoded = with_buffers(input.buffers.clone(), || {
            decode_value::<O::Request>("", Value::Object(flat.clone()))
        });
        match decoded {
            Err(violations) => match violations.as_slice() {
                [only] if only.rule == Rule::UnknownField && fields.contains_key(&only.path) => {
                    flat.remove(&only.path);
                }
                _ => return Err(violations),
            },
            ok => return ok,
        }
    }
}
