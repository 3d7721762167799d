//! fnconsole's embedded local functions engine: OpenWhisk/NCP semantics (packages, actions,
//! activations) with JavaScript actions run in QuickJS, kept in SQLite.
#![warn(missing_docs, unreachable_pub)]

pub mod demo;
pub mod draft;
mod engine;
pub mod error;
pub mod follow;
mod runners;
pub mod runtime;
mod scheduler;
mod slots;
pub mod store;
pub mod time;
pub mod validate;
pub mod web;
pub mod worker;

pub use engine::{Engine, EngineOptions, MAX_PUBLIC_PARAMS_BYTES, Package, billed, new_id, now_ms};
pub use error::{EngineError, ErrorCode};
pub use follow::{ActivationFeed, Follower, Following, LiveEvent};
pub use scheduler::{Invoked, Queued, Workers};
pub use store::Durability;
