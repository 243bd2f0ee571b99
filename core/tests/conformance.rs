//! The shared conformance suite: every case under `tests/conformance/cases` run against
//! the fake server. The case format is described in `tests/conformance/README.md`.
#![cfg(feature = "fake")]
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::path::{Path, PathBuf};
use std::time::Duration;

use larkmsg::fake::{FakeServer, FaultKind, FaultPlan};
use larkmsg::validate::decode_value;
use larkmsg::{
    BatchSendRequest, Client, CreateAppFeedCardRequest, CreateCardElementsRequest, CreateCardRequest,
    DeleteCardElementRequest, Error, PatchCardElementRequest, ReceiveIdType, ReplyMessageRequest,
    RetryPolicy, SendMessageRequest, Timeouts, UpdateCardElementContentRequest, UpdateCardElementRequest,
    UpdateCardRequest, UpdateCardSettingsRequest, UploadFileRequest, UploadImageRequest, Violations,
};
use serde::de::DeserializeOwned;
use serde_json::{Map, Value, json};

/// Every `*.json` file below `dir`, sorted.
fn case_files(dir: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            files.extend(case_files(&path));
        } else if path.extension().is_some_and(|ext| ext == "json") {
            files.push(path);
        }
    }
    files.sort();
    files
}

/// Replaces every `{"$repeat": s, "count": n, "prefix"?: p, "suffix"?: q}` object with
/// `p`, then `s` repeated `n` times, then `q`.
fn expand(value: Value) -> Value {
    match value {
        Value::Object(map) => {
            if let (Some(Value::String(unit)), Some(count)) =
                (map.get("$repeat"), map.get("count").and_then(Value::as_u64))
            {
                let part = |key: &str| map.get(key).and_then(Value::as_str).unwrap_or("").to_owned();
                let middle = unit.repeat(usize::try_from(count).unwrap());
                return Value::String(format!("{}{middle}{}", part("prefix"), part("suffix")));
            }
            Value::Object(map.into_iter().map(|(key, value)| (key, expand(value))).collect())
        }
        Value::Array(items) => Value::Array(items.into_iter().map(expand).collect()),
        other => other,
    }
}

fn millis(overrides: &Value, key: &str) -> Option<Duration> {
    overrides.get(key).and_then(Value::as_u64).map(Duration::from_millis)
}

/// The client of `common::builder`, with the case's `client` overrides applied.
fn build_client(fake: &FakeServer, overrides: &Value) -> Result<Client, String> {
    let mut builder = common::builder(fake);
    if let Some(retry) = overrides.get("retry") {
        let mut policy = RetryPolicy::default()
            .with_initial_backoff(Duration::from_millis(10))
            .with_max_backoff(Duration::from_millis(50));
        if let Some(attempts) = retry.get("max_attempts").and_then(Value::as_u64) {
            policy.max_attempts = u32::try_from(attempts).map_err(|e| e.to_string())?;
        }
        policy.initial_backoff = millis(retry, "initial_backoff_ms").unwrap_or(policy.initial_backoff);
        policy.max_backoff = millis(retry, "max_backoff_ms").unwrap_or(policy.max_backoff);
        policy.max_throttle_wait = millis(retry, "max_throttle_wait_ms").unwrap_or(policy.max_throttle_wait);
        policy.receiver_backoff = millis(retry, "receiver_backoff_ms").unwrap_or(policy.receiver_backoff);
        builder = builder.retry(policy);
    }
    if let Some(timeouts) = overrides.get("timeouts") {
        let mut value = Timeouts::default().with_request(Duration::from_secs(2));
        value.request = millis(timeouts, "request_ms").unwrap_or(value.request);
        value.total = millis(timeouts, "total_ms").unwrap_or(value.total);
        builder = builder.timeouts(value);
    }
    builder.build().map_err(|e| e.to_string())
}

/// Runs one `before` action.
async fn run_action(fake: &FakeServer, client: &Client, action: &Value) -> Result<(), String> {
    if let Some(fault) = action.get("fault") {
        let kind: FaultKind = serde_json::from_value(fault["kind"].clone()).map_err(|e| e.to_string())?;
        let count = fault.get("count").and_then(Value::as_u64).unwrap_or(1);
        let mut plan = FaultPlan::next(kind, u32::try_from(count).map_err(|e| e.to_string())?);
        if let Some(endpoint) = fault.get("endpoint").and_then(Value::as_str) {
            plan = plan.on(endpoint);
        }
        if let Some(delay) = millis(fault, "delay_ms") {
            plan = plan.delay(delay);
        }
        fake.inject(plan).map_err(|e| e.to_string())
    } else if let Some(control) = action.get("control") {
        let (method, name) =
            (control["method"].as_str().unwrap_or("GET"), control["name"].as_str().unwrap_or(""));
        match fake.control(method, name, control.get("body").cloned()) {
            (200, _) => Ok(()),
            (status, answer) => Err(format!("control {method} {name}: HTTP {status} {answer}")),
        }
    } else if let Some(card) = action.get("card") {
        let (status, answer) = fake.control("POST", "cards", Some(card.clone()));
        if status == 200 { Ok(()) } else { Err(format!("card: HTTP {status} {answer}")) }
    } else if action.get("revoke_tokens") == Some(&Value::Bool(true)) {
        fake.revoke_tokens();
        Ok(())
    } else if action.get("warm_up") == Some(&Value::Bool(true)) {
        client.send_text(ReceiveIdType::OpenId, "ou_warm_up", "warm up").await.map_err(|e| e.to_string())?;
        fake.reset();
        Ok(())
    } else {
        Err(format!("unknown before action {action}"))
    }
}

/// The outcome of a call in the JSON form the cases compare against.
fn outcome<T: serde::Serialize>(result: Result<T, Error>) -> Result<Value, Value> {
    match result {
        Ok(value) => Ok(serde_json::to_value(value).unwrap()),
        Err(error) => Err(error_json(&error)),
    }
}

fn error_json(error: &Error) -> Value {
    let violations: Vec<Value> = error
        .violations()
        .iter()
        .map(|v| json!({"path": v.path, "rule": v.rule, "message": v.message}))
        .collect();
    json!({
        "kind": error.kind().as_str(),
        "code": error.code(),
        "http_status": error.http_status(),
        "maybe_sent": error.maybe_sent(),
        "retry_after_ms": error.retry_after().map(|d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX)),
        "violations": violations,
        "message": error.to_string(),
    })
}

async fn call<T: DeserializeOwned, R: serde::Serialize, F>(input: Value, run: F) -> Result<Value, Value>
where
    F: AsyncFnOnce(T) -> Result<R, Error>,
{
    let decoded: Result<T, Violations> = decode_value("", input);
    match decoded {
        Ok(request) => outcome(run(request).await),
        Err(violations) => Err(error_json(&Error::from(violations))),
    }
}

async fn run_call(client: &Client, name: &str, input: Value) -> Result<Result<Value, Value>, String> {
    Ok(match name {
        "send_message" => call(input, async |r: SendMessageRequest| client.send_message(r).await).await,
        "reply_message" => call(input, async |r: ReplyMessageRequest| client.reply_message(r).await).await,
        "batch_send" => call(input, async |r: BatchSendRequest| client.batch_send(r).await).await,
        "create_card" => call(input, async |r: CreateCardRequest| client.create_card(r).await).await,
        "create_app_feed_card" => {
            call(input, async |r: CreateAppFeedCardRequest| client.create_app_feed_card(r).await).await
        }
        "upload_image" => call(input, async |r: UploadImageRequest| client.upload_image(r).await).await,
        "upload_file" => call(input, async |r: UploadFileRequest| client.upload_file(r).await).await,
        "update_card_settings" => {
            call(input, async |r: UpdateCardSettingsRequest| client.update_card_settings(r).await).await
        }
        "update_card" => call(input, async |r: UpdateCardRequest| client.update_card(r).await).await,
        "update_card_element_content" => {
            call(input, async |r: UpdateCardElementContentRequest| {
                client.update_card_element_content(r).await
            })
            .await
        }
        "create_card_elements" => {
            call(input, async |r: CreateCardElementsRequest| client.create_card_elements(r).await).await
        }
        "update_card_element" => {
            call(input, async |r: UpdateCardElementRequest| client.update_card_element(r).await).await
        }
        "patch_card_element" => {
            call(input, async |r: PatchCardElementRequest| client.patch_card_element(r).await).await
        }
        "delete_card_element" => {
            call(input, async |r: DeleteCardElementRequest| client.delete_card_element(r).await).await
        }
        other => return Err(format!("unknown call {other}")),
    })
}

/// Whether `actual` contains `expected`: objects by subset, `{"$prefix": p}` by prefix.
fn subset(expected: &Value, actual: &Value) -> bool {
    match expected {
        Value::Object(map) if map.len() == 1 && map.contains_key("$prefix") => {
            matches!((map.get("$prefix"), actual), (Some(Value::String(p)), Value::String(a)) if a.starts_with(p.as_str()))
        }
        Value::Object(map) => {
            let Value::Object(actual) = actual else { return false };
            map.iter().all(|(key, value)| actual.get(key).is_some_and(|a| subset(value, a)))
        }
        Value::Array(items) => {
            let Value::Array(actual) = actual else { return false };
            items.len() == actual.len() && items.iter().zip(actual).all(|(e, a)| subset(e, a))
        }
        other => other == actual,
    }
}

fn violation_keys(list: &Value) -> Vec<(String, String)> {
    let mut keys: Vec<(String, String)> = list
        .as_array()
        .map(|items| {
            items
                .iter()
                .map(|v| {
                    (v["path"].as_str().unwrap_or("").to_owned(), v["rule"].as_str().unwrap_or("").to_owned())
                })
                .collect()
        })
        .unwrap_or_default();
    keys.sort();
    keys
}

fn check_error(expected: &Map<String, Value>, actual: &Value) -> Result<(), String> {
    for (key, value) in expected {
        if key == "violations" {
            let (want, got) = (violation_keys(value), violation_keys(&actual["violations"]));
            if want != got {
                return Err(format!("violations: expected {want:?}, got {got:?}"));
            }
        } else if !subset(value, &actual[key.as_str()]) {
            return Err(format!(
                "error {key}: expected {value}, got {} ({})",
                actual[key.as_str()],
                actual["message"]
            ));
        }
    }
    Ok(())
}

fn check_count(case: &Value, key: &str, actual: u64) -> Result<(), String> {
    match case.get(key).and_then(Value::as_u64) {
        Some(want) if want != actual => Err(format!("{key}: expected {want}, got {actual}")),
        _ => Ok(()),
    }
}

/// Runs one case that is not skipped.
async fn run_case(case: Value) -> Result<(), String> {
    let case = expand(case);
    let name = case["call"].as_str().ok_or("no call")?.to_owned();
    let fake = common::fake().await;
    let client = build_client(&fake, case.get("client").unwrap_or(&Value::Null))?;
    for action in case.get("before").and_then(Value::as_array).into_iter().flatten() {
        run_action(&fake, &client, action).await?;
    }
    let result = run_call(&client, &name, case["input"].clone()).await?;
    let expect = case.get("expect").ok_or("no expect")?;
    match (expect.get("ok"), expect.get("error"), &result) {
        (Some(want), None, Ok(got)) => {
            if !subset(want, got) {
                return Err(format!("result: expected subset {want}, got {got}"));
            }
        }
        (None, Some(Value::Object(want)), Err(got)) => check_error(want, got)?,
        (Some(_), None, Err(got)) => return Err(format!("expected ok, got error {}", got["message"])),
        (None, Some(_), Ok(got)) => return Err(format!("expected an error, got ok {got}")),
        _ => return Err("expect must hold exactly one of ok or error (an object)".to_owned()),
    }
    let counters = fake.counters();
    let requests = counters.requests.get(&name).copied().unwrap_or(0);
    check_count(&case, "expect_requests", requests)?;
    check_count(&case, "expect_token_requests", counters.token_requests.values().sum())?;
    if let Some(Value::Object(inbox)) = case.get("expect_inbox") {
        let actual = serde_json::to_value(fake.inbox()).unwrap();
        for (key, want) in inbox {
            let got = actual[key.as_str()].as_array().map_or(0, Vec::len);
            if want.as_u64() != Some(u64::try_from(got).unwrap()) {
                return Err(format!("inbox {key}: expected {want}, got {got}"));
            }
        }
    }
    if let Some(want) = case.get("expect_card") {
        let card_id = want["card_id"].as_str().ok_or("expect_card needs a card_id")?;
        let got = fake.card(card_id).ok_or_else(|| format!("no card {card_id} in the fake"))?;
        if !subset(want, &got) {
            return Err(format!("card: expected subset {want}, got {got}"));
        }
    }
    Ok(())
}

#[tokio::test]
async fn every_conformance_case_passes() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/conformance/cases");
    let (mut ran, mut skipped, mut failures) = (0, Vec::new(), Vec::new());
    for file in case_files(&root) {
        let shown = file.strip_prefix(&root).unwrap().display().to_string();
        let text = std::fs::read_to_string(&file).unwrap();
        let case: Value = match serde_json::from_str(&text) {
            Ok(case) => case,
            Err(error) => {
                failures.push(format!("{shown}: not JSON: {error}"));
                continue;
            }
        };
        if let Some(reason) = case.get("skip") {
            skipped.push(format!("{shown}: {reason}"));
            continue;
        }
        match run_case(case).await {
            Ok(_) => ran += 1,
            Err(reason) => failures.push(format!("{shown}: {reason}")),
        }
    }
    println!("conformance: {ran} passed, {} skipped, {} failed", skipped.len(), failures.len());
    for line in &skipped {
        println!("skipped {line}");
    }
    assert!(failures.is_empty(), "{} failing cases:\n{}", failures.len(), failures.join("\n"));
    assert!(ran >= 50, "only {ran} cases ran");
}
