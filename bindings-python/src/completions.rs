//! Async calls completed in batches: a runtime thread that finishes a call queues its
//! outcome for the call's event loop and wakes the loop only when the queue was empty; the
//! loop then resolves every queued future in one callback. Under load one loop wake-up
//! serves many calls, instead of one per call.
//!
//! The wake-up takes no GIL where the loop can watch a socket (`add_reader`: the selector
//! loops of Unix, uvloop): the runtime thread writes one byte to a socket pair of the
//! loop's queue, and the loop runs the queue when it reads it. Elsewhere (Windows' proactor
//! loop) the runtime thread takes the GIL for `call_soon_threadsafe`.

use std::sync::{Arc, Mutex, PoisonError};

use pyo3::prelude::*;
use pyo3::types::PyWeakrefReference;

use crate::attach_from_runtime;

/// What a finished call gives its future, built on the loop's thread: `Ok` the result, or
/// `Err` the exception.
pub type Resolve = Box<dyn FnOnce(Python<'_>) -> Result<Py<PyAny>, PyErr> + Send>;

/// The futures of one event loop whose calls finished, waiting for the loop.
pub struct Completions {
    queue: Mutex<Queue>,
    wake: Wake,
}

#[derive(Default)]
struct Queue {
    ready: Vec<(Py<PyAny>, Resolve)>,
    /// The loop has been woken for this queue and has not taken it yet.
    scheduled: bool,
}

/// How a runtime thread wakes the loop.
enum Wake {
    /// One byte written to `writer`; the loop watches `reader` (`add_reader`).
    #[cfg(unix)]
    Socket { writer: std::os::unix::net::UnixStream, reader: std::os::unix::net::UnixStream },
    /// `call_soon_threadsafe` of the loop, with the GIL.
    Threadsafe(Py<PyAny>),
}

/// A loop, held weakly (a queue must not keep its loop alive), and its queue.
struct Entry {
    event_loop: Py<PyWeakrefReference>,
    completions: Arc<Completions>,
}

/// The queues of the live event loops, the one used last first; the entries of loops that
/// are gone or closed are dropped by the next look-up of a loop not seen before.
static LOOPS: Mutex<Vec<Entry>> = Mutex::new(Vec::new());

impl Completions {
    /// The queue of `event_loop` (the running loop of the caller, on its thread).
    pub fn of(event_loop: &Bound<'_, PyAny>) -> PyResult<Arc<Self>> {
        let py = event_loop.py();
        let mut loops = LOOPS.lock().unwrap_or_else(PoisonError::into_inner);
        let seen = loops
            .iter()
            .position(|entry| entry.event_loop.bind(py).upgrade().is_some_and(|alive| alive.is(event_loop)));
        if let Some(at) = seen {
            let entry = loops.remove(at);
            let completions = Arc::clone(&entry.completions);
            loops.insert(0, entry);
            return Ok(completions);
        }
        let known: Vec<Py<PyWeakrefReference>> =
            loops.iter().map(|entry| entry.event_loop.clone_ref(py)).collect();
        // Python code runs only without the lock: another thread could take the GIL and wait
        // for the lock.
        drop(loops);
        let Ok(weak) = PyWeakrefReference::new(event_loop) else {
            // A loop without weak references cannot be looked up again: it is woken with
            // `call_soon_threadsafe`, a queue per call.
            return Ok(Arc::new(Self::threadsafe(event_loop)));
        };
        // A loop not seen before: the loops that are gone or closed are forgotten, and so are
        // their answers that came too late (they hold their futures, which hold their loop).
        let finished: Vec<bool> =
            known.iter().map(|weak| weak.bind(py).upgrade().is_none_or(|alive| closed(&alive))).collect();
        let completions = Self::watched_by(event_loop)?;
        let mut loops = LOOPS.lock().unwrap_or_else(PoisonError::into_inner);
        let mut forgotten = Vec::new();
        loops.retain(|entry| {
            let gone =
                known.iter().zip(&finished).any(|(weak, finished)| *finished && weak.is(&entry.event_loop));
            if gone {
                forgotten.push(Arc::clone(&entry.completions));
            }
            !gone
        });
        loops.insert(0, Entry { event_loop: weak.unbind(), completions: Arc::clone(&completions) });
        drop(loops);
        // Dropped without the lock: the futures they free may run Python code.
        drop(forgotten);
        Ok(completions)
    }

    /// A queue woken with the loop's `call_soon_threadsafe`.
    fn threadsafe(event_loop: &Bound<'_, PyAny>) -> Self {
        Self { queue: Mutex::default(), wake: Wake::Threadsafe(event_loop.clone().unbind()) }
    }

    /// A new queue for `event_loop`, registered with it.
    fn watched_by(event_loop: &Bound<'_, PyAny>) -> PyResult<Arc<Self>> {
        let py = event_loop.py();
        #[cfg(unix)]
        {
            let (writer, reader) = std::os::unix::net::UnixStream::pair()?;
            writer.set_nonblocking(true)?;
            reader.set_nonblocking(true)?;
            let fd = std::os::fd::AsRawFd::as_raw_fd(&reader);
            let completions =
                Arc::new(Self { queue: Mutex::default(), wake: Wake::Socket { writer, reader } });
            let drain = Drain { completions: Arc::clone(&completions) };
            match event_loop.call_method1(pyo3::intern!(py, "add_reader"), (fd, drain)) {
                Ok(_) => return Ok(completions),
                // The loop cannot watch a socket: it is woken with `call_soon_threadsafe`.
                Err(error) if error.is_instance_of::<pyo3::exceptions::PyNotImplementedError>(py) => {}
                Err(error) => return Err(error),
            }
        }
        Ok(Arc::new(Self::threadsafe(event_loop)))
    }

    /// Queues `future`'s outcome (called on a runtime thread, without the GIL); the first
    /// of a batch wakes the loop.
    pub fn complete(self: &Arc<Self>, future: Py<PyAny>, resolve: Resolve) {
        let first = {
            let mut queue = self.queue.lock().unwrap_or_else(PoisonError::into_inner);
            queue.ready.push((future, resolve));
            !std::mem::replace(&mut queue.scheduled, true)
        };
        if !first {
            return;
        }
        match &self.wake {
            #[cfg(unix)]
            Wake::Socket { writer, .. } => {
                // `WouldBlock`: bytes the loop has not read yet wake it anyway.
                let _ = std::io::Write::write(&mut &*writer, &[1]);
            }
            Wake::Threadsafe(event_loop) => attach_from_runtime(|py| {
                let drain = Drain { completions: Arc::clone(self) };
                let scheduled =
                    event_loop.call_method1(py, pyo3::intern!(py, "call_soon_threadsafe"), (drain,));
                if scheduled.is_err() {
                    // The loop is closed: nobody waits for these futures any more.
                    drop(self.take());
                }
            }),
        }
    }

    /// Everything queued, leaving the queue empty and unscheduled.
    fn take(&self) -> Vec<(Py<PyAny>, Resolve)> {
        let mut queue = self.queue.lock().unwrap_or_else(PoisonError::into_inner);
        queue.scheduled = false;
        std::mem::take(&mut queue.ready)
    }

    /// Reads the wake-up bytes, before the queue is taken: a byte written after this read
    /// wakes the loop again.
    fn acknowledge(&self) {
        #[cfg(unix)]
        if let Wake::Socket { reader, .. } = &self.wake {
            let mut bytes = [0_u8; 64];
            while matches!(std::io::Read::read(&mut &*reader, &mut bytes), Ok(read) if read > 0) {}
        }
    }
}

/// Whether `event_loop` is closed (a loop that cannot say counts as open).
fn closed(event_loop: &Bound<'_, PyAny>) -> bool {
    event_loop
        .call_method0(pyo3::intern!(event_loop.py(), "is_closed"))
        .and_then(|closed| closed.is_truthy())
        .unwrap_or(false)
}

/// The loop's callback that resolves every queued future.
#[pyclass(frozen, module = "larkmsg._native")]
struct Drain {
    completions: Arc<Completions>,
}

#[pymethods]
impl Drain {
    fn __call__(&self, py: Python<'_>) {
        self.completions.acknowledge();
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
