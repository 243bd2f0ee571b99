//! Logging at the most verbose level, with successes and every error kind: the app secret,
//! the app tickets and every token the fake issued appear in no output of the process (its
//! stderr, where `larkmsg::logging` writes, and the Display, Debug and JSON forms of
//! errors, clients and results on its stdout). The scenario runs in a child process (this
//! test binary again), so that its real stderr is captured at the file-descriptor level;
//! the fake runs in the parent, which then asks it for every token it issued.
#![cfg(feature = "fake")]
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::process::Command;

use larkmsg::fake::{FAKE_TENANT_KEY, FakeApp, FakeConfig, FakeServer};
use larkmsg::{ClientOptions, ErrorKind};
use serde_json::{Value, json};

/// Set in the child: the fake's URL and the credentials, as `url app_ticket`.
const CHILD: &str = "LARKMSG_TEST_SECRETS_CHILD";
const APP_ID: &str = "cli_secrets_core";
const APP_SECRET: &str = "SeCrEt-core-7d3f0a9b";
const STORE_ID: &str = "cli_secrets_core_store";
const STORE_SECRET: &str = "StOrE-SeCrEt-core-51c2e8";
const BAD_TICKET: &str = "BaD-TiCkEt-core-0e4a77";
/// A secret given as a number by mistake: refused without being quoted.
const NUMERIC_SECRET: u64 = 73_105_829_461;
const TEST_NAME: &str = "no_secret_in_any_output_at_the_most_verbose_level";

#[test]
fn no_secret_in_any_output_at_the_most_verbose_level() {
    if let Ok(setup) = std::env::var(CHILD) {
        let (url, ticket) = setup.split_once(' ').unwrap();
        return scenario(url, ticket);
    }
    let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();
    let fake = runtime.block_on(FakeServer::start(FakeConfig::default())).unwrap();
    fake.register_app(FakeApp::self_built(APP_ID, APP_SECRET));
    fake.register_app(FakeApp::store(STORE_ID, STORE_SECRET, FAKE_TENANT_KEY));
    let first_ticket = fake.app_ticket(STORE_ID).unwrap();

    let output = Command::new(std::env::current_exe().unwrap())
        .args(["--exact", TEST_NAME, "--nocapture", "--test-threads=1"])
        .env(CHILD, format!("{} {first_ticket}", fake.url()))
        .env_remove(larkmsg::logging::ENV_VAR)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "the scenario failed:\n{stdout}\n{stderr}");

    let tokens = fake.issued_tokens();
    assert!(tokens.len() >= 4, "tenant and app tokens of both apps, and one after revocation: {tokens:?}");
    let mut secrets =
        vec![APP_SECRET.to_owned(), STORE_SECRET.to_owned(), BAD_TICKET.to_owned(), first_ticket];
    secrets.push(NUMERIC_SECRET.to_string());
    secrets.extend(fake.app_ticket(STORE_ID));
    secrets.extend(tokens);
    for secret in &secrets {
        assert!(!stdout.contains(secret.as_str()), "a secret leaked to stdout: {secret}");
        assert!(!stderr.contains(secret.as_str()), "a secret leaked to stderr (the log): {secret}");
    }

    // The capture works: the log and the printed forms are there.
    for expected in [
        "larkmsg.call{endpoint=\"send_message\"",
        "log_id=\"",
        "call succeeded",
        "call failed",
        "attempt failed",
        "fetched a new tenant access token",
        "token rejected; fetching a new one",
        "app_ticket",
        "TRACE",
    ] {
        assert!(stderr.contains(expected), "the log lacks {expected:?}:\n{stderr}");
    }
    for kind in
        ["invalid_argument", "auth", "permission", "rate_limited", "api", "timeout", "network", "decode"]
    {
        assert!(stdout.contains(&format!("error {kind}: ")), "no {kind} error was printed:\n{stdout}");
        // Requests that break a rule fail before any call starts: nothing to log.
        if kind != "invalid_argument" {
            assert!(
                stderr.contains(&format!("error={kind}: ")),
                "the log has no failed {kind} call:\n{stderr}"
            );
        }
    }
    assert!(stdout.contains("error config: "), "no config error was printed:\n{stdout}");
}

/// The child: logging at trace, then successes and every error kind, printing each outcome.
fn scenario(url: &str, ticket: &str) {
    larkmsg::logging::enable("trace,hyper=trace,hyper_util=trace,h2=trace,reqwest=trace,rustls=trace")
        .unwrap();
    let quick = json!({"max_attempts": 1, "max_throttle_wait_ms": 0});
    let options = |extra: Value| {
        let mut options = json!({
            "app_id": APP_ID, "app_secret": APP_SECRET, "base_url": url, "quotas": false,
            "retry": quick, "timeouts": {"request_ms": 500},
        });
        options.as_object_mut().unwrap().extend(extra.as_object().unwrap().clone());
        let shown = format!("{:?}", ClientOptions::from_json(options.clone()).unwrap());
        println!("options {shown}");
        ClientOptions::from_json(options).and_then(ClientOptions::build)
    };
    let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();
    runtime.block_on(async {
        let text = |receiver: &str| {
            json!({"receive_id_type": "open_id", "receive_id": receiver, "msg_type": "text",
                   "content": "{\"text\":\"hi\"}"})
        };
        let client = options(json!({})).unwrap();
        println!("client {client:?}");
        let call = async |client: &larkmsg::Client, request: Value| match client
            .call_json("send_message", request)
            .await
        {
            Ok(value) => println!("ok {value}"),
            Err(error) => print_error(&error),
        };
        let fault = async |plan: Value| {
            let answer = reqwest::Client::new().post(format!("{url}/_fake/faults")).json(&plan).send().await;
            assert_eq!(answer.unwrap().status(), 200);
        };

        call(&client, text("ou_1")).await;
        call(
            &client,
            json!({"receive_id_type": "open_id", "receive_id": "ou_1", "msg_type": "text",
                             "content": "{}"}),
        )
        .await;
        call(&client, text("ou_unknown_1")).await;
        for kind in ["permission_denied", "rate_limit", "malformed", "drop_before_read", "status_5xx"] {
            fault(json!({"kind": kind, "endpoint": "send_message"})).await;
            call(&client, text("ou_1")).await;
        }
        fault(json!({"kind": "slow", "endpoint": "send_message", "delay_ms": 1500})).await;
        call(&client, text("ou_1")).await;

        // A ready token, then revoked: an auth error the client cannot repair.
        let issued: Value = reqwest::get(format!("{url}/_fake/tokens")).await.unwrap().json().await.unwrap();
        let token = issued["issued"][0].as_str().unwrap().to_owned();
        let token_client = options(json!({"tenant_access_token": token})).unwrap();
        println!("token client {token_client:?}");
        call(&token_client, text("ou_1")).await;
        fault(json!({"kind": "revoke_tokens", "endpoint": "send_message"})).await;
        call(&token_client, text("ou_1")).await;
        // The app's client fetches a new token after the revocation.
        call(&client, text("ou_1")).await;

        // A store app with its ticket, then one with a wrong ticket (auth; the ticket is
        // asked for again).
        let store = json!({"app_id": STORE_ID, "app_secret": STORE_SECRET, "tenant_key": FAKE_TENANT_KEY,
                           "app_ticket": ticket});
        let store_client = options(store.clone()).unwrap();
        call(&store_client, text("ou_1")).await;
        let mut wrong = store;
        wrong["app_ticket"] = json!(BAD_TICKET);
        let wrong_client = options(wrong).unwrap();
        call(&wrong_client, text("ou_1")).await;
        print_error(&client.set_app_ticket(BAD_TICKET).unwrap_err());
    });
    for extra in [json!({"app_id": ""}), json!({"domain": "mars", "base_url": null})] {
        let error = options(extra).unwrap_err();
        assert_eq!(error.kind(), ErrorKind::Config);
        print_error(&error);
    }
    let numeric =
        ClientOptions::from_json(json!({"app_id": APP_ID, "app_secret": NUMERIC_SECRET})).unwrap_err();
    assert_eq!(numeric.kind(), ErrorKind::InvalidArgument);
    print_error(&numeric);
}

fn print_error(error: &larkmsg::Error) {
    println!("error {error}");
    println!("debug {error:?}");
    println!("json {}", serde_json::to_string(error).unwrap());
}
