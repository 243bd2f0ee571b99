//! Tokens against the fake: single flight, refresh, revocation, store apps, shared stores.
#![cfg(feature = "fake")]
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::sync::Arc;
use std::time::Duration;

use larkmsg::fake::{FAKE_TENANT_KEY, FaultKind, FaultPlan, STORE_APP_ID, STORE_APP_SECRET};
use larkmsg::{AppTicketCell, ClientBuilder, ErrorKind, MemoryTokenStore, ReceiveIdType};

#[tokio::test]
async fn concurrent_first_calls_fetch_one_token() {
    let fake = common::fake().await;
    let client = common::client(&fake);
    let calls: Vec<_> = (0..64)
        .map(|i| {
            let client = client.clone();
            tokio::spawn(
                async move { client.send_text(ReceiveIdType::OpenId, format!("ou_{i}"), "hi").await },
            )
        })
        .collect();
    for call in calls {
        call.await.unwrap().unwrap();
    }
    assert_eq!(common::token_requests(&fake), 1);
    assert_eq!(fake.inbox().messages.len(), 64);
}

#[tokio::test]
async fn a_revoked_token_is_replaced_and_the_call_repeated_once() {
    let fake = common::fake().await;
    let client = common::client(&fake);
    client.send_text(ReceiveIdType::OpenId, "ou_a", "before").await.unwrap();
    fake.revoke_tokens();
    client.send_text(ReceiveIdType::OpenId, "ou_a", "after").await.unwrap();
    assert_eq!(common::token_requests(&fake), 2);
    assert_eq!(common::requests(&fake, "send_message"), 3, "one rejected, one repeated");
    assert_eq!(fake.inbox().messages.len(), 2);
}

#[tokio::test]
async fn a_call_outlives_repeated_revocations_within_its_attempts() {
    let fake = common::fake().await;
    let client = common::client(&fake);
    fake.inject(FaultPlan::next(FaultKind::RevokeTokens, 3).on("send_message")).unwrap();
    client.send_text(ReceiveIdType::OpenId, "ou_a", "after three revocations").await.unwrap();
    assert_eq!(common::token_requests(&fake), 4);
    assert_eq!(common::requests(&fake, "send_message"), 4);
    assert_eq!(fake.inbox().messages.len(), 1);
}

#[tokio::test]
async fn a_token_rejected_every_time_fails_after_a_few_replacements_as_not_sent() {
    let fake = common::fake().await;
    let client = common::client(&fake);
    fake.inject(FaultPlan::next(FaultKind::RevokeTokens, 100).on("send_message")).unwrap();
    let error = client.send_text(ReceiveIdType::OpenId, "ou_a", "hi").await.unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Auth);
    assert!(!error.maybe_sent(), "{error}");
    let tokens = larkmsg::MAX_REJECTED_TOKENS_IN_A_ROW as u64 + 1;
    assert_eq!(common::requests(&fake, "send_message"), tokens, "one attempt per token");
    assert_eq!(common::token_requests(&fake), tokens, "the first token and its replacements");
    assert!(fake.inbox().messages.is_empty());
    // Meanwhile no new token is fetched: the next call fails after one rejected attempt.
    let again = client.send_text(ReceiveIdType::OpenId, "ou_a", "hi").await.unwrap_err();
    assert_eq!(again.kind(), ErrorKind::Auth);
    assert_eq!(common::token_requests(&fake), tokens);
    assert_eq!(common::requests(&fake, "send_message"), tokens + 1);
}

#[tokio::test]
async fn many_callers_of_a_platform_rejecting_every_token_cost_a_few_token_requests() {
    let fake = common::fake().await;
    let client = common::client(&fake);
    fake.inject(FaultPlan::next(FaultKind::RevokeTokens, 100_000).on("send_message")).unwrap();
    let calls: Vec<_> = (0..64)
        .map(|i| {
            let client = client.clone();
            tokio::spawn(
                async move { client.send_text(ReceiveIdType::OpenId, format!("ou_{i}"), "hi").await },
            )
        })
        .collect();
    for call in calls {
        let error = call.await.unwrap().unwrap_err();
        assert_eq!(error.kind(), ErrorKind::Auth, "{error}");
        assert!(!error.maybe_sent(), "{error}");
    }
    let tokens = larkmsg::MAX_REJECTED_TOKENS_IN_A_ROW as u64 + 1;
    assert!(common::token_requests(&fake) <= tokens, "{} token requests", common::token_requests(&fake));
}

#[tokio::test]
async fn tokens_are_refreshed_ahead_of_expiry() {
    let fake = common::fake().await;
    fake.set_token_lifetime(Duration::from_secs(2));
    let client = common::client(&fake);
    client.send_text(ReceiveIdType::OpenId, "ou_a", "one").await.unwrap();
    client.send_text(ReceiveIdType::OpenId, "ou_a", "two").await.unwrap();
    assert_eq!(common::token_requests(&fake), 1, "still fresh");
    // Refreshed once half the 2 s lifetime has passed, before the platform would refuse it.
    tokio::time::sleep(Duration::from_millis(1100)).await;
    client.send_text(ReceiveIdType::OpenId, "ou_a", "three").await.unwrap();
    assert_eq!(common::token_requests(&fake), 2);
    assert_eq!(common::requests(&fake, "send_message"), 3, "no call was rejected");
}

#[tokio::test]
async fn a_fixed_token_is_used_as_is_and_not_refreshed() {
    let fake = common::fake().await;
    let client = common::builder(&fake).tenant_access_token("t-not-issued-by-the-fake").build().unwrap();
    let error = client.send_text(ReceiveIdType::OpenId, "ou_a", "hi").await.unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Auth);
    assert_eq!(error.code(), Some(99991663));
    assert_eq!(common::token_requests(&fake), 0);
}

#[tokio::test]
async fn a_wrong_secret_is_an_auth_error_with_the_platform_code() {
    let fake = common::fake().await;
    let client = common::builder(&fake).app(larkmsg::fake::DEFAULT_APP_ID, "wrong").build().unwrap();
    let error = client.send_text(ReceiveIdType::OpenId, "ou_a", "hi").await.unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Auth);
    assert_eq!(error.code(), Some(10015));
    assert_eq!(common::requests(&fake, "send_message"), 0);
}

#[tokio::test]
async fn clients_sharing_a_store_share_the_token() {
    let fake = common::fake().await;
    let store = Arc::new(MemoryTokenStore::new());
    let first = common::builder(&fake).token_store(store.clone()).build().unwrap();
    let second = common::builder(&fake).token_store(store).build().unwrap();
    first.send_text(ReceiveIdType::OpenId, "ou_a", "one").await.unwrap();
    second.send_text(ReceiveIdType::OpenId, "ou_a", "two").await.unwrap();
    assert_eq!(common::token_requests(&fake), 1);
}

fn store_app(fake: &larkmsg::fake::FakeServer, tickets: Arc<AppTicketCell>) -> ClientBuilder {
    common::builder(fake).store_app(STORE_APP_ID, STORE_APP_SECRET, FAKE_TENANT_KEY, tickets)
}

#[tokio::test]
async fn a_store_app_authenticates_with_its_app_ticket() {
    let fake = common::fake().await;
    let tickets = Arc::new(AppTicketCell::new());
    let client = store_app(&fake, tickets.clone()).build().unwrap();

    // No ticket yet: the platform is asked to push one, and the call fails clearly.
    let error = client.send_text(ReceiveIdType::OpenId, "ou_a", "hi").await.unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Auth);
    assert!(error.message().contains("app_ticket"), "{error}");
    assert_eq!(fake.counters().token_requests.get("app_ticket_resend"), Some(&1));

    tickets.set(fake.app_ticket(STORE_APP_ID).unwrap());
    client.send_text(ReceiveIdType::OpenId, "ou_a", "hi").await.unwrap();
    let counters = fake.counters();
    assert_eq!(counters.token_requests.get("app_access_token"), Some(&1));
    assert_eq!(counters.token_requests.get("tenant_access_token"), Some(&1));
    assert_eq!(fake.inbox().messages[0]["app_id"], STORE_APP_ID);
}

#[tokio::test]
async fn a_rejected_app_ticket_asks_for_a_new_one() {
    let fake = common::fake().await;
    let tickets = Arc::new(AppTicketCell::new());
    tickets.set("ticket-that-the-fake-never-issued");
    let client = store_app(&fake, tickets).build().unwrap();
    let error = client.send_text(ReceiveIdType::OpenId, "ou_a", "hi").await.unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Auth);
    assert_eq!(error.code(), Some(10012));
    assert_eq!(fake.counters().token_requests.get("app_ticket_resend"), Some(&1));
}

#[tokio::test]
async fn a_throttled_token_endpoint_is_waited_out_and_asked_again() {
    let fake = common::fake().await;
    let client = common::client(&fake);
    fake.inject(FaultPlan::next(FaultKind::RateLimit, 1).on("tenant_access_token_internal")).unwrap();
    let started = std::time::Instant::now();
    client.send_text(ReceiveIdType::OpenId, "ou_a", "hi").await.unwrap();
    assert!(started.elapsed() >= Duration::from_millis(900), "waited {:?}", started.elapsed());
    assert_eq!(common::token_requests(&fake), 2);
    assert_eq!(fake.inbox().messages.len(), 1);
}

#[tokio::test]
async fn a_token_endpoint_throttled_for_too_long_is_rate_limited_with_its_status() {
    let fake = common::fake().await;
    let retry = larkmsg::RetryPolicy::default().with_max_throttle_wait(Duration::from_millis(100));
    let client = common::builder(&fake).retry(retry).build().unwrap();
    fake.inject(FaultPlan::next(FaultKind::RateLimit, 1).on("tenant_access_token_internal")).unwrap();
    let error = client.send_text(ReceiveIdType::OpenId, "ou_a", "hi").await.unwrap_err();
    assert_eq!(error.kind(), ErrorKind::RateLimited, "{error}");
    assert_eq!(error.code(), Some(99991400));
    assert_eq!(error.http_status(), Some(429));
    assert_eq!(error.retry_after(), Some(Duration::from_secs(1)));
    assert!(!error.maybe_sent());
    assert_eq!(common::requests(&fake, "send_message"), 0);
}

#[tokio::test]
async fn token_endpoint_refusals_carry_their_http_status() {
    let fake = common::fake().await;
    let client = common::builder(&fake).app(larkmsg::fake::DEFAULT_APP_ID, "wrong").build().unwrap();
    let error = client.send_text(ReceiveIdType::OpenId, "ou_a", "hi").await.unwrap_err();
    assert_eq!((error.code(), error.http_status()), (Some(10015), Some(200)), "{error}");
}
