//! The two bridges from a host call to the core's runtime: awaited (async) and blocking,
//! both over the core's own bridges (`larkmsg::runtime`). Either way the caller gets
//! exactly one outcome: a panic inside the call becomes an error of kind `internal`, never
//! an unwinding across the FFI boundary or a call that never completes.

use std::future::Future;

use larkmsg::runtime;
use tokio::sync::oneshot;
use tokio::task::AbortHandle;

use crate::error::NativeError;

/// Aborts the call when the awaiting host call is cancelled (its future dropped).
struct AbortOnDrop(AbortHandle);

impl Drop for AbortOnDrop {
    fn drop(&mut self) {
        self.0.abort();
    }
}

/// Runs `future` on the core's runtime and waits for it without blocking the host's
/// thread (uniffi polls this future from a Kotlin coroutine or a Swift task).
pub(crate) async fn run<T, F>(future: F) -> Result<T, NativeError>
where
    T: Send + 'static,
    F: Future<Output = larkmsg::Result<T>> + Send + 'static,
{
    let (send, receive) = oneshot::channel();
    let _abort = AbortOnDrop(runtime::spawn_settled(future, move |outcome| {
        // The receiver is gone only when the host call was cancelled.
        let _ = send.send(outcome);
    })?);
    match receive.await {
        Ok(outcome) => outcome.map_err(NativeError::from),
        Err(_) => {
            Err(larkmsg::Error::new(larkmsg::ErrorKind::Internal, "the call ended without an outcome").into())
        }
    }
}

/// Runs `future` on the core's runtime, blocking the calling thread until it is done.
pub(crate) fn block<T>(future: impl Future<Output = larkmsg::Result<T>>) -> Result<T, NativeError> {
    runtime::block_on(future)?.map_err(NativeError::from)
}
