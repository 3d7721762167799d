//! The PostgreSQL backend, for several replicas sharing one database: the same concerns as
//! [`crate::sqlite::SqliteStore`], each in its own module here with its own named migrations.
//!
//! Migrations are recorded in `schema_migrations` as in SQLite, each run in its own
//! transaction with its record. Replicas starting together take a session advisory lock
//! first, so exactly one of them runs a given migration and the others then find it done.
//!
//! The connection is plain TCP or a unix socket (no TLS client is built in): reach the
//! database over a private network or a socket, as docs/DEPLOY.md describes.

mod accounts;
mod audit;
mod connections;
mod sessions;
mod setup;
mod tokens;

use std::str::FromStr;
use std::time::Duration;

use deadpool_postgres::{Manager, ManagerConfig, Pool, RecyclingMethod, Runtime};
use tokio_postgres::NoTls;

use crate::StoreError;
use crate::sqlite::Migration;

/// Every concern's PostgreSQL migrations, in the order they run on a new database (SQLite's
/// order: sessions and tokens refer to accounts).
const MIGRATIONS: &[&[Migration]] = &[
    accounts::MIGRATIONS,
    sessions::MIGRATIONS,
    tokens::MIGRATIONS,
    setup::MIGRATIONS,
    audit::MIGRATIONS,
    connections::MIGRATIONS,
];

/// The advisory lock key the migrations run under (any fixed number; "fnconsol" in ASCII).
const MIGRATION_LOCK: i64 = 0x666e_636f_6e73_6f6c;

/// The advisory lock key every change that depends on which accounts exist takes in its
/// transaction (creating one, removing an admin, the setup token): they run one at a time
/// across replicas, as SQLite's `BEGIN IMMEDIATE` runs them on one machine.
const ACCOUNTS_LOCK: i64 = 0x666e_6361_6363_7473;

/// Connections a replica keeps open at most.
const POOL_SIZE: usize = 16;

/// How long opening a connection may take before the store answers an error.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);

/// How long a request waits for a free pooled connection.
const WAIT_TIMEOUT: Duration = Duration::from_secs(10);

/// The console's state in one PostgreSQL database, shared by every replica that names it.
#[derive(Clone)]
pub struct PgStore {
    pool: Pool,
}

impl std::fmt::Debug for PgStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("PgStore")
    }
}

/// Whether `url` names a PostgreSQL database (`postgres://…` or `postgresql://…`), rather
/// than something else a setting might hold.
pub fn is_postgres_url(url: &str) -> bool {
    let url = url.trim_start();
    url.starts_with("postgres://") || url.starts_with("postgresql://")
}

/// Where `config` points, for messages: hosts, ports and database, never the user's password.
fn describe(config: &tokio_postgres::Config) -> String {
    let hosts: Vec<String> = config
        .get_hosts()
        .iter()
        .map(|host| match host {
            tokio_postgres::config::Host::Tcp(name) => name.clone(),
            tokio_postgres::config::Host::Unix(path) => path.display().to_string(),
        })
        .collect();
    let ports: Vec<String> = config.get_ports().iter().map(u16::to_string).collect();
    format!(
        "PostgreSQL at {} port {} database {}",
        if hosts.is_empty() {
            "localhost".into()
        } else {
            hosts.join(",")
        },
        if ports.is_empty() {
            "5432".into()
        } else {
            ports.join(",")
        },
        config.get_dbname().unwrap_or("(the user's)")
    )
}

impl PgStore {
    /// Connects to the database `url` names, checks it answers, and brings its schema up to
    /// date. A malformed URL or an unreachable server is an error naming where it pointed
    /// (never the password).
    pub async fn connect(url: &str) -> Result<Self, StoreError> {
        let mut config = tokio_postgres::Config::from_str(url.trim()).map_err(|e| {
            StoreError::Database(format!("the database URL is not a PostgreSQL URL: {e}"))
        })?;
        if config.get_connect_timeout().is_none() {
            config.connect_timeout(CONNECT_TIMEOUT);
        }
        config.application_name("fnconsole");
        let place = describe(&config);
        let manager = Manager::from_config(
            config,
            NoTls,
            ManagerConfig {
                recycling_method: RecyclingMethod::Fast,
            },
        );
        let pool = Pool::builder(manager)
            .max_size(POOL_SIZE)
            .runtime(Runtime::Tokio1)
            .wait_timeout(Some(WAIT_TIMEOUT))
            .create_timeout(Some(CONNECT_TIMEOUT))
            .build()
            .map_err(|e| StoreError::Database(format!("{place}: {e}")))?;
        let store = Self { pool };
        let mut client = store
            .client()
            .await
            .map_err(|e| StoreError::Database(format!("cannot reach {place}: {e}")))?;
        migrate(&mut client, MIGRATIONS)
            .await
            .map_err(|e| StoreError::Database(format!("{place}: {e}")))?;
        Ok(store)
    }

    /// A pooled connection.
    pub async fn client(&self) -> Result<deadpool_postgres::Object, StoreError> {
        self.pool.get().await.map_err(|e| match e {
            deadpool_postgres::PoolError::Backend(e) => StoreError::from(e),
            other => StoreError::Database(other.to_string()),
        })
    }
}

impl crate::store::Backend for PgStore {}

impl From<tokio_postgres::Error> for StoreError {
    fn from(e: tokio_postgres::Error) -> Self {
        // A server error's own message is the useful part; the wrapper's text says only
        // "db error".
        match e.as_db_error() {
            Some(db) => Self::Database(db.message().to_owned()),
            None => Self::Database(e.to_string()),
        }
    }
}

impl From<tokio_postgres::Error> for crate::AccessError {
    fn from(e: tokio_postgres::Error) -> Self {
        Self::Store(StoreError::from(e))
    }
}

/// Takes the accounts lock until `tx` ends (commit or rollback).
async fn lock_accounts(tx: &tokio_postgres::Transaction<'_>) -> Result<(), StoreError> {
    tx.execute("SELECT pg_advisory_xact_lock($1)", &[&ACCOUNTS_LOCK])
        .await?;
    Ok(())
}

/// Runs every migration of `lists` not yet recorded, each in its own transaction with its
/// record, under the migration lock.
async fn migrate(
    client: &mut tokio_postgres::Client,
    lists: &[&[Migration]],
) -> Result<(), StoreError> {
    client
        .execute("SELECT pg_advisory_lock($1)", &[&MIGRATION_LOCK])
        .await?;
    let result = migrate_locked(client, lists).await;
    // The lock also ends with the session; unlocking here lets the pooled connection be reused.
    let unlocked = client
        .execute("SELECT pg_advisory_unlock($1)", &[&MIGRATION_LOCK])
        .await;
    result?;
    unlocked?;
    Ok(())
}

async fn migrate_locked(
    client: &mut tokio_postgres::Client,
    lists: &[&[Migration]],
) -> Result<(), StoreError> {
    client
        .batch_execute(
            "CREATE TABLE IF NOT EXISTS schema_migrations (
                 name TEXT PRIMARY KEY,
                 applied_at_ms BIGINT NOT NULL
             )",
        )
        .await?;
    for (name, sql) in lists.iter().flat_map(|list| list.iter()) {
        let tx = client.transaction().await?;
        let done: bool = tx
            .query_one(
                "SELECT EXISTS(SELECT 1 FROM schema_migrations WHERE name = $1)",
                &[name],
            )
            .await?
            .try_get(0)?;
        if done {
            continue;
        }
        let named = |e: tokio_postgres::Error| {
            StoreError::Database(format!("migration {name}: {}", StoreError::from(e)))
        };
        // Dropping `tx` on an error rolls the migration back whole.
        tx.batch_execute(sql).await.map_err(named)?;
        tx.execute(
            "INSERT INTO schema_migrations (name, applied_at_ms) VALUES ($1, $2)",
            &[name, &now_ms()],
        )
        .await
        .map_err(named)?;
        tx.commit().await.map_err(named)?;
        tracing::info!(
            migration = name,
            "migrated the console's PostgreSQL database"
        );
    }
    Ok(())
}

/// Now, ms since the Unix epoch.
pub(crate) fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
        .unwrap_or(0)
}

#[doc(hidden)]
/// For the tests only: runs `lists` as migrations on this database, as `connect` does.
pub async fn migrate_for_tests(store: &PgStore, lists: &[&[Migration]]) -> Result<(), StoreError> {
    let mut client = store.client().await?;
    migrate(&mut client, lists).await
}
