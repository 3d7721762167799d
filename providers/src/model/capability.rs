//! What a connection can do, so the console shows only what works.

use serde::{Deserialize, Serialize};

/// One thing a provider may support.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Capability {
    /// List actions (functions).
    ActionsList,
    /// Read one action in full: its code, parameters and limits.
    ActionsRead,
    /// Create, update and delete actions.
    ActionsWrite,
    /// List packages.
    PackagesList,
    /// Create, update and delete packages.
    PackagesWrite,
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

impl Capability {
    /// Every capability, in the order the console shows them.
    pub const ALL: [Capability; 11] = [
        Self::ActionsList,
        Self::ActionsRead,
        Self::ActionsWrite,
        Self::PackagesList,
        Self::PackagesWrite,
        Self::Invoke,
        Self::StreamingInvoke,
        Self::Activations,
        Self::ActivationDetail,
        Self::AsyncInvocations,
        Self::FunctionLogs,
    ];

    /// What it is, for a sentence ("… does not offer reading an action's code").
    pub fn describe(self) -> &'static str {
        match self {
            Self::ActionsList => "listing actions",
            Self::ActionsRead => "reading an action's code",
            Self::ActionsWrite => "creating, updating and deleting actions",
            Self::PackagesList => "listing packages",
            Self::PackagesWrite => "creating, updating and deleting packages",
            Self::Invoke => "invoking",
            Self::StreamingInvoke => "following an invocation's logs",
            Self::Activations => "listing activations",
            Self::ActivationDetail => "reading one activation",
            Self::AsyncInvocations => "listing asynchronous invocations",
            Self::FunctionLogs => "searching function logs",
        }
    }
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
