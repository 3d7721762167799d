//! SCF's error shapes: API 3.0's `Response.Error` (always with status 200) and the legacy
//! API's `{code, message, codeDesc}`.

use axum::extract::rejection::BytesRejection;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use engine::{EngineError, ErrorCode};
use providers::sign::VerifyError;
use serde_json::json;

use super::auth::credentials_problem;
use crate::body_problem;

/// An API 3.0 error: its code and message.
#[derive(Debug)]
pub(super) struct ScfError {
    code: &'static str,
    message: String,
}

impl ScfError {
    /// An error with SCF's `code`.
    pub(super) fn new(code: &'static str, message: impl Into<String>) -> Self {
        Self {
            code,
            message: message.into(),
        }
    }

    /// Refused credentials.
    pub(super) fn signature(e: &VerifyError) -> Self {
        Self::new(
            "AuthFailure.SignatureFailure",
            format!(
                "The provided credentials could not be validated: {}",
                credentials_problem(e)
            ),
        )
    }
}

/// A body that could not be read (`InvalidParameter`), or was too large
/// (`RequestSizeLimitExceeded`).
impl From<BytesRejection> for ScfError {
    fn from(rejection: BytesRejection) -> Self {
        let (status, message) = body_problem(&rejection);
        if status == StatusCode::PAYLOAD_TOO_LARGE {
            Self::new("RequestSizeLimitExceeded", message)
        } else {
            Self::new("InvalidParameter", message)
        }
    }
}

impl From<EngineError> for ScfError {
    fn from(e: EngineError) -> Self {
        match e.code {
            ErrorCode::ActionNotFound => {
                Self::new("ResourceNotFound.Function", "the function does not exist")
            }
            ErrorCode::Internal => Self::new("InternalError", e.message),
            // SCF's common code for an exceeded quota (the engine was too busy: running
            // invocations, a full queue).
            code if code.status() == 429 => Self::new("LimitExceeded", e.message),
            _ => Self::new("InvalidParameterValue", e.message),
        }
    }
}

impl IntoResponse for ScfError {
    fn into_response(self) -> Response {
        axum::Json(json!({ "Response": { "Error": { "Code": self.code, "Message": self.message }, "RequestId": engine::new_id() } })).into_response()
    }
}

/// A legacy API error.
#[derive(Debug)]
pub(super) struct LegacyError {
    code: i64,
    desc: &'static str,
    message: String,
}

impl LegacyError {
    /// An error with the legacy API's `code` and `codeDesc`.
    pub(super) fn new(code: i64, desc: &'static str, message: impl Into<String>) -> Self {
        Self {
            code,
            desc,
            message: message.into(),
        }
    }
}

/// A body that could not be read, or was too large: the legacy API's 4000.
impl From<BytesRejection> for LegacyError {
    fn from(rejection: BytesRejection) -> Self {
        Self::new(4000, "InvalidParameter", body_problem(&rejection).1)
    }
}

impl IntoResponse for LegacyError {
    fn into_response(self) -> Response {
        axum::Json(json!({ "code": self.code, "message": self.message, "codeDesc": self.desc }))
            .into_response()
    }
}
