//! Many processes, one app, through a real Redis server: quotas, the tenant token and
//! throttles are shared, and sending goes on while Redis is away. The multi-process tests
//! run the fake as its own process (`larkmsg-fake --quotas`) and this test binary again as
//! each client process (`child_senders`).
#![cfg(feature = "fake")]
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod redis_support;

use std::collections::HashSet;
use std::io::{BufRead, BufReader, Read};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use larkmsg::fake::{DEFAULT_APP_ID, DEFAULT_APP_SECRET, FakeConfig, FakeServer, FaultKind, FaultPlan};
use larkmsg::{Client, ClientOptions, ReceiveIdType, SharedStore};
use redis_support::RedisServer;
use serde_json::{Value, json};

/// The tests run one at a time: each is timing-sensitive and starts several processes.
static ONE_AT_A_TIME: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

const SENDERS: usize = 64;
const PROCESSES: usize = 4;
const RECEIVERS: usize = 32;

/// One client process of the multi-process tests: 64 senders, one message each, paced
/// through the options in `LARKMSG_CHILD_OPTIONS`, the sender `n` starting after
/// `n × LARKMSG_CHILD_STAGGER_MS`; prints `RESULT {"sent":…,"failed":[…]}`.
#[test]
#[ignore = "a client process of the multi-process tests, started by them"]
fn child_senders() {
    let options: Value = serde_json::from_str(&std::env::var("LARKMSG_CHILD_OPTIONS").unwrap()).unwrap();
    let process: usize = std::env::var("LARKMSG_CHILD_PROCESS").unwrap().parse().unwrap();
    let stagger: u64 = std::env::var("LARKMSG_CHILD_STAGGER_MS").unwrap().parse().unwrap();
    let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();
    let (sent, failed) = runtime.block_on(async {
        let client = ClientOptions::from_json(options).unwrap().build().unwrap();
        let senders: Vec<_> = (0..SENDERS)
            .map(|sender| {
                let client = client.clone();
                tokio::spawn(async move {
                    tokio::time::sleep(Duration::from_millis(stagger * sender as u64)).await;
                    let n = process * SENDERS + sender;
                    let receiver = format!("ou_receiver_{}", n % RECEIVERS);
                    client.send_text(ReceiveIdType::OpenId, receiver, format!("message {n}")).await
                })
            })
            .collect();
        let (mut sent, mut failed) = (0, Vec::new());
        for sender in senders {
            match sender.await.unwrap() {
                Ok(_) => sent += 1,
                Err(error) => failed.push(error.to_string()),
            }
        }
        (sent, failed)
    });
    println!("RESULT {}", json!({"sent": sent, "failed": failed}));
}

/// The fake as its own process, enforcing the quotas.
struct FakeProcess {
    child: Child,
    url: String,
}

impl FakeProcess {
    fn start() -> Self {
        let mut child = Command::new(env!("CARGO_BIN_EXE_larkmsg-fake"))
            .args(["--quotas", "--exit-on-stdin-eof"])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .unwrap();
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap()).read_line(&mut line).unwrap();
        Self { child, url: line.trim_end().to_owned() }
    }

    async fn get(&self, control: &str) -> Value {
        let client = reqwest::Client::builder().no_proxy().build().unwrap();
        client.get(format!("{}/_fake/{control}", self.url)).send().await.unwrap().json().await.unwrap()
    }
}

impl Drop for FakeProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn options(fake_url: &str, redis_url: &str, prefix: &str) -> Value {
    json!({
        "app_id": DEFAULT_APP_ID, "app_secret": DEFAULT_APP_SECRET, "base_url": fake_url,
        "timeouts": {"total_ms": 60_000},
        "shared": {"redis_url": redis_url, "key_prefix": prefix, "fallback_share": 1.0 / PROCESSES as f64},
    })
}

/// Starts the client processes; each starts its senders `stagger_ms` apart.
fn spawn_children(options: &Value, stagger_ms: u64) -> Vec<Child> {
    (0..PROCESSES)
        .map(|process| {
            Command::new(std::env::current_exe().unwrap())
                .args(["child_senders", "--exact", "--ignored", "--nocapture", "--test-threads", "1"])
                .env("LARKMSG_CHILD_OPTIONS", options.to_string())
                .env("LARKMSG_CHILD_PROCESS", process.to_string())
                .env("LARKMSG_CHILD_STAGGER_MS", stagger_ms.to_string())
                .env("LARKMSG_LOG", "larkmsg::shared=info")
                .stdout(Stdio::piped())
                .stderr(Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect()
}

/// What one child process reported, and what it logged.
struct ChildReport {
    sent: u64,
    failed: Vec<Value>,
    stderr: String,
}

async fn wait_for(children: Vec<Child>) -> Vec<ChildReport> {
    tokio::task::spawn_blocking(move || {
        children
            .into_iter()
            .map(|mut child| {
                let (mut stdout, mut stderr) = (String::new(), String::new());
                child.stdout.take().unwrap().read_to_string(&mut stdout).unwrap();
                child.stderr.take().unwrap().read_to_string(&mut stderr).unwrap();
                assert!(child.wait().unwrap().success(), "a child process failed:\n{stdout}\n{stderr}");
                let line = stdout
                    .lines()
                    .find_map(|line| line.split_once("RESULT ").map(|(_, result)| result))
                    .expect("a RESULT line");
                let result: Value = serde_json::from_str(line).unwrap();
                ChildReport {
                    sent: result["sent"].as_u64().unwrap(),
                    failed: result["failed"].as_array().unwrap().clone(),
                    stderr,
                }
            })
            .collect()
    })
    .await
    .unwrap()
}

/// Every message of every process is in the fake's inbox exactly once.
async fn assert_each_message_delivered_once(fake: &FakeProcess, reports: &[ChildReport]) {
    for report in reports {
        assert!(report.failed.is_empty(), "failed sends: {:?}", report.failed);
        assert_eq!(report.sent, SENDERS as u64);
    }
    let inbox = fake.get("inbox").await;
    let texts: Vec<String> = inbox["messages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["content"].as_str().unwrap().to_owned())
        .collect();
    let unique: HashSet<&String> = texts.iter().collect();
    assert_eq!(texts.len(), PROCESSES * SENDERS, "messages in the inbox");
    assert_eq!(unique.len(), texts.len(), "a message was delivered twice");
}

fn sum(counters: &Value) -> u64 {
    counters.as_object().map_or(0, |map| map.values().filter_map(Value::as_u64).sum())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn four_processes_of_64_senders_share_the_quotas_and_one_token() {
    let _serial = ONE_AT_A_TIME.lock().await;
    let Some(redis) = RedisServer::start() else { return };
    let fake = FakeProcess::start();
    let start = Instant::now();
    let reports = wait_for(spawn_children(&options(&fake.url, &redis.url(), "four:"), 0)).await;
    let elapsed = start.elapsed();
    assert_each_message_delivered_once(&fake, &reports).await;
    let counters = fake.get("counters").await;
    println!("{} sends from {PROCESSES} processes in {elapsed:?}; counters {counters}", PROCESSES * SENDERS);
    assert_eq!(sum(&counters["throttled"]), 0, "throttled answers: the processes do not share the quotas");
    assert_eq!(sum(&counters["token_requests"]), 1, "token requests: the processes do not share the token");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn redis_stopped_and_restarted_mid_run_loses_and_duplicates_nothing() {
    let _serial = ONE_AT_A_TIME.lock().await;
    let Some(mut redis) = RedisServer::start() else { return };
    let fake = FakeProcess::start();
    // Senders start over 5 s, so that calls begin before, during and after the outage.
    let children = spawn_children(&options(&fake.url, &redis.url(), "restart:"), 80);
    tokio::time::sleep(Duration::from_millis(1500)).await;
    redis.stop();
    tokio::time::sleep(Duration::from_millis(1500)).await;
    redis.restart();
    let reports = wait_for(children).await;
    assert_each_message_delivered_once(&fake, &reports).await;
    let warned = reports.iter().filter(|r| r.stderr.contains("Redis does not answer")).count();
    assert!(warned > 0, "no process noticed that Redis was gone");
    for report in &reports {
        let warnings = report.stderr.matches("Redis does not answer").count();
        assert!(warnings <= 1, "an outage is logged once, not {warnings} times:\n{}", report.stderr);
    }
    // Back on Redis once it returned: the restarted server holds the send quota's lane.
    let mut connection =
        redis::Client::open(redis.url()).unwrap().get_multiplexed_async_connection().await.unwrap();
    let key = format!("restart:{{{DEFAULT_APP_ID}:self}}:quota:send_message");
    let counted: u64 = redis::cmd("ZCARD").arg(&key).query_async(&mut connection).await.unwrap();
    let logs: Vec<&str> = reports.iter().map(|r| r.stderr.as_str()).collect();
    assert!(counted > 0, "no call was counted in Redis after it returned: {logs:#?}");
}

fn shared_client(fake: &FakeServer, redis: &RedisServer, prefix: &str) -> Client {
    Client::builder(DEFAULT_APP_ID, DEFAULT_APP_SECRET)
        .base_url(fake.url())
        .shared_store(SharedStore::redis(redis.url()).key_prefix(prefix))
        .build()
        .unwrap()
}

/// A 429 seen by one client holds the endpoint for the others sharing the store.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_throttle_seen_by_one_process_holds_the_others() {
    let _serial = ONE_AT_A_TIME.lock().await;
    let Some(redis) = RedisServer::start() else { return };
    let fake = FakeServer::start(FakeConfig::default()).await.unwrap();
    let (first, second) = (shared_client(&fake, &redis, "hold:"), shared_client(&fake, &redis, "hold:"));
    second.send_text(ReceiveIdType::OpenId, "ou_warm", "warm").await.unwrap();
    fake.inject(FaultPlan::next(FaultKind::RateLimit, 1).on("send_message")).unwrap();
    let throttled = tokio::spawn(async move { first.send_text(ReceiveIdType::OpenId, "ou_a", "a").await });
    let deadline = Instant::now() + Duration::from_secs(5);
    while fake.counters().faults.get("rate_limit").copied().unwrap_or(0) == 0 {
        assert!(Instant::now() < deadline, "the fault was not hit");
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    tokio::time::sleep(Duration::from_millis(50)).await;
    let start = Instant::now();
    second.send_text(ReceiveIdType::OpenId, "ou_b", "b").await.unwrap();
    let waited = start.elapsed();
    throttled.await.unwrap().unwrap();
    // The platform said 1 s; 50 ms of it had passed.
    assert!(waited >= Duration::from_millis(800), "the other client did not wait for the hold: {waited:?}");
    assert_eq!(fake.counters().faults.get("rate_limit"), Some(&1));
    assert_eq!(fake.inbox().messages.len(), 3);
}

/// Clients sharing the store fetch one token; a rejected one is replaced once for all.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn clients_sharing_the_store_fetch_one_token_and_replace_a_rejected_one_once() {
    let _serial = ONE_AT_A_TIME.lock().await;
    let Some(redis) = RedisServer::start() else { return };
    let fake = FakeServer::start(FakeConfig::default()).await.unwrap();
    let clients: Vec<_> = (0..4).map(|_| shared_client(&fake, &redis, "tokens:")).collect();
    let send_all = |round: &'static str| {
        let tasks: Vec<_> = clients
            .iter()
            .flat_map(|client| (0..16).map(move |n| (client.clone(), n)))
            .map(|(client, n)| {
                tokio::spawn(async move {
                    client.send_text(ReceiveIdType::OpenId, format!("ou_{n}"), format!("{round} {n}")).await
                })
            })
            .collect::<Vec<_>>();
        async move {
            for task in tasks {
                task.await.unwrap().unwrap();
            }
        }
    };
    send_all("first").await;
    let fetched: u64 = fake.counters().token_requests.values().sum();
    assert_eq!(fetched, 1, "token requests of 4 clients sharing the store");
    fake.revoke_tokens();
    send_all("second").await;
    let fetched: u64 = fake.counters().token_requests.values().sum();
    assert_eq!(fetched, 2, "a rejected token is replaced once, not once per client");
    assert_eq!(fake.inbox().messages.len(), 128);
}

/// Redis unreachable from the start (a closed port, or a server that never answers):
/// every call is sent, paced locally, and none waits past its deadline for Redis.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sending_goes_on_when_redis_is_unreachable_from_the_start() {
    let _serial = ONE_AT_A_TIME.lock().await;
    let fake = FakeServer::start(FakeConfig::default()).await.unwrap();
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    // Accepts connections and never answers.
    let silent = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let silent_port = silent.local_addr().unwrap().port();
    tokio::spawn(async move {
        let mut held = Vec::new();
        while let Ok((socket, _)) = silent.accept().await {
            held.push(socket);
        }
    });
    for port in [closed, silent_port] {
        let client = Client::builder(DEFAULT_APP_ID, DEFAULT_APP_SECRET)
            .base_url(fake.url())
            .shared_store(
                SharedStore::redis(format!("redis://127.0.0.1:{port}")).timeout(Duration::from_millis(100)),
            )
            .timeouts(larkmsg::Timeouts::default().with_total(Duration::from_secs(3)))
            .build()
            .unwrap();
        let start = Instant::now();
        let sends: Vec<_> = (0..20)
            .map(|n| {
                let client = client.clone();
                tokio::spawn(async move {
                    client
                        .send_text(ReceiveIdType::OpenId, format!("ou_{n}"), format!("port {port} {n}"))
                        .await
                })
            })
            .collect();
        for send in sends {
            send.await.unwrap().unwrap();
        }
        assert!(
            start.elapsed() < Duration::from_secs(3),
            "Redis on port {port} held calls up: {:?}",
            start.elapsed()
        );
    }
    assert_eq!(fake.inbox().messages.len(), 40);
}

/// A card's `sequence` is shared: clients taking turns on one card entity (as processes
/// would) each get one above every sequence used, so the platform accepts every update.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn clients_sharing_the_store_take_turns_on_one_card() {
    let _serial = ONE_AT_A_TIME.lock().await;
    let Some(redis) = RedisServer::start() else { return };
    let fake = FakeServer::start(FakeConfig::default()).await.unwrap();
    let clients = [shared_client(&fake, &redis, "cards:"), shared_client(&fake, &redis, "cards:")];
    let card = json!({"schema": "2.0", "body": {"elements": [{"tag": "markdown", "element_id": "a", "content": "x"}]}});
    let created =
        clients[0].create_card(larkmsg::CreateCardRequest::card_json(card.to_string())).await.unwrap();
    let mut used = Vec::new();
    for turn in 0..6 {
        let client = &clients[turn % 2];
        let sequence = client.next_card_sequence(&created.card_id).await;
        let settings = json!({"config": {"summary": {"content": format!("turn {turn}")}}});
        let request = larkmsg::UpdateCardSettingsRequest::new(&created.card_id, &settings, sequence);
        client.update_card_settings(request).await.unwrap();
        used.push(sequence);
    }
    assert_eq!(used, vec![1, 2, 3, 4, 5, 6]);
    assert_eq!(fake.card(&created.card_id).unwrap()["sequence"], json!(6));
}
