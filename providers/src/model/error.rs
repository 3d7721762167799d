//! One error type for every provider, keeping the provider's own code and message.

use serde::{Deserialize, Serialize};
use std::fmt;

/// The broad class of a failure, for the console to choose what to show.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ErrorKind {
    /// The credentials were refused (401/403, bad signature, unknown key).
    Auth,
    /// The resource does not exist (404).
    NotFound,
    /// The request was refused as invalid (400, 409, 422).
    Invalid,
    /// A conditional write was refused: the resource changed since the revision it named
    /// (412). Nothing was written.
    Conflict,
    /// The provider failed (5xx).
    Provider,
    /// The provider did not answer in time.
    Timeout,
    /// The endpoint could not be reached (DNS, TLS, connection refused).
    Network,
    /// The answer could not be understood (malformed, truncated, too large, wrong type).
    BadResponse,
    /// The connection does not support the operation.
    Unsupported,
    /// The connection is not configured correctly (missing key, bad endpoint).
    Config,
    /// The request could not be built (a body that does not serialise, a signature that
    /// cannot be made): nothing was sent.
    Request,
}

/// A failure talking to a provider: its own code and message beside a plain explanation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProviderError {
    /// The class of failure.
    pub kind: ErrorKind,
    /// The HTTP status, when there was a response.
    pub status: Option<u16>,
    /// The provider's own code (`80307`, `FSS.0404`, `InvalidParameter`), when it gave one.
    pub code: Option<String>,
    /// The provider's own message, verbatim.
    pub provider_message: Option<String>,
    /// What happened, in plain language, and what to do about it.
    pub explanation: String,
}

impl ProviderError {
    /// An error with no provider code.
    pub fn new(kind: ErrorKind, explanation: impl Into<String>) -> Self {
        Self {
            kind,
            status: None,
            code: None,
            provider_message: None,
            explanation: explanation.into(),
        }
    }

    /// An error answered by the provider with its own code and message.
    pub fn from_provider(
        status: u16,
        code: Option<String>,
        message: Option<String>,
        explanation: impl Into<String>,
    ) -> Self {
        Self {
            kind: kind_for_status(status),
            status: Some(status),
            code,
            provider_message: message,
            explanation: explanation.into(),
        }
    }

    /// Overrides the kind (a provider's code can say more than its status).
    pub fn with_kind(mut self, kind: ErrorKind) -> Self {
        self.kind = kind;
        self
    }
}

/// The kind an HTTP status implies.
pub(crate) fn kind_for_status(status: u16) -> ErrorKind {
    match status {
        401 | 403 => ErrorKind::Auth,
        404 => ErrorKind::NotFound,
        408 | 504 => ErrorKind::Timeout,
        412 => ErrorKind::Conflict,
        400..=499 => ErrorKind::Invalid,
        _ => ErrorKind::Provider,
    }
}

impl fmt::Display for ProviderError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.explanation)?;
        match (&self.code, &self.provider_message) {
            (Some(code), Some(message)) => write!(f, " (provider said {code}: {message})"),
            (Some(code), None) => write!(f, " (provider code {code})"),
            (None, Some(message)) => write!(f, " (provider said: {message})"),
            (None, None) => Ok(()),
        }
    }
}

impl std::error::Error for ProviderError {}
