//! The signed-in account's own page (password, API tokens) and the admins' accounts page.
//! Each server function passes the guard first; the account ones act only on the caller's
//! own account (the access layer's [`access::accounts::SignedIn`]), never on one named in
//! the arguments.

use access::Role;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::errors::AppError;

/// One API token as its account's page lists it (never the token itself).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TokenRow {
    /// What "Revoke" names.
    pub id: i64,
    /// What its maker called it.
    pub name: String,
    /// When it was made (ms since the epoch).
    pub created_at_ms: i64,
    /// When it was last used, if ever.
    pub last_used_ms: Option<i64>,
}

/// A token just made: its row and the token itself, shown this once.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewToken {
    /// The row the list shows from now on.
    pub row: TokenRow,
    /// The bearer token (`fnc_…`); only its hash is kept.
    pub token: String,
}

/// One account as the accounts page lists it (never its hash).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccountRow {
    /// The name people sign in with.
    pub name: String,
    /// What it may do.
    pub role: Role,
    /// Whether it is disabled (cannot sign in; its sessions and tokens stopped).
    pub disabled: bool,
}

#[cfg(feature = "ssr")]
mod imp {
    use super::*;
    use access::AccessError;
    use access::accounts::SignedIn;

    /// The console's store, from the router's context.
    pub(super) fn store() -> Result<access::Store, AppError> {
        use_context::<access::Store>()
            .ok_or_else(|| AppError::Misconfigured("the console's store was not provided".into()))
    }

    /// The caller's own account: an anonymous visitor has none.
    pub(super) fn signed_in() -> Result<SignedIn, AppError> {
        use_context::<http::request::Parts>()
            .and_then(|parts| parts.extensions.get::<SignedIn>().cloned())
            .ok_or_else(|| {
                AppError::Unauthenticated(
                    "sign in with an account first: an anonymous visitor has no account".into(),
                )
            })
    }

    /// A store failure, logged for the operator; the browser gets a plain line.
    pub(super) fn failed(error: impl std::fmt::Display) -> AppError {
        tracing::error!(%error, "an account operation failed in the store");
        AppError::Misconfigured("the console's database failed; the server's log says why".into())
    }

    /// An account refusal as the form shows it: on its field when it names one.
    pub(super) fn refused(error: AccessError) -> AppError {
        match error {
            AccessError::Invalid { field, message } => AppError::invalid(field, message),
            e @ (AccessError::Taken(_) | AccessError::NoSuchAccount(_)) => {
                AppError::invalid("name", e.to_string())
            }
            e @ AccessError::LastAdmin(_) => AppError::invalid("account", e.to_string()),
            e @ AccessError::SetupClosed => AppError::invalid("token", e.to_string()),
            AccessError::Store(e) => failed(e),
        }
    }

    pub(super) fn row(t: access::tokens::TokenInfo) -> TokenRow {
        TokenRow {
            id: t.id,
            name: t.name,
            created_at_ms: t.created_at_ms,
            last_used_ms: t.last_used_ms,
        }
    }

    pub(super) fn path<F: leptos::server_fn::ServerFn>() -> &'static str {
        F::PATH
    }
}

/// Changes the caller's password when `current` is right; every other session of the
/// account ends (this one stays signed in). Answers how many ended.
#[server(endpoint = "change_password")]
pub async fn change_password(current: String, new: String) -> Result<u64, AppError> {
    super::guard::guard(imp::path::<ChangePassword>())?;
    let me = imp::signed_in()?;
    let store = imp::store()?;
    store
        .change_password(&me.account, &current, &new)
        .await
        .map_err(imp::refused)?;
    store
        .0
        .end_other_sessions(me.account.id, me.session.as_deref())
        .await
        .map_err(imp::failed)
}

/// The caller's API tokens, newest first.
#[server(endpoint = "list_tokens")]
pub async fn list_tokens() -> Result<Vec<TokenRow>, AppError> {
    super::guard::guard(imp::path::<ListTokens>())?;
    let me = imp::signed_in()?;
    let tokens = imp::store()?
        .0
        .list_tokens(me.account.id)
        .await
        .map_err(imp::failed)?;
    Ok(tokens.into_iter().map(imp::row).collect())
}

/// Makes an API token for the caller's account, acting with the account's role; the
/// token is in this answer only.
#[server(endpoint = "create_token")]
pub async fn create_token(name: String) -> Result<NewToken, AppError> {
    super::guard::guard(imp::path::<CreateToken>())?;
    let me = imp::signed_in()?;
    let name = name.trim();
    if name.is_empty() {
        return Err(AppError::invalid(
            "name",
            "give the token a name, e.g. what script uses it",
        ));
    }
    let (info, token) = imp::store()?
        .0
        .create_token(me.account.id, name, access::now_ms())
        .await
        .map_err(imp::refused)?;
    Ok(NewToken {
        row: imp::row(info),
        token,
    })
}

/// Revokes one of the caller's tokens: it stops working at once.
#[server(endpoint = "revoke_token")]
pub async fn revoke_token(id: i64) -> Result<(), AppError> {
    super::guard::guard(imp::path::<RevokeToken>())?;
    let me = imp::signed_in()?;
    let revoked = imp::store()?
        .0
        .revoke_token(me.account.id, id)
        .await
        .map_err(imp::failed)?;
    if revoked {
        Ok(())
    } else {
        Err(AppError::invalid(
            "token",
            "you have no such token (revoked already?)",
        ))
    }
}

/// Every account, by name (admins).
#[server(endpoint = "list_accounts")]
pub async fn list_accounts() -> Result<Vec<AccountRow>, AppError> {
    super::guard::guard(imp::path::<ListAccounts>())?;
    let accounts = imp::store()?.0.list_accounts().await.map_err(imp::failed)?;
    Ok(accounts
        .into_iter()
        .map(|a| AccountRow {
            name: a.name,
            role: a.role,
            disabled: a.disabled,
        })
        .collect())
}

/// Creates an account with an initial password (admins).
#[server(endpoint = "create_account")]
pub async fn create_account(
    name: String,
    role: Role,
    password: String,
) -> Result<AccountRow, AppError> {
    super::guard::guard(imp::path::<CreateAccount>())?;
    let account = imp::store()?
        .create_account(name.trim(), role, &password, access::now_ms())
        .await
        .map_err(imp::refused)?;
    Ok(AccountRow {
        name: account.name,
        role: account.role,
        disabled: account.disabled,
    })
}

/// Changes an account's role (admins); the last admin cannot stop being one.
#[server(endpoint = "set_account_role")]
pub async fn set_account_role(name: String, role: Role) -> Result<(), AppError> {
    super::guard::guard(imp::path::<SetAccountRole>())?;
    imp::store()?
        .0
        .set_role(&name, role)
        .await
        .map_err(imp::refused)
}

/// Disables (or enables again) an account (admins): a disabled account's sessions and
/// tokens stop at once. The last admin cannot be disabled.
#[server(endpoint = "set_account_disabled")]
pub async fn set_account_disabled(name: String, disabled: bool) -> Result<(), AppError> {
    super::guard::guard(imp::path::<SetAccountDisabled>())?;
    imp::store()?
        .0
        .set_disabled(&name, disabled)
        .await
        .map_err(imp::refused)
}

/// Deletes an account with its sessions and tokens (admins); never the last admin. Its
/// audit entries stay, under its name.
#[server(endpoint = "delete_account")]
pub async fn delete_account(name: String) -> Result<(), AppError> {
    super::guard::guard(imp::path::<DeleteAccount>())?;
    imp::store()?
        .0
        .delete_account(&name)
        .await
        .map_err(imp::refused)
}
