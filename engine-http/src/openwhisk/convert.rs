//! The engine's records as OpenWhisk's wire types, and OpenWhisk's action body as a draft.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use engine::draft::{ActionDraft, ActionPath, Code, Limits, Run};
use engine::store::{ActivationRecord, StoredAction};
use engine::{EngineError, ErrorCode, Invoked};
use providers::ActionKind;
use providers::wire::openwhisk as wire;
use serde_json::{Value, json};

use crate::openwhisk_status;

/// What an invoke answers: 202 with the id while it runs on; the activation (or only its
/// result) when it ended, 200 on success and 502 on an application or developer error.
pub(super) fn invoked_response(invoked: Invoked, only_result: bool) -> Response {
    let (status, body, id) = match invoked {
        Invoked::StillRunning { activation_id } => (
            StatusCode::ACCEPTED,
            json!({ "activationId": activation_id }),
            activation_id,
        ),
        Invoked::Finished(record) => {
            let status = match record.status.code() {
                0 => StatusCode::OK,
                1 | 2 => StatusCode::BAD_GATEWAY,
                _ => StatusCode::INTERNAL_SERVER_ERROR,
            };
            let body = if only_result {
                record.result.clone()
            } else {
                serde_json::to_value(activation_json(&record, true)).unwrap_or(Value::Null)
            };
            (status, body, record.id)
        }
    };
    let mut response = (status, axum::Json(body)).into_response();
    if let Ok(v) = id.parse() {
        response
            .headers_mut()
            .insert("x-openwhisk-activation-id", v);
    }
    response
}

pub(super) fn annotation(annotations: &[wire::KeyValue], key: &str) -> Option<String> {
    annotations
        .iter()
        .find(|kv| kv.key == key)
        .and_then(|kv| kv.value.as_str())
        .map(str::to_string)
}

pub(super) fn package_json(
    namespace: &str,
    p: engine::Package,
    with_actions: bool,
) -> wire::Package {
    wire::Package {
        namespace: Some(namespace.to_string()),
        name: p.name,
        version: Some("0.0.1".into()),
        publish: Some(false),
        annotations: p
            .description
            .map(|d| wire::KeyValue {
                key: "description".into(),
                value: json!(d),
            })
            .into_iter()
            .collect(),
        parameters: p
            .parameters
            .into_iter()
            .map(|(key, value)| wire::KeyValue { key, value })
            .collect(),
        actions: with_actions.then(|| {
            p.actions
                .into_iter()
                .map(|name| wire::PackageEntry {
                    name,
                    version: Some("0.0.1".into()),
                })
                .collect()
        }),
    }
}

/// A sequence's components, `/ns/pkg/action` or `/ns/action`.
fn components(paths: Vec<String>) -> Result<Vec<ActionPath>, EngineError> {
    paths
        .iter()
        .map(|c| {
            let parts: Vec<&str> = c.trim_start_matches('/').split('/').collect();
            let (package, name) = match parts.as_slice() {
                [_, package, action] => (Some(package.to_string()), action.to_string()),
                [_, action] => (None, action.to_string()),
                _ => {
                    return Err(EngineError::new(
                        ErrorCode::ActionBodyInvalidValue,
                        format!("exec.components entry \"{c}\" must be \"/namespace/package/action\" or \"/namespace/action\""),
                    ));
                }
            };
            Ok(ActionPath { package, name })
        })
        .collect()
}

/// An OpenWhisk action body → the engine's draft: a web action is one annotated
/// `web-export`; absent limits are OpenWhisk's defaults (60 s, 256 MB); `nodejs:default` is
/// Node.js 20.
pub(super) fn to_draft(a: &wire::Action) -> Result<ActionDraft, EngineError> {
    let web = a
        .annotations
        .iter()
        .any(|kv| kv.key == "web-export" && kv.value == json!(true));
    let exec = a.exec.clone().unwrap_or(wire::Exec {
        kind: String::new(),
        code: None,
        main: None,
        binary: None,
        components: None,
    });
    let description = annotation(&a.annotations, "description");
    if exec.kind == "sequence" {
        let components = components(exec.components.unwrap_or_default())?;
        return Ok(ActionDraft {
            kind: if web {
                ActionKind::SequenceWeb
            } else {
                ActionKind::Sequence
            },
            description,
            run: Run::Sequence(components),
        });
    }
    let limits = a.limits.unwrap_or_default();
    let runtime = if exec.kind == "nodejs:default" {
        "nodejs:20".to_string()
    } else {
        exec.kind.clone()
    };
    Ok(ActionDraft {
        kind: if web {
            ActionKind::Web
        } else {
            ActionKind::Basic
        },
        description,
        run: Run::Code(Code {
            runtime,
            code: exec.code.unwrap_or_default(),
            binary: exec.binary.unwrap_or(false),
            main: exec.main,
            image_uri: None,
            parameters: a
                .parameters
                .iter()
                .map(|kv| (kv.key.clone(), kv.value.clone()))
                .collect(),
            limits: Limits {
                timeout_ms: limits.timeout.unwrap_or(60_000),
                memory_mb: limits.memory.unwrap_or(256),
            },
            vpc: None,
            // OpenWhisk reads a web action's options from these annotations and ignores them
            // on any other action; so does the engine.
            raw_http: flag(&a.annotations, "raw-http").filter(|_| web),
            custom_options: flag(&a.annotations, "web-custom-options").filter(|_| web),
        }),
    })
}

fn flag(annotations: &[wire::KeyValue], key: &str) -> Option<bool> {
    annotations
        .iter()
        .find(|kv| kv.key == key)
        .and_then(|kv| kv.value.as_bool())
}

pub(super) fn action_json(namespace: &str, a: &StoredAction, with_code: bool) -> wire::Action {
    let draft = &a.draft;
    let code = draft.code();
    let mut annotations = vec![wire::KeyValue {
        key: "exec".into(),
        value: json!(draft.runtime()),
    }];
    if engine::Engine::is_web(a) {
        annotations.push(wire::KeyValue {
            key: "web-export".into(),
            value: json!(true),
        });
    }
    if let Some(d) = &draft.description {
        annotations.push(wire::KeyValue {
            key: "description".into(),
            value: json!(d),
        });
    }
    let web_options = code.map(|c| {
        [
            ("raw-http", c.raw_http),
            ("web-custom-options", c.custom_options),
        ]
    });
    for (key, set) in web_options.into_iter().flatten() {
        if let Some(set) = set {
            annotations.push(wire::KeyValue {
                key: key.into(),
                value: json!(set),
            });
        }
    }
    let components = draft.components();
    wire::Action {
        namespace: Some(match &a.package {
            None => namespace.to_string(),
            Some(package) => format!("{namespace}/{package}"),
        }),
        name: a.name.clone(),
        version: Some("0.0.1".into()),
        publish: Some(false),
        exec: Some(wire::Exec {
            kind: draft.runtime().to_string(),
            code: code.filter(|_| with_code).map(|c| c.code.clone()),
            main: code.and_then(|c| c.main.clone()),
            binary: code.map(|c| c.binary),
            components: (!components.is_empty()).then(|| {
                components
                    .iter()
                    .map(|c| match &c.package {
                        None => format!("/{namespace}/{}", c.name),
                        Some(package) => format!("/{namespace}/{package}/{}", c.name),
                    })
                    .collect()
            }),
        }),
        annotations,
        parameters: code
            .map(|c| c.parameters.clone())
            .unwrap_or_default()
            .into_iter()
            .map(|(key, value)| wire::KeyValue { key, value })
            .collect(),
        limits: code.map(|c| wire::Limits {
            timeout: Some(c.limits.timeout_ms),
            memory: Some(c.limits.memory_mb),
            logs: Some(10),
            concurrency: Some(1),
        }),
        updated: Some(a.updated_ms),
    }
}

pub(super) fn activation_json(r: &ActivationRecord, full: bool) -> wire::Activation {
    let code = r.status.code();
    wire::Activation {
        namespace: Some(r.namespace.clone()),
        name: r.action.clone(),
        version: Some("0.0.1".into()),
        subject: Some(r.subject.clone()),
        activation_id: r.id.clone(),
        start: Some(r.start_ms),
        end: Some(r.end_ms),
        duration: Some(r.duration_ms),
        status_code: Some(code),
        logs: Some(if full { r.logs.clone() } else { Vec::new() }),
        response: Some(wire::Response {
            status: openwhisk_status(r.status).into(),
            status_code: Some(code),
            success: code == 0,
            result: full.then(|| r.result.clone()),
        }),
        annotations: Some(activation_annotations(r, full)),
        publish: Some(false),
    }
}

/// An activation's annotations: its `path` (`namespace/package/action`), its `kind`
/// (`sequence` for one, whose `logs` are then its components' ids, as OpenWhisk writes them),
/// `waitTime`; read whole, also the input it ran with ([`wire::ENGINE_PARAMS_ANNOTATION`], an
/// extension: OpenWhisk records none).
fn activation_annotations(r: &ActivationRecord, full: bool) -> Vec<wire::KeyValue> {
    let path = match &r.package {
        Some(package) => format!("{}/{package}/{}", r.namespace, r.action),
        None => format!("{}/{}", r.namespace, r.action),
    };
    let kind = if r.components.is_empty() {
        "nodejs:20"
    } else {
        "sequence"
    };
    let mut annotations = vec![
        ("path", json!(path)),
        ("kind", json!(kind)),
        ("waitTime", json!(0)),
    ];
    if full {
        annotations.push((wire::ENGINE_PARAMS_ANNOTATION, r.params.clone()));
    }
    annotations
        .into_iter()
        .map(|(key, value)| wire::KeyValue {
            key: key.into(),
            value,
        })
        .collect()
}
