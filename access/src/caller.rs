//! Who is making the current request, as the guard sees it.

use crate::Role;
use serde::{Deserialize, Serialize};

/// The caller of a request, decided by the server from its session cookie or API token (or
/// the anonymous role, when the configuration allows one) and put in the request's
/// extensions before any server function runs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Caller {
    /// The account's name; `None` for an anonymous visitor.
    pub account: Option<String>,
    /// What they may do.
    pub role: Role,
}

impl Caller {
    /// A signed-in account.
    pub fn account(name: impl Into<String>, role: Role) -> Self {
        Self {
            account: Some(name.into()),
            role,
        }
    }

    /// An anonymous visitor with `role` (only ever `viewer`, from `[access] anonymous`).
    pub fn anonymous(role: Role) -> Self {
        Self {
            account: None,
            role,
        }
    }
}
