//! Values that must be rebuilt in a forked child: connection pools and locks whose owners
//! (runtime threads, in-flight tasks) exist only in the parent.

use std::sync::{Arc, Mutex};

use crate::error::Result;

/// A value built on first use in each process.
pub(crate) struct ForkLocal<T> {
    make: Box<dyn Fn() -> Result<T> + Send + Sync>,
    slot: Mutex<Option<(u32, Arc<T>)>>,
}

impl<T> ForkLocal<T> {
    /// A value made by `make` on first use in each process.
    pub(crate) fn new(make: impl Fn() -> Result<T> + Send + Sync + 'static) -> Self {
        Self { make: Box::new(make), slot: Mutex::new(None) }
    }

    /// This process's value.
    pub(crate) fn get(&self) -> Result<Arc<T>> {
        let pid = std::process::id();
        let mut slot = self.slot.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        if let Some((owner, value)) = slot.as_ref()
            && *owner == pid
        {
            return Ok(Arc::clone(value));
        }
        let value = Arc::new((self.make)()?);
        *slot = Some((pid, Arc::clone(&value)));
        Ok(value)
    }
}

impl<T> std::fmt::Debug for ForkLocal<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ForkLocal")
    }
}

#[cfg(test)]
mod tests {
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
}
