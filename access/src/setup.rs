//! The one-time setup token: while no account exists, the server makes one at start (a new
//! one each start, replacing the last) and prints a link with it; `/setup` with that token
//! creates the first admin, in the same transaction that deletes the token. Only its SHA-256
//! is stored.

use async_trait::async_trait;
use rusqlite::params;

use crate::accounts::{Account, check_name, hash_off_thread};
use crate::sqlite::{Migration, SqliteStore};
use crate::{AccessError, Role, Store, StoreError, password, secret};

/// The setup token's table (one row at most).
pub(crate) const MIGRATIONS: &[Migration] = &[(
    "setup/1",
    "CREATE TABLE setup_token (
         only INTEGER PRIMARY KEY CHECK (only = 1),
         hash TEXT NOT NULL,
         created_at_ms INTEGER NOT NULL
     )",
)];

/// Where the setup token is kept.
#[async_trait]
pub trait SetupStore: Send + Sync {
    /// When no account exists: a new setup token (replacing any earlier one). Otherwise none.
    async fn new_setup_token(&self, now_ms: i64) -> Result<Option<String>, StoreError>;
    /// Creates the first admin when `token` is the live setup token and no account exists,
    /// and deletes the token; otherwise [`AccessError::SetupClosed`].
    async fn redeem_setup_token(
        &self,
        token: &str,
        name: &str,
        password_hash: String,
        now_ms: i64,
    ) -> Result<Account, AccessError>;
}

impl Store {
    /// Checks the first admin's name and password, then redeems `token` for it.
    pub async fn set_up_first_admin(
        &self,
        token: &str,
        name: &str,
        password: &str,
        now_ms: i64,
    ) -> Result<Account, AccessError> {
        check_name(name)?;
        password::check_new(password).map_err(|m| AccessError::invalid("password", m))?;
        let hash = hash_off_thread(password).await?;
        self.0.redeem_setup_token(token, name, hash, now_ms).await
    }
}

#[async_trait]
impl SetupStore for SqliteStore {
    async fn new_setup_token(&self, now_ms: i64) -> Result<Option<String>, StoreError> {
        let token = secret::random("")?;
        let hash = secret::digest(&token);
        self.with_conn(move |c| {
            let tx = c.transaction()?;
            let accounts: i64 = tx.query_row("SELECT count(*) FROM accounts", [], |r| r.get(0))?;
            if accounts > 0 {
                tx.execute("DELETE FROM setup_token", [])?;
                tx.commit()?;
                return Ok(None);
            }
            tx.execute(
                "INSERT OR REPLACE INTO setup_token (only, hash, created_at_ms) VALUES (1, ?1, ?2)",
                params![hash, now_ms],
            )?;
            tx.commit()?;
            Ok(Some(token))
        })
        .await
    }

    async fn redeem_setup_token(
        &self,
        token: &str,
        name: &str,
        password_hash: String,
        now_ms: i64,
    ) -> Result<Account, AccessError> {
        let hash = secret::digest(token);
        let name = name.to_owned();
        self.with_conn(move |c| {
            let tx = c.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
            let accounts: i64 = tx.query_row("SELECT count(*) FROM accounts", [], |r| r.get(0))?;
            let deleted = tx.execute("DELETE FROM setup_token WHERE hash = ?1", [&hash])?;
            if accounts > 0 || deleted == 0 {
                return Ok(Err(AccessError::SetupClosed));
            }
            tx.execute(
                "INSERT INTO accounts (name, role, password_hash, created_at_ms) VALUES (?1, 'admin', ?2, ?3)",
                params![name, password_hash, now_ms],
            )?;
            let id = tx.last_insert_rowid();
            tx.commit()?;
            Ok(Ok(Account {
                id,
                name,
                role: Role::Admin,
                disabled: false,
            }))
        })
        .await?
    }
}
