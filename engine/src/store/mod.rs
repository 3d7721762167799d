//! SQLite storage, the `atuin` way: one concrete `Store` that opens the database with WAL,
//! foreign keys and a busy timeout, and runs its migrations at open.

mod actions;
mod activations;
mod queue;

pub use actions::StoredAction;
pub use activations::{ActivationFilter, ActivationOrder, ActivationRecord};
pub use queue::{AsyncFilter, AsyncRecord};

use rusqlite::Connection;
use std::path::Path;

use crate::error::EngineError;

/// The migrations, in order; `PRAGMA user_version` records how many ran.
const MIGRATIONS: &[&str] = &[
    r#"
CREATE TABLE packages (
    name        TEXT PRIMARY KEY,
    description TEXT,
    parameters  TEXT NOT NULL DEFAULT '{}',
    updated_ms  INTEGER NOT NULL
);
CREATE TABLE actions (
    package     TEXT NOT NULL,
    name        TEXT NOT NULL,
    kind        TEXT NOT NULL,
    body        TEXT NOT NULL,
    updated_ms  INTEGER NOT NULL,
    PRIMARY KEY (package, name)
);
CREATE TABLE activations (
    id           TEXT PRIMARY KEY,
    namespace    TEXT NOT NULL,
    package      TEXT NOT NULL,
    action       TEXT NOT NULL,
    subject      TEXT NOT NULL,
    start_ms     INTEGER NOT NULL,
    end_ms       INTEGER NOT NULL,
    duration_ms  INTEGER NOT NULL,
    status       TEXT NOT NULL,
    result       TEXT NOT NULL,
    logs         TEXT NOT NULL,
    params       TEXT NOT NULL,
    memory_used  INTEGER NOT NULL,
    billed_ms    INTEGER NOT NULL,
    components   TEXT NOT NULL DEFAULT '[]'
);
CREATE INDEX activations_by_action ON activations (package, action, start_ms DESC);
CREATE INDEX activations_by_start ON activations (start_ms DESC);
"#,
    r#"
CREATE TABLE async_invocations (
    request_id    TEXT PRIMARY KEY,
    package       TEXT NOT NULL,
    action        TEXT NOT NULL,
    params        TEXT NOT NULL,
    subject       TEXT NOT NULL,
    status        TEXT NOT NULL,
    error_code    INTEGER NOT NULL DEFAULT 0,
    error_message TEXT NOT NULL DEFAULT '',
    enqueued_ms   INTEGER NOT NULL,
    deadline_ms   INTEGER NOT NULL,
    start_ms      INTEGER,
    end_ms        INTEGER,
    activation_id TEXT
);
CREATE INDEX async_by_status ON async_invocations (status, enqueued_ms);
CREATE INDEX async_by_action ON async_invocations (package, action, enqueued_ms DESC);
"#,
];

/// What a committed write survives: SQLite's `synchronous` in WAL mode.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Durability {
    /// `NORMAL`: every commit survives the engine's process crashing or being killed; after
    /// a power loss or an operating-system crash the last commits before it may be gone
    /// (the write-ahead log is synced at checkpoints, not at each commit). Fast.
    #[default]
    Normal,
    /// `FULL`: the write-ahead log is synced at every commit, so a commit also survives a
    /// power loss. Each write waits for the disk.
    Full,
}

impl Durability {
    fn pragma(self) -> &'static str {
        match self {
            Self::Normal => "NORMAL",
            Self::Full => "FULL",
        }
    }
}

/// A count or offset as SQLite's integer, saturating: `as` would turn a value past
/// `i64::MAX` negative, and `LIMIT -1` means every row.
fn sql_count(n: u64) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}

/// The engine's database.
#[derive(Debug)]
pub struct Store {
    conn: Connection,
}

impl Store {
    /// Opens (creating if needed) the database at `path`.
    pub fn open(path: &Path, durability: Durability) -> Result<Self, EngineError> {
        Self::setup(Connection::open(path)?, durability)
    }

    /// An in-memory database, for tests.
    pub fn in_memory() -> Result<Self, EngineError> {
        Self::setup(Connection::open_in_memory()?, Durability::Normal)
    }

    fn setup(conn: Connection, durability: Durability) -> Result<Self, EngineError> {
        // WAL: readers never wait for the writer; a crash loses no committed transaction.
        conn.pragma_update(None, "journal_mode", "WAL")?;
        conn.pragma_update(None, "synchronous", durability.pragma())?;
        conn.pragma_update(None, "foreign_keys", "ON")?;
        conn.busy_timeout(std::time::Duration::from_secs(5))?;
        let done: usize = conn.pragma_query_value(None, "user_version", |r| r.get(0))?;
        for (i, migration) in MIGRATIONS.iter().enumerate().skip(done) {
            conn.execute_batch(migration)?;
            conn.pragma_update(None, "user_version", i + 1)?;
        }
        Ok(Self { conn })
    }
}
