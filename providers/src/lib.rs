//! The provider side of fnconsole: the common model every page speaks and, behind features,
//! each provider's wire types (`wire`), signers (`sign`) and clients (`client`, which needs
//! the other two).
//!
//! The model compiles to WASM with no feature, so `app` can share it with the browser
//! without carrying four providers' wire types.
#![warn(missing_docs, unreachable_pub)]

pub mod model;

pub use model::*;

#[cfg(feature = "sign")]
pub mod sign;
#[cfg(feature = "wire")]
pub mod wire;

#[cfg(feature = "client")]
pub mod client;
