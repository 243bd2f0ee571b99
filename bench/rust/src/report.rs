//! The summary a send run prints: counts, errors and nearest-rank latency percentiles.

use std::collections::BTreeMap;
use std::time::Duration;

use serde_json::{Value, json};

/// What every sender recorded.
#[derive(Debug, Default)]
pub struct Record {
    /// Latency of every completed call.
    pub latencies: Vec<Duration>,
    /// Failed calls per error label.
    pub errors: BTreeMap<String, u64>,
}

impl Record {
    /// Adds another sender's record.
    pub fn merge(&mut self, other: Record) {
        self.latencies.extend(other.latencies);
        for (label, n) in other.errors {
            *self.errors.entry(label).or_default() += n;
        }
    }
}

/// The protocol's send summary.
pub fn summary(mut record: Record, count: usize, elapsed: Duration) -> Value {
    record.latencies.sort_unstable();
    let attempted = record.latencies.len();
    let failed: u64 = record.errors.values().sum();
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    json!({
        "attempted": attempted,
        "succeeded": attempted as u64 - failed,
        "failed": failed,
        "errors": record.errors,
        "elapsed_s": elapsed.as_secs_f64(),
        "latency_ms": {
            "p50": nearest_rank(&record.latencies, 50.0).map(ms),
            "p99": nearest_rank(&record.latencies, 99.0).map(ms),
            "max": record.latencies.last().copied().map(ms),
        },
        "truncated": attempted < count,
    })
}

/// The nearest-rank percentile of sorted values.
fn nearest_rank(sorted: &[Duration], percent: f64) -> Option<Duration> {
    let rank = (percent / 100.0 * sorted.len() as f64).ceil() as usize;
    sorted.get(rank.max(1) - 1).copied()
}
