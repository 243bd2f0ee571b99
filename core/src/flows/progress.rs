//! [`Progress`]: how far a long call is, reported as it goes.

use serde::Serialize;

/// How far a call to many receivers is: counted in receivers (ids), not requests.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[non_exhaustive]
pub struct Progress {
    /// Receivers in the call.
    pub total: u64,
    /// Receivers whose request is finished (sent or failed).
    pub done: u64,
    /// Receivers whose request succeeded (for a campaign, those already sent before a
    /// rerun included).
    pub sent: u64,
    /// Receivers whose request failed.
    pub failed: u64,
}

impl Progress {
    /// Nothing done yet out of `total`.
    pub fn new(total: u64) -> Self {
        Self { total, ..Self::default() }
    }

    /// Counts `count` receivers as done, sent or failed.
    pub(crate) fn record(&mut self, count: u64, ok: bool) {
        self.done += count;
        if ok {
            self.sent += count;
        } else {
            self.failed += count;
        }
    }
}

/// Receives [`Progress`] reports: called after each request finishes, one call at a time,
/// from the task that drives the call (for a blocking call, the calling thread).
pub type OnProgress = Box<dyn FnMut(&Progress) + Send>;
