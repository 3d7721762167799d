//! The engine's own action definition: what every dialect converts its create-or-update
//! request into, what [`crate::validate::draft`] checks and what the store keeps.

use providers::ActionKind;
use providers::wire::ncp::{Exec, Limits as NcpLimits, PutActionBody, Vpc as NcpVpc};
use serde_json::{Map, Value};
use std::fmt;

/// How NCP writes "outside any package" in an action's path (`-/name`), and how the store
/// keeps it on disk; an `Option` everywhere else (no package can be named so).
pub const NO_PACKAGE: &str = "-";

/// An action's address: its package (`None` outside any) and name.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ActionPath {
    /// Its package; `None` outside any.
    pub package: Option<String>,
    /// Its name.
    pub name: String,
}

impl ActionPath {
    /// `package/name` as NCP writes a sequence component (`-/name` outside any package);
    /// `None` without a `/`.
    pub fn parse(path: &str) -> Option<Self> {
        let (package, name) = path.split_once('/')?;
        Some(Self {
            package: (package != NO_PACKAGE).then(|| package.to_string()),
            name: name.to_string(),
        })
    }
}

impl fmt::Display for ActionPath {
    /// `package/name`, `-/name` outside any package.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}/{}",
            self.package.as_deref().unwrap_or(NO_PACKAGE),
            self.name
        )
    }
}

/// How long an action may run and how much memory it may use.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Milliseconds (500 to 300,000).
    pub timeout_ms: u64,
    /// MB (128, 256, 512 or 1024).
    pub memory_mb: u64,
}

/// A VPC an action runs in (NCP's VPC platform).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Vpc {
    /// VPC id.
    pub vpc_no: u64,
    /// Subnet id.
    pub subnet_no: u64,
}

/// The code of a code action and how it runs.
#[derive(Debug, Clone, PartialEq)]
pub struct Code {
    /// The runtime (`nodejs:20`).
    pub runtime: String,
    /// The source, or Base64 of it when `binary`.
    pub code: String,
    /// Whether `code` is Base64.
    pub binary: bool,
    /// The entry function (`main` when absent).
    pub main: Option<String>,
    /// A custom image (NCP's custom-image runtimes).
    pub image_uri: Option<String>,
    /// Default parameters.
    pub parameters: Map<String, Value>,
    /// Time and memory.
    pub limits: Limits,
    /// VPCs, on NCP's VPC platform.
    pub vpc: Option<Vec<Vpc>>,
    /// A web action's `raw-http` flag.
    pub raw_http: Option<bool>,
    /// A web action's `custom-options` flag.
    pub custom_options: Option<bool>,
}

/// What an action runs.
#[derive(Debug, Clone, PartialEq)]
pub enum Run {
    /// JavaScript.
    Code(Code),
    /// Other actions, in order, each given the previous one's result.
    Sequence(Vec<ActionPath>),
}

/// An action as a dialect asks for it to be created or updated.
#[derive(Debug, Clone, PartialEq)]
pub struct ActionDraft {
    /// Basic, web, sequence or sequence-web.
    pub kind: ActionKind,
    /// 0 to 3,000 bytes.
    pub description: Option<String>,
    /// What it runs.
    pub run: Run,
}

impl ActionDraft {
    /// Its code, unless it is a sequence.
    pub fn code(&self) -> Option<&Code> {
        match &self.run {
            Run::Code(code) => Some(code),
            Run::Sequence(_) => None,
        }
    }

    /// Its components, if it is a sequence.
    pub fn components(&self) -> &[ActionPath] {
        match &self.run {
            Run::Code(_) => &[],
            Run::Sequence(components) => components,
        }
    }

    /// The runtime it runs on (`sequence` for a sequence).
    pub fn runtime(&self) -> &str {
        self.code().map_or("sequence", |c| c.runtime.as_str())
    }

    /// As NCP's put-action body (seed 004): what the store keeps on disk and NCP answers.
    pub fn to_ncp_body(&self) -> PutActionBody {
        match &self.run {
            Run::Sequence(components) => PutActionBody {
                description: self.description.clone(),
                exec: Some(Exec {
                    kind: Some("sequence".into()),
                    components: Some(components.iter().map(ActionPath::to_string).collect()),
                    ..Default::default()
                }),
                ..Default::default()
            },
            Run::Code(c) => PutActionBody {
                description: self.description.clone(),
                parameters: Some(c.parameters.clone()),
                limits: Some(NcpLimits {
                    timeout: Some(c.limits.timeout_ms),
                    memory: Some(c.limits.memory_mb),
                }),
                exec: Some(Exec {
                    kind: Some(c.runtime.clone()),
                    code: Some(c.code.clone()),
                    binary: Some(c.binary),
                    main: c.main.clone(),
                    image_uri: c.image_uri.clone(),
                    components: None,
                }),
                vpc: c.vpc.as_ref().map(|v| {
                    v.iter()
                        .map(|v| NcpVpc {
                            vpc_no: v.vpc_no,
                            subnet_no: v.subnet_no,
                        })
                        .collect()
                }),
                raw_http: c.raw_http,
                custom_options: c.custom_options,
            },
        }
    }

    /// From a body [`ActionDraft::to_ncp_body`] wrote; what is missing says which field.
    pub fn from_ncp_body(kind: ActionKind, body: PutActionBody) -> Result<Self, String> {
        let exec = body.exec.ok_or("exec is missing")?;
        let run = if kind.is_sequence() {
            let components = exec.components.ok_or("exec.components is missing")?;
            Run::Sequence(
                components
                    .iter()
                    .map(|c| ActionPath::parse(c).ok_or(format!("component {c} is no path")))
                    .collect::<Result<_, _>>()?,
            )
        } else {
            let limits = body.limits.ok_or("limits is missing")?;
            Run::Code(Code {
                runtime: exec.kind.ok_or("exec.kind is missing")?,
                code: exec.code.ok_or("exec.code is missing")?,
                binary: exec.binary.unwrap_or(false),
                main: exec.main,
                image_uri: exec.image_uri,
                parameters: body.parameters.unwrap_or_default(),
                limits: Limits {
                    timeout_ms: limits.timeout.ok_or("limits.timeout is missing")?,
                    memory_mb: limits.memory.ok_or("limits.memory is missing")?,
                },
                vpc: body.vpc.map(|v| {
                    v.iter()
                        .map(|v| Vpc {
                            vpc_no: v.vpc_no,
                            subnet_no: v.subnet_no,
                        })
                        .collect()
                }),
                raw_http: body.raw_http,
                custom_options: body.custom_options,
            })
        };
        Ok(Self {
            kind,
            description: body.description,
            run,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::validate::ncp_draft;
    use serde_json::json;

    #[test]
    fn a_draft_reads_back_from_the_body_it_is_stored_as() {
        let code = ncp_draft(
            Some("web"),
            &json!({"description": "d", "parameters": {"a": 1}, "limits": {"timeout": 500, "memory": 128},
                    "exec": {"kind": "nodejs:20", "code": "x", "binary": false, "main": "go"}, "raw-http": true}),
        )
        .unwrap();
        let sequence = ncp_draft(
            Some("sequence"),
            &json!({"exec": {"kind": "sequence", "components": ["-/a", "p/b"]}}),
        )
        .unwrap();
        assert_eq!(
            sequence.components(),
            [
                ActionPath {
                    package: None,
                    name: "a".into()
                },
                ActionPath {
                    package: Some("p".into()),
                    name: "b".into()
                }
            ]
        );
        for draft in [code, sequence] {
            let body = draft.to_ncp_body();
            assert_eq!(ActionDraft::from_ncp_body(draft.kind, body).unwrap(), draft);
        }
        assert_eq!(
            ActionDraft::from_ncp_body(ActionKind::Basic, PutActionBody::default()).unwrap_err(),
            "exec is missing"
        );
    }
}
