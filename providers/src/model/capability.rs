//! What a connection can do, so the console shows only what works.

use serde::{Deserialize, Serialize};

/// One thing a provider may support.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Capability {
    /// List and read actions (functions).
    ActionsRead,
    /// Create, update and delete actions.
    ActionsWrite,
    /// Invoke and wait for the result.
    Invoke,
    /// Follow an invocation's log lines while it runs.
    StreamingInvoke,
    /// List activations (past runs).
    Activations,
    /// Read one activation's result and logs.
    ActivationDetail,
    /// List asynchronous invocations and their statuses.
    AsyncInvocations,
    /// Search function logs.
    FunctionLogs,
}

/// The set of capabilities of a connection.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Capabilities(pub Vec<Capability>);

impl Capabilities {
    /// Whether `capability` is supported.
    pub fn has(&self, capability: Capability) -> bool {
        self.0.contains(&capability)
    }
}

impl FromIterator<Capability> for Capabilities {
    fn from_iter<I: IntoIterator<Item = Capability>>(iter: I) -> Self {
        Self(iter.into_iter().collect())
    }
}
