//! OpenWhisk's error body, `{error, code}` (the code a fresh id, as OpenWhisk's transaction
//! id), with its status.

use axum::extract::rejection::BytesRejection;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use engine::{EngineError, ErrorCode};
use providers::wire::openwhisk as wire;

use crate::body_problem;

/// Why an OpenWhisk request failed.
#[derive(Debug)]
pub(super) struct OwError {
    status: StatusCode,
    message: String,
}

impl OwError {
    /// An error with `status`.
    pub(super) fn new(status: StatusCode, message: impl Into<String>) -> Self {
        Self {
            status,
            message: message.into(),
        }
    }

    /// 404 "The requested resource does not exist."
    pub(super) fn not_found() -> Self {
        Self::new(
            StatusCode::NOT_FOUND,
            "The requested resource does not exist.",
        )
    }

    /// 400 with OpenWhisk's "malformed" wording and what was wrong.
    pub(super) fn malformed(what: &str) -> Self {
        Self::new(
            StatusCode::BAD_REQUEST,
            format!("The request content was malformed: {what}"),
        )
    }

    /// 409 for a put without `overwrite=true` of something that exists.
    pub(super) fn exists() -> EngineError {
        EngineError::new(ErrorCode::ResourceNameConflict, "resource already exists")
    }
}

/// A body that could not be read, or was too large.
impl From<BytesRejection> for OwError {
    fn from(rejection: BytesRejection) -> Self {
        let (status, message) = body_problem(&rejection);
        Self::new(status, message)
    }
}

impl From<EngineError> for OwError {
    fn from(e: EngineError) -> Self {
        match e.code {
            ErrorCode::ActionNotFound
            | ErrorCode::ActivationNotFound
            | ErrorCode::PackageNotFound => Self::not_found(),
            code => Self::new(
                StatusCode::from_u16(code.status()).unwrap_or(StatusCode::BAD_REQUEST),
                e.message,
            ),
        }
    }
}

impl IntoResponse for OwError {
    fn into_response(self) -> Response {
        let body = wire::ErrorBody {
            error: self.message,
            code: Some(engine::new_id()),
        };
        (self.status, axum::Json(body)).into_response()
    }
}
