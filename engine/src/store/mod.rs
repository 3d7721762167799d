//! SQLite storage, the `atuin` way: one concrete `Store` that opens the database with WAL,
//! foreign keys and a busy timeout, and runs its migrations at open.

mod actions;
mod activations;
mod queue;
mod readers;
mod writer;

pub use actions::{Expect, StoredAction};
pub use activations::{ActivationFilter, ActivationOrder, ActivationRecord};

pub use queue::{AsyncFilter, AsyncRecord};
pub(crate) use readers::Readers;
pub(crate) use writer::Writer;

use rusqlite::Connection;
use std::path::Path;

use crate::draft::NO_PACKAGE;
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
    // Each write of an action counts up its revision, so a conditional write can tell
    // whether the action changed since it was read (the editor's conflict check).
    r#"
ALTER TABLE actions ADD COLUMN revision INTEGER NOT NULL DEFAULT 1;
"#,
    // Listings sort by start then id and filter by an action with or without its package
    // (OpenWhisk's `name` names no package): each order and filter has an index that answers
    // a page without sorting, at a million rows too. Totals count the narrowest index: start
    // times alone (a third of the pages of start and id; 42 → 15 ms at a million).
    r#"
DROP INDEX activations_by_start;
DROP INDEX activations_by_action;
CREATE INDEX activations_by_start ON activations (start_ms DESC, id DESC);
CREATE INDEX activations_start_times ON activations (start_ms);
CREATE INDEX activations_by_package_action ON activations (package, action, start_ms DESC, id DESC);
CREATE INDEX activations_by_action ON activations (action, start_ms DESC, id DESC);
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

/// A package as a row holds it: "outside any package" is NCP's `-` ([`NO_PACKAGE`]) on disk
/// (rows written before the engine's API had `Option` hold it); nothing above the store
/// sees it.
pub(crate) fn package_to_disk(package: Option<&str>) -> &str {
    package.unwrap_or(NO_PACKAGE)
}

/// A row's package as the engine's API has it.
pub(crate) fn package_from_disk(package: String) -> Option<String> {
    (package != NO_PACKAGE).then_some(package)
}

/// An action's path as messages (and NCP's sequence components) write it: `package/name`,
/// `-/name` outside any package.
pub fn action_path(package: Option<&str>, name: &str) -> String {
    format!("{}/{name}", package_to_disk(package))
}

/// Which page of a listing: skip `offset` rows, then at most `limit`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Paging {
    /// Rows skipped.
    pub offset: u64,
    /// Most rows answered.
    pub limit: u64,
}

impl Paging {
    /// The first `limit` rows.
    pub fn first(limit: u64) -> Self {
        Self { offset: 0, limit }
    }
}

/// How a listing is sorted: by what, and which way (ties by id, the same way).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Order {
    /// The sort field.
    pub by: ActivationOrder,
    /// Smallest (oldest) first; else largest (newest) first.
    pub ascending: bool,
}

/// Which packages a listing covers.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum Scope {
    /// Every package, and the actions outside any.
    #[default]
    All,
    /// One package, or (`None`) only the actions outside any package.
    Package(Option<String>),
}

impl Scope {
    /// Exactly `package` (`None`: the top level).
    pub fn of(package: Option<&str>) -> Self {
        Self::Package(package.map(str::to_string))
    }

    /// The package a `package = ?` condition binds; `None` for every package.
    pub(crate) fn bind(&self) -> Option<&str> {
        match self {
            Self::All => None,
            Self::Package(p) => Some(package_to_disk(p.as_deref())),
        }
    }
}

/// A stored value that does not decode, named by where it sits: corruption (or a row
/// written by something else) is reported, never read as a default.
pub(crate) fn corrupt(
    table: &str,
    row: &str,
    column: &str,
    why: impl std::fmt::Display,
) -> EngineError {
    EngineError::internal(format!(
        "the stored {table} row {row} is unreadable: its {column} {why}"
    ))
}

/// A JSON column of a stored row.
pub(crate) fn json_column(
    table: &str,
    row: &str,
    column: &str,
    text: &str,
) -> Result<serde_json::Value, EngineError> {
    serde_json::from_str(text)
        .map_err(|e| corrupt(table, row, column, format_args!("is not JSON ({e})")))
}

/// A JSON column holding a list of strings.
pub(crate) fn strings_column(
    table: &str,
    row: &str,
    column: &str,
    text: &str,
) -> Result<Vec<String>, EngineError> {
    serde_json::from_str(text).map_err(|e| {
        corrupt(
            table,
            row,
            column,
            format_args!("is not a JSON list of strings ({e})"),
        )
    })
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

impl Store {
    /// Leaves checkpoints to [`Store::checkpoint`] on another connection: this
    /// connection's commits never stop to copy the write-ahead log into the database (the
    /// activation writer, whose callers all wait on its commits).
    pub(crate) fn without_checkpoints(self) -> Result<Self, EngineError> {
        self.conn.pragma_update(None, "wal_autocheckpoint", 0)?;
        Ok(self)
    }

    /// Copies what it can of the write-ahead log into the database without waiting for
    /// writers or readers (`PASSIVE`); with `restart`, waits for the writer and starts the
    /// log over from its beginning, so it cannot grow without end under constant writes.
    pub(crate) fn checkpoint(&self, restart: bool) -> Result<(), EngineError> {
        let sql = match restart {
            true => "PRAGMA wal_checkpoint(RESTART)",
            false => "PRAGMA wal_checkpoint(PASSIVE)",
        };
        self.conn.query_row(sql, [], |_| Ok(()))?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::ErrorCode;
    use crate::store::ActivationFilter;

    fn store_with(sql: &str) -> Store {
        let store = Store::in_memory().unwrap();
        store.conn.execute_batch(sql).unwrap();
        store
    }

    fn activation_row(column: &str, value: &str) -> String {
        let mut values = [
            ("result", "'{}'"),
            ("logs", "'[]'"),
            ("params", "'{}'"),
            ("components", "'[]'"),
        ];
        for v in values.iter_mut().filter(|v| v.0 == column) {
            v.1 = value;
        }
        let [result, logs, params, components] = values.map(|v| v.1);
        format!(
            "INSERT INTO activations VALUES ('a1', 'guest', '-', 'hello', 'guest', 0, 0, 0, 'success', {result}, {logs}, {params}, 0, 100, {components});"
        )
    }

    fn internal(e: EngineError) -> String {
        assert_eq!(e.code, ErrorCode::Internal, "{e}");
        e.message
    }

    #[test]
    fn a_corrupt_activation_column_is_an_error_naming_table_row_and_column() {
        for (column, value, why) in [
            ("result", "'{not json'", "is not JSON"),
            ("logs", "'[1, 2]'", "is not a JSON list of strings"),
            ("params", "''", "is not JSON"),
            ("components", "'{}'", "is not a JSON list of strings"),
        ] {
            let store = store_with(&activation_row(column, value));
            let message = internal(store.activation("a1").unwrap_err());
            assert!(
                message.starts_with(&format!(
                    "the stored activations row a1 is unreadable: its {column} {why} ("
                )),
                "{message}"
            );
            let listed = store.activations(
                &ActivationFilter::default(),
                Order::default(),
                Paging::first(10),
            );
            assert_eq!(internal(listed.unwrap_err()), message);
        }
        let store = store_with(&activation_row("", "").replace("'success'", "'pending'"));
        assert_eq!(
            internal(store.activation("a1").unwrap_err()),
            "the stored activations row a1 is unreadable: its status \"pending\" is not a status an activation ends with"
        );
        // A sound row still reads.
        let store = store_with(&activation_row("", ""));
        assert_eq!(
            store.activation("a1").unwrap().unwrap().params,
            serde_json::json!({})
        );
        assert_eq!(store.activation("a2").unwrap(), None);
    }

    #[test]
    fn a_corrupt_queue_row_is_an_error_not_a_null_or_a_fail() {
        let row = |params: &str, status: &str| {
            format!(
                "INSERT INTO async_invocations (request_id, package, action, params, subject, status, enqueued_ms, deadline_ms) VALUES ('r1', '-', 'hello', '{params}', 'guest', '{status}', 0, 9);"
            )
        };
        let store = store_with(&row("{oops", "WAIT"));
        assert!(
            internal(store.async_invocation("r1").unwrap_err()).starts_with(
                "the stored async_invocations row r1 is unreadable: its params is not JSON"
            ),
        );
        assert!(store.claim_next(1).is_err(), "a corrupt row is not run");
        let store = store_with(&row("{}", "DONE"));
        assert_eq!(
            internal(store.async_invocation("r1").unwrap_err()),
            "the stored async_invocations row r1 is unreadable: its status \"DONE\" is not WAIT, RUNNING, SUCCESS, FAIL or DISCARD"
        );
        assert!(
            store
                .async_invocations(&Default::default(), Paging::first(10))
                .is_err()
        );
        assert_eq!(store.async_invocation("r2").unwrap(), None);
    }

    #[test]
    fn a_corrupt_action_or_package_is_an_error_naming_it() {
        let store = store_with(
            "INSERT INTO actions (package, name, kind, body, updated_ms) VALUES ('demo', 'hello', 'cron', '{}', 0);
             INSERT INTO actions (package, name, kind, body, updated_ms) VALUES ('demo', 'bad', 'basic', 'x', 0);
             INSERT INTO packages VALUES ('demo', NULL, '[oops', 0);",
        );
        assert_eq!(
            internal(store.action(Some("demo"), "hello").unwrap_err()),
            "the stored actions row demo/hello is unreadable: its kind \"cron\" is not basic, web, sequence or sequence-web"
        );
        assert!(
            internal(store.action(Some("demo"), "bad").unwrap_err()).starts_with(
                "the stored actions row demo/bad is unreadable: its body is not an action body"
            )
        );
        assert!(store.actions(&Scope::of(Some("demo"))).is_err());
        assert!(internal(store.package("demo").unwrap_err()).starts_with(
            "the stored packages row demo is unreadable: its parameters is not a JSON object"
        ));
    }
}
