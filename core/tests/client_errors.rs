//! Error contents: kind, status, code, log id, troubleshooter; never a secret or a token.
#![cfg(feature = "fake")]
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::time::Duration;

use larkmsg::fake::{DEFAULT_APP_ID, DEFAULT_APP_SECRET, FaultKind, FaultPlan};
use larkmsg::{BatchSendRequest, Error, ErrorKind, MessageContent, ReceiveIdType, RetryPolicy, Timeouts};

async fn issued_token(fake: &larkmsg::fake::FakeServer) -> String {
    let answer: serde_json::Value = reqwest::Client::new()
        .post(format!("{}/open-apis/auth/v3/tenant_access_token/internal", fake.url()))
        .json(&serde_json::json!({"app_id": DEFAULT_APP_ID, "app_secret": DEFAULT_APP_SECRET}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    answer["tenant_access_token"].as_str().unwrap().to_owned()
}

fn assert_no_secret(error: &Error, secrets: &[&str]) {
    for text in [error.to_string(), format!("{error:?}")] {
        for secret in secrets {
            assert!(!text.contains(secret), "{:?} error leaks a secret: {text}", error.kind());
        }
    }
}

#[tokio::test]
async fn no_error_kind_carries_a_secret_or_a_token() {
    let fake = common::fake().await;
    let token = issued_token(&fake).await;
    let secrets = [DEFAULT_APP_SECRET, token.as_str()];
    let quick = RetryPolicy::default().with_max_attempts(2).with_max_throttle_wait(Duration::ZERO);
    let with_secret = common::builder(&fake).retry(quick).build().unwrap();
    let with_token = common::builder(&fake).retry(quick).tenant_access_token(token.clone()).build().unwrap();
    let mut kinds = Vec::new();

    let invalid = with_secret.send_text(ReceiveIdType::OpenId, "", "hi").await.unwrap_err();
    kinds.push(invalid);
    let wrong_secret = common::builder(&fake).app(DEFAULT_APP_ID, "wrong-secret-42").build().unwrap();
    let auth = wrong_secret.send_text(ReceiveIdType::OpenId, "ou_a", "hi").await.unwrap_err();
    assert_no_secret(&auth, &["wrong-secret-42"]);
    kinds.push(auth);
    for (kind, client) in [
        (FaultKind::RateLimit, &with_token),
        (FaultKind::Status5xx, &with_token),
        (FaultKind::Malformed, &with_secret),
        (FaultKind::RevokeTokens, &with_token),
        (FaultKind::PermissionDenied, &with_secret),
    ] {
        fake.inject(FaultPlan::next(kind, 10).on("batch_send")).unwrap();
        let batch = MessageContent::from(larkmsg::content::TextContent::new("hi")).to_batch().unwrap();
        kinds.push(client.batch_send(BatchSendRequest::from(batch).open_ids(["ou_a"])).await.unwrap_err());
        fake.clear_faults();
    }
    let slow = common::builder(&fake)
        .tenant_access_token(token.clone())
        .timeouts(
            Timeouts::default()
                .with_request(Duration::from_millis(200))
                .with_total(Duration::from_millis(300)),
        )
        .build()
        .unwrap();
    fake.inject(FaultPlan::next(FaultKind::Slow, 10).on("send_message").delay(Duration::from_secs(1)))
        .unwrap();
    kinds.push(slow.send_text(ReceiveIdType::OpenId, "ou_a", "hi").await.unwrap_err());
    fake.clear_faults();
    let nowhere = common::builder(&fake).base_url("http://127.0.0.1:9").retry(quick).build().unwrap();
    kinds.push(nowhere.send_text(ReceiveIdType::OpenId, "ou_a", "hi").await.unwrap_err());
    kinds.push(common::builder(&fake).base_url("not a url").build().unwrap_err());

    let seen: Vec<ErrorKind> = kinds.iter().map(Error::kind).collect();
    for expected in [
        ErrorKind::InvalidArgument,
        ErrorKind::Auth,
        ErrorKind::Permission,
        ErrorKind::RateLimited,
        ErrorKind::Api,
        ErrorKind::Decode,
        ErrorKind::Timeout,
        ErrorKind::Network,
        ErrorKind::Config,
    ] {
        assert!(seen.contains(&expected), "no {expected:?} error produced: {seen:?}");
    }
    for error in &kinds {
        assert_no_secret(error, &secrets);
    }
}

#[tokio::test]
async fn api_errors_carry_status_code_log_id_and_troubleshooter() {
    let fake = common::fake().await;
    let client = common::builder(&fake).retry(RetryPolicy::disabled()).build().unwrap();
    fake.inject(FaultPlan::next(FaultKind::Status5xx, 1).on("send_message")).unwrap();
    let error = client.send_text(ReceiveIdType::OpenId, "ou_a", "hi").await.unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Api);
    assert_eq!(error.http_status(), Some(500));
    assert_eq!(error.code(), Some(1500));
    let log_id = error.log_id().expect("a log id");
    assert!(!log_id.is_empty());
    assert!(error.troubleshooter().is_some_and(|t| t.contains(log_id)), "{:?}", error.troubleshooter());
    assert!(error.to_string().contains(log_id), "{error}");
}

#[tokio::test]
async fn permission_errors_name_the_missing_scope() {
    let fake = common::fake().await;
    let client = common::client(&fake);
    fake.inject(FaultPlan::next(FaultKind::PermissionDenied, 1).on("send_message")).unwrap();
    let error = client.send_text(ReceiveIdType::OpenId, "ou_a", "hi").await.unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Permission);
    assert_eq!(error.code(), Some(99991672));
    assert_eq!(error.permission_violations()[0].subject.as_deref(), Some("im:message"));
    assert!(error.log_id().is_some() && error.troubleshooter().is_some());
    assert_eq!(fake.inbox().messages.len(), 0);
}

#[tokio::test]
async fn throttled_errors_say_when_to_retry() {
    let fake = common::fake().await;
    let quick = RetryPolicy::default().with_max_attempts(1);
    let client = common::builder(&fake).retry(quick).build().unwrap();
    fake.inject(FaultPlan::next(FaultKind::RateLimit, 1).on("send_message")).unwrap();
    let error = client.send_text(ReceiveIdType::OpenId, "ou_a", "hi").await.unwrap_err();
    assert_eq!(error.kind(), ErrorKind::RateLimited);
    assert_eq!(error.code(), Some(99991400));
    assert_eq!(error.retry_after(), Some(Duration::from_secs(1)));
    assert!(!error.maybe_sent());
}
