//! Batches past 200 ids and feed cards past 20 users, against the fake.
#![cfg(feature = "fake")]
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use larkmsg::fake::{FaultKind, FaultPlan};
use larkmsg::{AppFeedCard, BatchSendRequest, CreateAppFeedCardAllRequest, ErrorKind, MsgType, Progress};
use serde_json::json;

fn ids(prefix: &str, count: usize) -> Vec<String> {
    (0..count).map(|i| format!("{prefix}{i}")).collect()
}

#[tokio::test]
async fn a_batch_to_450_open_ids_is_three_requests_with_one_result() {
    let fake = common::fake().await;
    let client = common::client(&fake);
    let mut opens = ids("ou_", 450);
    opens[7] = "ou_unknown_7".into();
    opens[420] = "ou_unknown_420".into();
    let request = BatchSendRequest::from_content(MsgType::Text, json!({"text": "通知"}))
        .open_ids(opens)
        .department_ids(["od_1"]);
    let mut reports: Vec<Progress> = Vec::new();
    let result = client.batch_send_all(request, |p| reports.push(*p)).await.unwrap();
    assert_eq!(result.message_ids.len(), 3);
    assert!(result.message_ids.iter().all(|id| id.starts_with("bm-")));
    assert_eq!(result.invalid_open_ids, ["ou_unknown_7", "ou_unknown_420"]);
    assert!(result.failed.is_empty());
    let batches = fake.inbox().batches;
    let sizes: Vec<usize> = batches.iter().map(|b| b["open_ids"].as_array().unwrap().len()).collect();
    let mut sorted = sizes.clone();
    sorted.sort_unstable();
    assert_eq!(sorted, [50, 200, 200]);
    let last = reports.last().unwrap();
    assert_eq!((last.total, last.done, last.sent, last.failed), (451, 451, 451, 0));
    assert_eq!(reports.len(), 4, "one report before and one after each batch");
}

#[tokio::test]
async fn a_batch_that_may_have_been_sent_is_reported_and_never_repeated() {
    let fake = common::fake().await;
    let client = common::client(&fake);
    fake.inject(FaultPlan::next(FaultKind::DropAfterRead, 1).on("batch_send")).unwrap();
    let request =
        BatchSendRequest::from_content(MsgType::Text, json!({"text": "hi"})).user_ids(ids("u", 401));
    let result = client.batch_send_all(request, |_| {}).await.unwrap();
    assert_eq!(common::requests(&fake, "batch_send"), 3, "no batch was repeated");
    assert_eq!(result.message_ids.len(), 2);
    assert_eq!(result.failed.len(), 1);
    let failed = &result.failed[0];
    assert!(failed.maybe_sent && failed.error.maybe_sent());
    assert!(matches!(failed.user_ids.len(), 200 | 1), "{}", failed.user_ids.len());
}

#[tokio::test]
async fn bad_ids_anywhere_stop_the_call_before_any_request() {
    let fake = common::fake().await;
    let client = common::client(&fake);
    let mut unions = ids("on_", 350);
    unions[333] = String::new();
    let request = BatchSendRequest::from_content(MsgType::Text, json!({"text": "hi"})).union_ids(unions);
    let error = client.batch_send_all(request, |_| {}).await.unwrap_err();
    assert_eq!(error.kind(), ErrorKind::InvalidArgument);
    assert_eq!(error.violations()[0].path, "union_ids[333]");
    assert_eq!(common::requests(&fake, "batch_send"), 0);
}

#[tokio::test]
async fn feed_cards_for_30_users_are_two_calls_with_failed_cards_merged() {
    let fake = common::fake().await;
    let client = common::client(&fake);
    let mut users = ids("ou_", 30);
    users[25] = "ou_unknown_25".into();
    let card = AppFeedCard::new("https://www.feishu.cn/").title("审批").biz_id("order-1");
    let mut last = Progress::default();
    let result = client
        .create_app_feed_card_all(CreateAppFeedCardAllRequest::new(card, users), |p| last = *p)
        .await
        .unwrap();
    assert_eq!(result.biz_ids, ["order-1", "order-1"]);
    assert_eq!(result.failed_cards.len(), 1);
    assert_eq!(result.failed_cards[0].user_id.as_deref(), Some("ou_unknown_25"));
    let calls = fake.inbox().feed_cards;
    let sizes: Vec<usize> = calls.iter().map(|c| c["user_ids"].as_array().unwrap().len()).collect();
    assert_eq!(sizes.iter().sum::<usize>(), 30);
    assert!(sizes.iter().all(|n| *n <= 20));
    assert_eq!((last.done, last.total), (30, 30));
}

#[tokio::test]
async fn a_failure_every_call_shares_stops_the_rest() {
    let fake = common::fake().await;
    let client = common::client(&fake);
    fake.inject(FaultPlan::next(FaultKind::PermissionDenied, 100).on("create_app_feed_card")).unwrap();
    let card = AppFeedCard::new("https://www.feishu.cn/");
    let request = CreateAppFeedCardAllRequest::new(card, ids("ou_", 400));
    let result = client.create_app_feed_card_all(request, |_| {}).await.unwrap();
    assert!(result.biz_ids.is_empty());
    assert_eq!(result.failed.len(), 20);
    assert!(result.failed.iter().all(|f| f.error.kind() == ErrorKind::Permission && !f.maybe_sent));
    let made = common::requests(&fake, "create_app_feed_card");
    assert!(made <= 16, "calls after the refusal were not made, only those in flight: {made}");
    assert!(result.failed.last().unwrap().error.message().starts_with("not sent"));
}
