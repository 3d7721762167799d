//! Sign-in sessions: one row per signed-in browser, keyed by the SHA-256 of a random id the
//! browser holds (in an encrypted cookie). A session ends when it is idle too long, when it
//! is too old, when its person signs out (that row only), when its account's password
//! changes (the account's other rows), or when the account is disabled. Rows live in the
//! store every replica shares, so ending one ends it everywhere.

use async_trait::async_trait;
use rusqlite::{OptionalExtension, params};

use crate::accounts::{Account, stored_role};
use crate::sqlite::{Migration, SqliteStore};
use crate::{StoreError, secret};

/// The sessions' table.
pub(crate) const MIGRATIONS: &[Migration] = &[(
    "sessions/1",
    "CREATE TABLE sessions (
         id_hash TEXT PRIMARY KEY,
         account_id INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
         created_at_ms INTEGER NOT NULL,
         last_seen_ms INTEGER NOT NULL
     );
     CREATE INDEX sessions_by_account ON sessions (account_id)",
)];

/// How long a session lives.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SessionPolicy {
    /// Ended after this long without a request.
    pub idle_ms: i64,
    /// Ended this long after sign-in, however busy.
    pub absolute_ms: i64,
}

impl SessionPolicy {
    /// Whether a session signed in at `created_ms` and last seen at `seen_ms` has ended by
    /// `now_ms` (every backend decides by this).
    pub(crate) fn expired(&self, created_ms: i64, seen_ms: i64, now_ms: i64) -> bool {
        now_ms - seen_ms > self.idle_ms || now_ms - created_ms > self.absolute_ms
    }
}

/// A request's `last_seen` is written at most this often per session, so that reading a page
/// (a dozen server-function calls) is not a dozen writes; idle expiry is that much coarser.
pub(crate) const TOUCH_EVERY_MS: i64 = 30_000;

/// Where sessions are kept.
#[async_trait]
pub trait SessionStore: Send + Sync {
    /// Starts a session for `account_id`; answers the id the browser keeps (never stored).
    async fn create_session(&self, account_id: i64, now_ms: i64) -> Result<String, StoreError>;
    /// The account of session `id` when it is live at `now_ms` under `policy` and the account
    /// is enabled; records the use. An ended or expired session answers `None` (and an
    /// expired row is deleted).
    async fn session_account(
        &self,
        id: &str,
        now_ms: i64,
        policy: SessionPolicy,
    ) -> Result<Option<Account>, StoreError>;
    /// Ends session `id` (sign-out).
    async fn end_session(&self, id: &str) -> Result<(), StoreError>;
    /// Ends every session of `account_id` but `keep` (a password change keeps the session
    /// that made it).
    async fn end_other_sessions(
        &self,
        account_id: i64,
        keep: Option<&str>,
    ) -> Result<u64, StoreError>;
}

#[async_trait]
impl SessionStore for SqliteStore {
    async fn create_session(&self, account_id: i64, now_ms: i64) -> Result<String, StoreError> {
        let id = secret::random("")?;
        let hash = secret::digest(&id);
        self.with_conn(move |c| {
            c.execute(
                "INSERT INTO sessions (id_hash, account_id, created_at_ms, last_seen_ms) VALUES (?1, ?2, ?3, ?3)",
                params![hash, account_id, now_ms],
            )?;
            Ok(())
        })
        .await?;
        Ok(id)
    }

    async fn session_account(
        &self,
        id: &str,
        now_ms: i64,
        policy: SessionPolicy,
    ) -> Result<Option<Account>, StoreError> {
        let hash = secret::digest(id);
        self.with_conn(move |c| {
            let row = c
                .query_row(
                    "SELECT s.created_at_ms, s.last_seen_ms, a.id, a.name, a.role, a.disabled
                       FROM sessions s JOIN accounts a ON a.id = s.account_id
                      WHERE s.id_hash = ?1",
                    [&hash],
                    |r| {
                        Ok((
                            r.get::<_, i64>(0)?,
                            r.get::<_, i64>(1)?,
                            r.get::<_, i64>(2)?,
                            r.get::<_, String>(3)?,
                            r.get::<_, String>(4)?,
                            r.get::<_, bool>(5)?,
                        ))
                    },
                )
                .optional()?;
            let Some((created, seen, account_id, name, role, disabled)) = row else {
                return Ok(None);
            };
            let expired = policy.expired(created, seen, now_ms);
            if expired || disabled {
                c.execute("DELETE FROM sessions WHERE id_hash = ?1", [&hash])?;
                return Ok(None);
            }
            if now_ms - seen >= TOUCH_EVERY_MS {
                c.execute(
                    "UPDATE sessions SET last_seen_ms = ?1 WHERE id_hash = ?2",
                    params![now_ms, hash],
                )?;
            }
            let role = stored_role(&role)?;
            Ok(Some(Account {
                id: account_id,
                name,
                role,
                disabled,
            }))
        })
        .await
    }

    async fn end_session(&self, id: &str) -> Result<(), StoreError> {
        let hash = secret::digest(id);
        self.with_conn(move |c| {
            c.execute("DELETE FROM sessions WHERE id_hash = ?1", [hash])?;
            Ok(())
        })
        .await
    }

    async fn end_other_sessions(
        &self,
        account_id: i64,
        keep: Option<&str>,
    ) -> Result<u64, StoreError> {
        let keep = keep.map(secret::digest).unwrap_or_default();
        self.with_conn(move |c| {
            let n = c.execute(
                "DELETE FROM sessions WHERE account_id = ?1 AND id_hash <> ?2",
                params![account_id, keep],
            )?;
            Ok(n as u64)
        })
        .await
    }
}
