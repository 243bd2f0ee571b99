//! Campaigns that survive a crash: the campaign runs in a child process (this test binary
//! run again as `campaign_child`) against the `larkmsg-fake` binary, is killed with
//! SIGKILL half-way, then run again; the fake must hold exactly one message per receiver.
//!
//! - `a_campaign_killed_half_way_and_rerun_sends_each_receiver_once`: 10,000 receivers
//!   (`LARKMSG_CAMPAIGN_RECEIVERS`), quotas off so that it takes seconds.
//! - `a_campaign_keeps_the_documented_pace`: the fake enforcing the platform's quotas and
//!   the client pacing itself to them; prints the campaign's time against the least the
//!   quotas allow. `LARKMSG_CAMPAIGN_PACE_RECEIVERS` (default 300: about 6 s) sets its size,
//!   `LARKMSG_CAMPAIGN_PACE_KILL=1` kills and reruns it half-way too, and
//!   `LARKMSG_CAMPAIGN_PACE_MAX_RATIO` (default 1.25, generous for a loaded machine) bounds
//!   the ratio.
#![cfg(feature = "fake")]
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::HashSet;
use std::io::{BufRead, BufReader, Write as _};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use larkmsg::fake::{DEFAULT_APP_ID, DEFAULT_APP_SECRET};
use larkmsg::{CampaignRequest, Client, MsgType, Quota, QuotaTable, ReceiveIdType, RetryPolicy, Timeouts};
use serde_json::Value;

const CHILD: &str = "LARKMSG_CAMPAIGN_CHILD";

fn env_number(name: &str, default: u64) -> u64 {
    std::env::var(name).ok().and_then(|value| value.parse().ok()).unwrap_or(default)
}

/// The fake, as its own process.
fn start_fake(quotas: bool) -> (Child, String) {
    let mut args = vec!["--exit-on-stdin-eof"];
    if quotas {
        args.push("--quotas");
    }
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

/// This test binary again, running only `campaign_child` with the campaign in its environment.
fn start_campaign(url: &str, receivers: u64, journal: &Path, paced: bool) -> Child {
    Command::new(std::env::current_exe().unwrap())
        .args(["--exact", "campaign_child", "--nocapture", "--test-threads=1"])
        .env(CHILD, url)
        .env("LARKMSG_CAMPAIGN_CHILD_RECEIVERS", receivers.to_string())
        .env("LARKMSG_CAMPAIGN_CHILD_JOURNAL", journal)
        .env("LARKMSG_CAMPAIGN_CHILD_PACED", if paced { "1" } else { "0" })
        .stdout(Stdio::piped())
        .spawn()
        .unwrap()
}

/// Reads the child's lines until it reports `stop_at` receivers done (then kills it with
/// SIGKILL) or exits; gives the last `report` line.
fn follow(mut child: Child, stop_at: Option<u64>) -> Option<String> {
    let mut report = None;
    for line in BufReader::new(child.stdout.take().unwrap()).lines() {
        let line = line.unwrap();
        if let Some(done) = line.strip_prefix("progress ").and_then(|n| n.parse::<u64>().ok())
            && stop_at.is_some_and(|stop| done >= stop)
        {
            child.kill().unwrap();
            break;
        }
        if line.starts_with("report ") {
            report = Some(line);
        }
    }
    let status = child.wait().unwrap();
    if stop_at.is_none() {
        assert!(status.success(), "the campaign's process failed: {status}");
    }
    report
}

/// The receivers of the fake's inbox (every message's `receive_id`) and their uuids.
fn inbox(url: &str) -> (Vec<String>, HashSet<String>) {
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    let inbox: Value = runtime.block_on(async {
        let http = reqwest::Client::builder().no_proxy().build().unwrap();
        http.get(format!("{url}/_fake/inbox")).send().await.unwrap().json().await.unwrap()
    });
    let messages = inbox["messages"].as_array().unwrap();
    let receivers = messages.iter().map(|m| m["receive_id"].as_str().unwrap().to_owned()).collect();
    let uuids = messages.iter().map(|m| m["uuid"].as_str().unwrap().to_owned()).collect();
    (receivers, uuids)
}

/// The least time the quotas allow for `calls` calls started as early as they may be: the
/// start of the last one when each starts as soon as every window has room.
fn quota_floor(quotas: &[Quota], calls: usize) -> Duration {
    let mut starts: Vec<Duration> = Vec::with_capacity(calls);
    for k in 0..calls {
        let mut at = starts.last().copied().unwrap_or_default();
        for quota in quotas {
            let limit = quota.limit as usize;
            if k >= limit {
                at = at.max(starts[k - limit] + quota.per);
            }
        }
        starts.push(at);
    }
    starts.last().copied().unwrap_or_default()
}

struct Run {
    elapsed: Duration,
    resumed: u64,
}

fn run_campaign(url: &str, receivers: u64, paced: bool, kill: bool, name: &str) -> Run {
    let dir = std::env::temp_dir().join(format!("larkmsg-{name}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let journal = dir.join("journal.jsonl");
    let started = Instant::now();
    if kill {
        let first = follow(start_campaign(url, receivers, &journal, paced), Some(receivers / 2));
        assert!(first.is_none(), "the first run finished before it was killed");
    }
    let report = follow(start_campaign(url, receivers, &journal, paced), None).expect("a report");
    let elapsed = started.elapsed();
    let field = |key: &str| -> u64 {
        let prefix = format!("{key}=");
        report.split(' ').find_map(|part| part.strip_prefix(&prefix)).unwrap().parse().unwrap()
    };
    assert_eq!((field("sent"), field("failed"), field("pending")), (receivers, 0, 0), "{report}");
    let (inboxed, uuids) = inbox(url);
    let unique: HashSet<&String> = inboxed.iter().collect();
    assert_eq!(inboxed.len() as u64, receivers, "exactly one message per receiver");
    assert_eq!(unique.len() as u64, receivers, "no receiver twice");
    assert_eq!(uuids.len() as u64, receivers, "one uuid per receiver");
    std::fs::remove_dir_all(&dir).unwrap();
    Run { elapsed, resumed: field("resumed") }
}

#[test]
fn a_campaign_killed_half_way_and_rerun_sends_each_receiver_once() {
    let receivers = env_number("LARKMSG_CAMPAIGN_RECEIVERS", 10_000);
    let (mut fake, url) = start_fake(false);
    let run = run_campaign(&url, receivers, false, true, "crash");
    assert!(run.resumed >= receivers / 2 - 256, "the rerun skipped what the journal holds: {}", run.resumed);
    println!(
        "campaign of {receivers} receivers killed half-way and rerun: {:.1} s, {} resumed",
        run.elapsed.as_secs_f64(),
        run.resumed
    );
    drop(fake.stdin.take());
    fake.wait().unwrap();
}

#[test]
fn a_campaign_keeps_the_documented_pace() {
    let receivers = env_number("LARKMSG_CAMPAIGN_PACE_RECEIVERS", 300);
    let kill = env_number("LARKMSG_CAMPAIGN_PACE_KILL", 0) == 1;
    let max_ratio: f64 =
        std::env::var("LARKMSG_CAMPAIGN_PACE_MAX_RATIO").ok().and_then(|v| v.parse().ok()).unwrap_or(1.25);
    let (mut fake, url) = start_fake(true);
    let run = run_campaign(&url, receivers, true, kill, "pace");
    let quotas = larkmsg::Endpoint::SendMessage.quotas();
    let floor = quota_floor(quotas, receivers as usize);
    let ratio = run.elapsed.as_secs_f64() / floor.as_secs_f64().max(0.001);
    println!(
        "campaign of {receivers} receivers{}: {:.1} s; the quotas allow {:.1} s; ratio {ratio:.3}",
        if kill { " (killed half-way and rerun)" } else { "" },
        run.elapsed.as_secs_f64(),
        floor.as_secs_f64()
    );
    assert!(ratio <= max_ratio, "ratio {ratio:.3} over {max_ratio}");
    drop(fake.stdin.take());
    fake.wait().unwrap();
}

/// The campaign's process (started by the tests above; does nothing on its own).
#[test]
fn campaign_child() {
    let Ok(url) = std::env::var(CHILD) else { return };
    let receivers = env_number("LARKMSG_CAMPAIGN_CHILD_RECEIVERS", 0);
    let journal = std::env::var("LARKMSG_CAMPAIGN_CHILD_JOURNAL").unwrap();
    let paced = env_number("LARKMSG_CAMPAIGN_CHILD_PACED", 0) == 1;
    let quotas = if paced { QuotaTable::documented() } else { QuotaTable::unlimited() };
    let client = Client::builder(DEFAULT_APP_ID, DEFAULT_APP_SECRET)
        .base_url(url)
        .quotas(quotas)
        // After a restart the fake may hold the rest of a minute's window.
        .retry(RetryPolicy::default().with_max_throttle_wait(Duration::from_secs(61)))
        .timeouts(Timeouts::default().with_total(Duration::from_secs(180)))
        .build()
        .unwrap();
    let ids: Vec<String> = (0..receivers).map(|i| format!("ou_campaign_{i}")).collect();
    let campaign = CampaignRequest::new(
        "spring-sale",
        ReceiveIdType::OpenId,
        ids,
        MsgType::Text,
        r#"{"text":"春季促销"}"#,
    )
    .journal(journal);
    let mut stdout = std::io::stdout();
    let report = client
        .blocking()
        .send_campaign(campaign, |progress| {
            let _ = writeln!(stdout, "progress {}", progress.done);
        })
        .unwrap();
    let resumed = report.sent.iter().filter(|sent| sent.resumed).count();
    println!(
        "report sent={} failed={} pending={} resumed={resumed}",
        report.sent.len(),
        report.failed.len(),
        report.pending.len()
    );
}
