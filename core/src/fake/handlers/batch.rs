//! Batch send: the unknown ids of each list come back as `invalid_*_ids`.

use serde_json::{Map, Value, json};

use super::support::{checked, is_unknown, pause};
use super::{Input, param_error};
use crate::api::BatchSend;
use crate::endpoint::Endpoint;
use crate::fake::ids;
use crate::fake::reply::{Rejection, Reply};
use crate::fake::state::Shared;

/// `POST /open-apis/message/v4/batch_send/`: a bad request is HTTP 200, code 10003.
pub(crate) async fn handle(shared: &Shared, input: &Input<'_>) -> Result<Reply, Rejection> {
    checked::<BatchSend>(input)
        .map_err(|violations| param_error(Endpoint::BatchSend, violations.to_string()))?;
    shared.lock().resources.check_batch(&input.caller.app_id, &input.body)?;
    pause(shared).await;
    let body = &input.body;
    let message_id = ids::batch_message_id();
    let mut data = Map::new();
    data.insert("message_id".into(), json!(message_id));
    for (list, invalid) in [
        ("department_ids", "invalid_department_ids"),
        ("open_ids", "invalid_open_ids"),
        ("user_ids", "invalid_user_ids"),
        ("union_ids", "invalid_union_ids"),
    ] {
        let unknown: Vec<Value> = body
            .get(list)
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter(|id| id.as_str().is_some_and(is_unknown))
            .cloned()
            .collect();
        data.insert(invalid.into(), Value::Array(unknown));
    }
    let mut entry = body.as_object().cloned().unwrap_or_default();
    entry.insert("app_id".into(), json!(input.caller.app_id));
    entry.extend(data.clone());
    shared.lock().inbox.batches.push(Value::Object(entry));
    Ok(Reply::success("ok", Value::Object(data)))
}
