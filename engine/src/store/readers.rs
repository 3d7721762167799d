//! Connections kept for reads that must not queue behind the engine's other work: an
//! invocation's action and package lookups. In WAL mode they never wait for a writer.

use std::path::Path;
use std::sync::Mutex;

use super::{Durability, Store};
use crate::error::EngineError;

/// Idle read connections; one is taken for each read and put back after.
#[derive(Debug)]
pub(crate) struct Readers {
    idle: Mutex<Vec<Store>>,
}

impl Readers {
    /// `count` connections to the database at `path` (already migrated).
    pub(crate) fn open(path: &Path, count: usize) -> Result<Self, EngineError> {
        let idle = (0..count)
            .map(|_| Store::open(path, Durability::Normal))
            .collect::<Result<_, _>>()?;
        Ok(Self {
            idle: Mutex::new(idle),
        })
    }

    /// `read` on a free connection; `None` when every one is in use (the caller reads
    /// elsewhere rather than wait).
    pub(crate) fn with<T>(&self, read: impl FnOnce(&Store) -> T) -> Option<T> {
        let store = self.lock().pop()?;
        let answer = read(&store);
        self.lock().push(store);
        Some(answer)
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Vec<Store>> {
        // A list of connections, changed by one push or pop.
        self.idle.lock().unwrap_or_else(|p| p.into_inner())
    }
}
