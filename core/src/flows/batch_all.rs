//! Batch send to any audience: `batch_send_all`.

use serde::Serialize;

use super::chunks::{DEFAULT_CONCURRENCY, drive, not_sent, slice, unique};
use super::progress::{OnProgress, Progress};
use crate::api::{BATCH_IDS_MAX, BatchSendRequest, check_id_values};
use crate::client::Client;
use crate::error::{Error, Result};
use crate::validate::{Rule, Validator, Violations};

/// The four id lists of a batch, by name.
const LISTS: [&str; 4] = ["department_ids", "open_ids", "user_ids", "union_ids"];

fn lists(request: &BatchSendRequest) -> [&Option<Vec<String>>; 4] {
    [&request.department_ids, &request.open_ids, &request.user_ids, &request.union_ids]
}

fn set_lists(request: &mut BatchSendRequest, values: [Option<Vec<String>>; 4]) {
    let [departments, opens, users, unions] = values;
    (request.department_ids, request.open_ids, request.user_ids, request.union_ids) =
        (departments, opens, users, unions);
}

/// The result of a batch to any audience: what every request gave, merged.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[non_exhaustive]
pub struct BatchSendAllResult {
    /// The id (`bm-…`) of each batch that was sent, in order: for recall and progress queries.
    pub message_ids: Vec<String>,
    /// Department ids that were not valid, from every batch.
    pub invalid_department_ids: Vec<String>,
    /// open_ids that were not valid, from every batch.
    pub invalid_open_ids: Vec<String>,
    /// user_ids that were not valid, from every batch.
    pub invalid_user_ids: Vec<String>,
    /// union_ids that were not valid, from every batch.
    pub invalid_union_ids: Vec<String>,
    /// Each batch that failed, with its ids and whether it may have been sent.
    pub failed: Vec<FailedBatch>,
}

/// A batch of a [`BatchSendAllResult`] that failed. It is never repeated automatically
/// when it may have been sent: find out (recall or progress queries) before sending its ids
/// again.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[non_exhaustive]
pub struct FailedBatch {
    /// Its departments.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub department_ids: Vec<String>,
    /// Its users by open_id.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub open_ids: Vec<String>,
    /// Its users by user_id.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub user_ids: Vec<String>,
    /// Its users by union_id.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub union_ids: Vec<String>,
    /// Why it failed (the error's JSON form).
    #[cfg_attr(feature = "schema", schemars(with = "serde_json::Value"))]
    pub error: Error,
    /// Whether it may have been sent although it failed.
    pub maybe_sent: bool,
}

/// Whether a violation's path is in one of the id lists (or about them all).
fn about_ids(path: &str) -> bool {
    path.is_empty() || LISTS.iter().any(|list| path == *list || path.starts_with(&format!("{list}[")))
}

/// The batches a request to any audience becomes: each list without repeats, split into
/// slices of at most 200 (the `n`-th batch takes the `n`-th slice of every list), after
/// checking every rule of batch send but the list sizes.
pub(crate) fn batches(request: &BatchSendRequest) -> std::result::Result<Vec<BatchSendRequest>, Violations> {
    let mut v = Validator::new();
    let full: Vec<Vec<String>> =
        lists(request).iter().map(|list| list.as_deref().map(unique).unwrap_or_default()).collect();
    if full.iter().all(Vec::is_empty) {
        let message = "at least one of department_ids, open_ids, user_ids, union_ids must have an id";
        v.push("", Rule::OneOfRequired, message);
    }
    for (name, list) in LISTS.iter().zip(lists(request)) {
        check_id_values(&mut v, name, list.as_deref().unwrap_or_default());
    }
    let count = full.iter().map(|ids| ids.len().div_ceil(BATCH_IDS_MAX)).max().unwrap_or(0);
    let chunks: Vec<BatchSendRequest> = (0..count)
        .map(|n| {
            let mut chunk = request.clone();
            let slices =
                [0, 1, 2, 3].map(|i| Some(slice(&full[i], n, BATCH_IDS_MAX)).filter(|ids| !ids.is_empty()));
            set_lists(&mut chunk, slices);
            chunk
        })
        .collect();
    let probe = chunks.first().cloned().unwrap_or_else(|| {
        let mut probe = request.clone();
        set_lists(&mut probe, [None, None, None, None]);
        probe
    });
    if let Err(violations) = probe.validate() {
        for violation in violations.into_vec().into_iter().filter(|violation| !about_ids(&violation.path)) {
            v.push(violation.path, violation.rule, violation.message);
        }
    }
    v.finish().map(|()| chunks)
}

impl Client {
    /// Sends one message to any number of users and departments: splits the id lists
    /// into batches of at most 200 per list (repeated ids once), checks them all before
    /// sending any, sends them paced to batch send's quota (several at a time), and gives
    /// one result: every batch's `message_id`, the merged `invalid_*_ids`, and each batch
    /// that failed with its ids and whether it may have been sent. A batch that may have
    /// been sent is never repeated automatically; after a failure every later batch would
    /// share (credentials, permissions, the daily cap) the rest are not sent.
    ///
    /// `progress` is told after each batch, in receivers (ids).
    ///
    /// # Errors
    /// [`crate::ErrorKind::InvalidArgument`] with every violation (nothing is sent);
    /// failures of single batches are in the result.
    pub async fn batch_send_all(
        &self,
        request: BatchSendRequest,
        mut progress: impl FnMut(&Progress) + Send,
    ) -> Result<BatchSendAllResult> {
        let chunks = batches(&request)?;
        let size = |chunk: &BatchSendRequest| {
            lists(chunk).iter().map(|l| l.as_ref().map_or(0, Vec::len) as u64).sum()
        };
        let mut seen = Progress::new(chunks.iter().map(size).sum());
        progress(&seen);
        let outcomes = drive(
            &chunks,
            DEFAULT_CONCURRENCY,
            |chunk| self.batch_send(chunk.clone()),
            |chunk, outcome| {
                seen.record(size(chunk), outcome.is_ok());
                progress(&seen);
            },
        )
        .await;
        let mut result = BatchSendAllResult {
            message_ids: Vec::new(),
            invalid_department_ids: Vec::new(),
            invalid_open_ids: Vec::new(),
            invalid_user_ids: Vec::new(),
            invalid_union_ids: Vec::new(),
            failed: Vec::new(),
        };
        let stopped = not_sent(&outcomes);
        for (chunk, outcome) in chunks.into_iter().zip(outcomes) {
            let failure = match outcome {
                Some(Ok(sent)) => {
                    result.message_ids.push(sent.message_id);
                    result.invalid_department_ids.extend(sent.invalid_department_ids);
                    result.invalid_open_ids.extend(sent.invalid_open_ids);
                    result.invalid_user_ids.extend(sent.invalid_user_ids);
                    result.invalid_union_ids.extend(sent.invalid_union_ids);
                    continue;
                }
                Some(Err(error)) => error,
                None => stopped.clone(),
            };
            let [departments, opens, users, unions] =
                [chunk.department_ids, chunk.open_ids, chunk.user_ids, chunk.union_ids]
                    .map(Option::unwrap_or_default);
            result.failed.push(FailedBatch {
                department_ids: departments,
                open_ids: opens,
                user_ids: users,
                union_ids: unions,
                maybe_sent: failure.maybe_sent(),
                error: failure,
            });
        }
        Ok(result)
    }

    /// [`Client::batch_send_all`] for the bindings: progress as a boxed callback.
    pub(crate) async fn batch_send_all_boxed(
        &self,
        request: BatchSendRequest,
        mut progress: Option<OnProgress>,
    ) -> Result<BatchSendAllResult> {
        self.batch_send_all(request, |seen| {
            if let Some(report) = progress.as_mut() {
                report(seen);
            }
        })
        .await
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::MsgType;
    use serde_json::json;

    fn text() -> BatchSendRequest {
        BatchSendRequest::from_content(MsgType::Text, json!({"text": "hi"}))
    }

    #[test]
    fn lists_split_in_slices_of_200_and_repeats_go() {
        let opens: Vec<String> = (0..450).map(|i| format!("ou_{i}")).chain(["ou_0".to_owned()]).collect();
        let request = text().open_ids(opens).department_ids(["od_1"]);
        let chunks = batches(&request).unwrap();
        let sizes: Vec<(usize, usize)> = chunks
            .iter()
            .map(|c| (c.open_ids.as_ref().map_or(0, Vec::len), c.department_ids.as_ref().map_or(0, Vec::len)))
            .collect();
        assert_eq!(sizes, [(200, 1), (200, 0), (50, 0)]);
        assert!(chunks[1].department_ids.is_none());
    }

    #[test]
    fn every_rule_but_the_list_size_is_checked_once() {
        let mut ids: Vec<String> = (0..300).map(|i| format!("ou_{i}")).collect();
        ids[250] = String::new();
        let request = BatchSendRequest::from_content(MsgType::Text, json!({"text": ""}))
            .open_ids(ids)
            .department_ids(["0"]);
        let violations = batches(&request).unwrap_err();
        let paths: Vec<&str> = violations.as_slice().iter().map(|v| v.path.as_str()).collect();
        assert_eq!(paths, ["department_ids[0]", "open_ids[250]", "content.text"]);
        let empty = batches(&text()).unwrap_err();
        assert_eq!(empty.as_slice()[0].rule, Rule::OneOfRequired);
    }
}
