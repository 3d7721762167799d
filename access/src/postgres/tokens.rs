//! API tokens in PostgreSQL: the same rows as SQLite's (only each token's SHA-256), so a
//! token made on one replica works on every other and revoking it anywhere ends it.

use async_trait::async_trait;

use super::PgStore;
use super::accounts::account_at;
use crate::accounts::Account;
use crate::sqlite::Migration;
use crate::tokens::{PREFIX, TOUCH_EVERY_MS, TokenInfo, TokenStore, check_token_name};
use crate::{AccessError, StoreError, secret};

/// The tokens' table.
pub(super) const MIGRATIONS: &[Migration] = &[(
    "tokens/1",
    "CREATE TABLE api_tokens (
         id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
         account_id BIGINT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
         name TEXT NOT NULL,
         hash TEXT NOT NULL UNIQUE,
         created_at_ms BIGINT NOT NULL,
         last_used_ms BIGINT
     );
     CREATE INDEX api_tokens_by_account ON api_tokens (account_id)",
)];

#[async_trait]
impl TokenStore for PgStore {
    async fn create_token(
        &self,
        account_id: i64,
        name: &str,
        now_ms: i64,
    ) -> Result<(TokenInfo, String), AccessError> {
        let name = check_token_name(name)?;
        let token = secret::random(PREFIX)?;
        let client = self.client().await?;
        let id: i64 = client
            .query_one(
                "INSERT INTO api_tokens (account_id, name, hash, created_at_ms)
                 VALUES ($1, $2, $3, $4) RETURNING id",
                &[&account_id, &name, &secret::digest(&token), &now_ms],
            )
            .await?
            .try_get(0)?;
        let info = TokenInfo {
            id,
            name,
            created_at_ms: now_ms,
            last_used_ms: None,
        };
        Ok((info, token))
    }

    async fn list_tokens(&self, account_id: i64) -> Result<Vec<TokenInfo>, StoreError> {
        let client = self.client().await?;
        client
            .query(
                "SELECT id, name, created_at_ms, last_used_ms FROM api_tokens
                  WHERE account_id = $1 ORDER BY id DESC",
                &[&account_id],
            )
            .await?
            .iter()
            .map(|r| {
                Ok(TokenInfo {
                    id: r.try_get(0)?,
                    name: r.try_get(1)?,
                    created_at_ms: r.try_get(2)?,
                    last_used_ms: r.try_get(3)?,
                })
            })
            .collect()
    }

    async fn revoke_token(&self, account_id: i64, id: i64) -> Result<bool, StoreError> {
        let client = self.client().await?;
        Ok(client
            .execute(
                "DELETE FROM api_tokens WHERE id = $1 AND account_id = $2",
                &[&id, &account_id],
            )
            .await?
            > 0)
    }

    async fn token_account(&self, token: &str, now_ms: i64) -> Result<Option<Account>, StoreError> {
        if !token.starts_with(PREFIX) {
            return Ok(None);
        }
        let client = self.client().await?;
        let row = client
            .query_opt(
                "SELECT t.id, t.last_used_ms, a.id, a.name, a.role, a.disabled
                   FROM api_tokens t JOIN accounts a ON a.id = t.account_id
                  WHERE t.hash = $1",
                &[&secret::digest(token)],
            )
            .await?;
        let Some(row) = row else {
            return Ok(None);
        };
        let account = account_at(&row, 2)?;
        if account.disabled {
            return Ok(None);
        }
        let token_id: i64 = row.try_get(0)?;
        let used: Option<i64> = row.try_get(1)?;
        if used.is_none_or(|used| now_ms - used >= TOUCH_EVERY_MS) {
            client
                .execute(
                    "UPDATE api_tokens SET last_used_ms = $1 WHERE id = $2",
                    &[&now_ms, &token_id],
                )
                .await?;
        }
        Ok(Some(account))
    }
}
