//! The progress reports of one call that the JS thread has not handled yet: the call is
//! settled only after them, so that a promise never settles before a report queued
//! earlier (a report and the settlement travel through different thread-safe functions,
//! which keep no order between them).

use std::pin::pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use tokio::sync::Notify;

/// A count of reports queued for the JS thread and not handled yet.
#[derive(Default)]
pub struct Reports {
    queued: AtomicUsize,
    handled_all: Notify,
}

impl Reports {
    /// One more report is queued; it counts as handled when the guard is dropped (by the
    /// JS thread's callback, or with the report when Node is ending and drops it).
    pub fn queued(self: &Arc<Self>) -> Queued {
        self.queued.fetch_add(1, Ordering::SeqCst);
        Queued(Arc::clone(self))
    }

    /// Waits until every queued report was handled.
    pub async fn all_handled(&self) {
        loop {
            let mut notified = pin!(self.handled_all.notified());
            notified.as_mut().enable();
            if self.queued.load(Ordering::SeqCst) == 0 {
                return;
            }
            notified.await;
        }
    }
}

/// A report queued for the JS thread (see [`Reports::queued`]).
pub struct Queued(Arc<Reports>);

impl Drop for Queued {
    fn drop(&mut self) {
        if self.0.queued.fetch_sub(1, Ordering::SeqCst) == 1 {
            self.0.handled_all.notify_waiters();
        }
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;

    #[tokio::test]
    async fn waits_for_every_queued_report() {
        let reports = Arc::new(Reports::default());
        reports.all_handled().await;
        let (first, second) = (reports.queued(), reports.queued());
        let waiting = tokio::spawn({
            let reports = Arc::clone(&reports);
            async move { reports.all_handled().await }
        });
        drop(first);
        tokio::time::sleep(Duration::from_millis(20)).await;
        assert!(!waiting.is_finished(), "one report is still queued");
        drop(second);
        tokio::time::timeout(Duration::from_secs(5), waiting).await.unwrap().unwrap();
    }
}
