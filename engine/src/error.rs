//! Engine errors, each carrying the provider code a dialect answers with.

use std::fmt;

/// NCP's documented codes (seed 004 and the API index), which the engine uses for every
/// dialect; each dialect maps them onto its own error shape.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorCode {
    /// 80300: bad action (or package) name.
    ActionInvalidName,
    /// 80301: no such action.
    ActionNotFound,
    /// 80303: unknown action type.
    ActionInvalidType,
    /// 80304: an action's type cannot change.
    ActionTypeMismatch,
    /// 80305: a body field has the wrong type.
    ActionBodyInvalidType,
    /// 80306: a required body field is missing.
    ActionBodyMissingField,
    /// 80307: a body field's value is not allowed.
    ActionBodyInvalidValue,
    /// 80308: the namespace holds the most actions allowed.
    ActionCountExceed,
    /// 80011: the name is used by another resource.
    ResourceNameConflict,
    /// 80101: no such package.
    PackageNotFound,
    /// 80109: the package still holds actions.
    PackageNotEmpty,
    /// No such activation.
    ActivationNotFound,
    /// Too many invocations running at once.
    TooManyRequests,
    /// The engine failed (storage, runtime start).
    Internal,
    /// A conditional write found the action changed since the version it was read at (the
    /// engine's own: NCP has no conditional write; answered as HTTP's 412).
    ActionChanged,
}

impl ErrorCode {
    /// The numeric code.
    pub fn number(self) -> u32 {
        match self {
            Self::ActionInvalidName => 80300,
            Self::ActionNotFound => 80301,
            Self::ActionInvalidType => 80303,
            Self::ActionTypeMismatch => 80304,
            Self::ActionBodyInvalidType => 80305,
            Self::ActionBodyMissingField => 80306,
            Self::ActionBodyInvalidValue => 80307,
            Self::ActionCountExceed => 80308,
            Self::ResourceNameConflict => 80011,
            Self::PackageNotFound => 80101,
            Self::PackageNotEmpty => 80109,
            Self::ActivationNotFound => 80401,
            Self::TooManyRequests => 80429,
            Self::Internal => 99999,
            Self::ActionChanged => 80412,
        }
    }

    /// The name NCP puts in `message`.
    pub fn name(self) -> &'static str {
        match self {
            Self::ActionInvalidName => "ACTION_INVALID_NAME",
            Self::ActionNotFound => "ACTION_NOT_FOUND",
            Self::ActionInvalidType => "ACTION_INVALID_TYPE",
            Self::ActionTypeMismatch => "ACTION_TYPE_MISMATCH",
            Self::ActionBodyInvalidType => "ACTION_BODY_INVALID_TYPE",
            Self::ActionBodyMissingField => "ACTION_BODY_MISSING_FIELD",
            Self::ActionBodyInvalidValue => "ACTION_BODY_INVALID_VALUE",
            Self::ActionCountExceed => "ACTION_COUNT_EXCEED",
            Self::ResourceNameConflict => "RESOURCE_NAME_CONFLICT",
            Self::PackageNotFound => "PACKAGE_NOT_FOUND",
            Self::PackageNotEmpty => "PACKAGE_NOT_EMPTY",
            Self::ActivationNotFound => "ACTIVATION_NOT_FOUND",
            Self::TooManyRequests => "TOO_MANY_REQUESTS",
            Self::Internal => "INTERNAL_ERROR",
            Self::ActionChanged => "ACTION_CHANGED",
        }
    }

    /// The HTTP status NCP answers with.
    pub fn status(self) -> u16 {
        match self {
            Self::ActionNotFound | Self::PackageNotFound | Self::ActivationNotFound => 404,
            Self::ResourceNameConflict | Self::PackageNotEmpty => 409,
            Self::ActionCountExceed => 422,
            Self::TooManyRequests => 429,
            Self::Internal => 500,
            Self::ActionChanged => 412,
            _ => 400,
        }
    }
}

/// An engine error: the code, and a message naming the field and what is allowed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EngineError {
    /// The code.
    pub code: ErrorCode,
    /// What is wrong, for a person.
    pub message: String,
}

impl EngineError {
    /// An error with `code`.
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        Self {
            code,
            message: message.into(),
        }
    }

    /// A storage failure.
    pub fn internal(message: impl Into<String>) -> Self {
        Self::new(ErrorCode::Internal, message)
    }
}

impl fmt::Display for EngineError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} {}: {}",
            self.code.number(),
            self.code.name(),
            self.message
        )
    }
}

impl std::error::Error for EngineError {}

impl From<rusqlite::Error> for EngineError {
    fn from(e: rusqlite::Error) -> Self {
        Self::internal(format!("storage failed: {e}"))
    }
}
