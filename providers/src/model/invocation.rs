//! Invocations, synchronous and asynchronous.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::{ActionRef, Activation};

/// A request to run an action.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct InvocationRequest {
    /// What to run.
    pub action: ActionRef,
    /// Runtime parameters (they win over every default).
    pub params: Map<String, Value>,
    /// Wait for the result (`true`) or only enqueue (`false`).
    pub blocking: bool,
    /// How long to wait for a blocking result, ms; past it only the activation id returns.
    pub wait_ms: Option<u64>,
}

/// What an invocation answered.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum InvocationResult {
    /// It finished within the wait: the activation with its result.
    Finished(Activation),
    /// It was accepted and goes on: follow it by this id.
    Accepted {
        /// The activation (or request) id.
        id: String,
    },
}

/// An asynchronous invocation's status (FunctionGraph's five).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum AsyncStatus {
    /// Queued.
    Wait,
    /// Running.
    Running,
    /// Finished well.
    Success,
    /// Failed.
    Fail,
    /// Dropped after waiting past its deadline.
    Discard,
}

impl AsyncStatus {
    /// The wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Wait => "WAIT",
            Self::Running => "RUNNING",
            Self::Success => "SUCCESS",
            Self::Fail => "FAIL",
            Self::Discard => "DISCARD",
        }
    }

    /// Parses the wire name.
    pub fn parse(value: &str) -> Option<Self> {
        Some(match value {
            "WAIT" => Self::Wait,
            "RUNNING" => Self::Running,
            "SUCCESS" => Self::Success,
            "FAIL" => Self::Fail,
            "DISCARD" => Self::Discard,
            _ => return None,
        })
    }
}

/// One asynchronous invocation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AsyncInvocation {
    /// Request id.
    pub request_id: String,
    /// Status.
    pub status: AsyncStatus,
    /// Error code (0 on success).
    pub error_code: Option<i64>,
    /// Error message, empty on success.
    pub error_message: Option<String>,
    /// Start, `YYYY-MM-DDTHH:mm:ss` UTC.
    pub start_time: Option<String>,
    /// End, same format.
    pub end_time: Option<String>,
}

/// Which asynchronous invocations to list.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AsyncInvocationQuery {
    /// The function.
    pub action: Option<ActionRef>,
    /// One request only.
    pub request_id: Option<String>,
    /// Only this status.
    pub status: Option<AsyncStatus>,
    /// From, `YYYY-MM-DDTHH:mm:ss` UTC (default: an hour ago).
    pub begin: Option<String>,
    /// To, same format (default: now).
    pub end: Option<String>,
}
