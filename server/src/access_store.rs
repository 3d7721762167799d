//! Opens the console's own database: the PostgreSQL one `[server] database_url` (or
//! `FNCONSOLE_DATABASE_URL`) names, shared by every replica naming it; else `access.db` in the
//! data directory (0600: it holds password hashes, sessions and encrypted connection
//! secrets).

use std::path::Path;
use std::sync::Arc;

use crate::ServeError;

/// The file name of the console's database in the data directory.
pub const FILE: &str = "access.db";

/// Opens (creating and migrating) `{data_dir}/access.db`, its commits as durable as the
/// engine's (`[engine] durability`: `full` also syncs each commit to the disk).
pub fn open(data_dir: &Path, durability: engine::Durability) -> Result<access::Store, ServeError> {
    let path = data_dir.join(FILE);
    // 0600 before SQLite opens it, so its -wal and -shm files are born private too.
    crate::private_files::ensure_private_file(&path)
        .map_err(|e| ServeError::Store(format!("cannot create {}: {e}", path.display())))?;
    let store = access::sqlite::SqliteStore::open(&path, durability == engine::Durability::Full)
        .map_err(|e| ServeError::Store(format!("cannot open {}: {e}", path.display())))?;
    Ok(access::Store(Arc::new(store)))
}

/// Opens the database `server` configures: PostgreSQL when it names one, else SQLite in its
/// data directory. A bad URL or a database that cannot be reached stops the start-up with an
/// error naming the setting and where it pointed (never the password).
pub async fn open_configured(
    server: &crate::config::ServerSection,
    durability: engine::Durability,
) -> Result<access::Store, ServeError> {
    match &server.database_url {
        Some(crate::config::DatabaseUrl(url)) => {
            let store = access::postgres::PgStore::connect(url).await.map_err(|e| {
                ServeError::Store(format!(
                    "database_url (FNCONSOLE_DATABASE_URL or [server] database_url): {e}"
                ))
            })?;
            tracing::info!("the console's state is in PostgreSQL");
            Ok(access::Store(Arc::new(store)))
        }
        None => open(&server.data_dir, durability),
    }
}

/// How often a replica on PostgreSQL rereads the connections other replicas added, changed
/// or deleted in the UI.
pub const FOLLOW_EVERY: std::time::Duration = std::time::Duration::from_secs(2);

/// On a shared (PostgreSQL) database, rereads the UI's connections every [`FOLLOW_EVERY`] so a
/// connection saved on one replica is listed and usable on every other within seconds. A
/// failed reread is logged and the current connections kept.
pub fn follow_other_replicas(state: crate::AppState) {
    if state.config.server.database_url.is_none() {
        return;
    }
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(FOLLOW_EVERY);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tick.tick().await;
            if let Err(error) = state.load_ui_connections().await {
                tracing::warn!(%error, "cannot reread the connections other replicas saved");
            }
        }
    });
}
