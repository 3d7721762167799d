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

/// An account operation refused or failed. The text never holds a secret.
#[derive(Debug, thiserror::Error)]
pub enum AccessError {
    /// A value was refused: `field` names the form field, the message what is allowed.
    #[error("{message}")]
    Invalid {
        /// The field (`name`, `password`…).
        field: &'static str,
        /// What is wrong and what is allowed.
        message: String,
    },
    /// Another account has this name.
    #[error("there is already an account named {0:?}")]
    Taken(String),
    /// No account has this name.
    #[error("there is no account named {0:?}")]
    NoSuchAccount(String),
    /// The change would leave no enabled admin (no one could manage accounts any more).
    #[error(
        "{0:?} is the last admin: make another account an admin first, so someone can still manage accounts"
    )]
    LastAdmin(String),
    /// The setup token is wrong, or the first admin exists already.
    #[error(
        "this setup link is not valid (any more): the first admin exists, or the server printed a newer link"
    )]
    SetupClosed,
    /// The store failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl AccessError {
    pub(crate) fn invalid(field: &'static str, message: impl Into<String>) -> Self {
        Self::Invalid {
            field,
            message: message.into(),
        }
    }
}
