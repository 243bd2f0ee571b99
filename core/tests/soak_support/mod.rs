//! The soak's record of outcomes and the table it prints.

use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::time::Duration;

use larkmsg::ErrorKind;
use larkmsg::fake::{Counters, FaultRecord};

/// What a caller learnt from a failed call.
#[derive(Debug, Clone)]
pub struct Failure {
    pub kind: ErrorKind,
    pub maybe_sent: bool,
    pub message: String,
}

impl From<larkmsg::Error> for Failure {
    fn from(error: larkmsg::Error) -> Self {
        Self { kind: error.kind(), maybe_sent: error.maybe_sent(), message: error.to_string() }
    }
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} (maybe_sent {})", self.message, self.maybe_sent)
    }
}

/// Failed calls of one error kind and `maybe_sent` value, and how many were stored anyway.
#[derive(Debug, Default, Clone, Copy)]
struct Failed {
    calls: usize,
    stored: usize,
}

/// Faults of one kind: injected, and processed by the fake before failing.
#[derive(Debug, Default, Clone, Copy)]
struct Injected {
    send_message: u64,
    batch_send: u64,
    processed: u64,
}

/// Everything the soak counts, printed as one table.
#[derive(Debug, Default)]
pub struct Report {
    sends: usize,
    senders: usize,
    seed: u64,
    elapsed: Duration,
    faults: BTreeMap<String, Injected>,
    requests: BTreeMap<String, u64>,
    token_requests: u64,
    connections: u64,
    succeeded: usize,
    failed: BTreeMap<(&'static str, bool), Failed>,
    unexplained_maybe_sent: (usize, u64),
    remedied: usize,
    remedy_calls: usize,
    remedy_already_stored: usize,
    batches_sent: usize,
    batches_failed: BTreeMap<(&'static str, bool), Failed>,
    inbox_messages: usize,
    distinct_uuids: usize,
    inbox_batches: usize,
    distinct_markers: usize,
}

impl Report {
    pub fn new(sends: usize, senders: usize, seed: u64) -> Self {
        Self { sends, senders, seed, ..Self::default() }
    }

    pub fn message_succeeded(&mut self) {
        self.succeeded += 1;
    }

    pub fn message_failed(&mut self, failure: &Failure, stored: bool) {
        let entry = self.failed.entry((failure.kind.as_str(), failure.maybe_sent)).or_default();
        entry.calls += 1;
        entry.stored += usize::from(stored);
    }

    pub fn unexplained_maybe_sent(&mut self, calls: usize, drops_before_read: u64) {
        self.unexplained_maybe_sent = (calls, drops_before_read);
    }

    pub fn batch(&mut self, result: &Result<String, Failure>, copies: usize) {
        match result {
            Ok(_) => self.batches_sent += 1,
            Err(failure) => {
                let entry =
                    self.batches_failed.entry((failure.kind.as_str(), failure.maybe_sent)).or_default();
                entry.calls += 1;
                entry.stored += copies;
            }
        }
    }

    pub fn resent(&mut self, calls: usize, already_stored: bool) {
        self.remedied += 1;
        self.remedy_calls += calls;
        self.remedy_already_stored += usize::from(already_stored);
    }

    pub fn inbox(&mut self, messages: &HashMap<String, Vec<String>>, batches: &HashMap<String, Vec<String>>) {
        self.inbox_messages = messages.values().map(Vec::len).sum();
        self.distinct_uuids = messages.len();
        self.inbox_batches = batches.values().map(Vec::len).sum();
        self.distinct_markers = batches.len();
    }

    pub fn faults(&mut self, counters: &Counters, log: &[FaultRecord]) {
        for record in log {
            let entry = self.faults.entry(record.kind.as_str().to_owned()).or_default();
            match record.endpoint.as_str() {
                "batch_send" => entry.batch_send += 1,
                _ => entry.send_message += 1,
            }
            entry.processed += u64::from(record.processed);
        }
        self.requests = counters.requests.clone();
        self.token_requests = counters.token_requests.values().sum();
        self.connections = counters.connections;
    }

    pub fn finish(&mut self, elapsed: Duration) {
        self.elapsed = elapsed;
    }
}

/// Width of the label column; the numbers follow in columns of `NUMBER` characters.
const LABEL: usize = 40;
const NUMBER: usize = 13;

fn row(f: &mut fmt::Formatter<'_>, label: &str, numbers: &[String]) -> fmt::Result {
    write!(f, "  {label:<LABEL$}")?;
    for number in numbers {
        write!(f, "{number:>NUMBER$}")?;
    }
    writeln!(f)
}

fn section(f: &mut fmt::Formatter<'_>, title: &str, columns: &[&str]) -> fmt::Result {
    if columns.is_empty() {
        return writeln!(f, "-- {title}");
    }
    write!(f, "-- {title:<width$}", width = LABEL - 1)?;
    for column in columns {
        write!(f, "{column:>NUMBER$}")?;
    }
    writeln!(f)
}

fn count(f: &mut fmt::Formatter<'_>, label: &str, value: impl ToString) -> fmt::Result {
    row(f, label, &[value.to_string()])
}

fn failures(f: &mut fmt::Formatter<'_>, failed: &BTreeMap<(&'static str, bool), Failed>) -> fmt::Result {
    if failed.is_empty() {
        return count(f, "failed", 0);
    }
    for ((kind, maybe_sent), entry) in failed {
        let label = format!("failed: {kind}, maybe_sent={maybe_sent}");
        row(f, &label, &[entry.calls.to_string(), entry.stored.to_string()])?;
    }
    Ok(())
}

impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let seconds = self.elapsed.as_secs_f64();
        let rate = self.sends as f64 / seconds.max(f64::EPSILON);
        writeln!(f, "== soak under faults ==")?;
        writeln!(f, "  {} sends from {} senders, seed {}", self.sends, self.senders, self.seed)?;
        writeln!(f, "  {seconds:.1} s, {rate:.0} sends/s")?;
        section(f, "faults injected", &["send_message", "batch_send", "processed"])?;
        let mut totals = [0; 3];
        for (kind, injected) in &self.faults {
            let numbers = [injected.send_message, injected.batch_send, injected.processed];
            totals.iter_mut().zip(numbers).for_each(|(total, n)| *total += n);
            row(f, kind, &numbers.map(|n| n.to_string()))?;
        }
        row(f, "total", &totals.map(|n| n.to_string()))?;
        section(f, "requests", &[])?;
        for (endpoint, requests) in &self.requests {
            count(f, endpoint, requests)?;
        }
        count(f, "token requests", self.token_requests)?;
        count(f, "connections", self.connections)?;
        section(f, "messages, first call", &["calls", "stored"])?;
        count(f, "succeeded", self.succeeded)?;
        failures(f, &self.failed)?;
        let (unexplained, drops) = self.unexplained_maybe_sent;
        row(f, "maybe_sent, not stored, no 5xx", &[unexplained.to_string(), format!("<= {drops} drops")])?;
        section(f, "messages, re-sent with the same uuid", &[])?;
        count(f, "re-sent until success", self.remedied)?;
        count(f, "calls made", self.remedy_calls)?;
        count(f, "answered with the stored message", self.remedy_already_stored)?;
        section(f, "batches (never re-sent)", &["calls", "stored"])?;
        count(f, "sent", self.batches_sent)?;
        failures(f, &self.batches_failed)?;
        section(f, "inbox", &[])?;
        count(f, "messages", self.inbox_messages)?;
        count(f, "distinct uuids", self.distinct_uuids)?;
        count(f, "duplicate messages", self.inbox_messages - self.distinct_uuids)?;
        count(f, "batches", self.inbox_batches)?;
        count(f, "distinct batch markers", self.distinct_markers)?;
        count(f, "duplicate batches", self.inbox_batches - self.distinct_markers)
    }
}
