//! The put-action rules of seed 004, field by field, each violation a typed error naming the
//! field and what is allowed.

use base64::Engine as _;
use providers::ActionKind;
use providers::wire::ncp::{Exec, Limits, PutActionBody, Vpc};
use serde_json::{Map, Value};

use crate::error::{EngineError, ErrorCode};

/// Most actions a namespace may hold (NCP).
pub const MAX_ACTIONS: usize = 500;
/// Most components a sequence may have.
pub const MAX_COMPONENTS: usize = 50;
/// The memory sizes allowed, MB.
pub const MEMORY_SIZES: [u64; 4] = [128, 256, 512, 1024];
/// Timeout range, ms.
pub const TIMEOUT_RANGE: std::ops::RangeInclusive<u64> = 500..=300_000;
/// Description limit, bytes.
pub const MAX_DESCRIPTION_BYTES: usize = 3_000;
/// The runtimes this engine runs.
pub const RUNTIMES: &str = "nodejs:16, nodejs:18, nodejs:20, nodejs:22 (any nodejs:* kind runs on the embedded QuickJS engine)";

/// Checks a package or action name: 1–50 of `[A-Za-z0-9_-]`, not starting with `-`.
pub fn name(what: &str, value: &str) -> Result<(), EngineError> {
    let ok = (1..=50).contains(&value.chars().count())
        && !value.starts_with('-')
        && value
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
    if ok {
        Ok(())
    } else {
        Err(EngineError::new(
            ErrorCode::ActionInvalidName,
            format!(
                "{what} \"{value}\" is not allowed: use 1 to 50 letters, digits, '-' or '_', not starting with '-'"
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

/// Validates a put-action body for an action of `kind`; answers the normalised body.
/// `component_exists` tells whether a sequence component (its package, `None` outside any,
/// and name) exists.
pub fn put_action_body(
    kind: ActionKind,
    body: &Value,
    component_exists: impl Fn(Option<&str>, &str) -> bool,
) -> Result<PutActionBody, EngineError> {
    let Value::Object(obj) = body else {
        return Err(wrong_type("the request body", "a JSON object"));
    };
    let description = string(obj, "description", "description")?.map(str::to_string);
    if let Some(d) = &description {
        if d.len() > MAX_DESCRIPTION_BYTES {
            return Err(invalid(format!(
                "description is {} bytes; at most {MAX_DESCRIPTION_BYTES} are allowed",
                d.len()
            )));
        }
    }
    let exec_obj = object(obj, "exec", "exec")?.ok_or_else(|| missing("exec"))?;
    let exec_kind = string(exec_obj, "kind", "exec.kind")?.ok_or_else(|| missing("exec.kind"))?;

    if kind.is_sequence() {
        if exec_kind != "sequence" {
            return Err(invalid(format!(
                "exec.kind must be \"sequence\" for a {} action, not \"{exec_kind}\"",
                kind.as_str()
            )));
        }
        let components = match exec_obj.get("components") {
            None | Some(Value::Null) => return Err(missing("exec.components")),
            Some(Value::Array(items)) => items
                .iter()
                .map(|c| {
                    c.as_str().map(str::to_string).ok_or_else(|| {
                        wrong_type("exec.components", "a list of \"package/action\" strings")
                    })
                })
                .collect::<Result<Vec<_>, _>>()?,
            Some(_) => {
                return Err(wrong_type(
                    "exec.components",
                    "a list of \"package/action\" strings",
                ));
            }
        };
        if components.is_empty() || components.len() > MAX_COMPONENTS {
            return Err(invalid(format!(
                "exec.components has {} entries; a sequence needs 1 to {MAX_COMPONENTS}",
                components.len()
            )));
        }
        for c in &components {
            let Some((package, action)) =
                c.split_once('/').map(|(p, a)| ((p != "-").then_some(p), a))
            else {
                return Err(invalid(format!(
                    "exec.components entry \"{c}\" must be \"package/action\" ('-' for no package)"
                )));
            };
            if !component_exists(package, action) {
                return Err(invalid(format!(
                    "exec.components entry \"{c}\" does not exist"
                )));
            }
        }
        return Ok(PutActionBody {
            description,
            exec: Some(Exec {
                kind: Some("sequence".into()),
                components: Some(components),
                ..Default::default()
            }),
            ..Default::default()
        });
    }

    let parameters = object(obj, "parameters", "parameters")?.cloned();
    let limits_obj = object(obj, "limits", "limits")?.ok_or_else(|| missing("limits.timeout"))?;
    let timeout = integer(limits_obj, "timeout", "limits.timeout")?
        .ok_or_else(|| missing("limits.timeout"))?;
    if !TIMEOUT_RANGE.contains(&timeout) {
        return Err(invalid(format!(
            "limits.timeout is {timeout}; it must be 500 to 300,000 ms"
        )));
    }
    let memory =
        integer(limits_obj, "memory", "limits.memory")?.ok_or_else(|| missing("limits.memory"))?;
    if !MEMORY_SIZES.contains(&memory) {
        return Err(invalid(format!(
            "limits.memory is {memory}; it must be 128, 256, 512 or 1024 MB"
        )));
    }
    if !exec_kind.starts_with("nodejs:") {
        return Err(invalid(format!(
            "exec.kind \"{exec_kind}\" cannot run here; the engine runs {RUNTIMES}"
        )));
    }
    let binary =
        boolean(exec_obj, "binary", "exec.binary")?.ok_or_else(|| missing("exec.binary"))?;
    let code = string(exec_obj, "code", "exec.code")?.ok_or_else(|| missing("exec.code"))?;
    if binary
        && base64::engine::general_purpose::STANDARD
            .decode(code)
            .is_err()
    {
        return Err(invalid(
            "exec.code must be Base64 when exec.binary is true".into(),
        ));
    }
    let main = string(exec_obj, "main", "exec.main")?.map(str::to_string);
    let image_uri = string(exec_obj, "imageUri", "exec.imageUri")?.map(str::to_string);
    let vpc = match obj.get("vpc") {
        None | Some(Value::Null) => None,
        Some(v) => Some(
            serde_json::from_value::<Vec<Vpc>>(v.clone())
                .map_err(|_| wrong_type("vpc", "a list of {vpcNo, subnetNo} numbers"))?,
        ),
    };
    let web = matches!(kind, ActionKind::Web | ActionKind::SequenceWeb);
    let raw_http = boolean(obj, "raw-http", "raw-http")?;
    let custom_options = boolean(obj, "custom-options", "custom-options")?;
    if !web && (raw_http.is_some() || custom_options.is_some()) {
        return Err(invalid(
            "raw-http and custom-options apply to web actions only".into(),
        ));
    }
    Ok(PutActionBody {
        description,
        parameters: Some(parameters.unwrap_or_default()),
        limits: Some(Limits {
            timeout: Some(timeout),
            memory: Some(memory),
        }),
        exec: Some(Exec {
            kind: Some(exec_kind.to_string()),
            code: Some(code.to_string()),
            binary: Some(binary),
            main,
            image_uri,
            components: None,
        }),
        vpc,
        raw_http,
        custom_options,
    })
}
