//! Who may use the console, and what they did.
//!
//! Without features this crate is only [`Role`] and [`Caller`], which the browser shares with
//! the server. With `store` it is the console's own state behind one interface ([`Store`]):
//! accounts, sessions, API tokens, the audit log and connections added in the UI, kept in
//! SQLite in the data directory (`access.db`) or, with `postgres`, in one PostgreSQL database
//! that several replicas share; both implement the same traits and pass the same tests
//! (`tests/store_contract.rs`).
#![warn(missing_docs, unreachable_pub)]

pub mod audit;
mod caller;
mod role;

pub use caller::Caller;
pub use role::Role;

#[cfg(feature = "store")]
pub mod accounts;
#[cfg(feature = "store")]
pub mod connections;
#[cfg(feature = "store")]
mod error;
#[cfg(feature = "store")]
pub mod key;
#[cfg(feature = "postgres")]
pub mod postgres;
#[cfg(feature = "store")]
pub mod password;
#[cfg(feature = "store")]
pub mod rate_limit;
#[cfg(feature = "store")]
mod secret;
#[cfg(feature = "store")]
pub mod sessions;
#[cfg(feature = "store")]
pub mod setup;
#[cfg(feature = "store")]
pub mod sqlite;
#[cfg(feature = "store")]
mod store;
#[cfg(feature = "store")]
pub mod tokens;

#[cfg(feature = "store")]
pub use error::{AccessError, StoreError};
#[cfg(feature = "store")]
pub use secret::now_ms;
#[cfg(feature = "store")]
pub use store::Store;
