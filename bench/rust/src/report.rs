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

/// A campaign's summary in the send protocol: `sent` of `count` receivers succeeded, the
/// others failed (`record.errors`); latencies are not measured.
pub fn campaign_summary(record: Record, sent: usize, count: usize, elapsed: Duration) -> Value {
    let failed: u64 = record.errors.values().sum();
    json!({
        "attempted": sent as u64 + failed,
        "succeeded": sent,
        "failed": failed,
        "errors": record.errors,
        "elapsed_s": elapsed.as_secs_f64(),
        "latency_ms": {"p50": null, "p99": null, "max": null},
        "truncated": (sent as u64 + failed) < count as u64,
    })
}

/// How a failure is counted: its kind, and the platform's code when there is one.
pub fn label(error: &larkmsg::Error) -> String {
    match error.code() {
        Some(code) => format!("{}:{code}", error.kind()),
        None => error.kind().to_string(),
    }
}

/// The nearest-rank percentile of sorted values.
fn nearest_rank(sorted: &[Duration], percent: f64) -> Option<Duration> {
    let rank = (percent / 100.0 * sorted.len() as f64).ceil() as usize;
    sorted.get(rank.max(1) - 1).copied()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ms(values: &[u64]) -> Vec<Duration> {
        values.iter().map(|v| Duration::from_millis(*v)).collect()
    }

    #[test]
    fn percentiles_are_nearest_rank() {
        let sorted = ms(&(1..=100).collect::<Vec<_>>());
        assert_eq!(nearest_rank(&sorted, 50.0), Some(Duration::from_millis(50)));
        assert_eq!(nearest_rank(&sorted, 99.0), Some(Duration::from_millis(99)));
        assert_eq!(nearest_rank(&ms(&[7]), 99.0), Some(Duration::from_millis(7)));
        assert_eq!(nearest_rank(&[], 50.0), None);
    }

    #[test]
    fn summary_counts_failures_and_truncation() {
        let mut record = Record { latencies: ms(&[3, 1, 2]), errors: BTreeMap::new() };
        record
            .merge(Record { latencies: ms(&[4]), errors: BTreeMap::from([("auth:99991663".to_owned(), 1)]) });
        let value = summary(record, 5, Duration::from_secs(2));
        assert_eq!(value["attempted"], 4);
        assert_eq!(value["succeeded"], 3);
        assert_eq!(value["failed"], 1);
        assert_eq!(value["errors"]["auth:99991663"], 1);
        assert_eq!(value["latency_ms"]["p50"], 2.0);
        assert_eq!(value["latency_ms"]["max"], 4.0);
        assert_eq!(value["truncated"], true);
    }
}
