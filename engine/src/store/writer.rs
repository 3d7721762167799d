//! Group commit: one thread with its own connection writes activations, as many as are
//! waiting in one transaction, and answers each caller only after that transaction
//! committed. While one batch commits, the next gathers, so the busier the engine, the
//! fewer commits per activation; a lone invocation is written at once, with no added wait.

use std::path::PathBuf;
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, Sender, SyncSender};
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

/// The handle on the writer thread (and its checkpointer); both end when this is dropped.
#[derive(Debug)]
pub(crate) struct Writer {
    requests: Sender<Request>,
    /// Dropped with the writer, which ends the checkpointer's wait.
    _checkpoints: Option<Sender<()>>,
}

struct Request {
    row: EncodedActivation,
    done: SyncSender<Result<(), EngineError>>,
}

impl Writer {
    /// Starts the writer over `store` (a connection of its own). With `checkpointer` (a
    /// third connection), the writer's commits never checkpoint: that connection does,
    /// every [`CHECKPOINT_EVERY`], on its own thread, so no caller waits for the database
    /// file to be written and synced.
    pub(crate) fn start(
        store: Store,
        checkpointer: Option<(Store, PathBuf)>,
    ) -> Result<Self, EngineError> {
        let cannot = |e: std::io::Error| {
            EngineError::internal(format!("cannot start the store writer: {e}"))
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
        let (requests, incoming) = mpsc::channel();
        std::thread::Builder::new()
            .name("engine-store-writer".into())
            .spawn(move || write_batches(&store, &incoming))
            .map_err(cannot)?;
        Ok(Self {
            requests,
            _checkpoints: checkpoints,
        })
    }

    /// Writes `record`; answers once it is committed (or could not be).
    pub(crate) fn insert(&self, record: &ActivationRecord) -> Result<(), EngineError> {
        let (done, answer) = mpsc::sync_channel(1);
        let gone = || EngineError::internal("the engine's store writer is not running");
        let row = EncodedActivation::of(record);
        self.requests
            .send(Request { row, done })
            .map_err(|_| gone())?;
        answer.recv().map_err(|_| gone())?
    }
}

/// The writer's loop: take what waits (at least one), write it in one transaction, answer
/// every caller with the outcome. A batch that fails is written again row by row, so one bad
/// row (a duplicate id) fails only its own caller.
fn write_batches(store: &Store, incoming: &Receiver<Request>) {
    while let Ok(first) = incoming.recv() {
        let mut batch = vec![first];
        while batch.len() < MAX_BATCH {
            match incoming.try_recv() {
                Ok(request) => batch.push(request),
                Err(_) => break,
            }
        }
        let rows: Vec<EncodedActivation> = batch.iter().map(|r| r.row.clone()).collect();
        match store.insert_rows(&rows) {
            Ok(()) => {
                for request in batch {
                    let _ = request.done.send(Ok(()));
                }
            }
            Err(_) => {
                for (request, row) in batch.into_iter().zip(rows) {
                    let _ = request
                        .done
                        .send(store.insert_rows(std::slice::from_ref(&row)));
                }
            }
        }
    }
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
