//! Tokens of the fake: issue, reuse, expiry, revocation, store apps, Authorization errors.
#![cfg(feature = "fake")]
#![allow(clippy::unwrap_used)] // tests may unwrap (house rules)

mod fake_support;

use std::time::Duration;

use fake_support::*;
use larkmsg::fake::{
    DEFAULT_APP_ID, DEFAULT_APP_SECRET, FAKE_TENANT_KEY, FakeApp, FakeConfig, FakeServer, STORE_APP_ID,
    STORE_APP_SECRET,
};
use serde_json::json;

fn credentials() -> serde_json::Value {
    json!({"app_id": DEFAULT_APP_ID, "app_secret": DEFAULT_APP_SECRET})
}

#[tokio::test]
async fn tenant_token_is_issued_then_reused_with_remaining_expire() {
    let fake = start().await;
    let first = post_json(&fake, TENANT_TOKEN, &credentials()).await;
    assert_eq!(first.status, 200);
    assert_eq!(first.body["code"], 0);
    assert_eq!(first.body["msg"], "ok");
    assert_eq!(first.body["expire"], 7200);
    let token = first.body["tenant_access_token"].as_str().unwrap();
    assert!(token.starts_with("t-") && token.len() > 20, "{token}");
    assert_eq!(first.header("x-tt-logid").len(), 34);

    tokio::time::sleep(Duration::from_millis(600)).await;
    let again = post_json(&fake, TENANT_TOKEN, &credentials()).await;
    assert_eq!(again.body["tenant_access_token"], token);
    let expire = again.body["expire"].as_u64().unwrap();
    assert!((7199..=7200).contains(&expire), "{expire}");
    assert_eq!(fake.counters().token_requests["tenant_access_token_internal"], 2);
}

#[tokio::test]
async fn app_token_internal_returns_both_tokens() {
    let fake = start().await;
    let answer = post_json(&fake, "/open-apis/auth/v3/app_access_token/internal", &credentials()).await;
    assert_eq!(answer.code(), 0);
    assert!(answer.body["app_access_token"].as_str().unwrap().starts_with("a-"));
    assert!(answer.body["tenant_access_token"].as_str().unwrap().starts_with("t-"));
    assert_eq!(answer.body["expire"], 7200);
    let tenant = token(&fake).await;
    assert_eq!(answer.body["tenant_access_token"], tenant);
}

#[tokio::test]
async fn credential_errors_are_http_200_with_codes() {
    let fake = start().await;
    let cases = [
        (json!({"app_id": DEFAULT_APP_ID, "app_secret": "wrong"}), 10015),
        (json!({"app_id": "cli_nobody", "app_secret": "x"}), 10014),
        (json!({"app_id": DEFAULT_APP_ID}), 10003),
        (json!({"app_secret": DEFAULT_APP_SECRET}), 10003),
        (json!([1, 2]), 10003),
    ];
    for (body, code) in cases {
        let answer = post_json(&fake, TENANT_TOKEN, &body).await;
        assert_eq!(answer.status, 200, "{body}");
        assert_eq!(answer.code(), code, "{body}");
        assert!(answer.body.get("tenant_access_token").is_none());
    }
}

#[tokio::test]
async fn short_lifetime_issues_a_new_token_and_both_stay_valid_until_expiry() {
    let config = FakeConfig {
        token_lifetime: Duration::from_secs(2),
        token_reuse_threshold: Some(Duration::from_secs(1)),
        ..FakeConfig::default()
    };
    let fake = FakeServer::start(config).await.unwrap();
    let first = post_json(&fake, TENANT_TOKEN, &credentials()).await;
    assert_eq!(first.body["expire"], 2);
    let a = first.body["tenant_access_token"].as_str().unwrap().to_owned();
    assert_eq!(token(&fake).await, a, "reused while more than 1 s remains");

    tokio::time::sleep(Duration::from_millis(1200)).await;
    let b = token(&fake).await;
    assert_ne!(a, b, "less than the threshold left: a new token");
    assert_eq!(post(&fake, SEND, &a, &text("ou_1", "old")).await.code(), 0);
    assert_eq!(post(&fake, SEND, &b, &text("ou_1", "new")).await.code(), 0);

    tokio::time::sleep(Duration::from_millis(1000)).await;
    let expired = post(&fake, SEND, &a, &text("ou_1", "late")).await;
    assert_eq!((expired.status, expired.code()), (400, 99991663));
    assert_eq!(post(&fake, SEND, &b, &text("ou_1", "ok")).await.code(), 0);
}

#[tokio::test]
async fn default_reuse_threshold_is_a_quarter_of_a_short_lifetime() {
    let fake = start().await;
    fake.set_token_lifetime(Duration::from_secs(2));
    let a = token(&fake).await;
    assert_eq!(token(&fake).await, a);
    tokio::time::sleep(Duration::from_millis(1600)).await;
    assert_ne!(token(&fake).await, a);
}

#[tokio::test]
async fn revoked_tokens_are_refused_and_a_new_one_is_issued() {
    let fake = start().await;
    let old = token(&fake).await;
    fake.revoke_tokens();
    let refused = post(&fake, SEND, &old, &text("ou_1", "hi")).await;
    assert_eq!((refused.status, refused.code()), (400, 99991663));
    let new = token(&fake).await;
    assert_ne!(new, old);
    assert_eq!(post(&fake, SEND, &new, &text("ou_1", "hi")).await.code(), 0);
}

#[tokio::test]
async fn store_app_needs_the_current_ticket() {
    let fake = start().await;
    let ticket = fake.app_ticket(STORE_APP_ID).unwrap();
    let app_token_path = "/open-apis/auth/v3/app_access_token";
    let body =
        |ticket: &str| json!({"app_id": STORE_APP_ID, "app_secret": STORE_APP_SECRET, "app_ticket": ticket});
    let app = post_json(&fake, app_token_path, &body(&ticket)).await;
    assert_eq!(app.code(), 0, "{}", app.body);
    let app_token = app.body["app_access_token"].as_str().unwrap().to_owned();
    assert!(app_token.starts_with("a-"));

    let tenant_path = "/open-apis/auth/v3/tenant_access_token";
    let tenant =
        post_json(&fake, tenant_path, &json!({"app_access_token": app_token, "tenant_key": FAKE_TENANT_KEY}))
            .await;
    assert_eq!(tenant.code(), 0, "{}", tenant.body);
    let tenant_token = tenant.body["tenant_access_token"].as_str().unwrap();
    let sent = post(&fake, SEND, tenant_token, &text("ou_1", "from store")).await;
    assert_eq!(sent.code(), 0);
    assert_eq!(sent.body["data"]["sender"]["id"], STORE_APP_ID);
    assert_eq!(sent.body["data"]["sender"]["tenant_key"], FAKE_TENANT_KEY);

    let bad_app_token =
        post_json(&fake, tenant_path, &json!({"app_access_token": "a-nope", "tenant_key": FAKE_TENANT_KEY}))
            .await;
    assert_eq!(bad_app_token.code(), 99991664);

    let resend = post_json(
        &fake,
        "/open-apis/auth/v3/app_ticket/resend",
        &json!({"app_id": STORE_APP_ID, "app_secret": STORE_APP_SECRET}),
    )
    .await;
    assert_eq!(resend.code(), 0);
    let new_ticket = fake.app_ticket(STORE_APP_ID).unwrap();
    assert_ne!(new_ticket, ticket);
    let old = post_json(&fake, app_token_path, &body(&ticket)).await;
    assert_eq!((old.status, old.code()), (200, 10012));
    let wrong = post_json(&fake, app_token_path, &body("nonsense")).await;
    assert_eq!(wrong.code(), 10012);
    assert_eq!(post_json(&fake, app_token_path, &body(&new_ticket)).await.code(), 0);
}

#[tokio::test]
async fn registered_apps_can_authenticate() {
    let fake = start().await;
    fake.register_app(FakeApp::self_built("cli_other", "other_secret"));
    let answer =
        post_json(&fake, TENANT_TOKEN, &json!({"app_id": "cli_other", "app_secret": "other_secret"})).await;
    assert_eq!(answer.code(), 0);
    assert!(!format!("{:?}", FakeApp::self_built("a", "s3cret")).contains("s3cret"));
}

#[tokio::test]
async fn authorization_errors_in_order() {
    let fake = start().await;
    let url = format!("{}{SEND}", fake.url());
    let body = text("ou_1", "hi");
    let cases: [(Option<&str>, i64); 5] = [
        (None, 99991661),
        (Some("Bearer a-123"), 99991671),
        (Some("Basic dXNlcg=="), 99991671),
        (Some("t-123"), 99991671),
        (Some("Bearer t-unknown"), 99991663),
    ];
    for (header, code) in cases {
        let mut request = client().post(&url).json(&body);
        if let Some(header) = header {
            request = request.header("Authorization", header);
        }
        let answer = answer(request.send().await.unwrap()).await;
        assert_eq!((answer.status, answer.code()), (400, code), "{header:?}");
        let log_id = answer.header("x-tt-logid").to_owned();
        assert_eq!(answer.body["error"]["log_id"], log_id.as_str());
        assert_eq!(
            answer.body["error"]["troubleshooter"],
            format!(
                "排查建议查看（Troubleshooting suggestions）： https://open.feishu.cn/search?from=openapi&log_id={log_id}&code={code}"
            )
        );
    }
    assert!(fake.inbox().messages.is_empty());
}
