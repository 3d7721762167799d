//! Seed 004's put-action rules as one function, [`check_action`], compiled into the server,
//! the engine and the WASM bundle: the engine refuses with it (NCP's codes), and the editor
//! refuses the same values on their fields before anything is sent.
//!
//! What only the provider can know (whether a sequence's component exists, which runtimes it
//! runs, how many actions the namespace holds) stays with the provider.

use serde::{Deserialize, Serialize};
use std::borrow::Cow;
use std::fmt;

use super::action::{ActionKind, ActionLimits, ActionSpec};
use super::rules::{MAX_COMPONENTS, MAX_DESCRIPTION_BYTES, MEMORY_SIZES, NAME_RULE, TIMEOUT_RANGE};

/// Seed 004's error codes for a refused put-action.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum RefusalCode {
    /// 80300 ACTION_INVALID_NAME.
    InvalidName,
    /// 80306 ACTION_BODY_MISSING_FIELD.
    MissingField,
    /// 80307 ACTION_BODY_INVALID_VALUE.
    InvalidValue,
}

impl RefusalCode {
    /// NCP's number for it.
    pub fn number(self) -> u32 {
        match self {
            Self::InvalidName => 80300,
            Self::MissingField => 80306,
            Self::InvalidValue => 80307,
        }
    }
}

/// One refused value: the body field it is in (seed 004's path: `limits.timeout`,
/// `exec.components`, `description`, `actionName`…), the code and what is allowed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Refusal {
    /// The field, as seed 004 names it.
    pub field: Cow<'static, str>,
    /// The code NCP answers with.
    pub code: RefusalCode,
    /// What is wrong and what is allowed.
    pub message: String,
}

impl fmt::Display for Refusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

/// The fields of a put-action the rules look at, borrowed from whatever holds them (the
/// console's [`ActionSpec`], the engine's draft).
#[derive(Debug, Clone, PartialEq)]
pub struct ActionFields<'a> {
    /// The package, `None` outside any.
    pub package: Option<&'a str>,
    /// The action's name.
    pub name: &'a str,
    /// Its type.
    pub kind: ActionKind,
    /// Its description.
    pub description: Option<&'a str>,
    /// `exec.kind`: the runtime, or `sequence`.
    pub exec_kind: &'a str,
    /// Limits (required unless a sequence).
    pub limits: Option<ActionLimits>,
    /// `exec.code` (required unless a sequence).
    pub code: Option<&'a str>,
    /// `exec.binary`: `code` is Base64.
    pub binary: bool,
    /// `exec.components`, `package/action` each (sequences).
    pub components: Vec<Cow<'a, str>>,
    /// `raw-http`, when given.
    pub raw_http: Option<bool>,
    /// `custom-options`, when given.
    pub custom_options: Option<bool>,
}

impl<'a> ActionFields<'a> {
    /// The fields of `spec`; web options come from its `extra` (`raw-http`,
    /// `custom-options`), where the clients keep them.
    pub fn of(spec: &'a ActionSpec) -> Self {
        let flag = |key: &str| spec.extra.get(key).and_then(serde_json::Value::as_bool);
        Self {
            package: spec.action.package.as_deref(),
            name: &spec.action.name,
            kind: spec.kind,
            description: spec.description.as_deref(),
            exec_kind: &spec.exec.kind,
            limits: spec.limits,
            code: spec.exec.code.as_deref(),
            binary: spec.exec.binary,
            components: spec
                .exec
                .components
                .iter()
                .map(|c| Cow::from(c.as_str()))
                .collect(),
            raw_http: flag("raw-http"),
            custom_options: flag("custom-options"),
        }
    }
}

fn refusal(field: &'static str, code: RefusalCode, message: String) -> Refusal {
    Refusal {
        field: Cow::Borrowed(field),
        code,
        message,
    }
}

/// Every rule of seed 004 a put-action breaks, in the order NCP reports them (the engine
/// answers the first; the editor shows each on its field). Each rule is one of the functions
/// below, which the engine's body parser also calls where NCP checks that field.
pub fn check_action(a: &ActionFields<'_>) -> Vec<Refusal> {
    let mut out = Vec::new();
    if let Some(package) = a.package {
        out.extend(name_refusal("packageName", package));
    }
    out.extend(name_refusal("actionName", a.name));
    out.extend(description_refusal(a.description));
    if a.kind.is_sequence() {
        check_sequence(a, &mut out);
    } else {
        check_code(a, &mut out);
    }
    out
}

/// A package or action name against [`NAME_RULE`].
fn name_refusal(field: &'static str, value: &str) -> Option<Refusal> {
    (!super::rules::is_allowed_name(value)).then(|| {
        let message = format!("{field} \"{value}\" is not allowed: use {NAME_RULE}");
        refusal(field, RefusalCode::InvalidName, message)
    })
}

/// The description: at most [`MAX_DESCRIPTION_BYTES`] bytes of UTF-8.
pub fn description_refusal(description: Option<&str>) -> Option<Refusal> {
    let d = description.filter(|d| d.len() > MAX_DESCRIPTION_BYTES)?;
    let message = format!(
        "description is {} bytes; at most {MAX_DESCRIPTION_BYTES} are allowed",
        d.len()
    );
    Some(refusal("description", RefusalCode::InvalidValue, message))
}

/// `limits.timeout`: [`TIMEOUT_RANGE`] ms.
pub fn timeout_refusal(timeout_ms: u64) -> Option<Refusal> {
    (!TIMEOUT_RANGE.contains(&timeout_ms)).then(|| {
        let message = format!("limits.timeout is {timeout_ms}; it must be 500 to 300,000 ms");
        refusal("limits.timeout", RefusalCode::InvalidValue, message)
    })
}

/// `limits.memory`: one of [`MEMORY_SIZES`] MB.
pub fn memory_refusal(memory_mb: u64) -> Option<Refusal> {
    (!MEMORY_SIZES.contains(&memory_mb)).then(|| {
        let message = format!("limits.memory is {memory_mb}; it must be 128, 256, 512 or 1024 MB");
        refusal("limits.memory", RefusalCode::InvalidValue, message)
    })
}

/// `exec.code`: Base64 when `exec.binary` is true.
pub fn code_refusal(binary: bool, code: &str) -> Option<Refusal> {
    (binary && !is_base64(code)).then(|| {
        let message = "exec.code must be Base64 when exec.binary is true".to_string();
        refusal("exec.code", RefusalCode::InvalidValue, message)
    })
}

/// `raw-http` and `custom-options`: web actions only.
pub fn web_refusal(
    kind: ActionKind,
    raw_http: Option<bool>,
    custom: Option<bool>,
) -> Option<Refusal> {
    let web = matches!(kind, ActionKind::Web | ActionKind::SequenceWeb);
    (!web && (raw_http.is_some() || custom.is_some())).then(|| {
        let message = "raw-http and custom-options apply to web actions only".to_string();
        refusal("raw-http", RefusalCode::InvalidValue, message)
    })
}

/// `exec.components`: 1 to [`MAX_COMPONENTS`] of them.
pub fn component_count_refusal(count: usize) -> Option<Refusal> {
    (count == 0 || count > MAX_COMPONENTS).then(|| {
        let message =
            format!("exec.components has {count} entries; a sequence needs 1 to {MAX_COMPONENTS}");
        refusal("exec.components", RefusalCode::InvalidValue, message)
    })
}

fn check_sequence(a: &ActionFields<'_>, out: &mut Vec<Refusal>) {
    use RefusalCode::InvalidValue;
    if a.exec_kind != "sequence" {
        let message = format!(
            "exec.kind must be \"sequence\" for a {} action, not \"{}\"",
            a.kind.as_str(),
            a.exec_kind
        );
        out.push(refusal("exec.kind", InvalidValue, message));
    }
    out.extend(component_count_refusal(a.components.len()));
    if let Some(bad) = a.components.iter().find(|c| !is_component(c)) {
        let message = format!(
            "exec.components entry \"{bad}\" must be \"package/action\" ('-' for no package)"
        );
        out.push(refusal("exec.components", InvalidValue, message));
    }
}

/// `package/action` with allowed names, `-` standing for no package.
fn is_component(c: &str) -> bool {
    use super::rules::is_allowed_name;
    c.split_once('/').is_some_and(|(package, name)| {
        (package == "-" || is_allowed_name(package)) && is_allowed_name(name)
    })
}

fn check_code(a: &ActionFields<'_>, out: &mut Vec<Refusal>) {
    use RefusalCode::MissingField;
    match a.limits {
        None => out.push(refusal(
            "limits.timeout",
            MissingField,
            "limits.timeout is required".into(),
        )),
        Some(ActionLimits {
            timeout_ms,
            memory_mb,
        }) => {
            out.extend(timeout_refusal(timeout_ms));
            out.extend(memory_refusal(memory_mb));
        }
    }
    if a.exec_kind.trim().is_empty() {
        out.push(refusal(
            "exec.kind",
            MissingField,
            "exec.kind is required".into(),
        ));
    }
    match a.code {
        None => out.push(refusal(
            "exec.code",
            MissingField,
            "exec.code is required".into(),
        )),
        Some(code) => out.extend(code_refusal(a.binary, code)),
    }
    out.extend(web_refusal(a.kind, a.raw_http, a.custom_options));
}

/// Whether `s` is standard Base64 with padding (RFC 4648 §4), as NCP decodes `exec.code`.
/// Written out rather than a crate's decoder so the WASM bundle carries no decoder for it.
pub fn is_base64(s: &str) -> bool {
    let b = s.as_bytes();
    if !b.len().is_multiple_of(4) {
        return false;
    }
    let pad = b.iter().rev().take_while(|&&c| c == b'=').count();
    let body = &b[..b.len() - pad];
    pad <= 2
        && body
            .iter()
            .all(|c| c.is_ascii_alphanumeric() || *c == b'+' || *c == b'/')
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{ActionExec, ActionRef};

    fn basic() -> ActionSpec {
        ActionSpec {
            limits: Some(ActionLimits {
                timeout_ms: 60_000,
                memory_mb: 256,
            }),
            ..ActionSpec::basic(
                ActionRef::in_package("demo", "hello"),
                ActionExec::source("nodejs:20", "function main() {}"),
            )
        }
    }

    fn fields_of(spec: &ActionSpec) -> Vec<(String, u32)> {
        check_action(&ActionFields::of(spec))
            .into_iter()
            .map(|r| (r.field.into_owned(), r.code.number()))
            .collect()
    }

    #[test]
    fn a_good_action_passes_and_the_limits_bounds_are_allowed() {
        assert_eq!(fields_of(&basic()), vec![]);
        for (timeout_ms, memory_mb) in [(500, 128), (300_000, 1024), (1000, 512)] {
            let spec = ActionSpec {
                limits: Some(ActionLimits {
                    timeout_ms,
                    memory_mb,
                }),
                ..basic()
            };
            assert_eq!(fields_of(&spec), vec![], "{timeout_ms} {memory_mb}");
        }
    }

    #[test]
    fn each_broken_rule_is_refused_on_its_field_with_its_code() {
        let mut spec = basic();
        spec.action = ActionRef::in_package("-x", "a b");
        spec.description = Some("가".repeat(1001)); // 3,003 bytes, 1,001 characters
        spec.limits = Some(ActionLimits {
            timeout_ms: 499,
            memory_mb: 300,
        });
        spec.exec.binary = true;
        spec.exec.code = Some("not base64!".into());
        spec.extra.insert("raw-http".into(), true.into());
        assert_eq!(
            fields_of(&spec),
            [
                ("packageName", 80300),
                ("actionName", 80300),
                ("description", 80307),
                ("limits.timeout", 80307),
                ("limits.memory", 80307),
                ("exec.code", 80307),
                ("raw-http", 80307),
            ]
            .map(|(f, c)| (f.to_string(), c))
        );
        let refusals = check_action(&ActionFields::of(&spec));
        assert_eq!(
            refusals[2].message,
            "description is 3003 bytes; at most 3000 are allowed"
        );
        assert_eq!(
            refusals[3].message,
            "limits.timeout is 499; it must be 500 to 300,000 ms"
        );
    }

    #[test]
    fn the_description_counts_bytes_not_characters() {
        let at = |d: String| ActionSpec {
            description: Some(d),
            ..basic()
        };
        assert_eq!(fields_of(&at("가".repeat(1000))), vec![]); // exactly 3,000 bytes
        assert_eq!(fields_of(&at("a".repeat(3000))), vec![]);
        let over = at(format!("{}a", "가".repeat(1000)));
        assert_eq!(fields_of(&over), vec![("description".to_string(), 80307)]);
    }

    #[test]
    fn missing_limits_and_code_are_missing_fields() {
        let mut spec = basic();
        spec.limits = None;
        spec.exec.code = None;
        assert_eq!(
            fields_of(&spec),
            [("limits.timeout", 80306), ("exec.code", 80306)].map(|(f, c)| (f.to_string(), c))
        );
    }

    #[test]
    fn sequences_need_1_to_50_well_formed_components() {
        let seq = |components: Vec<String>| {
            let mut s = basic();
            s.kind = ActionKind::Sequence;
            s.limits = None;
            s.exec = ActionExec {
                kind: "sequence".into(),
                components,
                ..s.exec
            };
            s
        };
        assert_eq!(fields_of(&seq(vec!["demo/a".into(), "-/b".into()])), vec![]);
        assert_eq!(
            fields_of(&seq(vec![])),
            vec![("exec.components".to_string(), 80307)]
        );
        assert_eq!(
            fields_of(&seq(vec!["x/y".into(); 51])),
            vec![("exec.components".to_string(), 80307)]
        );
        assert_eq!(
            fields_of(&seq(vec!["no-slash".into()])),
            vec![("exec.components".to_string(), 80307)]
        );
    }

    #[test]
    fn base64_is_checked_as_ncp_decodes_it() {
        for ok in ["", "UEsDBA==", "YWJj", "YQ=="] {
            assert!(is_base64(ok), "{ok}");
        }
        for bad in ["YQ", "Y===", "YW*j", "YQ==YQ=="] {
            assert!(!is_base64(bad), "{bad}");
        }
    }
}
