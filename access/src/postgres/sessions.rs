//! Sign-in sessions in PostgreSQL: the same rows as SQLite's, so a session started on one
//! replica is live on every other, and ending it on one ends it everywhere.

use async_trait::async_trait;

use super::PgStore;
use super::accounts::account_at;
use crate::accounts::Account;
use crate::sessions::{SessionPolicy, SessionStore, TOUCH_EVERY_MS};
use crate::sqlite::Migration;
use crate::{StoreError, secret};

/// The sessions' table.
pub(super) const MIGRATIONS: &[Migration] = &[(
    "sessions/1",
    "CREATE TABLE sessions (
         id_hash TEXT PRIMARY KEY,
         account_id BIGINT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
         created_at_ms BIGINT NOT NULL,
         last_seen_ms BIGINT NOT NULL
     );
     CREATE INDEX sessions_by_account ON sessions (account_id)",
)];

#[async_trait]
impl SessionStore for PgStore {
    async fn create_session(&self, account_id: i64, now_ms: i64) -> Result<String, StoreError> {
        let id = secret::random("")?;
        let client = self.client().await?;
        client
            .execute(
                "INSERT INTO sessions (id_hash, account_id, created_at_ms, last_seen_ms)
                 VALUES ($1, $2, $3, $3)",
                &[&secret::digest(&id), &account_id, &now_ms],
            )
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
        let client = self.client().await?;
        let row = client
            .query_opt(
                "SELECT s.created_at_ms, s.last_seen_ms, a.id, a.name, a.role, a.disabled
                   FROM sessions s JOIN accounts a ON a.id = s.account_id
                  WHERE s.id_hash = $1",
                &[&hash],
            )
            .await?;
        let Some(row) = row else {
            return Ok(None);
        };
        let created: i64 = row.try_get(0)?;
        let seen: i64 = row.try_get(1)?;
        let disabled: bool = row.try_get(5)?;
        let expired = policy.expired(created, seen, now_ms);
        if expired || disabled {
            client
                .execute("DELETE FROM sessions WHERE id_hash = $1", &[&hash])
                .await?;
            return Ok(None);
        }
        if now_ms - seen >= TOUCH_EVERY_MS {
            // Never backwards: a replica whose request started earlier may write after one
            // that started later.
            client
                .execute(
                    "UPDATE sessions SET last_seen_ms = $1 WHERE id_hash = $2 AND last_seen_ms < $1",
                    &[&now_ms, &hash],
                )
                .await?;
        }
        account_at(&row, 2).map(Some)
    }

    async fn end_session(&self, id: &str) -> Result<(), StoreError> {
        let client = self.client().await?;
        client
            .execute(
                "DELETE FROM sessions WHERE id_hash = $1",
                &[&secret::digest(id)],
            )
            .await?;
        Ok(())
    }

    async fn end_other_sessions(
        &self,
        account_id: i64,
        keep: Option<&str>,
    ) -> Result<u64, StoreError> {
        let keep = keep.map(secret::digest).unwrap_or_default();
        let client = self.client().await?;
        Ok(client
            .execute(
                "DELETE FROM sessions WHERE account_id = $1 AND id_hash <> $2",
                &[&account_id, &keep],
            )
            .await?)
    }
}
