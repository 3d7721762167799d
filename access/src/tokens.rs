//! API tokens: for scripts and CI, sent as `Authorization: Bearer fnc_…`. A token is random,
//! shown once when made; the store keeps only its SHA-256. It acts with its account's role as
//! it is at each request, stops working when revoked or when the account is disabled, and
//! records when it was last used.

use async_trait::async_trait;
use rusqlite::{OptionalExtension, params};

use crate::accounts::{Account, stored_role};
use crate::sqlite::{Migration, SqliteStore};
use crate::{AccessError, StoreError, secret};

/// The tokens' table.
pub(crate) const MIGRATIONS: &[Migration] = &[(
    "tokens/1",
    "CREATE TABLE api_tokens (
         id INTEGER PRIMARY KEY,
         account_id INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
         name TEXT NOT NULL,
         hash TEXT NOT NULL UNIQUE,
         created_at_ms INTEGER NOT NULL,
         last_used_ms INTEGER
     )",
)];

/// What every token starts with, so a leaked one is recognisable (secret scanners).
pub const PREFIX: &str = "fnc_";
/// Longest token name.
pub const NAME_MAX: usize = 80;
/// `last_used_ms` is written at most this often per token.
pub(crate) const TOUCH_EVERY_MS: i64 = 60_000;

/// One token as its account's page lists it (never the token itself).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TokenInfo {
    /// The store's id (what "Revoke" names).
    pub id: i64,
    /// What its maker called it.
    pub name: String,
    /// When it was made.
    pub created_at_ms: i64,
    /// When it was last used, if ever.
    pub last_used_ms: Option<i64>,
}

/// Where API tokens are kept.
#[async_trait]
pub trait TokenStore: Send + Sync {
    /// Makes a token for `account_id`; answers it with the token itself (shown once).
    async fn create_token(
        &self,
        account_id: i64,
        name: &str,
        now_ms: i64,
    ) -> Result<(TokenInfo, String), AccessError>;
    /// `account_id`'s tokens, newest first.
    async fn list_tokens(&self, account_id: i64) -> Result<Vec<TokenInfo>, StoreError>;
    /// Revokes `account_id`'s token `id`; false when it has none such.
    async fn revoke_token(&self, account_id: i64, id: i64) -> Result<bool, StoreError>;
    /// The enabled account `token` acts for, recording the use.
    async fn token_account(&self, token: &str, now_ms: i64) -> Result<Option<Account>, StoreError>;
}

/// `name` trimmed, when it is 1 to [`NAME_MAX`] characters; every backend checks it so.
pub(crate) fn check_token_name(name: &str) -> Result<String, AccessError> {
    let name = name.trim();
    if name.is_empty() || name.chars().count() > NAME_MAX {
        return Err(AccessError::invalid(
            "token_name",
            format!("the token's name must be 1 to {NAME_MAX} characters"),
        ));
    }
    Ok(name.to_owned())
}

#[async_trait]
impl TokenStore for SqliteStore {
    async fn create_token(
        &self,
        account_id: i64,
        name: &str,
        now_ms: i64,
    ) -> Result<(TokenInfo, String), AccessError> {
        let name = check_token_name(name)?;
        let token = secret::random(PREFIX)?;
        let hash = secret::digest(&token);
        let info = self
            .with_conn(move |c| {
                c.execute(
                    "INSERT INTO api_tokens (account_id, name, hash, created_at_ms) VALUES (?1, ?2, ?3, ?4)",
                    params![account_id, name, hash, now_ms],
                )?;
                Ok(TokenInfo {
                    id: c.last_insert_rowid(),
                    name,
                    created_at_ms: now_ms,
                    last_used_ms: None,
                })
            })
            .await?;
        Ok((info, token))
    }

    async fn list_tokens(&self, account_id: i64) -> Result<Vec<TokenInfo>, StoreError> {
        self.with_conn(move |c| {
            let mut stmt = c.prepare(
                "SELECT id, name, created_at_ms, last_used_ms FROM api_tokens
                  WHERE account_id = ?1 ORDER BY id DESC",
            )?;
            let rows = stmt.query_map([account_id], |r| {
                Ok(TokenInfo {
                    id: r.get(0)?,
                    name: r.get(1)?,
                    created_at_ms: r.get(2)?,
                    last_used_ms: r.get(3)?,
                })
            })?;
            Ok(rows.collect::<Result<_, _>>()?)
        })
        .await
    }

    async fn revoke_token(&self, account_id: i64, id: i64) -> Result<bool, StoreError> {
        self.with_conn(move |c| {
            Ok(c.execute(
                "DELETE FROM api_tokens WHERE id = ?1 AND account_id = ?2",
                params![id, account_id],
            )? > 0)
        })
        .await
    }

    async fn token_account(&self, token: &str, now_ms: i64) -> Result<Option<Account>, StoreError> {
        if !token.starts_with(PREFIX) {
            return Ok(None);
        }
        let hash = secret::digest(token);
        self.with_conn(move |c| {
            let row = c
                .query_row(
                    "SELECT t.id, t.last_used_ms, a.id, a.name, a.role, a.disabled
                       FROM api_tokens t JOIN accounts a ON a.id = t.account_id
                      WHERE t.hash = ?1",
                    [&hash],
                    |r| {
                        Ok((
                            r.get::<_, i64>(0)?,
                            r.get::<_, Option<i64>>(1)?,
                            r.get::<_, i64>(2)?,
                            r.get::<_, String>(3)?,
                            r.get::<_, String>(4)?,
                            r.get::<_, bool>(5)?,
                        ))
                    },
                )
                .optional()?;
            let Some((token_id, used, account_id, name, role, disabled)) = row else {
                return Ok(None);
            };
            if disabled {
                return Ok(None);
            }
            if used.is_none_or(|used| now_ms - used >= TOUCH_EVERY_MS) {
                c.execute(
                    "UPDATE api_tokens SET last_used_ms = ?1 WHERE id = ?2",
                    params![now_ms, token_id],
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
}
