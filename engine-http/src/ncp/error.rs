//! NCP's error body, `{"error": {errorCode, message, details}}`, for every way a request fails.

use axum::extract::rejection::BytesRejection;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use engine::{EngineError, ErrorCode};
use providers::sign::VerifyError;
use providers::wire::Code;
use providers::wire::ncp as wire;

use crate::body_problem;

/// Why an NCP request failed.
#[derive(Debug)]
pub(super) enum NcpError {
    /// The engine refused or failed: its NCP code, name and message.
    Engine(EngineError),
    /// The credentials were refused (401 "Authentication Failed").
    Unauthorized(VerifyError),
    /// The body could not be read: its status and why.
    Body(StatusCode, String),
    /// No such route: the method and path below the base.
    NotFound(String),
}

impl NcpError {
    /// An 80307 (a value not allowed).
    pub(super) fn invalid(message: impl Into<String>) -> Self {
        Self::Engine(EngineError::new(ErrorCode::ActionBodyInvalidValue, message))
    }

    /// An 80305 (a body of the wrong type).
    pub(super) fn wrong_type(message: impl Into<String>) -> Self {
        Self::Engine(EngineError::new(ErrorCode::ActionBodyInvalidType, message))
    }
}

/// A body that could not be read, or was too large.
impl From<BytesRejection> for NcpError {
    fn from(rejection: BytesRejection) -> Self {
        let (status, message) = body_problem(&rejection);
        Self::Body(status, message)
    }
}

impl From<EngineError> for NcpError {
    fn from(e: EngineError) -> Self {
        Self::Engine(e)
    }
}

fn body(status: StatusCode, code: &str, message: &str, details: Option<String>) -> Response {
    let body = wire::ErrorBody {
        error: wire::ErrorDetail {
            error_code: Code::Text(code.into()),
            message: message.into(),
            details,
        },
    };
    (status, axum::Json(body)).into_response()
}

impl IntoResponse for NcpError {
    fn into_response(self) -> Response {
        match self {
            Self::Engine(e) => {
                let status = StatusCode::from_u16(e.code.status())
                    .unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
                body(
                    status,
                    &e.code.number().to_string(),
                    e.code.name(),
                    Some(e.message),
                )
            }
            // An unknown access key and a wrong signature get the same answer, so it does
            // not tell a caller which access keys exist.
            Self::Unauthorized(e) => {
                let details = match e {
                    VerifyError::UnknownKey | VerifyError::BadSignature => {
                        "Invalid authentication information.".to_string()
                    }
                    other => other.to_string(),
                };
                body(
                    StatusCode::UNAUTHORIZED,
                    "200",
                    "Authentication Failed",
                    Some(details),
                )
            }
            Self::Body(status, message) => body(
                status,
                &status.as_u16().to_string(),
                "INVALID_REQUEST",
                Some(message),
            ),
            Self::NotFound(what) => body(
                StatusCode::NOT_FOUND,
                "80301",
                "ACTION_NOT_FOUND",
                Some(format!("no such resource: {what}")),
            ),
        }
    }
}
