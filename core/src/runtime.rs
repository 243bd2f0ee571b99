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

use std::future::Future;
use std::ptr;
use std::sync::atomic::{AtomicPtr, Ordering};
use std::time::Duration;

use tokio::runtime::Runtime;

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
/// would stall it: use the async API there.
pub fn block_on<F: Future>(future: F) -> Result<F::Output> {
    if tokio::runtime::Handle::try_current().is_ok() {
        return Err(Error::new(
            ErrorKind::Config,
            "a blocking larkmsg call was made from inside an async runtime; use the async API there",
        ));
    }
    Ok(runtime()?.block_on(future))
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
