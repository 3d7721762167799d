//! Console lines: what an action wrote, as the engine records it and the browser shows it.

use serde::{Deserialize, Serialize};

/// Which console stream a line went to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Stream {
    /// `console.log`, `console.info`.
    Stdout,
    /// `console.warn`, `console.error`.
    Stderr,
}

impl Stream {
    /// The name OpenWhisk prints before a line: `stdout` or `stderr`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Stdout => "stdout",
            Self::Stderr => "stderr",
        }
    }
}

/// One console line, stamped when it was written.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LogLine {
    /// Epoch milliseconds.
    pub ts_ms: i64,
    /// Stream.
    pub stream: Stream,
    /// The text.
    pub text: String,
}
