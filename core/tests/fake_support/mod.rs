//! Helpers shared by the fake server's tests: a client, tokens and requests.
#![allow(dead_code)]

use larkmsg::fake::{DEFAULT_APP_ID, DEFAULT_APP_SECRET, FakeConfig, FakeServer};
use reqwest::header::HeaderMap;
use serde_json::{Value, json};

pub const SEND: &str = "/open-apis/im/v1/messages?receive_id_type=open_id";
pub const BATCH: &str = "/open-apis/message/v4/batch_send/";
pub const CARDS: &str = "/open-apis/cardkit/v1/cards";
pub const FEED: &str = "/open-apis/im/v2/app_feed_card";
pub const TENANT_TOKEN: &str = "/open-apis/auth/v3/tenant_access_token/internal";

/// An answer: status, headers and the body as JSON (`Value::Null` if it is not JSON).
pub struct Answer {
    pub status: u16,
    pub headers: HeaderMap,
    pub body: Value,
}

impl Answer {
    pub fn code(&self) -> i64 {
        self.body["code"].as_i64().unwrap()
    }

    pub fn header(&self, name: &str) -> &str {
        self.headers.get(name).unwrap().to_str().unwrap()
    }
}

pub async fn start() -> FakeServer {
    FakeServer::start(FakeConfig::default()).await.unwrap()
}

pub fn client() -> reqwest::Client {
    reqwest::Client::builder().no_proxy().build().unwrap()
}

pub async fn answer(response: reqwest::Response) -> Answer {
    let status = response.status().as_u16();
    let headers = response.headers().clone();
    let bytes = response.bytes().await.unwrap();
    let body = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
    Answer { status, headers, body }
}

/// POSTs JSON without a token.
pub async fn post_json(fake: &FakeServer, path: &str, body: &Value) -> Answer {
    let response = client().post(format!("{}{path}", fake.url())).json(body).send().await.unwrap();
    answer(response).await
}

/// POSTs JSON with `Authorization: Bearer <token>`.
pub async fn post(fake: &FakeServer, path: &str, token: &str, body: &Value) -> Answer {
    try_post(fake, path, token, body).await.unwrap()
}

/// POSTs JSON with a token; connection errors are returned.
pub async fn try_post(
    fake: &FakeServer,
    path: &str,
    token: &str,
    body: &Value,
) -> Result<Answer, reqwest::Error> {
    let response =
        client().post(format!("{}{path}", fake.url())).bearer_auth(token).json(body).send().await?;
    Ok(answer(response).await)
}

/// A tenant token of the default self-built app.
pub async fn token(fake: &FakeServer) -> String {
    let answer =
        post_json(fake, TENANT_TOKEN, &json!({"app_id": DEFAULT_APP_ID, "app_secret": DEFAULT_APP_SECRET}))
            .await;
    assert_eq!(answer.code(), 0, "{}", answer.body);
    answer.body["tenant_access_token"].as_str().unwrap().to_owned()
}

/// A send message body with text content.
pub fn text(receive_id: &str, text: &str) -> Value {
    json!({
        "receive_id": receive_id,
        "msg_type": "text",
        "content": json!({"text": text}).to_string(),
    })
}

/// A valid card JSON 2.0 entity request.
pub fn card_request() -> Value {
    json!({
        "type": "card_json",
        "data": "{\"schema\":\"2.0\",\"header\":{\"title\":{\"content\":\"项目进度更新提醒\",\"tag\":\"plain_text\"}},\"config\":{\"streaming_mode\":true,\"summary\":{\"content\":\"\"}},\"body\":{\"elements\":[{\"tag\":\"markdown\",\"content\":\"截至今日，项目完成度已达80%\",\"element_id\":\"markdown_1\"}]}}",
    })
}

/// A valid feed card request for `user_ids`.
pub fn feed_card(user_ids: &[&str]) -> Value {
    json!({
        "app_feed_card": {
            "biz_id": "096e2927-40a6-41a3-9562-314d641d09ae",
            "title": "主标题",
            "link": {"link": "https://www.feishu.cn/"},
        },
        "user_ids": user_ids,
    })
}
