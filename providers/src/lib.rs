//! The provider side of fnconsole: the common model every page speaks, and (behind the
//! `client` feature, to come) each provider's wire types, signer and client.
//!
//! The model compiles to WASM with no client feature, so `app` can share it with the browser.
#![warn(missing_docs, unreachable_pub)]

pub mod model;

pub use model::*;

#[cfg(feature = "sign")]
pub mod sign;
pub mod wire;

#[cfg(feature = "client")]
pub mod client;
