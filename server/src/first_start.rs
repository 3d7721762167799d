//! The first start: with no account, either the admin named by `FNCONSOLE_ADMIN_USER` and
//! `FNCONSOLE_ADMIN_PASSWORD` is created, or a one-time setup token is made for the link the
//! server prints beside its address.

use crate::AppState;

/// The admin's name, for an unattended first start.
pub const ADMIN_USER: &str = "FNCONSOLE_ADMIN_USER";
/// The admin's password, for an unattended first start.
pub const ADMIN_PASSWORD: &str = "FNCONSOLE_ADMIN_PASSWORD";

/// What the first start did.
#[derive(Debug, PartialEq, Eq)]
pub enum FirstStart {
    /// Accounts exist already: nothing.
    SetUp,
    /// The environment's admin was created.
    AdminCreated(String),
    /// A setup token for `/setup?token=…`.
    SetupToken(String),
}

/// Does what the first start needs; `lookup` reads the environment.
pub async fn prepare(
    state: &AppState,
    lookup: impl Fn(&str) -> Option<String>,
) -> Result<FirstStart, String> {
    let store = &state.store;
    let count = store.0.account_count().await.map_err(|e| e.to_string())?;
    if count > 0 {
        // Any token an earlier start printed is dead now.
        let _ = store.0.new_setup_token(state.clock.now_ms()).await;
        return Ok(FirstStart::SetUp);
    }
    match (lookup(ADMIN_USER), lookup(ADMIN_PASSWORD)) {
        (Some(name), Some(password)) => {
            match store
                .create_account(&name, access::Role::Admin, &password, state.clock.now_ms())
                .await
            {
                Ok(_) => Ok(FirstStart::AdminCreated(name)),
                // Another replica on the same database, started with the same environment,
                // created it between our count and our insert: set up all the same.
                Err(access::AccessError::Taken(_)) => Ok(FirstStart::SetUp),
                Err(e) => Err(format!(
                    "cannot create the admin from {ADMIN_USER}/{ADMIN_PASSWORD}: {e}"
                )),
            }
        }
        (Some(_), None) | (None, Some(_)) => Err(format!(
            "set both {ADMIN_USER} and {ADMIN_PASSWORD} (or neither, to get a setup link)"
        )),
        (None, None) => store
            .0
            .new_setup_token(state.clock.now_ms())
            .await
            .map_err(|e| e.to_string())?
            .map(FirstStart::SetupToken)
            .ok_or_else(|| "an account appeared while the setup token was made".into()),
    }
}
