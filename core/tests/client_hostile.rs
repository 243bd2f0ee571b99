//! The client against a hostile or broken server on 127.0.0.1: endless and huge answers,
//! redirects, absurd token lifetimes, long throttles. Memory and time stay bounded, errors
//! are clear, nothing is sent elsewhere and no secret leaves.
#![allow(clippy::unwrap_used, clippy::expect_used)]
#![cfg(feature = "fake")]

mod hostile;

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use hostile::{Hostile, Reply};
use larkmsg::{
    BatchSendRequest, Client, ClientBuilder, ErrorKind, MsgType, QuotaTable, ReceiveIdType, RetryPolicy,
    Timeouts,
};
use serde_json::json;

const SECRET: &str = "hostile-app-secret-31d9";

/// Held by the tests that measure the process's peak memory and by those that allocate a
/// lot, so that one's allocations never count in the other's peak (tests run in parallel).
static MEMORY: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

fn builder(server: &Hostile) -> ClientBuilder {
    Client::builder("cli_hostile", SECRET)
        .base_url(server.url())
        .quotas(QuotaTable::unlimited())
        .retry(
            RetryPolicy::default()
                .with_initial_backoff(Duration::from_millis(5))
                .with_max_backoff(Duration::from_millis(20)),
        )
        .timeouts(Timeouts::default().with_request(Duration::from_secs(10)))
}

async fn send(client: &Client) -> larkmsg::Result<larkmsg::Message> {
    client.send_text(ReceiveIdType::OpenId, "ou_1", "hi").await
}

const SEND: &str = "/open-apis/im/v1/messages";
const TOKEN: &str = "/open-apis/auth/";

#[tokio::test]
async fn an_endless_answer_is_cut_at_the_cap_with_bounded_memory() {
    let _alone = MEMORY.lock().await;
    let server = Hostile::start(hostile::with_tokens(|_| Reply::Endless)).await;
    let before = hostile::peak_rss();
    let error = send(&builder(&server).build().unwrap()).await.unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Decode, "{error}");
    assert!(error.message().contains("max_response_bytes"), "{error}");
    assert!(error.maybe_sent(), "the request reached the server: {error}");
    assert_eq!(server.count(SEND), 1, "an oversized answer is not asked for again");
    let grown = hostile::peak_rss().saturating_sub(before);
    assert!(grown < 64 * 1024 * 1024, "peak memory grew by {grown} bytes");
}

#[tokio::test]
async fn an_endless_token_answer_is_cut_too() {
    let server = Hostile::start(|_| Reply::Endless).await;
    let client = builder(&server).max_response_bytes(64 * 1024).build().unwrap();
    let error = send(&client).await.unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Decode, "{error}");
    assert!(error.message().contains("past 65536 bytes"), "{error}");
    assert_eq!(server.count(TOKEN), 1);
    assert_eq!(server.count(SEND), 0);
    assert!(server.streamed.load(Ordering::Relaxed) < 64 * 1024 * 1024);
}

#[tokio::test]
async fn a_huge_announced_length_fails_at_once() {
    let head =
        "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 2147483648\r\n\r\n{\"code\":0";
    let server = Hostile::start(hostile::with_tokens(move |_| Reply::Stall(head.as_bytes().to_vec()))).await;
    let started = std::time::Instant::now();
    let error = send(&builder(&server).build().unwrap()).await.unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Decode, "{error}");
    assert!(error.message().contains("announces 2147483648 bytes"), "{error}");
    assert!(started.elapsed() < Duration::from_secs(5), "it waited for the body");
    assert_eq!(server.count(SEND), 1);
}

#[tokio::test]
async fn the_cap_is_configurable() {
    let server = Hostile::start(hostile::with_tokens(|_| hostile::message())).await;
    let small = builder(&server).max_response_bytes(100).build().unwrap();
    let error = send(&small).await.unwrap_err();
    assert!(error.message().contains("announces"), "{error}");
    assert!(send(&builder(&server).build().unwrap()).await.is_ok());
}

#[tokio::test]
async fn a_redirect_of_the_token_request_sends_the_secret_nowhere() {
    let elsewhere = Hostile::start(|_| hostile::token("t-stolen", 7200)).await;
    let location = format!("{}/steal", elsewhere.url());
    let server = Hostile::start(move |_| hostile::json(307, &format!("location: {location}\r\n"), "")).await;
    let error = send(&builder(&server).build().unwrap()).await.unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Config, "{error}");
    assert!(error.message().contains("redirect") && error.message().contains("/steal"), "{error}");
    assert!(!error.to_string().contains(SECRET));
    assert!(elsewhere.requests().is_empty(), "the redirect was followed");
    assert_eq!(server.count(TOKEN), 1, "a configuration error is never retried");
}

#[tokio::test]
async fn a_redirected_send_is_an_error_not_another_hosts_success() {
    let elsewhere = Hostile::start(|_| hostile::message()).await;
    let location = format!("{}/open-apis/im/v1/messages", elsewhere.url());
    let server = Hostile::start(hostile::with_tokens(move |_| {
        hostile::json(302, &format!("location: {location}\r\n"), "")
    }))
    .await;
    let error = send(&builder(&server).build().unwrap()).await.unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Config, "{error}");
    assert_eq!(error.http_status(), Some(302));
    assert!(error.maybe_sent(), "{error}");
    assert!(elsewhere.requests().is_empty(), "the redirect was followed");
    assert_eq!(server.count(SEND), 1, "a configuration error is never retried");
}

#[tokio::test]
async fn an_absurd_token_lifetime_is_clamped() {
    let server = Hostile::start(|request| {
        if request.path.starts_with(TOKEN) {
            hostile::token("t-forever", u64::MAX)
        } else {
            hostile::message()
        }
    })
    .await;
    let client = builder(&server).build().unwrap();
    send(&client).await.unwrap();
    send(&client).await.unwrap();
    assert_eq!(server.count(TOKEN), 1);
}

#[tokio::test]
async fn a_token_expiring_at_once_is_not_fetched_for_every_call() {
    let server = Hostile::start(|request| {
        if request.path.starts_with(TOKEN) { hostile::token("t-brief", 0) } else { hostile::message() }
    })
    .await;
    let client = builder(&server).build().unwrap();
    let calls: Vec<_> = (0..20)
        .map(|_| {
            let client = client.clone();
            tokio::spawn(async move { send(&client).await })
        })
        .collect();
    for call in calls {
        call.await.unwrap().unwrap();
    }
    for _ in 0..20 {
        send(&client).await.unwrap();
    }
    assert!(server.count(TOKEN) <= 2, "{} token requests for 40 calls", server.count(TOKEN));
}

#[tokio::test]
async fn a_long_throttle_is_remembered_for_the_endpoint() {
    let throttle = r#"{"code":99991400,"msg":"request trigger frequency limit"}"#;
    let server = Hostile::start(hostile::with_tokens(move |_| {
        hostile::json(429, "x-ogw-ratelimit-limit: 50\r\nx-ogw-ratelimit-reset: 600\r\n", throttle)
    }))
    .await;
    let client = builder(&server).build().unwrap();
    let first = send(&client).await.unwrap_err();
    assert_eq!(first.kind(), ErrorKind::RateLimited, "{first}");
    assert_eq!(first.retry_after(), Some(Duration::from_secs(600)));
    let started = std::time::Instant::now();
    let second = send(&client).await.unwrap_err();
    assert_eq!(second.kind(), ErrorKind::RateLimited, "{second}");
    assert!(!second.maybe_sent());
    assert!(second.retry_after().is_some_and(|wait| wait > Duration::from_secs(590)), "{second}");
    assert!(second.message().contains("throttled send_message"), "{second}");
    assert!(started.elapsed() < Duration::from_secs(1), "the second call waited");
    assert_eq!(server.count(SEND), 1, "the server was asked again");
}

#[tokio::test]
async fn ids_with_control_characters_are_refused_before_sending() {
    let server = Hostile::start(hostile::with_tokens(|_| hostile::message())).await;
    let client = builder(&server).build().unwrap();
    for receive_id in ["ou_1\r\nX-Injected: 1", "ou\u{0}1"] {
        let error = client.send_text(ReceiveIdType::OpenId, receive_id, "hi").await.unwrap_err();
        assert_eq!(error.kind(), ErrorKind::InvalidArgument, "{error}");
        assert_eq!(error.violations()[0].path, "receive_id");
    }
    let request =
        larkmsg::SendMessageRequest::new(ReceiveIdType::OpenId, "ou_1", MsgType::Text, r#"{"text":"hi"}"#)
            .uuid("u-1\n");
    let error = client.send_message(request).await.unwrap_err();
    assert_eq!(error.violations()[0].path, "uuid");
    let batch =
        BatchSendRequest::from_content(MsgType::Text, json!({"text": "hi"})).open_ids(["ou_1", "ou\r2"]);
    assert_eq!(client.batch_send(batch).await.unwrap_err().violations()[0].path, "open_ids[1]");
    assert!(server.requests().is_empty());
}

/// A JSON value nested `levels` deep, built by moves (`json!` would recurse).
fn deep(levels: usize) -> serde_json::Value {
    let mut value = serde_json::Value::from("leaf");
    for _ in 0..levels {
        value = serde_json::Value::Array(vec![value]);
    }
    value
}

#[tokio::test]
async fn input_nested_100000_levels_deep_is_refused_without_overflowing_the_stack() {
    let _alone = MEMORY.lock().await;
    let server = Hostile::start(hostile::with_tokens(|_| hostile::message())).await;
    let client = builder(&server).build().unwrap();
    let card = {
        let mut card = serde_json::Map::new();
        card.insert("schema".into(), "2.0".into());
        card.insert("body".into(), deep(100_000));
        serde_json::Value::Object(card)
    };
    let error = client.batch_send(BatchSendRequest::from_card(card).open_ids(["ou_1"])).await.unwrap_err();
    assert_eq!(error.kind(), ErrorKind::InvalidArgument);
    assert_eq!(
        (error.violations()[0].path.as_str(), error.violations()[0].rule),
        ("card", larkmsg::Rule::Depth)
    );

    let content =
        larkmsg::MessageContent::Interactive(larkmsg::content::InteractiveContent::Card(deep(100_000)));
    let error = client.send(ReceiveIdType::OpenId, "ou_1", &content).await.unwrap_err();
    assert_eq!(error.violations()[0].rule, larkmsg::Rule::Depth);
    assert_eq!(content.validate().unwrap_err().as_slice()[0].rule, larkmsg::Rule::Depth);
    assert!(content.to_batch().is_err());
    let larkmsg::MessageContent::Interactive(larkmsg::content::InteractiveContent::Card(card)) = content
    else {
        unreachable!()
    };
    larkmsg::validate::dismantle(card);

    let mut request = serde_json::Map::new();
    request.insert("msg_type".into(), "text".into());
    request.insert("content".into(), deep(100_000));
    let error = client.call_json("batch_send", serde_json::Value::Object(request)).await.unwrap_err();
    assert_eq!(error.violations()[0].path, "content");
    assert!(server.requests().is_empty());
}

#[test]
fn a_panic_inside_a_call_is_an_internal_error() {
    let client = Client::builder("cli_1", SECRET)
        .base_url("http://127.0.0.1:1")
        .panic_in_calls_for_tests()
        .build()
        .unwrap();
    let error = client.blocking().send_text(ReceiveIdType::OpenId, "ou_1", "hi").unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Internal, "{error}");
    let settled = Arc::new(AtomicUsize::new(0));
    let (done, wait) = std::sync::mpsc::channel();
    let counter = Arc::clone(&settled);
    larkmsg::runtime::spawn_settled(
        async move { client.call_json("send_message", json!({"receive_id_type": "open_id", "receive_id": "ou_1", "msg_type": "text", "content": "{\"text\":\"hi\"}"})).await },
        move |outcome| {
            counter.fetch_add(1, Ordering::SeqCst);
            let _ = done.send(outcome.map(|_| ()).unwrap_err().kind());
        },
    )
    .unwrap();
    assert_eq!(wait.recv_timeout(Duration::from_secs(10)).unwrap(), ErrorKind::Internal);
    assert_eq!(settled.load(Ordering::SeqCst), 1);
}

#[tokio::test]
async fn an_html_page_at_a_wrong_base_url_is_a_clear_config_error_sent_once() {
    let page = "<html><body>404 Not Found: the s3cr3t page</body></html>";
    let server = Hostile::start(hostile::with_tokens(move |_| hostile::page(404, "text/html", page))).await;
    let error = send(&builder(&server).build().unwrap()).await.unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Config, "{error}");
    assert_eq!(error.http_status(), Some(404));
    assert!(!error.maybe_sent(), "a 404 did nothing: {error}");
    assert!(error.message().contains("HTTP 404 with 56 bytes of text/html"), "{error}");
    assert!(error.message().contains("base URL") && !error.to_string().contains("s3cr3t"), "{error}");
    assert_eq!(server.count(SEND), 1, "a refusal is not asked again");
}

#[tokio::test]
async fn an_html_page_from_the_token_endpoint_is_a_config_error_with_its_status() {
    let server = Hostile::start(|_| hostile::page(404, "text/html", "<html></html>")).await;
    let error = send(&builder(&server).build().unwrap()).await.unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Config, "{error}");
    assert_eq!(error.http_status(), Some(404));
    assert_eq!(server.count(TOKEN), 1);
}
