//! Fork safety. After `fork()` the child has one thread, the one that forked: every lock
//! another thread held at that moment stays locked there forever, and what the parent's
//! runtime threads own (connection pools, locks held by in-flight tasks) is unusable.
//!
//! - [`ForkLocal`] holds a value built anew on first use in each process, without a lock.
//! - [`lock`] takes a std mutex inside the *fork gate*: a `pthread_atfork` handler closes
//!   the gate before `fork()` (waiting for the short sections in progress to end) and opens
//!   it after, in the parent and in the child. So no lock taken through [`lock`] is ever
//!   held across a fork, and the child finds the parent's data whole and unlocked.
//!   Sections inside the gate must be short, must not nest and must not block.

use std::cell::RefCell;
use std::ops::{Deref, DerefMut};
use std::ptr;
use std::sync::atomic::{AtomicPtr, Ordering};
use std::sync::{Mutex, MutexGuard, Once, PoisonError, RwLock, RwLockReadGuard, RwLockWriteGuard};

use crate::error::Result;

/// A value built on first use in each process.
pub(crate) struct ForkLocal<T> {
    make: Box<dyn Fn() -> Result<T> + Send + Sync>,
    current: AtomicPtr<Built<T>>,
}

struct Built<T> {
    pid: u32,
    value: T,
}

impl<T> ForkLocal<T> {
    /// A value made by `make` on first use in each process.
    pub(crate) fn new(make: impl Fn() -> Result<T> + Send + Sync + 'static) -> Self {
        Self { make: Box::new(make), current: AtomicPtr::new(ptr::null_mut()) }
    }

    /// This process's value.
    pub(crate) fn get(&self) -> Result<&T> {
        let pid = std::process::id();
        loop {
            let current = self.current.load(Ordering::Acquire);
            // SAFETY: a non-null pointer here comes from `Box::into_raw` below and is freed only
            // by `drop`, or never when it belongs to another process (see below).
            if let Some(built) = unsafe { current.as_ref() }
                && built.pid == pid
            {
                return Ok(&built.value);
            }
            let fresh = Box::into_raw(Box::new(Built { pid, value: (self.make)()? }));
            match self.current.compare_exchange(current, fresh, Ordering::AcqRel, Ordering::Acquire) {
                // The value replaced, if any, is the parent's: it is leaked, never dropped here,
                // since dropping it could wait for threads that do not exist in this process.
                // SAFETY: just published; it lives until `drop`.
                Ok(_) => return Ok(unsafe { &(*fresh).value }),
                // Another thread published first; ours was never shared.
                // SAFETY: `fresh` came from `Box::into_raw` above and was not published.
                Err(_) => drop(unsafe { Box::from_raw(fresh) }),
            }
        }
    }
}

impl<T> Drop for ForkLocal<T> {
    fn drop(&mut self) {
        let current = *self.current.get_mut();
        if !current.is_null() {
            // SAFETY: the pointer came from `Box::into_raw` in `get` and is dropped only here.
            let built = unsafe { Box::from_raw(current) };
            if built.pid != std::process::id() {
                std::mem::forget(built);
            }
        }
    }
}

impl<T> std::fmt::Debug for ForkLocal<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ForkLocal")
    }
}

/// Open while no fork is under way; every [`lock`] holds it shared.
static GATE: RwLock<()> = RwLock::new(());
static HANDLERS: Once = Once::new();

thread_local! {
    /// The gate, held closed by the forking thread from before `fork()` until after it.
    static CLOSED: RefCell<Option<RwLockWriteGuard<'static, ()>>> = const { RefCell::new(None) };
}

extern "C" fn close_gate() {
    let guard = GATE.write().unwrap_or_else(PoisonError::into_inner);
    // Without thread-local storage (a thread that is exiting) the gate stays open.
    let _ = CLOSED.try_with(|closed| *closed.borrow_mut() = Some(guard));
}

extern "C" fn open_gate() {
    let _ = CLOSED.try_with(|closed| closed.borrow_mut().take());
}

fn enter() -> RwLockReadGuard<'static, ()> {
    HANDLERS.call_once(|| {
        #[cfg(unix)]
        // SAFETY: the handlers are `extern "C"` functions that never unwind.
        unsafe {
            libc::pthread_atfork(Some(close_gate), Some(open_gate), Some(open_gate));
        }
    });
    GATE.read().unwrap_or_else(PoisonError::into_inner)
}

/// A mutex's guard, taken inside the fork gate.
pub(crate) struct Locked<'a, T> {
    // Declared first: released before the gate is.
    guard: MutexGuard<'a, T>,
    _gate: RwLockReadGuard<'static, ()>,
}

/// Locks `mutex` inside the fork gate (a poisoned mutex is used as is).
pub(crate) fn lock<T>(mutex: &Mutex<T>) -> Locked<'_, T> {
    let gate = enter();
    Locked { guard: mutex.lock().unwrap_or_else(PoisonError::into_inner), _gate: gate }
}

impl<T> Deref for Locked<'_, T> {
    type Target = T;

    fn deref(&self) -> &T {
        &self.guard
    }
}

impl<T> DerefMut for Locked<'_, T> {
    fn deref_mut(&mut self) -> &mut T {
        &mut self.guard
    }
}

/// Standard error, written inside the fork gate, so that its lock is never held across a
/// fork (a child that logs would wait for it forever).
pub(crate) struct GatedStderr;

impl std::io::Write for GatedStderr {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let _gate = enter();
        std::io::stderr().write(buf)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        let _gate = enter();
        std::io::stderr().flush()
    }
}

#[cfg(test)]
#[allow(clippy::panic)]
mod tests {
    use std::sync::Arc;
    use std::sync::atomic::{AtomicUsize, Ordering};

    use super::*;

    #[test]
    fn built_once_per_process() {
        let built = Arc::new(AtomicUsize::new(0));
        let counter = Arc::clone(&built);
        let local = ForkLocal::new(move || Ok(counter.fetch_add(1, Ordering::SeqCst)));
        assert_eq!(*local.get().unwrap(), 0);
        assert_eq!(*local.get().unwrap(), 0);
        assert_eq!(built.load(Ordering::SeqCst), 1);
    }

    #[cfg(unix)]
    #[test]
    fn a_child_forked_while_a_lock_is_wanted_finds_it_unlocked() {
        let shared = Arc::new(Mutex::new(0_u64));
        let stop = Arc::new(std::sync::atomic::AtomicBool::new(false));
        let workers: Vec<_> = (0..4)
            .map(|_| {
                let (shared, stop) = (Arc::clone(&shared), Arc::clone(&stop));
                std::thread::spawn(move || {
                    while !stop.load(Ordering::Relaxed) {
                        *lock(&shared) += 1;
                    }
                })
            })
            .collect();
        for _ in 0..50 {
            // SAFETY: the child only takes the lock (no allocation) and exits at once.
            let pid = unsafe { libc::fork() };
            if pid == 0 {
                let taken = lock(&shared).wrapping_add(1);
                // SAFETY: `_exit` ends the child without running the parent's destructors.
                unsafe { libc::_exit(i32::from(taken == 0)) };
            }
            let mut status = 0;
            let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
            loop {
                // SAFETY: waits for the child just forked.
                let done = unsafe { libc::waitpid(pid, &mut status, libc::WNOHANG) };
                if done == pid {
                    break;
                }
                if std::time::Instant::now() > deadline {
                    // SAFETY: ends the hung child.
                    unsafe { libc::kill(pid, libc::SIGKILL) };
                    panic!("a forked child hung on the lock");
                }
                std::thread::sleep(std::time::Duration::from_millis(1));
            }
            assert!(libc::WIFEXITED(status) && libc::WEXITSTATUS(status) == 0);
        }
        stop.store(true, Ordering::Relaxed);
        workers.into_iter().for_each(|worker| worker.join().unwrap());
    }
}
