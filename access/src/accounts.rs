//! Accounts: a name (unique, case-insensitive), a role, an Argon2id password hash, and
//! whether the account is disabled (a disabled account cannot sign in, and its sessions and
//! API tokens stop working at once).

use async_trait::async_trait;
use rusqlite::{OptionalExtension, params};

use crate::sqlite::{Migration, SqliteStore};
use crate::{AccessError, Role, Store, StoreError, password};

/// The accounts' tables.
pub(crate) const MIGRATIONS: &[Migration] = &[(
    "accounts/1",
    "CREATE TABLE accounts (
         id INTEGER PRIMARY KEY,
         name TEXT NOT NULL UNIQUE COLLATE NOCASE,
         role TEXT NOT NULL,
         password_hash TEXT NOT NULL,
         disabled INTEGER NOT NULL DEFAULT 0,
         created_at_ms INTEGER NOT NULL
     )",
)];

/// Longest account name.
pub const NAME_MAX: usize = 64;

/// One account as the console shows it (never its hash).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Account {
    /// The store's id.
    pub id: i64,
    /// The name people sign in with.
    pub name: String,
    /// What it may do.
    pub role: Role,
    /// Whether it is disabled.
    pub disabled: bool,
}

/// The signed-in account of a request, beside its [`crate::Caller`]: the server's access
/// layer puts it in the request's extensions, and sign-out and the account page act on it.
#[derive(Debug, Clone)]
pub struct SignedIn {
    /// The account.
    pub account: Account,
    /// The session's id, when the caller came by cookie (not by API token).
    pub session: Option<String>,
}

/// Where accounts are kept.
#[async_trait]
pub trait AccountStore: Send + Sync {
    /// How many accounts exist (disabled ones too).
    async fn account_count(&self) -> Result<u64, StoreError>;
    /// Adds an account with an already-made password hash.
    async fn insert_account(
        &self,
        name: &str,
        role: Role,
        password_hash: String,
        now_ms: i64,
    ) -> Result<Account, AccessError>;
    /// The account named `name` (any case) and its password hash.
    async fn account_and_hash(&self, name: &str) -> Result<Option<(Account, String)>, StoreError>;
    /// The account with this id.
    async fn account_by_id(&self, id: i64) -> Result<Option<Account>, StoreError>;
    /// Every account, by name.
    async fn list_accounts(&self) -> Result<Vec<Account>, StoreError>;
    /// Changes an account's role; refused ([`AccessError::LastAdmin`]) when it would leave no
    /// enabled admin.
    async fn set_role(&self, name: &str, role: Role) -> Result<(), AccessError>;
    /// Replaces an account's password hash.
    async fn set_password_hash(&self, id: i64, hash: String) -> Result<(), StoreError>;
    /// Disables (or enables again) an account; disabling the last enabled admin is refused.
    async fn set_disabled(&self, name: &str, disabled: bool) -> Result<(), AccessError>;
    /// Deletes an account (its sessions and tokens with it); the last enabled admin is
    /// refused.
    async fn delete_account(&self, name: &str) -> Result<(), AccessError>;
}

/// A name people can type and read: 1–64 letters, digits, `.`, `_`, `-` or `@`.
pub fn check_name(name: &str) -> Result<(), AccessError> {
    if name.is_empty() || name.chars().count() > NAME_MAX {
        return Err(AccessError::invalid(
            "name",
            format!("the account name must be 1 to {NAME_MAX} characters"),
        ));
    }
    if let Some(bad) = name
        .chars()
        .find(|c| !(c.is_alphanumeric() || matches!(c, '.' | '_' | '-' | '@')))
    {
        return Err(AccessError::invalid(
            "name",
            format!(
                "the account name cannot hold {bad:?}: use letters, digits, '.', '_', '-' or '@'"
            ),
        ));
    }
    Ok(())
}

/// `password` hashed on a blocking thread (Argon2id takes tens of milliseconds of CPU).
pub(crate) async fn hash_off_thread(password: &str) -> Result<String, StoreError> {
    let password = password.to_owned();
    tokio::task::spawn_blocking(move || password::hash(&password)).await?
}

impl Store {
    /// Creates an account after checking its name and password.
    pub async fn create_account(
        &self,
        name: &str,
        role: Role,
        password: &str,
        now_ms: i64,
    ) -> Result<Account, AccessError> {
        check_name(name)?;
        password::check_new(password).map_err(|m| AccessError::invalid("password", m))?;
        let hash = hash_off_thread(password).await?;
        self.0.insert_account(name, role, hash, now_ms).await
    }

    /// The account `name` when `password` is its password and it is not disabled; `None`
    /// otherwise, after the same work either way (a dummy hash is verified for a name with no
    /// account), so neither the answer nor its time tells whether the name exists.
    pub async fn authenticate(
        &self,
        name: &str,
        password: &str,
    ) -> Result<Option<Account>, StoreError> {
        let found = self.0.account_and_hash(name).await?;
        let password = password.to_owned();
        tokio::task::spawn_blocking(move || match found {
            Some((account, hash)) => {
                let ok = password::verify(&password, &hash);
                (ok && !account.disabled).then_some(account)
            }
            None => {
                password::verify_nobody(&password);
                None
            }
        })
        .await
        .map_err(StoreError::from)
    }

    /// Changes `account`'s password when `current` is right.
    pub async fn change_password(
        &self,
        account: &Account,
        current: &str,
        new: &str,
    ) -> Result<(), AccessError> {
        if self.authenticate(&account.name, current).await?.is_none() {
            return Err(AccessError::invalid(
                "current",
                "the current password is not right",
            ));
        }
        password::check_new(new).map_err(|m| AccessError::invalid("new", m))?;
        let hash = hash_off_thread(new).await?;
        Ok(self.0.set_password_hash(account.id, hash).await?)
    }
}

/// The role stored in an account's `role` column, or what is wrong with it (every backend
/// reads roles through this).
pub(crate) fn stored_role(role: &str) -> Result<Role, StoreError> {
    role.parse::<Role>().map_err(|e| StoreError::Corrupt {
        what: "account",
        detail: e.to_string(),
    })
}

fn account_from_row(row: &rusqlite::Row<'_>) -> rusqlite::Result<(Account, String)> {
    let role: String = row.get(2)?;
    let role = role.parse::<Role>().map_err(|e| {
        rusqlite::Error::FromSqlConversionFailure(2, rusqlite::types::Type::Text, Box::new(e))
    })?;
    Ok((
        Account {
            id: row.get(0)?,
            name: row.get(1)?,
            role,
            disabled: row.get(3)?,
        },
        row.get(4)?,
    ))
}

const SELECT: &str = "SELECT id, name, role, disabled, password_hash FROM accounts";

#[async_trait]
impl AccountStore for SqliteStore {
    async fn account_count(&self) -> Result<u64, StoreError> {
        self.with_conn(|c| {
            let n: i64 = c.query_row("SELECT count(*) FROM accounts", [], |r| r.get(0))?;
            Ok(u64::try_from(n).unwrap_or(0))
        })
        .await
    }

    async fn insert_account(
        &self,
        name: &str,
        role: Role,
        password_hash: String,
        now_ms: i64,
    ) -> Result<Account, AccessError> {
        let name = name.to_owned();
        self.with_conn(move |c| {
            let taken: bool = c.query_row(
                "SELECT EXISTS(SELECT 1 FROM accounts WHERE name = ?1)",
                [&name],
                |r| r.get(0),
            )?;
            if taken {
                return Ok(Err(AccessError::Taken(name)));
            }
            c.execute(
                "INSERT INTO accounts (name, role, password_hash, created_at_ms) VALUES (?1, ?2, ?3, ?4)",
                params![name, role.as_str(), password_hash, now_ms],
            )?;
            Ok(Ok(Account {
                id: c.last_insert_rowid(),
                name,
                role,
                disabled: false,
            }))
        })
        .await?
    }

    async fn account_and_hash(&self, name: &str) -> Result<Option<(Account, String)>, StoreError> {
        let name = name.to_owned();
        self.with_conn(move |c| {
            Ok(c.query_row(
                &format!("{SELECT} WHERE name = ?1"),
                [name],
                account_from_row,
            )
            .optional()?)
        })
        .await
    }

    async fn account_by_id(&self, id: i64) -> Result<Option<Account>, StoreError> {
        self.with_conn(move |c| {
            Ok(
                c.query_row(&format!("{SELECT} WHERE id = ?1"), [id], account_from_row)
                    .optional()?
                    .map(|(a, _)| a),
            )
        })
        .await
    }

    async fn list_accounts(&self) -> Result<Vec<Account>, StoreError> {
        self.with_conn(|c| {
            let mut stmt = c.prepare(&format!("{SELECT} ORDER BY name"))?;
            let rows = stmt.query_map([], account_from_row)?;
            Ok(rows.map(|r| r.map(|(a, _)| a)).collect::<Result<_, _>>()?)
        })
        .await
    }

    async fn set_role(&self, name: &str, role: Role) -> Result<(), AccessError> {
        let name = name.to_owned();
        self.with_conn(move |c| {
            let tx = c.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
            if let Err(refused) = check_keeps_an_admin(&tx, &name, role != Role::Admin)? {
                return Ok(Err(refused));
            }
            tx.execute(
                "UPDATE accounts SET role = ?1 WHERE name = ?2",
                params![role.as_str(), name],
            )?;
            tx.commit()?;
            Ok(Ok(()))
        })
        .await?
    }

    async fn set_password_hash(&self, id: i64, hash: String) -> Result<(), StoreError> {
        self.with_conn(move |c| {
            c.execute(
                "UPDATE accounts SET password_hash = ?1 WHERE id = ?2",
                params![hash, id],
            )?;
            Ok(())
        })
        .await
    }

    async fn set_disabled(&self, name: &str, disabled: bool) -> Result<(), AccessError> {
        let name = name.to_owned();
        self.with_conn(move |c| {
            let tx = c.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
            if let Err(refused) = check_keeps_an_admin(&tx, &name, disabled)? {
                return Ok(Err(refused));
            }
            tx.execute(
                "UPDATE accounts SET disabled = ?1 WHERE name = ?2",
                params![disabled, name],
            )?;
            tx.commit()?;
            Ok(Ok(()))
        })
        .await?
    }

    async fn delete_account(&self, name: &str) -> Result<(), AccessError> {
        let name = name.to_owned();
        self.with_conn(move |c| {
            let tx = c.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
            if let Err(refused) = check_keeps_an_admin(&tx, &name, true)? {
                return Ok(Err(refused));
            }
            tx.execute("DELETE FROM accounts WHERE name = ?1", params![name])?;
            tx.commit()?;
            Ok(Ok(()))
        })
        .await?
    }
}

/// In `tx`: whether account `name` exists and, when `removing_admin` (it stops being an
/// enabled admin), whether another enabled admin remains. Checked in the same transaction as
/// the change, so two admins demoting each other at once cannot both succeed.
fn check_keeps_an_admin(
    tx: &rusqlite::Transaction<'_>,
    name: &str,
    removing_admin: bool,
) -> Result<Result<(), AccessError>, StoreError> {
    let found: Option<(String, String, bool)> = tx
        .query_row(
            "SELECT name, role, disabled FROM accounts WHERE name = ?1",
            params![name],
            |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?)),
        )
        .optional()?;
    let Some((stored_name, role, disabled)) = found else {
        return Ok(Err(AccessError::NoSuchAccount(name.to_owned())));
    };
    if !removing_admin || role != Role::Admin.as_str() || disabled {
        return Ok(Ok(()));
    }
    let others: i64 = tx.query_row(
        "SELECT COUNT(*) FROM accounts WHERE role = ?1 AND disabled = 0 AND name <> ?2",
        params![Role::Admin.as_str(), name],
        |row| row.get(0),
    )?;
    Ok(if others == 0 {
        Err(AccessError::LastAdmin(stored_name))
    } else {
        Ok(())
    })
}
