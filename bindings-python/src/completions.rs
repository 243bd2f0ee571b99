//! Async calls completed in batches: a runtime thread that finishes a call queues its
//! outcome for the call's event loop and wakes the loop only when the queue was empty; the
//! loop then resolves every queued future in one callback. Under load one GIL hand-off and
//! one loop wake-up serve many calls, instead of one of each per call.

use std::sync::{Arc, Mutex, PoisonError};

use pyo3::prelude::*;

use crate::attach_from_runtime;

/// What a finished call gives its future, built on the loop's thread: `Ok` the result, or
/// `Err` the exception.
pub type Resolve = Box<dyn FnOnce(Python<'_>) -> Result<Py<PyAny>, PyErr> + Send>;

/// How many event loops keep their queue cached (more loops still work: their queue is
/// made again when evicted).
const LOOPS_CACHED: usize = 8;

/// The futures of one event loop whose calls finished, waiting for the loop.
pub struct Completions {
    event_loop: Py<PyAny>,
    queue: Mutex<Queue>,
}

#[derive(Default)]
struct Queue {
    ready: Vec<(Py<PyAny>, Resolve)>,
    /// A drain is scheduled on the loop and has not taken the queue yet.
    scheduled: bool,
}

/// The queues of the event loops used last, most recent first.
static LOOPS: Mutex<Vec<Arc<Completions>>> = Mutex::new(Vec::new());

impl Completions {
    /// The queue of `event_loop` (the running loop of the caller).
    pub fn of(event_loop: &Bound<'_, PyAny>) -> Arc<Self> {
        let mut loops = LOOPS.lock().unwrap_or_else(PoisonError::into_inner);
        // A cached loop stays alive (the cache holds it), so its address is its identity.
        if let Some(at) = loops.iter().position(|queue| queue.event_loop.as_ptr() == event_loop.as_ptr()) {
            let queue = loops.remove(at);
            loops.insert(0, Arc::clone(&queue));
            return queue;
        }
        let queue = Arc::new(Self { event_loop: event_loop.clone().unbind(), queue: Mutex::default() });
        loops.insert(0, Arc::clone(&queue));
        loops.truncate(LOOPS_CACHED);
        queue
    }

    /// Queues `future`'s outcome (called on a runtime thread, without the GIL); the first
    /// of a batch schedules the drain on the loop.
    pub fn complete(self: &Arc<Self>, future: Py<PyAny>, resolve: Resolve) {
        let first = {
            let mut queue = self.queue.lock().unwrap_or_else(PoisonError::into_inner);
            queue.ready.push((future, resolve));
            !std::mem::replace(&mut queue.scheduled, true)
        };
        if first {
            attach_from_runtime(|py| {
                let drain = Drain { completions: Arc::clone(self) };
                let scheduled = Py::new(py, drain)
                    .and_then(|drain| self.event_loop.call_method1(py, "call_soon_threadsafe", (drain,)));
                if scheduled.is_err() {
                    // The loop is closed: nobody waits for these futures any more.
                    drop(self.take());
                }
            });
        }
    }

    /// Everything queued, leaving the queue empty and unscheduled.
    fn take(&self) -> Vec<(Py<PyAny>, Resolve)> {
        let mut queue = self.queue.lock().unwrap_or_else(PoisonError::into_inner);
        queue.scheduled = false;
        std::mem::take(&mut queue.ready)
    }
}

/// The loop's callback that resolves every queued future.
#[pyclass(frozen, module = "larkmsg._native")]
struct Drain {
    completions: Arc<Completions>,
}

#[pymethods]
impl Drain {
    fn __call__(&self, py: Python<'_>) {
        for (future, resolve) in self.completions.take() {
            let future = future.bind(py);
            // A cancelled future keeps its cancellation.
            if future
                .call_method0(pyo3::intern!(py, "done"))
                .and_then(|done| done.is_truthy())
                .unwrap_or(true)
            {
                continue;
            }
            let settled = match resolve(py) {
                Ok(value) => future.call_method1(pyo3::intern!(py, "set_result"), (value,)),
                Err(error) => future.call_method1(pyo3::intern!(py, "set_exception"), (error.value(py),)),
            };
            if let Err(error) = settled {
                // Reported like an exception in any loop callback; the other futures go on.
                error.write_unraisable(py, Some(future));
            }
        }
    }
}
