//! Group commit without a writer thread: the activation writer's connection is behind a lock,
//! and whoever takes it commits every row waiting then, its own among them, in one
//! transaction, then answers the others whose rows that transaction held. While one batch
//! commits, the next gathers; the busier the engine, the fewer commits per activation, and a
//! lone invocation commits on its own thread at once, with no hand-off. (A writer thread did
//! this before: two thread wake-ups per invocation, the largest cost after the commit itself
//! in the profile of a warm invocation on disk.) Every caller is answered only after the
//! transaction holding its row committed.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::mpsc::{self, RecvTimeoutError, Sender};
use std::sync::{Mutex, MutexGuard};
use std::time::Duration;

use super::Store;
use super::activations::{ActivationRecord, EncodedActivation};
use crate::error::EngineError;

/// The most activations one transaction writes.
const MAX_BATCH: usize = 512;

/// How often the checkpointer copies the write-ahead log into the database.
const CHECKPOINT_EVERY: Duration = Duration::from_millis(250);
/// A write-ahead log past this many bytes is started over (the writer waits for that one).
const WAL_RESTART_BYTES: u64 = 64 * 1024 * 1024;

/// The activation writer (and its checkpointer, which ends when this is dropped).
#[derive(Debug)]
pub(crate) struct Writer {
    /// The write connection: its holder commits what waits.
    store: Mutex<Store>,
    waiting: Mutex<Waiting>,
    /// Dropped with the writer, which ends the checkpointer's wait.
    _checkpoints: Option<Sender<()>>,
}

/// Rows not yet committed, and the outcomes not yet collected by their callers.
#[derive(Debug, Default)]
struct Waiting {
    next: u64,
    rows: Vec<(u64, EncodedActivation)>,
    outcomes: HashMap<u64, Result<(), EngineError>>,
}

impl Writer {
    /// The writer over `store` (a connection of its own). With `checkpointer` (a third
    /// connection), commits never checkpoint: that connection does, every
    /// [`CHECKPOINT_EVERY`], on its own thread, so no caller waits for the database file to
    /// be written and synced.
    pub(crate) fn start(
        store: Store,
        checkpointer: Option<(Store, PathBuf)>,
    ) -> Result<Self, EngineError> {
        let cannot = |e: std::io::Error| {
            EngineError::internal(format!("cannot start the store checkpointer: {e}"))
        };
        let (store, checkpoints) = match checkpointer {
            None => (store, None),
            Some((checkpointer, database)) => {
                let mut wal = database.into_os_string();
                wal.push("-wal");
                let (stop, stopped) = mpsc::channel::<()>();
                std::thread::Builder::new()
                    .name("engine-store-checkpoints".into())
                    .spawn(move || {
                        while let Err(RecvTimeoutError::Timeout) =
                            stopped.recv_timeout(CHECKPOINT_EVERY)
                        {
                            let long = std::fs::metadata(&wal)
                                .is_ok_and(|m| m.len() > WAL_RESTART_BYTES);
                            if let Err(e) = checkpointer.checkpoint(long) {
                                tracing::warn!(error = %e, "a checkpoint failed; the next one tries again");
                            }
                        }
                        // The last one at shutdown.
                        let _ = checkpointer.checkpoint(false);
                    })
                    .map_err(cannot)?;
                (store.without_checkpoints()?, Some(stop))
            }
        };
        Ok(Self {
            store: Mutex::new(store),
            waiting: Mutex::new(Waiting::default()),
            _checkpoints: checkpoints,
        })
    }

    /// Writes `record`; answers once it is committed (or could not be).
    pub(crate) fn insert(&self, record: &ActivationRecord) -> Result<(), EngineError> {
        let ticket = {
            let mut waiting = self.waiting();
            let ticket = waiting.next;
            waiting.next += 1;
            waiting.rows.push((ticket, EncodedActivation::of(record)));
            ticket
        };
        // Waits while another caller commits (perhaps this row with its own).
        let store = lock(&self.store);
        let batch = {
            let mut waiting = self.waiting();
            if let Some(outcome) = waiting.outcomes.remove(&ticket) {
                return outcome;
            }
            let take = waiting.rows.len().min(MAX_BATCH);
            // This row is among them: only the holder of `store` takes rows, and the last
            // holder did not (its outcome would be here). A batch is at most MAX_BATCH, so
            // this row may wait for one more; its own is first in that case.
            let at = waiting.rows.iter().position(|(t, _)| *t == ticket);
            match at {
                Some(at) if at >= take => {
                    let mine = waiting.rows.remove(at);
                    let mut batch: Vec<_> = waiting.rows.drain(..take - 1).collect();
                    batch.push(mine);
                    batch
                }
                Some(_) => waiting.rows.drain(..take).collect(),
                None => {
                    // The caller that took it failed before answering (it panicked).
                    return Err(EngineError::internal(
                        "the activation's batch was lost by the store writer",
                    ));
                }
            }
        };
        let (tickets, rows): (Vec<u64>, Vec<EncodedActivation>) = batch.into_iter().unzip();
        let outcomes: Vec<Result<(), EngineError>> = match store.insert_rows(&rows) {
            Ok(()) => rows.iter().map(|_| Ok(())).collect(),
            // One bad row (a duplicate id) fails only its own caller.
            Err(_) => rows
                .iter()
                .map(|row| store.insert_rows(std::slice::from_ref(row)))
                .collect(),
        };
        let mut mine = Err(EngineError::internal(
            "the store writer lost the activation",
        ));
        // Answered before `store` is let go: the next holder looks for its outcome first.
        let mut waiting = self.waiting();
        for (t, outcome) in tickets.into_iter().zip(outcomes) {
            match t == ticket {
                true => mine = outcome,
                false => {
                    waiting.outcomes.insert(t, outcome);
                }
            }
        }
        drop(waiting);
        drop(store);
        mine
    }

    fn waiting(&self) -> MutexGuard<'_, Waiting> {
        lock(&self.waiting)
    }
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    // A panic while holding either lock leaves SQLite consistent (each transaction is atomic)
    // and the lists whole (each change is one push, drain or insert); a row taken by the
    // panicking caller is answered as lost (above).
    m.lock().unwrap_or_else(|p| p.into_inner())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::Durability;
    use providers::ActivationStatus;
    use serde_json::json;
    use std::sync::Arc;

    fn record(id: &str) -> ActivationRecord {
        ActivationRecord {
            id: id.into(),
            namespace: "guest".into(),
            package: None,
            action: "hello".into(),
            subject: "guest".into(),
            start_ms: 1,
            end_ms: 2,
            duration_ms: 1,
            status: ActivationStatus::Success,
            result: json!({"ok": true}),
            logs: vec!["a line".into()],
            params: json!({"name": "Kim"}),
            memory_used: 0,
            billed_ms: 100,
            components: Vec::new(),
        }
    }

    #[test]
    fn many_callers_are_each_answered_after_their_row_is_committed_and_a_bad_row_fails_alone() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("engine.db");
        let reader = Store::open(&path, Durability::Normal).unwrap();
        let checkpointer = Store::open(&path, Durability::Normal).unwrap();
        let writer = Store::open(&path, Durability::Normal).unwrap();
        let writer = Writer::start(writer, Some((checkpointer, path.clone()))).unwrap();
        let writer = Arc::new(writer);
        let threads: Vec<_> = (0..8)
            .map(|t| {
                let writer = writer.clone();
                std::thread::spawn(move || {
                    for i in 0..50 {
                        writer.insert(&record(&format!("t{t}-{i}"))).unwrap();
                    }
                })
            })
            .collect();
        for t in threads {
            t.join().unwrap();
        }
        // Every answered row is there, read through another connection.
        for t in 0..8 {
            for i in 0..50 {
                let id = format!("t{t}-{i}");
                assert_eq!(reader.activation(&id).unwrap().unwrap(), record(&id));
            }
        }
        // A duplicate id fails its own caller only.
        let (a, b) = (writer.clone(), writer.clone());
        let dup = std::thread::spawn(move || a.insert(&record("t0-0")));
        let fresh = std::thread::spawn(move || b.insert(&record("fresh")));
        assert!(dup.join().unwrap().is_err());
        fresh.join().unwrap().unwrap();
        assert!(reader.activation("fresh").unwrap().is_some());
    }
}
