//! The `larkmsg-fake` binary prints its URL first and serves until killed or stdin closes.
#![cfg(feature = "fake")]
#![allow(clippy::unwrap_used)] // tests may unwrap (house rules)

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

fn spawn(args: &[&str]) -> (std::process::Child, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_larkmsg-fake"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap()).read_line(&mut line).unwrap();
    (child, line.trim_end().to_owned())
}

#[tokio::test]
async fn prints_its_url_and_serves_until_stdin_closes() {
    let (mut child, url) = spawn(&["--port", "0", "--latency-ms", "1", "--quotas", "--exit-on-stdin-eof"]);
    let port: u16 = url.strip_prefix("http://127.0.0.1:").unwrap().parse().unwrap();
    assert_ne!(port, 0);

    let client = reqwest::Client::builder().no_proxy().build().unwrap();
    let quotas: Value = client.get(format!("{url}/_fake/quotas")).send().await.unwrap().json().await.unwrap();
    assert_eq!(quotas, json!({"enabled": true}));
    let token: Value = client
        .post(format!("{url}/open-apis/auth/v3/tenant_access_token/internal"))
        .json(&json!({"app_id": "cli_fake_app", "app_secret": "fake_app_secret"}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(token["code"], 0);

    drop(child.stdin.take());
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            assert!(status.success());
            break;
        }
        assert!(Instant::now() < deadline, "still running after stdin closed");
        std::thread::sleep(Duration::from_millis(50));
    }
}

#[test]
fn keeps_serving_without_the_flag_until_killed() {
    let (mut child, url) = spawn(&[]);
    assert!(url.starts_with("http://127.0.0.1:"));
    drop(child.stdin.take());
    std::thread::sleep(Duration::from_millis(300));
    assert!(child.try_wait().unwrap().is_none());
    child.kill().unwrap();
    child.wait().unwrap();
}

#[test]
fn rejects_unknown_arguments() {
    let output = Command::new(env!("CARGO_BIN_EXE_larkmsg-fake")).arg("--bogus").output().unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(output.stdout.is_empty());
    assert!(String::from_utf8_lossy(&output.stderr).contains("usage"));
}
