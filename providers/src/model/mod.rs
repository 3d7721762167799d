//! The common model: what the console understands, whichever provider answers.

mod connection;

pub use connection::{ConnectionSummary, ProviderKind};
