//! Group commit without a writer thread: the activation writer's connection is used by one
//! caller at a time. A caller queues its row; if no commit is in progress, it commits every
//! row waiting then (its own among them) in one transaction. Otherwise it waits on a channel
//! of its own, and is woken exactly once: with its row's outcome, or to commit next (the
//! caller that committed hands over to the first row still waiting). While one batch commits,
//! the next gathers: the busier the engine, the fewer commits per activation, and a lone
//! invocation commits on its own thread at once, with no hand-off. (A writer thread did this
//! before: two thread wake-ups per invocation, the largest cost after the commit itself in
//! the profile of a warm invocation on disk; one condition variable for all woke every waiter
//! at each commit.) Every caller is answered only after the transaction holding its row
//! committed.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::PathBuf;
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, Sender, SyncSender};
use std::sync::{Mutex, MutexGuard};
use std::time::Duration;

use super::Store;
use super::activations::{ActivationRecord, EncodedActivation};
use crate::engine::panic_message;
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
    /// The write connection, used by the committing caller.
    store: Mutex<Store>,
    waiting: Mutex<Waiting>,
    /// Dropped with the writer, which ends the checkpointer's wait.
    _checkpoints: Option<Sender<()>>,
}

/// Rows not yet committed, each with its caller's channel.
#[derive(Debug, Default)]
struct Waiting {
    rows: Vec<Queued>,
    /// A caller is committing a batch now (or was handed the next one).
    committing: bool,
}

#[derive(Debug)]
struct Queued {
    row: EncodedActivation,
    /// `None` for the committing caller's own row.
    caller: Option<SyncSender<Wake>>,
}

/// Why a waiting caller is woken.
#[derive(Debug)]
enum Wake {
    /// Its row's transaction ended so.
    Done(Result<(), EngineError>),
    /// Its row is still waiting and no commit is in progress: it commits next.
    Commit,
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
        let row = EncodedActivation::of(record);
        let mut waiting = self.waiting();
        if !waiting.committing {
            waiting.committing = true;
            waiting.rows.insert(0, Queued { row, caller: None });
            return self.commit_from(waiting);
        }
        let (caller, woken) = mpsc::sync_channel(1);
        waiting.rows.push(Queued {
            row,
            caller: Some(caller),
        });
        drop(waiting);
        self.wait(&woken)
    }

    /// Waits for this caller's wake-up: its outcome, or its turn to commit (its row first).
    fn wait(&self, woken: &Receiver<Wake>) -> Result<(), EngineError> {
        match woken.recv() {
            Ok(Wake::Done(outcome)) => outcome,
            Ok(Wake::Commit) => self.commit_from(self.waiting()),
            // The committing caller is gone without a word (it panicked past catch_unwind).
            Err(_) => Err(EngineError::internal(
                "the store writer lost the activation",
            )),
        }
    }

    /// Commits the rows waiting (at most [`MAX_BATCH`]; the first is this caller's), answers
    /// the other callers, hands the next commit to the first row still waiting, and answers
    /// this caller's own outcome.
    fn commit_from(&self, mut waiting: MutexGuard<'_, Waiting>) -> Result<(), EngineError> {
        let take = waiting.rows.len().min(MAX_BATCH);
        let batch: Vec<Queued> = waiting.rows.drain(..take).collect();
        drop(waiting);
        let mut outcomes = self.commit(&batch).into_iter();
        let mine = outcomes.next().unwrap_or_else(|| {
            Err(EngineError::internal(
                "the store writer lost the activation",
            ))
        });
        for (queued, outcome) in batch.into_iter().skip(1).zip(outcomes) {
            if let Some(caller) = queued.caller {
                // Its caller waits on it; a full or closed channel cannot happen (one message
                // each, and the caller waits until it comes).
                let _ = caller.send(Wake::Done(outcome));
            }
        }
        let mut waiting = self.waiting();
        match waiting.rows.first_mut().map(|q| q.caller.take()) {
            Some(Some(next)) => {
                // Still `committing`: the next caller commits from where this one stops.
                drop(waiting);
                let _ = next.send(Wake::Commit);
            }
            _ => waiting.committing = false,
        }
        mine
    }

    /// Writes `batch` in one transaction; answers each row's outcome, in order. A batch that
    /// fails is written again row by row, so one bad row (a duplicate id) fails only its own
    /// caller; a panic fails them all (and never leaves the others waiting).
    fn commit(&self, batch: &[Queued]) -> Vec<Result<(), EngineError>> {
        let store = lock(&self.store);
        let rows: Vec<&EncodedActivation> = batch.iter().map(|q| &q.row).collect();
        let write = || match store.insert_rows(&rows) {
            Ok(()) => rows.iter().map(|_| Ok(())).collect(),
            Err(_) => rows
                .iter()
                .map(|row| store.insert_rows(std::slice::from_ref(row)))
                .collect(),
        };
        catch_unwind(AssertUnwindSafe(write)).unwrap_or_else(|panic| {
            let message = format!("the store writer failed: {}", panic_message(&*panic));
            rows.iter()
                .map(|_| Err(EngineError::internal(message.clone())))
                .collect()
        })
    }

    fn waiting(&self) -> MutexGuard<'_, Waiting> {
        lock(&self.waiting)
    }
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    // A panic while holding either lock leaves SQLite consistent (each transaction is atomic)
    // and the lists whole (each change is one push, drain or insert).
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
