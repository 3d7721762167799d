//! The one-time setup token in PostgreSQL: one row at most, replaced at each start while no
//! account exists; redeeming it creates the first admin in the transaction that deletes it,
//! under the accounts lock, so two replicas (or two browsers) cannot both make one.

use async_trait::async_trait;

use super::{PgStore, lock_accounts};
use crate::accounts::Account;
use crate::setup::SetupStore;
use crate::sqlite::Migration;
use crate::{AccessError, Role, StoreError, secret};

/// The setup token's table. `ONLY` is a reserved word in PostgreSQL, so the column that
/// keeps it to one row is `only_row`.
pub(super) const MIGRATIONS: &[Migration] = &[(
    "setup/1",
    "CREATE TABLE setup_token (
         only_row INTEGER PRIMARY KEY CHECK (only_row = 1),
         hash TEXT NOT NULL,
         created_at_ms BIGINT NOT NULL
     )",
)];

#[async_trait]
impl SetupStore for PgStore {
    async fn new_setup_token(&self, now_ms: i64) -> Result<Option<String>, StoreError> {
        let token = secret::random("")?;
        let mut client = self.client().await?;
        let tx = client.transaction().await?;
        lock_accounts(&tx).await?;
        let accounts: i64 = tx
            .query_one("SELECT count(*) FROM accounts", &[])
            .await?
            .try_get(0)?;
        if accounts > 0 {
            tx.execute("DELETE FROM setup_token", &[]).await?;
            tx.commit().await?;
            return Ok(None);
        }
        tx.execute(
            "INSERT INTO setup_token (only_row, hash, created_at_ms) VALUES (1, $1, $2)
             ON CONFLICT (only_row) DO UPDATE
                 SET hash = excluded.hash, created_at_ms = excluded.created_at_ms",
            &[&secret::digest(&token), &now_ms],
        )
        .await?;
        tx.commit().await?;
        Ok(Some(token))
    }

    async fn redeem_setup_token(
        &self,
        token: &str,
        name: &str,
        password_hash: String,
        now_ms: i64,
    ) -> Result<Account, AccessError> {
        let mut client = self.client().await?;
        let tx = client.transaction().await?;
        lock_accounts(&tx).await?;
        let accounts: i64 = tx
            .query_one("SELECT count(*) FROM accounts", &[])
            .await?
            .try_get(0)?;
        let deleted = tx
            .execute(
                "DELETE FROM setup_token WHERE hash = $1",
                &[&secret::digest(token)],
            )
            .await?;
        if accounts > 0 || deleted == 0 {
            // Dropping `tx` rolls back: a right token stays while accounts exist.
            return Err(AccessError::SetupClosed);
        }
        let id: i64 = tx
            .query_one(
                "INSERT INTO accounts (name, role, password_hash, created_at_ms)
                 VALUES ($1, $2, $3, $4) RETURNING id",
                &[&name, &Role::Admin.as_str(), &password_hash, &now_ms],
            )
            .await?
            .try_get(0)?;
        tx.commit().await?;
        Ok(Account {
            id,
            name: name.to_owned(),
            role: Role::Admin,
            disabled: false,
        })
    }
}
