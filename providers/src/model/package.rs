//! Packages (NCP, OpenWhisk): a named group of actions with a description and default
//! parameters its actions inherit. FunctionGraph and SCF have none.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// A package in a list: its name and description.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PackageSummary {
    /// The name.
    pub name: String,
    /// Its description, when it has one.
    pub description: Option<String>,
}

/// A package as written, and as the provider answers it stored.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct PackageSpec {
    /// The name: 1–50 of `[A-Za-z0-9_-]`, not starting with `-`, on NCP.
    pub name: String,
    /// Its description, when it has one.
    pub description: Option<String>,
    /// Default parameters of its actions (below the action's own and the call's).
    pub parameters: Map<String, Value>,
}

impl PackageSpec {
    /// A package `name` with no description and no parameters.
    pub fn named(name: impl Into<String>) -> Self {
        Self {
            name: name.into(),
            ..Self::default()
        }
    }

    /// Its summary, for a list.
    pub fn summary(&self) -> PackageSummary {
        PackageSummary {
            name: self.name.clone(),
            description: self.description.clone(),
        }
    }
}
