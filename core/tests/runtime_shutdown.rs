//! `runtime::shutdown` joins the shared runtime's threads, and the next call builds a new
//! runtime. Its own test binary: the thread counts below must not see other tests' threads.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::time::Duration;

use larkmsg::runtime::{block_on, runtime, shutdown};

/// The threads of this process.
fn threads() -> usize {
    std::fs::read_dir("/proc/self/task").map(Iterator::count).unwrap()
}

/// The threads of this process once they number `expected`, or after 5 seconds: a thread
/// that told the runtime it is done may still be ending.
fn threads_settled_at(expected: usize) -> usize {
    let deadline = std::time::Instant::now() + Duration::from_secs(5);
    while threads() != expected && std::time::Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(10));
    }
    threads()
}

#[test]
#[cfg(target_os = "linux")]
fn shutdown_joins_the_runtime_threads_and_a_later_call_starts_again() {
    let without_runtime = threads();
    assert_eq!(block_on(async { 1 }).unwrap(), 1);
    block_on(runtime().unwrap().spawn_blocking(|| 2)).unwrap().unwrap();
    assert!(threads() > without_runtime, "the runtime runs threads of its own");

    // SAFETY: this test is the runtime's only user, and keeps no reference to it.
    unsafe { shutdown(Duration::from_secs(5)) }.unwrap();
    assert_eq!(threads_settled_at(without_runtime), without_runtime, "every runtime thread was joined");

    assert_eq!(block_on(async { 3 }).unwrap(), 3);
    // SAFETY: as above.
    unsafe { shutdown(Duration::from_secs(5)) }.unwrap();
    // SAFETY: no runtime is running: nothing to stop.
    unsafe { shutdown(Duration::from_secs(5)) }.unwrap();
    assert_eq!(threads_settled_at(without_runtime), without_runtime);
}
