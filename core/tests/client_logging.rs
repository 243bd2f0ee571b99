//! Logging: each call has a span with its log id, and at the most verbose level no output
//! ever carries the app secret or a token.
#![cfg(feature = "fake")]
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::io::Write;
use std::sync::{Arc, Mutex};

use larkmsg::fake::{DEFAULT_APP_SECRET, FaultKind, FaultPlan};
use larkmsg::{ReceiveIdType, RetryPolicy};

#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(bytes);
        Ok(bytes.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[test]
fn spans_carry_the_log_id_and_logs_never_a_secret() {
    let captured = Captured::default();
    let writer = captured.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_writer(move || writer.clone())
        .with_ansi(false)
        .finish();
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    let (message_log_id, token) = tracing::subscriber::with_default(subscriber, || {
        runtime.block_on(async {
            let fake = common::fake().await;
            let client = common::builder(&fake).retry(RetryPolicy::disabled()).build().unwrap();
            client.send_text(ReceiveIdType::OpenId, "ou_a", "hi").await.unwrap();
            fake.inject(FaultPlan::next(FaultKind::Status5xx, 1).on("send_message")).unwrap();
            let error = client.send_text(ReceiveIdType::OpenId, "ou_a", "hi").await.unwrap_err();
            fake.revoke_tokens();
            client.send_text(ReceiveIdType::OpenId, "ou_a", "after revocation").await.unwrap();
            let token = reqwest::Client::new()
                .post(format!("{}/open-apis/auth/v3/tenant_access_token/internal", fake.url()))
                .json(&serde_json::json!({"app_id": larkmsg::fake::DEFAULT_APP_ID, "app_secret": DEFAULT_APP_SECRET}))
                .send()
                .await
                .unwrap()
                .json::<serde_json::Value>()
                .await
                .unwrap()["tenant_access_token"]
                .as_str()
                .unwrap()
                .to_owned();
            (error.log_id().unwrap().to_owned(), token)
        })
    });
    let output = String::from_utf8(captured.0.lock().unwrap().clone()).unwrap();
    assert!(output.contains("larkmsg.call"), "spans are logged: {output}");
    assert!(output.contains(&format!("log_id=\"{message_log_id}\"")), "the span names the log id: {output}");
    assert!(!output.contains(DEFAULT_APP_SECRET), "the app secret leaked into the logs");
    assert!(!output.contains(&token), "a token leaked into the logs");
    assert!(!output.contains("Bearer t-"), "an Authorization header leaked into the logs");
}
