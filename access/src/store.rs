//! The one interface to the console's own state.
//!
//! Each concern has its own trait in its own module (accounts, sessions, tokens, audit,
//! connections); [`Store`] is the handle every request uses, one `Arc` over a backend that
//! implements them all. Today that backend is [`crate::sqlite::SqliteStore`].

use std::sync::Arc;

/// Everything a backend of the console's state implements. Each concern's trait is added to
/// this bound as it is built.
pub trait Backend:
    crate::accounts::AccountStore
    + crate::sessions::SessionStore
    + crate::tokens::TokenStore
    + crate::setup::SetupStore
    + crate::audit::AuditStore
    + crate::connections::ConnectionStore
    + Send
    + Sync
    + 'static
{
}

/// The console's state, shared by every request: cheap to clone.
#[derive(Clone)]
pub struct Store(pub Arc<dyn Backend>);

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Store")
    }
}
