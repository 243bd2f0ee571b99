//! The `/_fake/` HTTP controls, as a Python, Node or C test would use them.
#![cfg(feature = "fake")]
#![allow(clippy::unwrap_used)] // tests may unwrap (house rules)

mod fake_support;

use fake_support::*;
use larkmsg::fake::{FakeServer, STORE_APP_ID};
use serde_json::{Value, json};

async fn control(fake: &FakeServer, method: &str, name: &str, body: Option<Value>) -> Answer {
    let method = reqwest::Method::from_bytes(method.as_bytes()).unwrap();
    let mut request = client().request(method, format!("{}/_fake/{name}", fake.url()));
    if let Some(body) = body {
        request = request.json(&body);
    }
    answer(request.send().await.unwrap()).await
}

#[tokio::test]
async fn inbox_counters_and_reset() {
    let fake = start().await;
    let token = token(&fake).await;
    post(&fake, SEND, &token, &text("ou_1", "hi")).await;
    let inbox = control(&fake, "GET", "inbox", None).await;
    assert_eq!(inbox.status, 200);
    assert_eq!(inbox.body["messages"][0]["receive_id"], "ou_1");
    assert_eq!(inbox.body["batches"], json!([]));
    let counters = control(&fake, "GET", "counters", None).await;
    assert_eq!(
        counters.body,
        json!({
            "requests": {"send_message": 1},
            "token_requests": {"tenant_access_token_internal": 1},
            "throttled": {},
            "faults": {},
            "connections": counters.body["connections"],
        })
    );
    assert!(counters.body["connections"].as_u64().unwrap() >= 1);
    assert_eq!(control(&fake, "DELETE", "inbox", None).await.body, json!({"ok": true}));
    assert!(fake.inbox().messages.is_empty());
    assert_eq!(fake.counters().requests["send_message"], 1);
    assert_eq!(control(&fake, "POST", "reset", None).await.status, 200);
    assert!(fake.counters().requests.is_empty());
    assert_eq!(post(&fake, SEND, &token, &text("ou_1", "hi")).await.code(), 0, "tokens survive a reset");
}

#[tokio::test]
async fn settings_quotas_latency_and_token_lifetime() {
    let fake = start().await;
    let quotas = control(&fake, "POST", "quotas", Some(json!({"enabled": true}))).await;
    assert_eq!(quotas.body, json!({"enabled": true}));
    assert_eq!(control(&fake, "GET", "quotas", None).await.body["enabled"], true);
    let latency = control(&fake, "POST", "latency", Some(json!({"ms": 120}))).await;
    assert_eq!(latency.body, json!({"ms": 120}));
    let token = token(&fake).await;
    let started = std::time::Instant::now();
    post(&fake, SEND, &token, &text("ou_1", "hi")).await;
    assert!(started.elapsed() >= std::time::Duration::from_millis(120));

    let lifetime = control(&fake, "POST", "token_lifetime", Some(json!({"seconds": 8}))).await;
    assert_eq!(lifetime.body, json!({"seconds": 8.0, "reuse_threshold_seconds": 2.0}));
    let custom = json!({"seconds": 8, "reuse_threshold_seconds": 0.5});
    let lifetime = control(&fake, "POST", "token_lifetime", Some(custom)).await;
    assert_eq!(lifetime.body["reuse_threshold_seconds"], 0.5);
    control(&fake, "POST", "revoke_tokens", None).await;
    let answer =
        post_json(&fake, TENANT_TOKEN, &json!({"app_id": "cli_fake_app", "app_secret": "fake_app_secret"}))
            .await;
    assert_eq!(answer.body["expire"], 8);
    assert_eq!(post(&fake, SEND, &token, &text("ou_1", "hi")).await.code(), 99991663);
}

#[tokio::test]
async fn faults_over_http() {
    let fake = start().await;
    let token = token(&fake).await;
    let plan = json!({"kind": "status_5xx", "endpoint": "/open-apis/im/v1/messages", "count": 2});
    assert_eq!(control(&fake, "POST", "faults", Some(plan)).await.body, json!({"ok": true}));
    let random = json!({"rate": 0.0, "kinds": ["slow"], "seed": 3});
    assert_eq!(control(&fake, "POST", "faults", Some(random)).await.status, 200);
    assert_eq!(post(&fake, SEND, &token, &text("ou_1", "hi")).await.status, 500);
    let faults = control(&fake, "GET", "faults", None).await;
    assert_eq!(
        faults.body["plans"],
        json!([
            {"kind": "status_5xx", "count": 1, "endpoint": "/open-apis/im/v1/messages"},
            {"rate": 0.0, "kinds": ["slow"], "seed": 3},
        ])
    );
    assert_eq!(
        faults.body["log"],
        json!([{
            "seq": 1, "kind": "status_5xx", "endpoint": "send_message", "processed": false,
            "code": null, "id": null, "uuid": null,
        }])
    );
    assert_eq!(control(&fake, "DELETE", "faults", None).await.status, 200);
    assert_eq!(post(&fake, SEND, &token, &text("ou_1", "hi")).await.code(), 0);

    for bad in [
        json!({"kind": "explode"}),
        json!({"kind": "slow", "endpoint": "nowhere"}),
        json!({"count": 1}),
        json!({"rate": 2.0, "kinds": ["slow"]}),
        json!({"kind": "slow", "rate": 0.5}),
    ] {
        let answer = control(&fake, "POST", "faults", Some(bad.clone())).await;
        assert_eq!(answer.status, 400, "{bad}");
        assert_eq!(answer.body["ok"], false);
        assert!(answer.body["error"].is_string());
    }
}

#[tokio::test]
async fn apps_and_app_ticket() {
    let fake = start().await;
    let ticket = control(&fake, "GET", "app_ticket", None).await;
    assert_eq!(ticket.body["app_id"], STORE_APP_ID);
    assert_eq!(ticket.body["app_ticket"], fake.app_ticket(STORE_APP_ID).unwrap());

    let app = json!({"app_id": "cli_isv", "app_secret": "isv_secret", "kind": "store", "tenant_key": "t2"});
    assert_eq!(control(&fake, "POST", "apps", Some(app)).await.body, json!({"ok": true}));
    let ticket = control(&fake, "GET", "app_ticket?app_id=cli_isv", None).await;
    let ticket = ticket.body["app_ticket"].as_str().unwrap().to_owned();
    let app_token = post_json(
        &fake,
        "/open-apis/auth/v3/app_access_token",
        &json!({"app_id": "cli_isv", "app_secret": "isv_secret", "app_ticket": ticket}),
    )
    .await;
    assert_eq!(app_token.code(), 0);
    let tenant = post_json(
        &fake,
        "/open-apis/auth/v3/tenant_access_token",
        &json!({"app_access_token": app_token.body["app_access_token"], "tenant_key": "t2"}),
    )
    .await;
    assert_eq!(tenant.code(), 0);

    assert_eq!(control(&fake, "GET", "app_ticket?app_id=cli_fake_app", None).await.status, 404);
    assert_eq!(control(&fake, "GET", "nothing", None).await.status, 404);
    let bad_app = control(&fake, "POST", "apps", Some(json!({"app_id": "x"}))).await;
    assert_eq!(bad_app.status, 400);
}

#[tokio::test]
async fn controls_run_in_process_as_over_http() {
    let fake = larkmsg::fake::FakeServer::start(larkmsg::fake::FakeConfig::default()).await.unwrap();
    let (status, _) = fake.control("POST", "quotas", Some(serde_json::json!({"enabled": true})));
    assert_eq!(status, 200);
    assert_eq!(fake.control("GET", "quotas", None).1["enabled"], true);
    let plan = serde_json::json!({"kind": "status_5xx", "endpoint": "send_message", "count": 2});
    assert_eq!(fake.control("POST", "faults", Some(plan)).0, 200);
    assert_eq!(fake.fault_plans().len(), 1);
    let (status, ticket) = fake.control("GET", "app_ticket?app_id=cli_fake_store_app", None);
    assert_eq!(status, 200, "{ticket}");
    assert!(ticket["app_ticket"].is_string());
    assert_eq!(fake.control("GET", "nothing", None).0, 404);
    assert_eq!(fake.control("P O S T", "reset", None).0, 405);
}

#[tokio::test]
async fn issued_tokens_are_listed_even_after_revocation() {
    let fake = start().await;
    let first = token(&fake).await;
    assert_eq!(control(&fake, "GET", "tokens", None).await.body, json!({"issued": [first.clone()]}));
    control(&fake, "POST", "revoke_tokens", None).await;
    let second = token(&fake).await;
    assert_ne!(first, second);
    assert_eq!(control(&fake, "GET", "tokens", None).await.body, json!({"issued": [first, second]}));
    assert_eq!(fake.issued_tokens().len(), 2);
}
