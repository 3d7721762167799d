//! Accounts in PostgreSQL: the same rows as SQLite's. Names are unique whatever their case
//! (a unique index on `lower(name)`, where SQLite uses `COLLATE NOCASE`), and every change
//! that could leave no enabled admin checks that in its own transaction, under the accounts
//! lock, so two replicas demoting the last two admins at once cannot both succeed.

use async_trait::async_trait;
use tokio_postgres::Row;

use super::{PgStore, lock_accounts};
use crate::accounts::{Account, AccountStore, stored_role};
use crate::sqlite::Migration;
use crate::{AccessError, Role, StoreError};

/// The accounts' table.
pub(super) const MIGRATIONS: &[Migration] = &[(
    "accounts/1",
    "CREATE TABLE accounts (
         id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
         name TEXT NOT NULL,
         role TEXT NOT NULL,
         password_hash TEXT NOT NULL,
         disabled BOOLEAN NOT NULL DEFAULT FALSE,
         created_at_ms BIGINT NOT NULL
     );
     CREATE UNIQUE INDEX accounts_name ON accounts (lower(name))",
)];

const SELECT: &str = "SELECT id, name, role, disabled, password_hash FROM accounts";

/// The account in columns `from..from + 4` (id, name, role, disabled).
pub(super) fn account_at(row: &Row, from: usize) -> Result<Account, StoreError> {
    let role: String = row.try_get(from + 2)?;
    Ok(Account {
        id: row.try_get(from)?,
        name: row.try_get(from + 1)?,
        role: stored_role(&role)?,
        disabled: row.try_get(from + 3)?,
    })
}

fn account_and_hash(row: &Row) -> Result<(Account, String), StoreError> {
    Ok((account_at(row, 0)?, row.try_get(4)?))
}

#[async_trait]
impl AccountStore for PgStore {
    async fn account_count(&self) -> Result<u64, StoreError> {
        let client = self.client().await?;
        let n: i64 = client
            .query_one("SELECT count(*) FROM accounts", &[])
            .await?
            .try_get(0)?;
        // count(*) is never negative.
        Ok(u64::try_from(n).unwrap_or(0))
    }

    async fn insert_account(
        &self,
        name: &str,
        role: Role,
        password_hash: String,
        now_ms: i64,
    ) -> Result<Account, AccessError> {
        let mut client = self.client().await?;
        let tx = client.transaction().await?;
        // Under the lock, so a first admin made from a setup link on another replica at the
        // same moment sees this account (or this one sees it), as in SQLite.
        lock_accounts(&tx).await?;
        let row = tx
            .query_opt(
                "INSERT INTO accounts (name, role, password_hash, created_at_ms)
                 VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING RETURNING id",
                &[&name, &role.as_str(), &password_hash, &now_ms],
            )
            .await?;
        let Some(row) = row else {
            return Err(AccessError::Taken(name.to_owned()));
        };
        let id: i64 = row.try_get(0)?;
        tx.commit().await?;
        Ok(Account {
            id,
            name: name.to_owned(),
            role,
            disabled: false,
        })
    }

    async fn account_and_hash(&self, name: &str) -> Result<Option<(Account, String)>, StoreError> {
        let client = self.client().await?;
        client
            .query_opt(&format!("{SELECT} WHERE lower(name) = lower($1)"), &[&name])
            .await?
            .as_ref()
            .map(account_and_hash)
            .transpose()
    }

    async fn account_by_id(&self, id: i64) -> Result<Option<Account>, StoreError> {
        let client = self.client().await?;
        client
            .query_opt(&format!("{SELECT} WHERE id = $1"), &[&id])
            .await?
            .map(|row| account_at(&row, 0))
            .transpose()
    }

    async fn list_accounts(&self) -> Result<Vec<Account>, StoreError> {
        let client = self.client().await?;
        client
            .query(&format!("{SELECT} ORDER BY name"), &[])
            .await?
            .iter()
            .map(|row| account_at(row, 0))
            .collect()
    }

    async fn set_role(&self, name: &str, role: Role) -> Result<(), AccessError> {
        let mut client = self.client().await?;
        let tx = client.transaction().await?;
        let id = keeps_an_admin(&tx, name, role != Role::Admin).await?;
        tx.execute(
            "UPDATE accounts SET role = $1 WHERE id = $2",
            &[&role.as_str(), &id],
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    async fn set_password_hash(&self, id: i64, hash: String) -> Result<(), StoreError> {
        let client = self.client().await?;
        client
            .execute(
                "UPDATE accounts SET password_hash = $1 WHERE id = $2",
                &[&hash, &id],
            )
            .await?;
        Ok(())
    }

    async fn set_disabled(&self, name: &str, disabled: bool) -> Result<(), AccessError> {
        let mut client = self.client().await?;
        let tx = client.transaction().await?;
        let id = keeps_an_admin(&tx, name, disabled).await?;
        tx.execute(
            "UPDATE accounts SET disabled = $1 WHERE id = $2",
            &[&disabled, &id],
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    async fn delete_account(&self, name: &str) -> Result<(), AccessError> {
        let mut client = self.client().await?;
        let tx = client.transaction().await?;
        let id = keeps_an_admin(&tx, name, true).await?;
        // Its sessions and tokens go with it (ON DELETE CASCADE).
        tx.execute("DELETE FROM accounts WHERE id = $1", &[&id])
            .await?;
        tx.commit().await?;
        Ok(())
    }
}

/// In `tx`, under the accounts lock: the id of account `name` when it exists and, when
/// `removing_admin` (it stops being an enabled admin), another enabled admin remains. Every
/// such change takes the lock first, so each one's check sees the others' committed changes
/// (READ COMMITTED reads afresh at each statement) and two cannot remove the last two admins.
async fn keeps_an_admin(
    tx: &tokio_postgres::Transaction<'_>,
    name: &str,
    removing_admin: bool,
) -> Result<i64, AccessError> {
    lock_accounts(tx).await?;
    let found = tx
        .query_opt(
            "SELECT id, name, role, disabled FROM accounts WHERE lower(name) = lower($1)",
            &[&name],
        )
        .await?;
    let Some(row) = found else {
        return Err(AccessError::NoSuchAccount(name.to_owned()));
    };
    let id: i64 = row.try_get(0)?;
    let stored_name: String = row.try_get(1)?;
    let role: String = row.try_get(2)?;
    let disabled: bool = row.try_get(3)?;
    if !removing_admin || role != Role::Admin.as_str() || disabled {
        return Ok(id);
    }
    let others: i64 = tx
        .query_one(
            "SELECT count(*) FROM accounts WHERE role = $1 AND NOT disabled AND id <> $2",
            &[&Role::Admin.as_str(), &id],
        )
        .await?
        .try_get(0)?;
    if others == 0 {
        return Err(AccessError::LastAdmin(stored_name));
    }
    Ok(id)
}
