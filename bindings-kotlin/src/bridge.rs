//! The two bridges from a host call to the core's runtime: awaited (async) and blocking.
//! Either way the caller gets exactly one outcome; a panic inside the call becomes an
//! error, never an unwinding across the FFI boundary or a call that never completes.

use std::future::Future;

use larkmsg::runtime;
use tokio::task::JoinHandle;

use crate::error::NativeError;

/// Aborts the task when the awaiting host call is cancelled (its future dropped).
struct AbortOnDrop<T>(JoinHandle<T>);

impl<T> Drop for AbortOnDrop<T> {
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
    let mut task = AbortOnDrop(runtime::runtime()?.spawn(future));
    match (&mut task.0).await {
        Ok(outcome) => outcome.map_err(NativeError::from),
        Err(join) if join.is_panic() => Err(panicked(&join.into_panic())),
        Err(_) => Err(larkmsg::Error::new(larkmsg::ErrorKind::Config, "the call was aborted").into()),
    }
}

/// The error for a panic caught inside a call.
fn panicked(payload: &(dyn std::any::Any + Send)) -> NativeError {
    let text = payload
        .downcast_ref::<&str>()
        .map(|text| (*text).to_owned())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_default();
    larkmsg::Error::new(
        larkmsg::ErrorKind::Config,
        format!("a bug in larkmsg ended the call (a panic: {text})"),
    )
    .into()
}

/// Runs `future` on the core's runtime, blocking the calling thread until it is done.
pub(crate) fn block<T>(future: impl Future<Output = larkmsg::Result<T>>) -> Result<T, NativeError> {
    match std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| runtime::block_on(future))) {
        Ok(outcome) => outcome?.map_err(NativeError::from),
        Err(payload) => Err(panicked(payload.as_ref())),
    }
}
