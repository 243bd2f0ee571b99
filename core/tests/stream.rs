//! The card stream against the fake, on tokio's paused clock: the fake runs on the test's
//! runtime and reads the same clock, so ten seconds of an answer pass in a fraction of a
//! second and the fake's per-second windows see the stream's own time.
//!
//! A ticker task sleeps 1 ms in a loop: the paused clock jumps to the next timer whenever
//! the runtime waits for I/O, and the ticker keeps those jumps small (a request to the
//! fake then takes a few virtual milliseconds, never its timeout).
#![cfg(feature = "fake")]
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::time::Duration;

use larkmsg::fake::{FakeConfig, FakeServer, FaultKind, FaultPlan};
use larkmsg::{Client, ErrorKind, QuotaTable, ReceiveIdType, StreamCardOptions, UpdateCardSettingsRequest};
use serde_json::{Value, json};
use tokio::time::Instant;

fn start_ticker() {
    tokio::spawn(async {
        loop {
            tokio::time::sleep(Duration::from_millis(1)).await;
        }
    });
}

/// A fake enforcing the platform's quotas, and a client pacing itself to the documented ones.
async fn setup() -> (FakeServer, Client) {
    start_ticker();
    let fake = FakeServer::start(FakeConfig { quotas: true, ..FakeConfig::default() }).await.unwrap();
    let client = common::builder(&fake).quotas(QuotaTable::documented()).build().unwrap();
    (fake, client)
}

fn options() -> StreamCardOptions {
    StreamCardOptions::to_receiver(ReceiveIdType::OpenId, "ou_stream")
        .card(json!({"header": {"title": "Assistant"}}))
        .text("…")
}

/// The `n`th token of an answer: words, punctuation and Chinese, so that the text's
/// characters are not its bytes.
fn token(n: usize) -> String {
    match n % 7 {
        0 => "流式".to_owned(),
        3 => format!(" {n}."),
        5 => "\n".to_owned(),
        _ => format!(" word{n}"),
    }
}

async fn wait_until(what: &str, mut done: impl FnMut() -> bool) {
    let start = Instant::now();
    while !done() {
        assert!(start.elapsed() < Duration::from_secs(120), "timed out waiting for {what}");
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}

fn card(fake: &FakeServer, card_id: &str) -> Value {
    fake.card(card_id).expect("the card entity exists")
}

fn operations(card: &Value) -> Vec<Value> {
    card["operations"].as_array().cloned().unwrap_or_default()
}

fn codes(card: &Value) -> Vec<i64> {
    operations(card).iter().map(|op| op["code"].as_i64().unwrap()).collect()
}

fn assert_sequences_increase(card: &Value) {
    let accepted: Vec<i64> = operations(card)
        .iter()
        .filter(|op| op["code"] == 0)
        .map(|op| op["sequence"].as_i64().unwrap())
        .collect();
    assert!(accepted.windows(2).all(|pair| pair[0] < pair[1]), "sequences {accepted:?}");
}

#[tokio::test(start_paused = true)]
async fn a_2000_token_answer_at_200_tokens_per_second_lands_exactly_within_the_card_rate() {
    let (fake, client) = setup().await;
    let stream = client.stream_card(options()).await.unwrap();
    let started = Instant::now();
    let mut answer = String::new();
    for n in 0..2000 {
        let piece = token(n);
        answer.push_str(&piece);
        stream.append(&piece).unwrap();
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    let fed_in = started.elapsed();
    let summary = stream.finish().await.unwrap();

    let card = card(&fake, stream.card_id());
    assert_eq!(card["texts"]["answer"], json!(answer));
    assert_eq!(card["streaming_mode"], json!(false));
    assert_eq!(
        card["summary"],
        json!(
            answer.split_whitespace().collect::<Vec<_>>().join(" ").chars().take(59).collect::<String>()
                + "…"
        )
    );
    assert!(codes(&card).iter().all(|code| *code == 0), "rejected operations: {:?}", codes(&card));
    assert!(fake.counters().throttled.is_empty(), "{:?}", fake.counters().throttled);
    let most = card["max_operations_per_second"].as_u64().unwrap();
    assert!(most <= 10, "{most} operations in one second");
    assert_sequences_increase(&card);
    assert_eq!(summary.sequence, card["sequence"].as_i64().unwrap());
    assert_eq!(summary.text_chars, answer.chars().count() as u64);
    // 10 s of tokens at 8 operations per second (the default share of 10): about 80
    // pushes, coalescing 2,000 appends.
    assert!(fed_in >= Duration::from_secs(10), "{fed_in:?}");
    assert!((60..=90).contains(&summary.pushes), "{summary:?}");
    assert_eq!(summary.operations, summary.pushes + 1);
    let inbox = fake.inbox();
    assert_eq!(inbox.messages.len(), 1);
    assert_eq!(inbox.messages[0]["card_id"], json!(stream.card_id()));
}

#[tokio::test(start_paused = true)]
async fn a_stream_older_than_the_auto_close_turns_streaming_on_before_pushing() {
    let (fake, client) = setup().await;
    let stream = client.stream_card(options()).await.unwrap();
    stream.append("first part").unwrap();
    wait_until("the first push", || card(&fake, stream.card_id())["texts"]["answer"] == "first part").await;
    tokio::time::advance(Duration::from_secs(11 * 60)).await;
    assert_eq!(card(&fake, stream.card_id())["streaming_timed_out"], json!(true));
    stream.append(", then the end").unwrap();
    let summary = stream.finish().await.unwrap();
    let card = card(&fake, stream.card_id());
    assert_eq!(card["texts"]["answer"], json!("first part, then the end"));
    assert_eq!(summary.reopened, 1);
    assert!(codes(&card).iter().all(|code| *code == 0), "{:?}", codes(&card));
    assert_eq!(card["streaming_mode"], json!(false));
}

#[tokio::test(start_paused = true)]
async fn a_streaming_mode_the_platform_closed_is_turned_on_again_and_the_text_pushed_again() {
    let (fake, client) = setup().await;
    let stream = client.stream_card(options()).await.unwrap();
    stream.append("before").unwrap();
    wait_until("the first push", || card(&fake, stream.card_id())["texts"]["answer"] == "before").await;
    // Only the fake's clock moves: the stream does not know the mode closed.
    fake.advance_clock(Duration::from_secs(11 * 60));
    stream.append(" and after").unwrap();
    let summary = stream.finish().await.unwrap();
    let card = card(&fake, stream.card_id());
    assert_eq!(card["texts"]["answer"], json!("before and after"));
    assert_eq!(summary.reopened, 1);
    assert_eq!(codes(&card).iter().filter(|code| **code == 200_850).count(), 1, "{:?}", codes(&card));
    assert_sequences_increase(&card);
}

#[tokio::test(start_paused = true)]
async fn a_sequence_moved_by_another_writer_is_overtaken_and_the_latest_text_pushed() {
    let (fake, client) = setup().await;
    let stream = client.stream_card(options()).await.unwrap();
    stream.append("one").unwrap();
    wait_until("the first push", || card(&fake, stream.card_id())["texts"]["answer"] == "one").await;
    let other = json!({"config": {"summary": {"content": "another writer"}}});
    client.update_card_settings(UpdateCardSettingsRequest::new(stream.card_id(), &other, 40)).await.unwrap();
    stream.append(" two").unwrap();
    let summary = stream.finish().await.unwrap();
    let card = card(&fake, stream.card_id());
    assert_eq!(card["texts"]["answer"], json!("one two"));
    assert!(summary.sequence_conflicts >= 1, "{summary:?}");
    assert!(summary.sequence > 40, "{summary:?}");
    assert!(codes(&card).contains(&300_317));
    assert_sequences_increase(&card);
    assert_eq!(card["streaming_mode"], json!(false));
}

#[tokio::test(start_paused = true)]
async fn a_cancelled_stream_is_finished_in_the_background_with_the_text_so_far() {
    let (fake, client) = setup().await;
    let (created, mut card_id) = tokio::sync::watch::channel(String::new());
    let (fed, mut appended) = tokio::sync::watch::channel(String::new());
    let task = tokio::spawn(async move {
        let stream = client.stream_card(options()).await.unwrap();
        created.send_replace(stream.card_id().to_owned());
        let mut text = String::new();
        for n in 0.. {
            let piece = token(n);
            stream.append(&piece).unwrap();
            text.push_str(&piece);
            fed.send_replace(text.clone());
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    });
    appended.wait_for(|text| text.chars().count() > 200).await.unwrap();
    task.abort();
    let _ = task.await;
    let card_id = card_id.borrow_and_update().clone();
    let text = appended.borrow().clone();
    wait_until("the background finish", || card(&fake, &card_id)["streaming_mode"] == json!(false)).await;
    let card = card(&fake, &card_id);
    assert_eq!(card["texts"]["answer"], json!(text));
    assert!(card["summary"].as_str().is_some_and(|summary| !summary.is_empty()));
}

#[tokio::test(start_paused = true)]
async fn the_final_text_is_repeated_through_server_errors_until_it_lands() {
    let (fake, client) = setup().await;
    let stream = client.stream_card(options()).await.unwrap();
    stream.append("the answer").unwrap();
    fake.inject(FaultPlan::next(FaultKind::Status5xx, 8).on("update_card_element_content")).unwrap();
    let summary = stream.finish().await.unwrap();
    let card = card(&fake, stream.card_id());
    assert_eq!(card["texts"]["answer"], json!("the answer"));
    assert_eq!(card["streaming_mode"], json!(false));
    assert_eq!(summary.pushes, 1);
}

#[tokio::test(start_paused = true)]
async fn a_final_text_that_cannot_land_before_the_deadline_is_a_clear_timeout() {
    let (fake, client) = setup().await;
    let stream = client.stream_card(options().finish_timeout(Duration::from_secs(3))).await.unwrap();
    fake.inject(FaultPlan::next(FaultKind::Status5xx, 10_000).on("update_card_element_content")).unwrap();
    stream.append("lost?").unwrap();
    let error = stream.finish().await.unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Timeout);
    assert!(error.message().contains("the final text did not land"), "{error}");
    assert!(error.message().contains(stream.card_id()), "{error}");
    // Finishing again gives the same outcome, and appends are refused.
    assert_eq!(stream.finish().await.unwrap_err().message(), error.message());
    assert!(stream.append("more").is_err());
}

#[tokio::test(start_paused = true)]
async fn a_refusal_stops_the_stream_and_appends_report_it() {
    let (fake, client) = setup().await;
    let stream = client.stream_card(options()).await.unwrap();
    fake.inject(FaultPlan::next(FaultKind::PermissionDenied, 1).on("update_card_element_content")).unwrap();
    stream.append("x").unwrap();
    let start = Instant::now();
    let error = loop {
        match stream.append("y") {
            Err(error) => break error,
            Ok(()) => tokio::time::sleep(Duration::from_millis(10)).await,
        }
        assert!(start.elapsed() < Duration::from_secs(10));
    };
    assert_eq!(error.kind(), ErrorKind::Permission);
    assert_eq!(stream.finish().await.unwrap_err().kind(), ErrorKind::Permission);
}

#[tokio::test]
async fn bad_options_are_refused_before_anything_is_sent() {
    let fake = common::fake().await;
    let client = common::client(&fake);
    let bad = StreamCardOptions::reply_to("om_1").element_id("9").rate_share(0.0);
    let error = client.stream_card(bad).await.unwrap_err();
    assert_eq!(error.kind(), ErrorKind::InvalidArgument);
    let paths: Vec<_> = error.violations().iter().map(|v| v.path.as_str()).collect();
    assert_eq!(paths, ["rate_share", "element_id"]);
    assert_eq!(common::requests(&fake, "create_card"), 0);
    let stream = client.stream_card(options()).await.unwrap();
    let error = stream.append(&"字".repeat(100_001)).unwrap_err();
    assert_eq!(error.violations()[0].path, "content");
    stream.append("still fine").unwrap();
    assert_eq!(stream.finish().await.unwrap().text_chars, 10);
}

#[test]
fn the_blocking_form_streams_on_the_shared_runtime() {
    let fake = larkmsg::runtime::block_on(common::fake()).unwrap();
    let client = common::client(&fake).blocking();
    let stream = client.stream_card(options()).unwrap();
    for piece in ["blocking", " ", "stream"] {
        stream.append(piece).unwrap();
    }
    let error = stream.finish_blocking(Some(&"x".repeat(100_001)), None).unwrap_err();
    assert_eq!(error.kind(), ErrorKind::InvalidArgument);
    let summary = stream.finish_blocking(None, None).unwrap();
    assert_eq!(card(&fake, stream.card_id())["texts"]["answer"], json!("blocking stream"));
    assert_eq!(summary.text_chars, 15);
}

#[tokio::test]
async fn a_stream_can_reply_in_a_thread() {
    let fake = common::fake().await;
    let client = common::client(&fake);
    let stream =
        client.stream_card(StreamCardOptions::reply_to("om_question").in_thread(true)).await.unwrap();
    stream.push("replaced").unwrap();
    stream.push("answer").unwrap();
    let summary = stream.finish_with(None, Some("done")).await.unwrap();
    let card = card(&fake, stream.card_id());
    assert_eq!(card["texts"]["answer"], json!("answer"));
    assert_eq!(card["summary"], json!("done"));
    let message = &fake.inbox().messages[0];
    assert_eq!(message["parent_id"], json!("om_question"));
    assert!(message["thread_id"].is_string());
    assert_eq!(summary.message_id, message["message_id"].as_str().unwrap());
}
