//! The time sessions and sign-in limits are measured by: the system clock, or in tests one
//! they move by hand (idle and absolute expiry are tested without waiting hours).

use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};

/// Milliseconds since the Unix epoch.
#[derive(Clone)]
pub struct Clock(Arc<dyn Fn() -> i64 + Send + Sync>);

impl Clock {
    /// The system clock.
    pub fn system() -> Self {
        Self(Arc::new(access::now_ms))
    }

    /// A clock that reads `at` (tests move it with `store`).
    pub fn manual(at: Arc<AtomicI64>) -> Self {
        Self(Arc::new(move || at.load(Ordering::SeqCst)))
    }

    /// Now.
    pub fn now_ms(&self) -> i64 {
        (self.0)()
    }
}

impl std::fmt::Debug for Clock {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Clock")
    }
}
