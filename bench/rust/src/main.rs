//! `larkmsg-bench-driver '<params JSON>'`: the Rust column of the benchmark suite.
//!
//! Construct mode times `Client::builder(…).build()`; send mode runs `concurrency` tasks on
//! one client, each taking the next index from a shared counter and awaiting
//! `send_text` (with the variant `blocking`, `concurrency` OS threads calling
//! `BlockingClient::send_text`); campaign mode makes one `send_campaign` call to every
//! receiver. The last line of stdout is the result as JSON (see bench/README.md).
//! `LARKMSG_LOG` (e.g. `debug`) writes larkmsg's log to stderr, as in the bindings.

mod params;
mod report;

use std::process::ExitCode;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use larkmsg::{
    BlockingClient, CampaignRequest, Client, MsgType, QuotaTable, ReceiveIdType, SharedStore,
    StreamCardOptions,
};
use serde_json::json;

use params::{Mode, Params};
use report::Record;

#[tokio::main]
async fn main() -> ExitCode {
    let Some(raw) = std::env::args().nth(1) else {
        eprintln!("usage: larkmsg-bench-driver '<params JSON>'");
        return ExitCode::from(2);
    };
    let params: Params = match serde_json::from_str(&raw) {
        Ok(params) => params,
        Err(error) => {
            eprintln!("invalid params: {error}");
            return ExitCode::from(2);
        }
    };
    // The bindings' clients read LARKMSG_LOG when they are built; a Rust client does not.
    if let Ok(directive) = std::env::var(larkmsg::logging::ENV_VAR)
        && let Err(error) = larkmsg::logging::enable(&directive)
    {
        eprintln!("{}: {error}", larkmsg::logging::ENV_VAR);
        return ExitCode::from(2);
    }
    let started = Instant::now();
    let client = match build(&params) {
        Ok(client) => client,
        Err(error) => {
            eprintln!("cannot build the client: {error}");
            return ExitCode::FAILURE;
        }
    };
    let blocking = params.variant.as_deref() == Some("blocking");
    let result = match params.mode {
        Mode::Construct => json!({"construct_ms": started.elapsed().as_secs_f64() * 1000.0}),
        // The blocking facade refuses to run on a runtime's thread.
        Mode::Send if blocking => {
            tokio::task::spawn_blocking(move || send_blocking(&client.blocking(), &params))
                .await
                .unwrap_or_else(|error| json!({"error": error.to_string()}))
        }
        Mode::Send => send(client, &params).await,
        Mode::Stream => stream(client, &params).await,
        Mode::Campaign => campaign(client, &params).await,
    };
    println!("{result}");
    ExitCode::SUCCESS
}

fn build(params: &Params) -> larkmsg::Result<Client> {
    let mut builder =
        Client::builder(params.app_id.as_str(), params.app_secret.as_str()).base_url(&params.base_url);
    if !params.pacing {
        builder = builder.quotas(QuotaTable::unlimited());
    }
    if let Some(url) = &params.redis_url {
        builder = builder.shared_store(SharedStore::redis(url.as_str()));
    }
    builder.build()
}

async fn send(client: Client, params: &Params) -> serde_json::Value {
    let next = Arc::new(AtomicUsize::new(0));
    let receivers: Arc<[String]> = params.receivers.clone().into();
    let started = Instant::now();
    let stop_at = started + Duration::from_secs_f64(params.max_seconds);
    let senders: Vec<_> = (0..params.concurrency.max(1))
        .map(|_| {
            tokio::spawn(sender(
                client.clone(),
                Arc::clone(&next),
                Arc::clone(&receivers),
                params.count,
                stop_at,
                Duration::from_millis(params.pause_ms),
            ))
        })
        .collect();
    let mut record = Record::default();
    for sender in senders {
        if let Ok(part) = sender.await {
            record.merge(part);
        }
    }
    report::summary(record, params.count, started.elapsed())
}

/// Send mode from OS threads, each calling the blocking facade.
fn send_blocking(client: &BlockingClient, params: &Params) -> serde_json::Value {
    let next = AtomicUsize::new(0);
    let started = Instant::now();
    let stop_at = started + Duration::from_secs_f64(params.max_seconds);
    let record = std::thread::scope(|scope| {
        let senders: Vec<_> = (0..params.concurrency.max(1))
            .map(|_| {
                scope.spawn(|| {
                    let mut record = Record::default();
                    loop {
                        let i = next.fetch_add(1, Ordering::Relaxed);
                        if i >= params.count || params.receivers.is_empty() || Instant::now() >= stop_at {
                            return record;
                        }
                        let receiver = params.receivers[i % params.receivers.len()].as_str();
                        let call = Instant::now();
                        let outcome = client.send_text(ReceiveIdType::OpenId, receiver, format!("bench {i}"));
                        record.latencies.push(call.elapsed());
                        if let Err(error) = outcome {
                            *record.errors.entry(report::label(&error)).or_default() += 1;
                        }
                    }
                })
            })
            .collect();
        let mut record = Record::default();
        for sender in senders {
            if let Ok(part) = sender.join() {
                record.merge(part);
            }
        }
        record
    });
    report::summary(record, params.count, started.elapsed())
}

/// Sends one campaign to every receiver and reports it as a send run (no latencies: the
/// sends are the campaign's own).
async fn campaign(client: Client, params: &Params) -> serde_json::Value {
    let request = CampaignRequest::new(
        params.campaign_id.as_str(),
        ReceiveIdType::OpenId,
        params.receivers.iter().map(String::as_str),
        MsgType::Text,
        json!({"text": "bench campaign"}).to_string(),
    )
    .concurrency(u32::try_from(params.concurrency).unwrap_or(u32::MAX));
    let started = Instant::now();
    let report = match client.send_campaign(request, |_| ()).await {
        Ok(report) => report,
        Err(error) => return json!({"error": error.to_string()}),
    };
    let elapsed = started.elapsed();
    let mut record = Record::default();
    for failure in &report.failed {
        *record.errors.entry(report::label(&failure.error)).or_default() += 1;
    }
    if !report.pending.is_empty() {
        *record.errors.entry("pending".to_owned()).or_default() += report.pending.len() as u64;
    }
    report::campaign_summary(record, report.sent.len(), params.receivers.len(), elapsed)
}

/// The `n`th token of the benchmark's answer (the same in every driver).
fn token(n: usize) -> String {
    format!("tok{n} ")
}

/// Streams `count` tokens at `rate` per second into a card entity through the helper.
async fn stream(client: Client, params: &Params) -> serde_json::Value {
    let receiver = params.receivers.first().cloned().unwrap_or_default();
    let stream =
        match client.stream_card(StreamCardOptions::to_receiver(ReceiveIdType::OpenId, receiver)).await {
            Ok(stream) => stream,
            Err(error) => return json!({"error": error.to_string()}),
        };
    let started = tokio::time::Instant::now();
    let every = Duration::from_secs_f64(1.0 / params.rate.max(1.0));
    for n in 0..params.count {
        tokio::time::sleep_until(started + every * u32::try_from(n).unwrap_or(u32::MAX)).await;
        if let Err(error) = stream.append(&token(n)) {
            return json!({"error": error.to_string()});
        }
    }
    let last_token = Instant::now();
    match stream.finish().await {
        Ok(summary) => json!({
            "card_id": summary.card_id,
            "tokens": params.count,
            "elapsed_s": started.elapsed().as_secs_f64(),
            "last_token_to_final_text_ms": summary.final_text_ms,
            "last_token_to_finished_ms": last_token.elapsed().as_secs_f64() * 1000.0,
            "operations": summary.operations,
        }),
        Err(error) => json!({"error": error.to_string()}),
    }
}

async fn sender(
    client: Client,
    next: Arc<AtomicUsize>,
    receivers: Arc<[String]>,
    count: usize,
    stop_at: Instant,
    pause: Duration,
) -> Record {
    let mut record = Record::default();
    loop {
        let i = next.fetch_add(1, Ordering::Relaxed);
        if i >= count || receivers.is_empty() || Instant::now() >= stop_at {
            return record;
        }
        let receiver = receivers[i % receivers.len()].as_str();
        let call = Instant::now();
        let outcome = client.send_text(ReceiveIdType::OpenId, receiver, format!("bench {i}")).await;
        record.latencies.push(call.elapsed());
        if let Err(error) = outcome {
            *record.errors.entry(report::label(&error)).or_default() += 1;
        }
        if !pause.is_zero() {
            tokio::time::sleep(pause).await;
        }
    }
}
