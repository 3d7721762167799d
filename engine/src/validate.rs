//! The put-action rules of seed 004, field by field, each violation a typed error naming the
//! field and what is allowed.

use providers::ActionKind;
use providers::validate::{
    ActionFields, Refusal, RefusalCode, check_action, code_refusal, component_count_refusal,
    description_refusal, memory_refusal, timeout_refusal, web_refusal,
};
use providers::wire::ncp::Vpc as NcpVpc;
use serde_json::{Map, Value};
use std::borrow::Cow;

use crate::draft::{ActionDraft, ActionPath, Code, Limits, Run, Vpc};
use crate::error::{EngineError, ErrorCode};

pub use providers::rules::{
    MAX_ACTIONS, MAX_COMPONENTS, MAX_DESCRIPTION_BYTES, MEMORY_SIZES, TIMEOUT_RANGE,
};
/// The runtimes this engine runs.
pub const RUNTIMES: &str = "nodejs:16, nodejs:18, nodejs:20, nodejs:22 (any nodejs:* kind runs on the embedded QuickJS engine)";

/// Checks a package or action name: 1–50 of `[A-Za-z0-9_-]`, not starting with `-`.
pub fn name(what: &str, value: &str) -> Result<(), EngineError> {
    if providers::rules::is_allowed_name(value) {
        Ok(())
    } else {
        Err(EngineError::new(
            ErrorCode::ActionInvalidName,
            format!(
                "{what} \"{value}\" is not allowed: use {}",
                providers::rules::NAME_RULE
            ),
        ))
    }
}

/// Parses the `type` query parameter (default `basic`).
pub fn kind(value: Option<&str>) -> Result<ActionKind, EngineError> {
    Ok(match value.unwrap_or("basic") {
        "basic" => ActionKind::Basic,
        "web" => ActionKind::Web,
        "sequence" => ActionKind::Sequence,
        "sequence-web" => ActionKind::SequenceWeb,
        other => {
            return Err(EngineError::new(
                ErrorCode::ActionInvalidType,
                format!(
                    "type \"{other}\" is not allowed: use basic, web, sequence or sequence-web"
                ),
            ));
        }
    })
}

fn wrong_type(field: &str, expected: &str) -> EngineError {
    EngineError::new(
        ErrorCode::ActionBodyInvalidType,
        format!("{field} must be {expected}"),
    )
}

fn missing(field: &str) -> EngineError {
    EngineError::new(
        ErrorCode::ActionBodyMissingField,
        format!("{field} is required"),
    )
}

fn invalid(message: String) -> EngineError {
    EngineError::new(ErrorCode::ActionBodyInvalidValue, message)
}

fn string<'a>(
    obj: &'a Map<String, Value>,
    key: &str,
    field: &str,
) -> Result<Option<&'a str>, EngineError> {
    match obj.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s)),
        Some(_) => Err(wrong_type(field, "a string")),
    }
}

fn boolean(obj: &Map<String, Value>, key: &str, field: &str) -> Result<Option<bool>, EngineError> {
    match obj.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Bool(b)) => Ok(Some(*b)),
        Some(_) => Err(wrong_type(field, "true or false")),
    }
}

fn integer(obj: &Map<String, Value>, key: &str, field: &str) -> Result<Option<u64>, EngineError> {
    match obj.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(v) => v
            .as_u64()
            .map(Some)
            .ok_or_else(|| wrong_type(field, "a whole number")),
    }
}

fn object<'a>(
    obj: &'a Map<String, Value>,
    key: &str,
    field: &str,
) -> Result<Option<&'a Map<String, Value>>, EngineError> {
    match obj.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Object(o)) => Ok(Some(o)),
        Some(_) => Err(wrong_type(field, "a JSON object")),
    }
}

/// The engine's draft as the fields seed 004's rules read.
fn fields<'a>(package: Option<&'a str>, name: &'a str, draft: &'a ActionDraft) -> ActionFields<'a> {
    let code = draft.code();
    ActionFields {
        package,
        name,
        kind: draft.kind,
        description: draft.description.as_deref(),
        exec_kind: draft.runtime(),
        limits: code.map(|c| providers::ActionLimits {
            timeout_ms: c.limits.timeout_ms,
            memory_mb: c.limits.memory_mb,
        }),
        code: code.map(|c| c.code.as_str()),
        binary: code.is_some_and(|c| c.binary),
        components: draft
            .components()
            .iter()
            .map(|c| Cow::Owned(c.to_string()))
            .collect(),
        raw_http: code.and_then(|c| c.raw_http),
        custom_options: code.and_then(|c| c.custom_options),
    }
}

/// The first of `refusals` (seed 004's rules, [`providers::validate`]: the rules the
/// console's editor checks too) as NCP's error.
fn first(refusals: impl IntoIterator<Item = Refusal>) -> Result<(), EngineError> {
    match refusals.into_iter().next() {
        None => Ok(()),
        Some(refusal) => Err(EngineError::new(
            match refusal.code {
                RefusalCode::InvalidName => ErrorCode::ActionInvalidName,
                RefusalCode::MissingField => ErrorCode::ActionBodyMissingField,
                RefusalCode::InvalidValue => ErrorCode::ActionBodyInvalidValue,
            },
            refusal.message,
        )),
    }
}

/// The first of seed 004's rules `draft` breaks, as NCP's error.
fn rules(package: Option<&str>, name: &str, draft: &ActionDraft) -> Result<(), EngineError> {
    first(check_action(&fields(package, name, draft)))
}

fn runtime(runtime: &str) -> Result<(), EngineError> {
    if runtime.starts_with("nodejs:") {
        Ok(())
    } else {
        Err(invalid(format!(
            "exec.kind \"{runtime}\" cannot run here; the engine runs {RUNTIMES}"
        )))
    }
}

/// Checks a draft of `package/name` against seed 004's rules, then what only the engine
/// knows: that it runs the runtime, and (`component_exists`) that each sequence component
/// exists.
pub fn draft(
    package: Option<&str>,
    name: &str,
    draft: &ActionDraft,
    component_exists: impl Fn(&ActionPath) -> bool,
) -> Result<(), EngineError> {
    rules(package, name, draft)?;
    match &draft.run {
        Run::Sequence(components) => match components.iter().find(|c| !component_exists(c)) {
            Some(c) => Err(invalid(format!(
                "exec.components entry \"{c}\" does not exist"
            ))),
            None => Ok(()),
        },
        Run::Code(c) => runtime(&c.runtime),
    }
}

/// Reads an NCP put-action body (seed 004) for an action of `kind` (the `type` query) into a
/// draft, reporting each field of the wrong type, missing or out of range by name, in NCP's
/// order (the range rules are `providers::validate`'s, the ones [`draft`] applies too);
/// whether sequence components exist is left to [`draft`].
pub fn ncp_draft(kind_query: Option<&str>, body: &Value) -> Result<ActionDraft, EngineError> {
    let kind = kind(kind_query)?;
    let Value::Object(obj) = body else {
        return Err(wrong_type("the request body", "a JSON object"));
    };
    let description_text = string(obj, "description", "description")?.map(str::to_string);
    first(description_refusal(description_text.as_deref()))?;
    let exec_obj = object(obj, "exec", "exec")?.ok_or_else(|| missing("exec"))?;
    let exec_kind = string(exec_obj, "kind", "exec.kind")?.ok_or_else(|| missing("exec.kind"))?;
    let run = if kind.is_sequence() {
        Run::Sequence(ncp_components(kind, exec_kind, exec_obj)?)
    } else {
        Run::Code(ncp_code(kind, exec_kind, obj, exec_obj)?)
    };
    Ok(ActionDraft {
        kind,
        description: description_text,
        run,
    })
}

fn ncp_components(
    kind: ActionKind,
    exec_kind: &str,
    exec_obj: &Map<String, Value>,
) -> Result<Vec<ActionPath>, EngineError> {
    if exec_kind != "sequence" {
        return Err(invalid(format!(
            "exec.kind must be \"sequence\" for a {} action, not \"{exec_kind}\"",
            kind.as_str()
        )));
    }
    let not_strings = || wrong_type("exec.components", "a list of \"package/action\" strings");
    let components = match exec_obj.get("components") {
        None | Some(Value::Null) => return Err(missing("exec.components")),
        Some(Value::Array(items)) => items
            .iter()
            .map(|c| c.as_str().ok_or_else(not_strings))
            .collect::<Result<Vec<_>, _>>()?,
        Some(_) => return Err(not_strings()),
    };
    first(component_count_refusal(components.len()))?;
    components
        .into_iter()
        .map(|c| {
            ActionPath::parse(c).ok_or_else(|| {
                invalid(format!(
                    "exec.components entry \"{c}\" must be \"package/action\" ('-' for no package)"
                ))
            })
        })
        .collect()
}

fn ncp_code(
    kind: ActionKind,
    exec_kind: &str,
    obj: &Map<String, Value>,
    exec_obj: &Map<String, Value>,
) -> Result<Code, EngineError> {
    let parameters = object(obj, "parameters", "parameters")?.cloned();
    let limits_obj = object(obj, "limits", "limits")?.ok_or_else(|| missing("limits.timeout"))?;
    let timeout_ms = integer(limits_obj, "timeout", "limits.timeout")?
        .ok_or_else(|| missing("limits.timeout"))?;
    first(timeout_refusal(timeout_ms))?;
    let memory_mb =
        integer(limits_obj, "memory", "limits.memory")?.ok_or_else(|| missing("limits.memory"))?;
    first(memory_refusal(memory_mb))?;
    runtime(exec_kind)?;
    let binary =
        boolean(exec_obj, "binary", "exec.binary")?.ok_or_else(|| missing("exec.binary"))?;
    let source = string(exec_obj, "code", "exec.code")?.ok_or_else(|| missing("exec.code"))?;
    first(code_refusal(binary, source))?;
    let main = string(exec_obj, "main", "exec.main")?.map(str::to_string);
    let image_uri = string(exec_obj, "imageUri", "exec.imageUri")?.map(str::to_string);
    let vpc = match obj.get("vpc") {
        None | Some(Value::Null) => None,
        Some(v) => Some(
            serde_json::from_value::<Vec<NcpVpc>>(v.clone())
                .map_err(|_| wrong_type("vpc", "a list of {vpcNo, subnetNo} numbers"))?
                .into_iter()
                .map(|v| Vpc {
                    vpc_no: v.vpc_no,
                    subnet_no: v.subnet_no,
                })
                .collect(),
        ),
    };
    let raw_http = boolean(obj, "raw-http", "raw-http")?;
    let custom_options = boolean(obj, "custom-options", "custom-options")?;
    first(web_refusal(kind, raw_http, custom_options))?;
    Ok(Code {
        runtime: exec_kind.to_string(),
        code: source.to_string(),
        binary,
        main,
        image_uri,
        parameters: parameters.unwrap_or_default(),
        limits: Limits {
            timeout_ms,
            memory_mb,
        },
        vpc,
        raw_http,
        custom_options,
    })
}
