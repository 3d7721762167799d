//! Why the store could not answer.

/// A store operation failed. The text never holds a secret (no password, token or key).
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The database refused or failed.
    #[error("the console's database: {0}")]
    Database(String),
    /// A stored row does not decode: the database was changed by hand or is corrupt.
    #[error("the console's database holds an unreadable {what}: {detail}")]
    Corrupt {
        /// What was being read ("account", "audit entry"…).
        what: &'static str,
        /// What was wrong with it.
        detail: String,
    },
}

impl From<rusqlite::Error> for StoreError {
    fn from(e: rusqlite::Error) -> Self {
        Self::Database(e.to_string())
    }
}

impl From<tokio::task::JoinError> for StoreError {
    fn from(e: tokio::task::JoinError) -> Self {
        Self::Database(format!("a database task ended: {e}"))
    }
}
