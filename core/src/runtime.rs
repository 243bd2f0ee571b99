//! The one lazily built, fork-aware tokio runtime behind the blocking facade and the bindings.
//!
//! After `fork()` the child has none of the parent's runtime threads: waiting on that runtime
//! would hang forever. The runtime therefore remembers the process id it was built in, and a
//! child builds its own on first use. The parent's instance is left alone (never dropped in
//! the child: dropping it would wait for threads that do not exist there).
//!
//! The runtime's threads live until the process exits, unless a program that is done with
//! the library stops them with [`shutdown`] (the C API's `larkmsg_shutdown`), so that leak
//! checkers see every thread joined.
//! [`block_on`] and [`spawn_settled`] are the bridges of every binding: whatever happens in
//! the future, a panic included, the caller gets one outcome (a panic becomes an error of
//! kind [`ErrorKind::Internal`]), so no call raises a foreign exception or never settles.

use std::any::Any;
use std::future::Future;
use std::marker::PhantomData;
use std::panic::AssertUnwindSafe;
use std::pin::Pin;
use std::ptr;
use std::sync::atomic::{AtomicPtr, Ordering};
use std::task::{Context, Poll};
use std::time::Duration;

use tokio::runtime::Runtime;
use tokio::task::AbortHandle;

use crate::error::{Error, ErrorKind, Result};

struct Instance {
    pid: u32,
    runtime: Runtime,
}

static INSTANCE: AtomicPtr<Instance> = AtomicPtr::new(ptr::null_mut());

/// The shared runtime of this process, built on first use (and again in a forked child).
pub fn runtime() -> Result<&'static Runtime> {
    let pid = std::process::id();
    loop {
        let current = INSTANCE.load(Ordering::Acquire);
        // SAFETY: a non-null pointer in INSTANCE comes from `Box::into_raw` below and is never
        // freed once published, so it is valid for the rest of the process.
        if let Some(instance) = unsafe { current.as_ref() }
            && instance.pid == pid
        {
            return Ok(&instance.runtime);
        }
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .enable_all()
            .thread_name("larkmsg-runtime")
            .build()
            .map_err(|e| Error::new(ErrorKind::Config, format!("cannot start the larkmsg runtime: {e}")))?;
        let fresh = Box::into_raw(Box::new(Instance { pid, runtime }));
        match INSTANCE.compare_exchange(current, fresh, Ordering::AcqRel, Ordering::Acquire) {
            // SAFETY: `fresh` was just published and, like every published instance, is never
            // freed (an instance replaced after fork belongs to the parent and is leaked).
            Ok(_) => return Ok(unsafe { &(*fresh).runtime }),
            Err(_) => {
                // Another thread published first; ours was never shared, so it can go.
                // SAFETY: `fresh` came from `Box::into_raw` above and was not published.
                let lost = unsafe { Box::from_raw(fresh) };
                lost.runtime.shutdown_background();
            }
        }
    }
}

/// Runs a future to completion on the shared runtime, blocking the calling thread.
///
/// Fails with [`ErrorKind::Config`] when called from inside an async runtime, where blocking
/// would stall it: use the async API there; and with [`ErrorKind::Internal`] when the
/// future panics.
pub fn block_on<F: Future>(future: F) -> Result<F::Output> {
    if tokio::runtime::Handle::try_current().is_ok() {
        return Err(Error::new(
            ErrorKind::Config,
            "a blocking larkmsg call was made from inside an async runtime; use the async API there",
        ));
    }
    let runtime = runtime()?;
    std::panic::catch_unwind(AssertUnwindSafe(|| runtime.block_on(future))).map_err(panic_error)
}

/// Runs `future` on the shared runtime and hands its outcome to `settle`, exactly once: an
/// error of kind [`ErrorKind::Internal`] when the future panics or is aborted. The handle
/// aborts the future (`settle` still runs, with that error, as it does for a future still
/// pending when the runtime shuts down).
///
/// # Errors
/// [`ErrorKind::Config`] when the runtime cannot be started (`settle` is not called).
pub fn spawn_settled<T, F, S>(future: F, settle: S) -> Result<AbortHandle>
where
    T: Send + 'static,
    F: Future<Output = Result<T>> + Send + 'static,
    S: FnOnce(Result<T>) + Send + 'static,
{
    let runtime = runtime()?;
    // One task for the call and its settlement. The future is boxed once here and never
    // moved again (a call's future is large: an `async` block around it would hold it twice).
    let settled = Settled { future: Box::pin(future), settle: Some(Box::new(settle)), outcome: PhantomData };
    Ok(runtime.spawn(settled).abort_handle())
}

/// A call and the settlement it owes: polled to the end, it hands the outcome (or the
/// error of a panic) to `settle`; dropped before (aborted, or pending at shutdown), it
/// hands over the error of an aborted call.
struct Settled<T, F, S: FnOnce(Result<T>)> {
    future: Pin<Box<F>>,
    settle: Option<Box<S>>,
    outcome: PhantomData<fn(T)>,
}

impl<T, F, S: FnOnce(Result<T>)> Settled<T, F, S> {
    /// Hands `outcome` over, once; a panic inside the settlement stays here (there is no one
    /// left to tell).
    fn pay(&mut self, outcome: Result<T>) {
        if let Some(settle) = self.settle.take() {
            let _ = std::panic::catch_unwind(AssertUnwindSafe(move || settle(outcome)));
        }
    }
}

impl<T, F: Future<Output = Result<T>>, S: FnOnce(Result<T>)> Future for Settled<T, F, S> {
    type Output = ();

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        let this = self.get_mut();
        let outcome = match std::panic::catch_unwind(AssertUnwindSafe(|| this.future.as_mut().poll(cx))) {
            Ok(Poll::Pending) => return Poll::Pending,
            Ok(Poll::Ready(outcome)) => outcome,
            Err(payload) => Err(panic_error(payload)),
        };
        this.pay(outcome);
        Poll::Ready(())
    }
}

impl<T, F, S: FnOnce(Result<T>)> Drop for Settled<T, F, S> {
    fn drop(&mut self) {
        self.pay(Err(Error::new(ErrorKind::Internal, "the call was aborted before it finished")));
    }
}

/// The error of kind [`ErrorKind::Internal`] for a caught panic, with its message; the call
/// may have been sent when it panicked.
pub fn panic_error(payload: Box<dyn Any + Send>) -> Error {
    let text = payload
        .downcast_ref::<&str>()
        .map(|text| (*text).to_owned())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "no message".to_owned());
    Error::new(ErrorKind::Internal, format!("a bug in larkmsg ended the call (a panic: {text})"))
        .with_maybe_sent(true)
}

/// Stops the shared runtime and joins its threads, waiting up to `timeout` for tasks still
/// running; tasks still pending are dropped. The next call that needs the runtime builds a
/// new one. Does nothing when no runtime was built in this process (a parent's runtime after
/// `fork()` is left alone).
///
/// Fails with [`ErrorKind::Config`] when called from one of the runtime's own threads (or
/// from inside any async runtime), where it could not wait for them.
///
/// # Safety
/// No other thread may be using the runtime or a reference [`runtime`] returned before:
/// every blocking call has returned and every spawned task has ended or may be dropped.
pub unsafe fn shutdown(timeout: Duration) -> Result<()> {
    if tokio::runtime::Handle::try_current().is_ok() {
        return Err(Error::new(
            ErrorKind::Config,
            "the larkmsg runtime cannot be shut down from inside an async runtime or a callback",
        ));
    }
    let current = INSTANCE.swap(ptr::null_mut(), Ordering::AcqRel);
    if current.is_null() {
        return Ok(());
    }
    // SAFETY: a published instance comes from `Box::into_raw` in `runtime`; it was just
    // unpublished, and per the contract nobody else holds a reference to it.
    let instance = unsafe { Box::from_raw(current) };
    if instance.pid == std::process::id() {
        instance.runtime.shutdown_timeout(timeout);
    } else {
        // The parent's runtime: its threads do not exist here, so it is never dropped.
        std::mem::forget(instance);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_runtime_is_built_once() {
        let first = runtime().unwrap() as *const Runtime;
        let second = runtime().unwrap() as *const Runtime;
        assert_eq!(first, second);
        assert_eq!(block_on(async { 40 + 2 }).unwrap(), 42);
    }

    #[test]
    #[allow(clippy::panic)]
    fn a_panic_becomes_an_internal_error_for_blocking_and_spawned_calls() {
        let error = block_on(async { panic!("boom") }).unwrap_err();
        assert_eq!(error.kind(), ErrorKind::Internal);
        assert!(error.message().contains("boom") && error.maybe_sent(), "{error}");
        let (send, receive) = std::sync::mpsc::channel();
        spawn_settled(async { if true { panic!("in a task") } else { Ok(()) } }, move |outcome| {
            let _ = send.send(outcome);
        })
        .unwrap();
        let error = receive.recv_timeout(std::time::Duration::from_secs(5)).unwrap().unwrap_err();
        assert_eq!(error.kind(), ErrorKind::Internal);
        assert!(error.message().contains("in a task"), "{error}");
    }

    #[test]
    fn an_aborted_call_is_settled_once_as_aborted() {
        let (send, receive) = std::sync::mpsc::channel();
        let abort = spawn_settled(std::future::pending::<Result<()>>(), move |outcome| {
            let _ = send.send(outcome);
        })
        .unwrap();
        abort.abort();
        let error = receive.recv_timeout(std::time::Duration::from_secs(5)).unwrap().unwrap_err();
        assert_eq!(error.kind(), ErrorKind::Internal);
        assert!(error.message().contains("aborted"), "{error}");
    }

    #[tokio::test]
    async fn shutdown_inside_a_runtime_is_refused() {
        // SAFETY: refused before the runtime is touched.
        let error = unsafe { shutdown(Duration::from_secs(1)) }.unwrap_err();
        assert_eq!(error.kind(), ErrorKind::Config);
    }

    #[tokio::test]
    async fn blocking_inside_a_runtime_is_refused() {
        let error = block_on(async {}).unwrap_err();
        assert_eq!(error.kind(), ErrorKind::Config);
    }
}
