//! The one lazily built, fork-aware tokio runtime behind the blocking facade and the bindings.
//!
//! After `fork()` the child has none of the parent's runtime threads: waiting on that runtime
//! would hang forever. The runtime therefore remembers the process id it was built in, and a
//! child builds its own on first use. The parent's instance is left alone (never dropped in
//! the child: dropping it would wait for threads that do not exist there).

use std::future::Future;
use std::ptr;
use std::sync::atomic::{AtomicPtr, Ordering};

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
    async fn blocking_inside_a_runtime_is_refused() {
        let error = block_on(async {}).unwrap_err();
        assert_eq!(error.kind(), ErrorKind::Config);
    }
}
