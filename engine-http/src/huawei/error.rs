//! FunctionGraph's error body, `{error_code, error_msg}`, with its status.

use axum::extract::rejection::BytesRejection;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use engine::{EngineError, ErrorCode};
use providers::wire::huawei as wire;

use crate::{INTEGER_MAX, body_problem};

/// Why a FunctionGraph request failed.
#[derive(Debug)]
pub(super) struct FgsError {
    status: StatusCode,
    code: &'static str,
    message: String,
}

impl FgsError {
    fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> Self {
        Self {
            status,
            code,
            message: message.into(),
        }
    }

    /// A 400 FSS.0400.
    pub(super) fn bad_request(message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, "FSS.0400", message)
    }

    /// The one answer to refused credentials, whatever was wrong with them.
    pub(super) fn refused() -> Self {
        Self::new(StatusCode::FORBIDDEN, "FSS.0403", "invalid token")
    }

    /// A project id other than the engine's.
    pub(super) fn other_project() -> Self {
        Self::new(
            StatusCode::FORBIDDEN,
            "FSS.0403",
            "the project id does not match the credentials",
        )
    }

    /// No such function.
    pub(super) fn no_function() -> Self {
        Self::new(StatusCode::NOT_FOUND, "FSS.0404", "can not find function")
    }

    /// No such path or method.
    pub(super) fn no_resource() -> Self {
        Self::new(StatusCode::NOT_FOUND, "FSS.0404", "can not find resource")
    }

    /// A `marker` that is not a record position. The seed documents it as a string of at
    /// most 64 characters starting at 0, and `next_marker` as an `Integer` (32-bit: Huawei's
    /// references write `Long` for 64-bit), so no marker past 2^31-1 can come from a page.
    pub(super) fn marker() -> Self {
        Self::bad_request(format!(
            "marker must be a whole number from 0 to {INTEGER_MAX}"
        ))
    }

    /// A body that could not be read.
    pub(super) fn body(status: StatusCode, message: String) -> Self {
        Self::new(status, "FSS.0400", message)
    }
}

/// A body that could not be read, or was too large.
impl From<BytesRejection> for FgsError {
    fn from(rejection: BytesRejection) -> Self {
        let (status, message) = body_problem(&rejection);
        Self::body(status, message)
    }
}

impl From<EngineError> for FgsError {
    fn from(e: EngineError) -> Self {
        match e.code {
            ErrorCode::ActionNotFound => Self::no_function(),
            ErrorCode::Internal => {
                Self::new(StatusCode::INTERNAL_SERVER_ERROR, "FSS.0500", e.message)
            }
            // FunctionGraph's error codes: 429 FSS.0429 "Too many requests" (whatever the
            // engine was too busy for: running invocations, a full queue).
            code if code.status() == 429 => {
                Self::new(StatusCode::TOO_MANY_REQUESTS, "FSS.0429", e.message)
            }
            code => Self::new(
                StatusCode::from_u16(code.status()).unwrap_or(StatusCode::BAD_REQUEST),
                "FSS.0400",
                e.message,
            ),
        }
    }
}

impl IntoResponse for FgsError {
    fn into_response(self) -> Response {
        let body = wire::ErrorBody {
            error_code: self.code.into(),
            error_msg: self.message,
        };
        (self.status, axum::Json(body)).into_response()
    }
}
