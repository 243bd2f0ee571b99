//! Proxies from the environment: `HTTP_PROXY` and `HTTPS_PROXY` are used, but a loopback
//! base URL (a fake server) never goes through them. One test in its own binary, since it
//! sets environment variables.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod hostile;

use std::time::Duration;

use hostile::{Hostile, Reply, Request};
use larkmsg::{Client, ErrorKind, QuotaTable, ReceiveIdType, RetryPolicy};

const PROXY_VARIABLES: [&str; 6] =
    ["HTTP_PROXY", "HTTPS_PROXY", "NO_PROXY", "http_proxy", "https_proxy", "no_proxy"];

/// Answers as the platform would: a token on the auth endpoints, a message elsewhere;
/// refuses tunnels (`CONNECT`).
fn platform(request: &Request) -> Reply {
    match (request.method.as_str(), request.path.contains("/open-apis/auth/")) {
        ("CONNECT", _) => hostile::json(403, "", ""),
        (_, true) => hostile::token("t-proxied", 7200),
        _ => hostile::message(),
    }
}

fn client(base_url: &str, insecure_host: Option<&str>) -> Client {
    let mut builder = Client::builder("cli_1", "secret")
        .base_url(base_url)
        .quotas(QuotaTable::unlimited())
        .retry(RetryPolicy::default().with_max_attempts(1));
    if let Some(host) = insecure_host {
        builder = builder.insecure_http_host(host);
    }
    builder.build().unwrap()
}

#[tokio::test]
async fn environment_proxies_are_used_except_for_loopback() {
    let proxy = Hostile::start(platform).await;
    let direct = Hostile::start(platform).await;
    let saved: Vec<_> = PROXY_VARIABLES.iter().map(|name| (*name, std::env::var_os(name))).collect();
    // SAFETY: this binary's only test; no other thread reads the environment meanwhile.
    unsafe {
        PROXY_VARIABLES.iter().for_each(|name| std::env::remove_var(name));
        std::env::set_var("HTTP_PROXY", proxy.url());
        std::env::set_var("HTTPS_PROXY", proxy.url());
    }
    // Clients read the environment when they are built.
    let loopback = client(&direct.url(), None);
    let plain = client("http://feishu.invalid", Some("feishu.invalid"));
    let secure = client("https://open.feishu.cn", None);
    // SAFETY: as above.
    unsafe {
        for (name, value) in saved {
            match value {
                Some(value) => std::env::set_var(name, value),
                None => std::env::remove_var(name),
            }
        }
    }

    loopback.send_text(ReceiveIdType::OpenId, "ou_1", "direct").await.unwrap();
    assert_eq!(direct.requests().len(), 2, "token and message, straight to the loopback server");
    assert!(proxy.requests().is_empty(), "a loopback base URL went through the proxy");

    plain.send_text(ReceiveIdType::OpenId, "ou_1", "proxied").await.unwrap();
    let proxied = proxy.requests();
    assert_eq!(proxied.len(), 2);
    assert!(proxied.iter().all(|r| r.path.starts_with("http://feishu.invalid/open-apis/")), "{proxied:?}");

    let error = tokio::time::timeout(
        Duration::from_secs(30),
        secure.send_text(ReceiveIdType::OpenId, "ou_1", "tunnel"),
    )
    .await
    .unwrap()
    .unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Network, "{error}");
    let tunnels: Vec<_> = proxy.requests().into_iter().filter(|r| r.method == "CONNECT").collect();
    assert_eq!(tunnels.len(), 1);
    assert_eq!(tunnels[0].path, "open.feishu.cn:443");
}
