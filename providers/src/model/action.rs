//! Actions (NCP, OpenWhisk) and functions (FunctionGraph, SCF): one model.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use std::fmt;

/// An action's address: its package (none for a top-level action) and its name.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct ActionRef {
    /// The package, `None` outside any package (NCP writes `-`).
    pub package: Option<String>,
    /// The action's name.
    pub name: String,
}

impl ActionRef {
    /// An action outside any package.
    pub fn top(name: impl Into<String>) -> Self {
        Self {
            package: None,
            name: name.into(),
        }
    }

    /// An action in `package`.
    pub fn in_package(package: impl Into<String>, name: impl Into<String>) -> Self {
        Self {
            package: Some(package.into()),
            name: name.into(),
        }
    }

    /// Parses `package/name` or `name`; NCP's `-` package means none.
    pub fn parse(path: &str) -> Self {
        match path.trim_matches('/').split_once('/') {
            Some(("-", name)) => Self::top(name),
            Some((package, name)) => Self::in_package(package, name),
            None => Self::top(path.trim_matches('/')),
        }
    }

    /// The package as NCP writes it in paths: `-` for none.
    pub fn ncp_package(&self) -> &str {
        self.package.as_deref().unwrap_or("-")
    }
}

impl fmt::Display for ActionRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.package {
            Some(p) => write!(f, "{p}/{}", self.name),
            None => f.write_str(&self.name),
        }
    }
}

/// The kind of action (NCP's `type` query parameter).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ActionKind {
    /// A plain action.
    #[default]
    Basic,
    /// A web action, reachable over HTTP.
    Web,
    /// A sequence of other actions.
    Sequence,
    /// A sequence reachable over HTTP.
    SequenceWeb,
}

impl ActionKind {
    /// The wire name (`basic`, `web`, `sequence`, `sequence-web`).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Basic => "basic",
            Self::Web => "web",
            Self::Sequence => "sequence",
            Self::SequenceWeb => "sequence-web",
        }
    }

    /// Whether the action is a sequence.
    pub fn is_sequence(self) -> bool {
        matches!(self, Self::Sequence | Self::SequenceWeb)
    }
}

/// Which actions to list.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ActionQuery {
    /// Only this package's. NCP lists one package at a time, `None` being the top level;
    /// the others list every function of the namespace and cannot narrow it to a package.
    pub package: Option<String>,
}

impl ActionQuery {
    /// The actions of `package`.
    pub fn package(package: impl Into<String>) -> Self {
        Self {
            package: Some(package.into()),
        }
    }
}

/// A line in an action list.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ActionSummary {
    /// Its address.
    pub action: ActionRef,
    /// Its runtime (`nodejs:20`, `sequence`), when listed.
    pub runtime: Option<String>,
    /// Its description, when listed.
    pub description: Option<String>,
    /// Its kind, when listed.
    pub kind: Option<ActionKind>,
}

/// Resource limits of an action.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct ActionLimits {
    /// Maximum run time, milliseconds.
    pub timeout_ms: u64,
    /// Memory, MB.
    pub memory_mb: u64,
}

/// What runs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ActionExec {
    /// The runtime (`nodejs:20`), or `sequence`.
    pub kind: String,
    /// Source code, or Base64 when `binary`.
    pub code: Option<String>,
    /// Whether `code` is Base64 of a file.
    pub binary: bool,
    /// The entry function.
    pub main: Option<String>,
    /// A custom image, `{registry}/{image}:{tag}`.
    pub image_uri: Option<String>,
    /// For sequences: `package/action` of each component, in order.
    pub components: Vec<String>,
}

impl ActionExec {
    /// The runtime `kind` (`nodejs:20`) with no code: what a listing tells of an action.
    pub fn runtime(kind: impl Into<String>) -> Self {
        Self {
            kind: kind.into(),
            code: None,
            binary: false,
            main: None,
            image_uri: None,
            components: Vec::new(),
        }
    }

    /// Source code (not Base64) for the runtime `kind`, run from the runtime's default entry
    /// function: what the console's editor writes and most tests put.
    pub fn source(kind: impl Into<String>, code: impl Into<String>) -> Self {
        Self {
            code: Some(code.into()),
            ..Self::runtime(kind)
        }
    }
}

/// An action in full, as read or written.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ActionSpec {
    /// Its address.
    pub action: ActionRef,
    /// Its kind.
    pub kind: ActionKind,
    /// Description, at most 3,000 bytes on NCP.
    pub description: Option<String>,
    /// Default parameters.
    pub parameters: Map<String, Value>,
    /// Limits.
    pub limits: Option<ActionLimits>,
    /// What runs.
    pub exec: ActionExec,
    /// Provider fields the model has no place for, kept so an edit does not drop them.
    pub extra: Map<String, Value>,
    /// The revision the provider tagged it with (its `ETag`, as sent), where it tags one
    /// (the embedded engine): a put carrying it writes only over that revision, and
    /// fails with [`ErrorKind::Conflict`](crate::ErrorKind::Conflict) otherwise.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub revision: Option<String>,
}

impl ActionSpec {
    /// A basic action at `action` running `exec`, with no description, default parameters,
    /// limits (the provider's defaults), extra fields or revision; set the others with
    /// struct update syntax (`ActionSpec { limits: Some(..), ..ActionSpec::basic(..) }`).
    pub fn basic(action: ActionRef, exec: ActionExec) -> Self {
        Self {
            action,
            kind: ActionKind::Basic,
            description: None,
            parameters: Map::new(),
            limits: None,
            exec,
            extra: Map::new(),
            revision: None,
        }
    }
}
