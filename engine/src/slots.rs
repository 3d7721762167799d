//! Admission: how many invocations run at once, and how much memory they may hold.
//!
//! Three bounds apply together: the namespace's concurrency limit (NCP's and OpenWhisk's
//! 100), a smaller one for public web-action traffic so anonymous callers cannot take every
//! slot from signed ones, and a memory budget that the running actions' memory limits must
//! fit in. A blocking caller past a bound is refused at once (429, as the clouds answer); the
//! queue's workers wait for a slot instead.

use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::time::Duration;

use crate::error::{EngineError, ErrorCode};

/// Who is asking to run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Caller {
    /// A signed request or the queue.
    Signed,
    /// A public web-action request.
    Web,
}

/// The bounds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Bounds {
    pub(crate) max_running: usize,
    pub(crate) max_web: usize,
    pub(crate) memory_budget_mb: u64,
}

#[derive(Debug, Default)]
struct Held {
    running: usize,
    web: usize,
    memory_mb: u64,
}

/// The admission counters, shared by every slot they hand out.
#[derive(Debug)]
pub(crate) struct Slots {
    bounds: Bounds,
    held: Mutex<Held>,
    freed: Condvar,
}

/// A place among the running invocations, given back when dropped.
#[derive(Debug)]
pub(crate) struct Slot {
    slots: Arc<Slots>,
    caller: Caller,
    memory_mb: u64,
}

impl Slots {
    pub(crate) fn new(bounds: Bounds) -> Arc<Self> {
        Arc::new(Self {
            bounds,
            held: Mutex::new(Held::default()),
            freed: Condvar::new(),
        })
    }

    fn held(&self) -> MutexGuard<'_, Held> {
        // Three counters, each updated in one statement: a panic cannot leave them torn.
        self.held.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// How many invocations run now.
    pub(crate) fn running(&self) -> usize {
        self.held().running
    }

    /// A slot for an action allowed `memory_mb`, or the 429 that says which bound is full.
    pub(crate) fn try_acquire(
        self: &Arc<Self>,
        caller: Caller,
        memory_mb: u64,
    ) -> Result<Slot, EngineError> {
        let mut held = self.held();
        let memory_mb = memory_mb.min(self.bounds.memory_budget_mb);
        self.refusal(&held, caller, memory_mb).map_or(Ok(()), Err)?;
        held.running += 1;
        held.memory_mb += memory_mb;
        if caller == Caller::Web {
            held.web += 1;
        }
        Ok(Slot {
            slots: self.clone(),
            caller,
            memory_mb,
        })
    }

    /// Waits up to `wait` for a slot to be given back.
    pub(crate) fn wait_for_release(&self, wait: Duration) {
        let held = self.held();
        let _ = self.freed.wait_timeout(held, wait);
    }

    fn refusal(&self, held: &Held, caller: Caller, memory_mb: u64) -> Option<EngineError> {
        let b = self.bounds;
        let message = if held.running >= b.max_running {
            format!(
                "{} invocations are already running in this namespace, the most allowed; try again shortly",
                b.max_running
            )
        } else if caller == Caller::Web && held.web >= b.max_web {
            format!(
                "{} web-action invocations are already running, the most allowed for public requests; try again shortly",
                b.max_web
            )
        } else if held.memory_mb + memory_mb > b.memory_budget_mb {
            format!(
                "the running invocations hold {} MB of the engine's {} MB memory budget and this one needs {memory_mb} MB; try again shortly",
                held.memory_mb, b.memory_budget_mb
            )
        } else {
            return None;
        };
        Some(EngineError::new(ErrorCode::TooManyRequests, message))
    }
}

impl Slot {
    /// Who holds it.
    pub(crate) fn caller(&self) -> Caller {
        self.caller
    }
}

impl Drop for Slot {
    fn drop(&mut self) {
        let mut held = self.slots.held();
        held.running = held.running.saturating_sub(1);
        held.memory_mb = held.memory_mb.saturating_sub(self.memory_mb);
        if self.caller == Caller::Web {
            held.web = held.web.saturating_sub(1);
        }
        drop(held);
        self.slots.freed.notify_all();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn slots() -> Arc<Slots> {
        Slots::new(Bounds {
            max_running: 3,
            max_web: 1,
            memory_budget_mb: 1024,
        })
    }

    #[test]
    fn each_bound_refuses_with_its_own_reason_and_frees_on_drop() {
        let s = slots();
        let web = s.try_acquire(Caller::Web, 128).unwrap();
        let e = s.try_acquire(Caller::Web, 128).unwrap_err();
        assert!(e.message.contains("web-action invocations"), "{e}");
        // Signed callers still get in past the web bound.
        let big = s.try_acquire(Caller::Signed, 768).unwrap();
        let e = s.try_acquire(Caller::Signed, 256).unwrap_err();
        assert!(e.message.contains("896 MB of the engine's 1024 MB"), "{e}");
        let small = s.try_acquire(Caller::Signed, 128).unwrap();
        let e = s.try_acquire(Caller::Signed, 0).unwrap_err();
        assert_eq!(e.code, ErrorCode::TooManyRequests);
        assert!(
            e.message.starts_with("3 invocations are already running"),
            "{e}"
        );
        drop((web, big, small));
        assert_eq!(s.running(), 0);
        assert!(s.try_acquire(Caller::Web, 1024).is_ok());
    }

    #[test]
    fn an_action_larger_than_the_budget_still_runs_alone() {
        let s = slots();
        let alone = s.try_acquire(Caller::Signed, 4096).unwrap();
        assert!(s.try_acquire(Caller::Signed, 1).is_err());
        drop(alone);
    }
}
