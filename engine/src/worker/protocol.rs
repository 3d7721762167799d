//! What the engine and a worker say to each other: one JSON object a line.
//!
//! serde_json writes no raw newline inside a value, so a line is always one message.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::runtime::{LogLine, Outcome, RunOptions};

/// One run of an action's `main`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct Job {
    /// The JavaScript source.
    pub(crate) code: String,
    /// The entry point.
    pub(crate) main: String,
    /// The merged parameters.
    pub(crate) params: Value,
    /// The limits.
    pub(crate) options: RunOptions,
    /// The action version it runs, when a warm runtime may serve it (absent: always fresh).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) warm: Option<WarmKey>,
}

/// Which action version a job runs. A runtime kept after a run of one key serves only a
/// later job with the same key (and the same code): never another action, package or
/// namespace, and never the action once it is saved again (its version changes).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct WarmKey {
    /// `namespace/package/name`.
    pub(crate) action: String,
    /// The stored revision and the time of the save that made it.
    pub(crate) version: String,
}

/// What a worker reports about the job it runs.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(tag = "event", rename_all = "lowercase")]
pub(crate) enum Event {
    /// A console line, as it is written.
    Line(LogLine),
    /// The end of the job.
    Done(Done),
}

/// How a job ended (its lines were sent before).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct Done {
    /// How it ended.
    pub(crate) outcome: Outcome,
    /// Whether its logs were cut at the limit.
    pub(crate) logs_truncated: bool,
    /// Peak heap in use, bytes.
    pub(crate) memory_used: u64,
    /// Wall-clock time in the worker, microseconds.
    pub(crate) duration_us: u64,
    /// The worker is stopping after this job (it ran out of memory or failed): do not send
    /// it another.
    pub(crate) retire: bool,
    /// Whether a warm runtime ran it.
    #[serde(default)]
    pub(crate) warm: bool,
}
