//! fnconsole's embedded local functions engine.
//!
//! Its store, JavaScript runtime, scheduler and HTTP dialects arrive with their own issues;
//! this crate holds the place in the workspace so the layout and the dependency rules
//! (no Leptos, no axum in the core) are fixed from the start.
#![warn(missing_docs, unreachable_pub)]
