//! fnconsole's embedded local functions engine: OpenWhisk/NCP semantics (packages, actions,
//! activations) with JavaScript actions run in QuickJS, kept in SQLite.
#![warn(missing_docs, unreachable_pub)]

pub mod runtime;
