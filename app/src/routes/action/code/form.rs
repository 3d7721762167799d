//! What the editor edits, as plain data: the form's values as typed ([`Form`]), read from an
//! action and written back into one, and every problem with them found before anything is
//! sent — seed 004's rules ([`providers::validate::check_action`]) plus what only a form can
//! get wrong (parameters that are not a JSON object, a timeout that is not a number).

use providers::validate::{ActionFields, check_action};
use providers::{ActionKind, ActionLimits, ActionSpec};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// The form's values, as typed. Kept in drafts, so it is serialisable.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Form {
    /// The source code, or Base64 of the file when `binary`.
    pub code: String,
    /// Whether `code` is Base64 of an uploaded file (a zip).
    pub binary: bool,
    /// The default parameters, JSON text.
    pub parameters: String,
    /// The timeout, ms, as typed.
    pub timeout_ms: String,
    /// The memory, MB.
    pub memory_mb: String,
    /// The description.
    pub description: String,
    /// The entry function; empty for the runtime's default.
    pub main: String,
    /// A web action's `raw-http`.
    pub raw_http: bool,
    /// A web action's `custom-options`.
    pub custom_options: bool,
    /// A sequence's components, `package/action` each, in order.
    pub components: Vec<String>,
}

/// One problem, on the field it is about (seed 004's field names, as the provider's answer
/// uses them).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// The field.
    pub field: String,
    /// What is wrong and what is allowed.
    pub message: String,
}

impl Form {
    /// The form of `spec`, as stored.
    pub fn of(spec: &ActionSpec) -> Self {
        let flag = |key: &str| {
            spec.extra
                .get(key)
                .and_then(Value::as_bool)
                .unwrap_or(false)
        };
        let limits = spec.limits;
        Self {
            code: spec.exec.code.clone().unwrap_or_default(),
            binary: spec.exec.binary,
            parameters: parameters_text(&spec.parameters),
            timeout_ms: limits.map(|l| l.timeout_ms.to_string()).unwrap_or_default(),
            memory_mb: limits.map(|l| l.memory_mb.to_string()).unwrap_or_default(),
            description: spec.description.clone().unwrap_or_default(),
            main: spec.exec.main.clone().unwrap_or_default(),
            raw_http: flag("raw-http"),
            custom_options: flag("custom-options"),
            components: spec.exec.components.clone(),
        }
    }

    /// `base` changed as this form says, or the problems that stop it (every one, in the
    /// form's order).
    pub fn apply(&self, base: &ActionSpec) -> Result<ActionSpec, Vec<Problem>> {
        let mut problems = Vec::new();
        let mut spec = base.clone();
        spec.description = Some(self.description.clone()).filter(|d| !d.is_empty());
        if base.kind.is_sequence() {
            spec.exec.components = self.components.clone();
        } else {
            match parse_parameters(&self.parameters) {
                Ok(p) => spec.parameters = p,
                Err(message) => problems.push(problem("parameters", message)),
            }
            spec.limits = self.limits(&mut problems);
            spec.exec.code = Some(self.code.clone());
            spec.exec.binary = self.binary;
            spec.exec.main = Some(self.main.trim().to_string()).filter(|m| !m.is_empty());
        }
        if is_web(base.kind) {
            spec.extra.insert("raw-http".into(), self.raw_http.into());
            spec.extra
                .insert("custom-options".into(), self.custom_options.into());
        }
        // Seed 004's rules, unless the form's own problems already stop it (a timeout that
        // is no number would be reported twice).
        if problems.is_empty() {
            problems.extend(
                check_action(&ActionFields::of(&spec))
                    .into_iter()
                    .map(|r| Problem {
                        field: r.field.into_owned(),
                        message: format!("{} ({})", r.message, r.code.number()),
                    }),
            );
        }
        if problems.is_empty() {
            Ok(spec)
        } else {
            Err(problems)
        }
    }

    fn limits(&self, problems: &mut Vec<Problem>) -> Option<ActionLimits> {
        let timeout = self.timeout_ms.trim().parse::<u64>().map_err(|_| {
            problem(
                "limits.timeout",
                "Enter the timeout as a whole number of milliseconds, 500 to 300,000.",
            )
        });
        let memory = self.memory_mb.trim().parse::<u64>().map_err(|_| {
            problem(
                "limits.memory",
                "Pick the memory: 128, 256, 512 or 1024 MB.",
            )
        });
        match (timeout, memory) {
            (Ok(timeout_ms), Ok(memory_mb)) => Some(ActionLimits {
                timeout_ms,
                memory_mb,
            }),
            (t, m) => {
                problems.extend(t.err());
                problems.extend(m.err());
                None
            }
        }
    }
}

fn problem(field: &str, message: impl Into<String>) -> Problem {
    Problem {
        field: field.into(),
        message: message.into(),
    }
}

/// Whether actions of `kind` take web options.
pub fn is_web(kind: ActionKind) -> bool {
    matches!(kind, ActionKind::Web | ActionKind::SequenceWeb)
}

/// Parameters as the form shows them: pretty JSON, `{}` when there are none.
fn parameters_text(parameters: &Map<String, Value>) -> String {
    if parameters.is_empty() {
        return "{}".into();
    }
    // Cannot fail: a map of JSON values with string keys.
    serde_json::to_string_pretty(parameters).expect("a JSON object always serialises")
}

/// The parameters typed, which must be one JSON object (empty text: none).
pub fn parse_parameters(text: &str) -> Result<Map<String, Value>, String> {
    if text.trim().is_empty() {
        return Ok(Map::new());
    }
    match serde_json::from_str::<Value>(text) {
        Ok(Value::Object(map)) => Ok(map),
        Ok(_) => Err("Parameters must be one JSON object, like {\"name\": \"Kim\"}.".into()),
        Err(e) => Err(format!(
            "This is not valid JSON: {} (line {}, column {}).",
            describe(&e),
            e.line(),
            e.column()
        )),
    }
}

fn describe(e: &serde_json::Error) -> String {
    let text = e.to_string();
    // serde_json appends " at line L column C"; the form says where itself.
    match text.find(" at line ") {
        Some(at) => text[..at].to_string(),
        None => text,
    }
}

/// A description's size in bytes as the provider counts it (UTF-8).
pub fn description_bytes(text: &str) -> usize {
    text.len()
}

#[cfg(test)]
mod tests {
    use super::*;
    use providers::{ActionExec, ActionRef};

    fn base() -> ActionSpec {
        ActionSpec {
            description: Some("says hello".into()),
            parameters: [("name".to_string(), Value::from("Kim"))]
                .into_iter()
                .collect(),
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

    fn fields(result: Result<ActionSpec, Vec<Problem>>) -> Vec<String> {
        result.unwrap_err().into_iter().map(|p| p.field).collect()
    }

    #[test]
    fn a_form_read_from_an_action_writes_the_same_action_back() {
        let spec = base();
        assert_eq!(Form::of(&spec).apply(&spec), Ok(spec));
    }

    #[test]
    fn edits_reach_the_action() {
        let mut form = Form::of(&base());
        form.code = "function main() { return {}; }".into();
        form.parameters = "{\"name\": \"Lee\", \"n\": 2}".into();
        form.timeout_ms = "500".into();
        form.memory_mb = "1024".into();
        form.description = "".into();
        let spec = form.apply(&base()).unwrap();
        assert_eq!(
            spec.exec.code.as_deref(),
            Some("function main() { return {}; }")
        );
        assert_eq!(spec.parameters["n"], 2);
        assert_eq!(
            spec.limits,
            Some(ActionLimits {
                timeout_ms: 500,
                memory_mb: 1024
            })
        );
        assert_eq!(spec.description, None);
    }

    #[test]
    fn bad_json_parameters_are_refused_on_their_field_with_where() {
        let mut form = Form::of(&base());
        form.parameters = "{\"name\": }".into();
        let problems = form.apply(&base()).unwrap_err();
        assert_eq!(problems.len(), 1);
        assert_eq!(problems[0].field, "parameters");
        assert!(
            problems[0].message.contains("line 1, column 10"),
            "{}",
            problems[0].message
        );
        form.parameters = "[1, 2]".into();
        assert_eq!(fields(form.apply(&base())), ["parameters"]);
    }

    #[test]
    fn limits_out_of_range_or_not_numbers_are_refused_on_their_fields() {
        let mut form = Form::of(&base());
        form.timeout_ms = "499".into();
        form.memory_mb = "300".into();
        let problems = form.apply(&base()).unwrap_err();
        assert_eq!(
            problems
                .iter()
                .map(|p| p.field.as_str())
                .collect::<Vec<_>>(),
            ["limits.timeout", "limits.memory"]
        );
        assert!(
            problems[0].message.ends_with("(80307)"),
            "{}",
            problems[0].message
        );
        form.timeout_ms = "soon".into();
        form.memory_mb = "256".into();
        assert_eq!(fields(form.apply(&base())), ["limits.timeout"]);
    }

    #[test]
    fn a_korean_description_over_3000_bytes_is_refused() {
        let mut form = Form::of(&base());
        form.description = "가".repeat(1000);
        assert_eq!(description_bytes(&form.description), 3000);
        assert!(form.apply(&base()).is_ok());
        form.description.push('a');
        assert_eq!(fields(form.apply(&base())), ["description"]);
    }
}
