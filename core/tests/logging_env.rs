//! `LARKMSG_LOG` turns logging on when the first client is built from options; a directive
//! that does not parse is reported and ignored; `enable` wins over the variable and can
//! change the directive later. Each case runs in a child process (this test binary
//! again), whose stderr is captured.
#![cfg(feature = "fake")]
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::process::Command;

use larkmsg::ClientOptions;
use larkmsg::fake::{DEFAULT_APP_ID, DEFAULT_APP_SECRET, FakeConfig, FakeServer};
use larkmsg::logging::ENV_VAR;
use serde_json::json;

/// Set in the child: which case to run.
const CHILD: &str = "LARKMSG_TEST_LOGGING_CHILD";

/// Runs `case` in a child with `LARKMSG_LOG=env`; gives its stderr.
fn child(case: &str, env: Option<&str>) -> String {
    let mut command = Command::new(std::env::current_exe().unwrap());
    command.args(["--exact", "child_case", "--nocapture", "--test-threads=1"]).env(CHILD, case);
    match env {
        Some(value) => command.env(ENV_VAR, value),
        None => command.env_remove(ENV_VAR),
    };
    let output = command.output().unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    assert!(output.status.success(), "case {case} failed: {stderr}");
    stderr
}

/// Builds a client from options and sends one message through a fake.
fn send_one() {
    let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(1).enable_all().build().unwrap();
    runtime.block_on(async {
        let fake = FakeServer::start(FakeConfig::default()).await.unwrap();
        let options =
            json!({"app_id": DEFAULT_APP_ID, "app_secret": DEFAULT_APP_SECRET, "base_url": fake.url()});
        let client = ClientOptions::from_json(options).unwrap().build().unwrap();
        let request = json!({"receive_id_type": "open_id", "receive_id": "ou_1", "msg_type": "text",
                             "content": "{\"text\":\"hi\"}"});
        client.call_json("send_message", request).await.unwrap();
    });
}

#[test]
fn child_case() {
    match std::env::var(CHILD).as_deref() {
        Ok("send") => send_one(),
        Ok("enable_then_change") => {
            larkmsg::logging::enable("off").unwrap();
            send_one();
            eprintln!("-- directive changed --");
            larkmsg::logging::enable("larkmsg=debug").unwrap();
            send_one();
        }
        _ => {}
    }
}

#[test]
fn the_environment_variable_turns_logging_on() {
    let stderr = child("send", Some("larkmsg=debug"));
    assert!(stderr.contains("larkmsg::call: call succeeded"), "{stderr}");
    assert!(stderr.contains("larkmsg.call{endpoint=\"send_message\""), "{stderr}");
    assert!(!stderr.contains("TRACE"), "debug and above only: {stderr}");
}

#[test]
fn without_the_variable_nothing_is_logged() {
    assert_eq!(child("send", None), "");
}

#[test]
fn a_bad_directive_is_reported_and_ignored() {
    let stderr = child("send", Some("larkmsg=loud"));
    assert!(stderr.starts_with("larkmsg: LARKMSG_LOG ignored: invalid_argument: "), "{stderr}");
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
}

#[test]
fn enable_wins_over_the_variable_and_changes_the_directive() {
    let stderr = child("enable_then_change", Some("trace"));
    let (before, after) = stderr.split_once("-- directive changed --").unwrap();
    assert_eq!(before, "", "off, although LARKMSG_LOG=trace");
    assert!(after.contains("call succeeded"), "{after}");
}
