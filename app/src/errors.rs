//! The one error type the browser sees. It carries what a person can act on, never internals.

use leptos::server_fn::codec::JsonEncoding;
use leptos::server_fn::error::{FromServerFnError, ServerFnErrorErr};
use serde::{Deserialize, Serialize};

/// An error returned by a server function, serialised to the browser as JSON.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum AppError {
    /// The request could not reach the server, or the server function failed to run.
    #[error("the console server could not be reached: {0}")]
    Transport(String),
    /// Something the server needs is missing; the message says what, for an operator.
    #[error("the console server is misconfigured: {0}")]
    Misconfigured(String),
}

impl FromServerFnError for AppError {
    type Encoder = JsonEncoding;

    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        AppError::Transport(value.to_string())
    }
}
