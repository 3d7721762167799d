//! The SQLite backend: `access.db` in the data directory, opened with WAL, foreign keys and a
//! busy timeout, its migrations run at open.
//!
//! Migrations are named (`"accounts/1"`) and recorded in `schema_migrations`, so each concern
//! keeps its own list in its own module and adding one never renumbers another's.

use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use rusqlite::Connection;

use crate::StoreError;

/// One named migration: its name (`"<concern>/<n>"`) and the SQL it runs, once.
pub type Migration = (&'static str, &'static str);

/// Every concern's migrations, in the order they run on a new database.
const MIGRATIONS: &[&[Migration]] = &[
    crate::accounts::MIGRATIONS,
    crate::sessions::MIGRATIONS,
    crate::tokens::MIGRATIONS,
    crate::setup::MIGRATIONS,
    crate::audit::MIGRATIONS,
    crate::connections::MIGRATIONS,
];

/// The console's state in one SQLite database.
#[derive(Clone)]
pub struct SqliteStore {
    conn: Arc<Mutex<Connection>>,
}

impl SqliteStore {
    /// Opens (creating it if needed) the database at `path` and brings its schema up to date.
    /// Its commits survive the process being killed (WAL, `synchronous = NORMAL`: the log is
    /// written at each commit, synced at checkpoints); with `sync_every_commit` they also
    /// survive a power loss, each commit waiting for the disk (`FULL`, a few ms here — on the
    /// path of every session touch and audited call).
    pub fn open(path: &Path, sync_every_commit: bool) -> Result<Self, StoreError> {
        let conn = Connection::open(path)?;
        let synchronous = if sync_every_commit { "FULL" } else { "NORMAL" };
        conn.pragma_update(None, "synchronous", synchronous)?;
        Self::setup(conn)
    }

    /// A private database in memory, for tests.
    pub fn in_memory() -> Result<Self, StoreError> {
        Self::setup(Connection::open_in_memory()?)
    }

    fn setup(conn: Connection) -> Result<Self, StoreError> {
        conn.pragma_update(None, "journal_mode", "WAL")?;
        conn.pragma_update(None, "foreign_keys", "ON")?;
        conn.busy_timeout(Duration::from_secs(5))?;
        migrate(&conn, MIGRATIONS)?;
        Ok(Self {
            conn: Arc::new(Mutex::new(conn)),
        })
    }

    /// Runs `work` with the connection on a blocking thread, so a request's task never waits
    /// on SQLite's file locks.
    pub async fn with_conn<T, F>(&self, work: F) -> Result<T, StoreError>
    where
        T: Send + 'static,
        F: FnOnce(&mut Connection) -> Result<T, StoreError> + Send + 'static,
    {
        let conn = Arc::clone(&self.conn);
        tokio::task::spawn_blocking(move || {
            // A panic while holding the lock poisons it; the connection itself is still
            // consistent (SQLite rolls back an unfinished transaction), so keep using it.
            let mut guard = conn.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
            work(&mut guard)
        })
        .await?
    }
}

impl crate::store::Backend for SqliteStore {}

/// Runs every migration of `lists` not yet recorded, each in its own transaction with its
/// record.
fn migrate(conn: &Connection, lists: &[&[Migration]]) -> Result<(), StoreError> {
    conn.execute_batch(
        "CREATE TABLE IF NOT EXISTS schema_migrations (
             name TEXT PRIMARY KEY,
             applied_at_ms INTEGER NOT NULL
         )",
    )?;
    for (name, sql) in lists.iter().flat_map(|list| list.iter()) {
        let done: bool = conn.query_row(
            "SELECT EXISTS(SELECT 1 FROM schema_migrations WHERE name = ?1)",
            [name],
            |row| row.get(0),
        )?;
        if done {
            continue;
        }
        let batch = format!(
            "BEGIN IMMEDIATE;\n{sql};\nINSERT INTO schema_migrations (name, applied_at_ms) \
             VALUES ('{name}', CAST(unixepoch('subsec') * 1000 AS INTEGER));\nCOMMIT;"
        );
        if let Err(error) = conn.execute_batch(&batch) {
            let _ = conn.execute_batch("ROLLBACK");
            return Err(StoreError::Database(format!("migration {name}: {error}")));
        }
        tracing::info!(migration = name, "migrated the console's database");
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    const ONE: &[Migration] = &[("t/1", "CREATE TABLE t (x INTEGER)")];
    const TWO: &[Migration] = &[
        ("t/1", "CREATE TABLE t (x INTEGER)"),
        ("t/2", "ALTER TABLE t ADD COLUMN y TEXT"),
    ];

    #[test]
    fn migrations_run_once_each_and_later_ones_are_added() {
        let conn = Connection::open_in_memory().unwrap();
        migrate(&conn, &[ONE]).unwrap();
        // Running the same list again must not re-run "t/1" (it would fail: table exists).
        migrate(&conn, &[ONE]).unwrap();
        migrate(&conn, &[TWO]).unwrap();
        conn.execute("INSERT INTO t (x, y) VALUES (1, 'a')", [])
            .unwrap();
        let names: Vec<String> = conn
            .prepare("SELECT name FROM schema_migrations ORDER BY name")
            .unwrap()
            .query_map([], |r| r.get(0))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap();
        assert_eq!(names, ["t/1", "t/2"]);
    }

    #[test]
    fn a_failing_migration_is_named_and_leaves_nothing_half_done() {
        let conn = Connection::open_in_memory().unwrap();
        let bad: &[Migration] = &[("bad/1", "CREATE TABLE u (x); CREATE TABLE u (x)")];
        let error = migrate(&conn, &[bad]).unwrap_err().to_string();
        assert!(error.contains("migration bad/1"), "{error}");
        let tables: i64 = conn
            .query_row(
                "SELECT count(*) FROM sqlite_master WHERE name = 'u'",
                [],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(tables, 0);
    }

    #[tokio::test]
    async fn a_commit_waits_for_the_disk_only_when_asked_to() {
        let dir = tempfile::tempdir().unwrap();
        for (sync_every_commit, expected) in [(false, 1), (true, 2)] {
            let path = dir.path().join(format!("{sync_every_commit}.db"));
            let store = SqliteStore::open(&path, sync_every_commit).unwrap();
            let synchronous: i64 = store
                .with_conn(|c| Ok(c.query_row("PRAGMA synchronous", [], |r| r.get(0))?))
                .await
                .unwrap();
            // 1 is NORMAL, 2 is FULL.
            assert_eq!(synchronous, expected, "sync_every_commit = {sync_every_commit}");
        }
    }

    #[tokio::test]
    async fn the_file_database_opens_twice_and_answers_queries() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("access.db");
        SqliteStore::open(&path, false).unwrap();
        let store = SqliteStore::open(&path, false).unwrap();
        let one: i64 = store
            .with_conn(|c| Ok(c.query_row("SELECT 1", [], |r| r.get(0))?))
            .await
            .unwrap();
        assert_eq!(one, 1);
    }
}
