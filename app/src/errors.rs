//! The one error type the browser sees. It carries what a person can act on, never internals.

use leptos::server_fn::codec::JsonEncoding;
use leptos::server_fn::error::{FromServerFnError, ServerFnErrorErr};
use providers::{ErrorKind, ProviderError};
use serde::{Deserialize, Serialize};

use crate::api::guard::Role;

/// An error returned by a server function, serialised to the browser as JSON.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum AppError {
    /// The request could not reach the server, or the server function failed to run.
    #[error("the console server could not be reached: {0}")]
    Transport(String),
    /// Something the server needs is missing; the message says what, for an operator.
    #[error("the console server is misconfigured: {0}")]
    Misconfigured(String),
    /// No connection has this id.
    #[error("there is no connection \"{0}\"; pick one in the header's switcher")]
    UnknownConnection(String),
    /// The provider answered with an error: its code and message are kept, with a plain
    /// explanation (never a secret or a signed URL: the clients keep them out).
    #[error("{0}")]
    Provider(ProviderError),
    /// The connection cannot do this at all.
    #[error("not possible on this connection: {0}")]
    Unsupported(String),
    /// A value was refused before anything was sent; `field` names the form field.
    #[error("{message}")]
    Invalid {
        /// The field (`name`, `timeout_ms`…).
        field: String,
        /// What is wrong and what is allowed.
        message: String,
    },
    /// No one is signed in (no session, no valid API token) and anonymous use is off.
    #[error("{0}")]
    Unauthenticated(String),
    /// The caller's role does not allow this.
    #[error("this needs the {needs} role")]
    Forbidden {
        /// The role the server function needs.
        needs: Role,
    },
}

impl AppError {
    /// A value refused on `field`.
    pub fn invalid(field: &str, message: impl Into<String>) -> Self {
        Self::Invalid {
            field: field.into(),
            message: message.into(),
        }
    }

    /// The form field this error is about, when it names one.
    pub fn field(&self) -> Option<&str> {
        match self {
            Self::Invalid { field, .. } => Some(field),
            _ => None,
        }
    }
}

impl From<ProviderError> for AppError {
    fn from(error: ProviderError) -> Self {
        match error.kind {
            ErrorKind::Unsupported => Self::Unsupported(error.explanation),
            _ => Self::Provider(error),
        }
    }
}

impl FromServerFnError for AppError {
    type Encoder = JsonEncoding;

    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        AppError::Transport(value.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_provider_error_keeps_its_code_and_message_and_unsupported_is_named() {
        let refused = ProviderError::from_provider(
            400,
            Some("80307".into()),
            Some("limits.memory is 100".into()),
            "NAVER Cloud Functions refused a value",
        );
        let error = AppError::from(refused);
        assert_eq!(
            error.to_string(),
            "NAVER Cloud Functions refused a value (provider said 80307: limits.memory is 100)"
        );
        let unsupported = AppError::from(ProviderError::new(
            ErrorKind::Unsupported,
            "Huawei FunctionGraph does not offer reading an action's code",
        ));
        assert_eq!(
            unsupported,
            AppError::Unsupported(
                "Huawei FunctionGraph does not offer reading an action's code".into()
            )
        );
    }
}
