//! The JavaScript runtime: a QuickJS runtime per action version, sandboxed and bounded,
//! fresh for a first run and kept warm for the next ones ([`Sandbox`]).
//!
//! Action code sees only the ECMAScript built-ins, `console`, `setTimeout`/`clearTimeout`
//! and CommonJS-style `module.exports`: QuickJS's file, network and process modules are never
//! loaded, and `require` does not exist. Every run has a memory limit, a stack limit and a
//! deadline enforced by an interrupt handler, so an endless loop, a never-settling promise or
//! an allocation bomb ends as a timeout or an out-of-memory error and the host goes on.
//! Code that loops inside a QuickJS built-in never reaches the interrupt handler, so the
//! engine runs actions in worker processes ([`crate::worker`]) that it kills at the deadline.

mod js;
mod prelude;
mod sandbox;

pub use js::{ERROR_TRUNCATED, LINE_OVERHEAD, LOG_TRUNCATED, line_cost, run};
pub use sandbox::Sandbox;

use serde_json::Value;
use std::time::Duration;

/// Limits of one run, always applied.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct RunOptions {
    /// Wall-clock time allowed, from start to settled result (`limits.timeout`).
    pub deadline: Duration,
    /// Heap allowed, bytes (`limits.memory`).
    pub memory_bytes: usize,
    /// Stack allowed, bytes.
    pub stack_bytes: usize,
    /// Log bytes kept; past it the logs end with a visible truncation line.
    pub max_log_bytes: usize,
    /// Largest result accepted, bytes of JSON.
    pub max_result_bytes: usize,
}

impl RunOptions {
    /// The defaults for an action with `timeout_ms` and `memory_mb`: 1 MB of logs and of
    /// result, as NCP documents, and a 1 MB stack.
    pub fn for_limits(timeout_ms: u64, memory_mb: u64) -> Self {
        Self {
            deadline: Duration::from_millis(timeout_ms),
            memory_bytes: (memory_mb as usize) * 1024 * 1024,
            stack_bytes: 1024 * 1024,
            max_log_bytes: 1024 * 1024,
            max_result_bytes: 1024 * 1024,
        }
    }
}

/// Called with each console line as it is written (live log streaming).
pub type LiveSink = Box<dyn FnMut(&LogLine)>;

/// The console line and its stream live in the common model, so the engine, the server and
/// the browser share one type.
pub use providers::{LogLine, Stream};

/// A console line as OpenWhisk prints it in an activation's logs.
pub trait FormattedLine {
    /// `2024-01-01T00:00:00.123Z stdout: text`.
    fn formatted(&self) -> String;
}

impl FormattedLine for LogLine {
    fn formatted(&self) -> String {
        format!(
            "{} {}: {}",
            crate::time::format_rfc3339_millis(self.ts_ms),
            self.stream.as_str(),
            self.text
        )
    }
}

/// How a run ended.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub enum Outcome {
    /// `main` returned (or resolved to) a JSON object.
    Success(Value),
    /// `main` threw or rejected: the result is `{"error": …}`.
    ApplicationError(Value),
    /// The action could not run or returned something unusable; the message says what.
    DeveloperError(String),
    /// The deadline passed.
    Timeout,
    /// The engine failed while running it (a worker process died, a panic): not the
    /// action's fault as far as the engine can tell; the message says what happened.
    InternalError(String),
}

/// What a run produced.
#[derive(Debug, Clone, PartialEq)]
pub struct RunOutput {
    /// How it ended.
    pub outcome: Outcome,
    /// Console lines, in order (ending with a truncation notice when cut).
    pub logs: Vec<LogLine>,
    /// Whether logs were cut at the limit.
    pub logs_truncated: bool,
    /// Peak heap in use, bytes.
    pub memory_used: u64,
    /// Wall-clock time.
    pub duration: Duration,
}
