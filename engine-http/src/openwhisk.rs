//! Apache OpenWhisk REST API v1, under `/api/v1/namespaces/{namespace}`, basic auth checked.

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::routing::any;
use engine::store::{ActivationFilter, ActivationOrder, ActivationRecord, StoredAction};
use engine::{EngineError, ErrorCode, Invoked};
use providers::sign::encoding::{parse_form, unquote};
use providers::sign::openwhisk as signer;
use providers::wire::openwhisk as wire;
use serde_json::{Map, Value, json};
use std::time::Duration;

use crate::{DialectState, blocking};

pub(crate) fn routes() -> Router<DialectState> {
    Router::new().route("/api/v1/namespaces/{namespace}/{*rest}", any(handle))
}

fn error(status: StatusCode, message: &str) -> Response {
    let body = wire::ErrorBody {
        error: message.into(),
        code: Some(engine::new_id()),
    };
    (status, axum::Json(body)).into_response()
}

fn not_found() -> Response {
    error(
        StatusCode::NOT_FOUND,
        "The requested resource does not exist.",
    )
}

fn engine_error(e: EngineError) -> Response {
    match e.code {
        ErrorCode::ActionNotFound | ErrorCode::ActivationNotFound | ErrorCode::PackageNotFound => {
            not_found()
        }
        code => error(
            StatusCode::from_u16(code.status()).unwrap_or(StatusCode::BAD_REQUEST),
            &e.message,
        ),
    }
}

/// `pkg/name` or `name` → the engine's (package, name), `-` for none.
fn address(parts: &[&str]) -> Option<(String, String)> {
    match parts {
        [name] => Some(("-".into(), name.to_string())),
        [package, name] => Some((package.to_string(), name.to_string())),
        _ => None,
    }
}

fn status_code(status: &str) -> i64 {
    match status {
        "success" => 0,
        "application error" => 1,
        "action developer error" | "timeout" => 2,
        _ => 3,
    }
}

fn ow_status(status: &str) -> &str {
    if status == "timeout" {
        "action developer error"
    } else {
        status
    }
}

async fn handle(
    State(state): State<DialectState>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let auth = headers.get("authorization").and_then(|v| v.to_str().ok());
    if signer::verify(auth, &state.keys.openwhisk_auth).is_err() {
        return error(
            StatusCode::UNAUTHORIZED,
            "The supplied authentication is invalid",
        );
    }
    let path = uri.path().trim_start_matches("/api/v1/namespaces/");
    let segments: Vec<String> = path.split('/').map(unquote).collect();
    let (namespace, rest) = segments
        .split_first()
        .map(|(n, r)| (n.clone(), r.to_vec()))
        .unwrap_or_default();
    if namespace != "_" && namespace != state.keys.namespace {
        return not_found();
    }
    let query: Vec<(String, String)> = parse_form(uri.query().unwrap_or(""));
    let q = |name: &str| {
        query
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
    };
    let flag = |name: &str| q(name).is_some_and(|v| v == "true");
    let engine = state.engine.clone();
    let ns = state.keys.namespace.clone();
    let rest: Vec<&str> = rest.iter().map(String::as_str).collect();

    match (method.as_str(), rest.as_slice()) {
        ("GET", ["actions"]) => {
            let (limit, skip) = (
                q("limit")
                    .and_then(|l| l.parse().ok())
                    .unwrap_or(30usize)
                    .min(200),
                q("skip").and_then(|s| s.parse().ok()).unwrap_or(0usize),
            );
            match blocking(move || engine.actions(None)).await {
                Some(Ok(list)) => axum::Json(
                    list.iter()
                        .skip(skip)
                        .take(if limit == 0 { 200 } else { limit })
                        .map(|a| action_json(&ns, a, false))
                        .collect::<Vec<_>>(),
                )
                .into_response(),
                Some(Err(e)) => engine_error(e),
                None => error(StatusCode::INTERNAL_SERVER_ERROR, "the engine stopped"),
            }
        }
        ("GET", ["actions", path @ ..]) => {
            let Some((package, name)) = address(path) else {
                return not_found();
            };
            let with_code = q("code").is_none_or(|c| c != "false");
            match blocking(move || engine.action(&package, &name)).await {
                Some(Ok(a)) => axum::Json(action_json(&ns, &a, with_code)).into_response(),
                Some(Err(e)) => engine_error(e),
                None => error(StatusCode::INTERNAL_SERVER_ERROR, "the engine stopped"),
            }
        }
        ("PUT", ["actions", path @ ..]) => {
            let Some((package, name)) = address(path) else {
                return not_found();
            };
            let action: wire::Action = match serde_json::from_slice::<Value>(&body).ok().and_then(
                |v| {
                    let mut v = v;
                    // The client may omit the name: it is in the path.
                    if let Some(obj) = v.as_object_mut() {
                        obj.entry("name").or_insert(json!(name));
                    }
                    serde_json::from_value(v).ok()
                },
            ) {
                Some(a) => a,
                None => {
                    return error(
                        StatusCode::BAD_REQUEST,
                        "The request content was malformed: the body must be an action (exec, limits, parameters)",
                    );
                }
            };
            let overwrite = flag("overwrite");
            let (kind, ncp_body) = to_ncp_body(&action);
            let outcome = blocking(move || {
                if !overwrite && engine.action(&package, &name).is_ok() {
                    return Err(EngineError::new(
                        ErrorCode::ResourceNameConflict,
                        "resource already exists",
                    ));
                }
                engine.put_action(&package, &name, Some(kind), &ncp_body)
            })
            .await;
            match outcome {
                Some(Ok(a)) => axum::Json(action_json(&ns, &a, true)).into_response(),
                Some(Err(e)) => engine_error(e),
                None => error(StatusCode::INTERNAL_SERVER_ERROR, "the engine stopped"),
            }
        }
        ("DELETE", ["actions", path @ ..]) => {
            let Some((package, name)) = address(path) else {
                return not_found();
            };
            let outcome = blocking(move || {
                let a = engine.action(&package, &name)?;
                engine.delete_action(&package, &name).map(|()| a)
            })
            .await;
            match outcome {
                Some(Ok(a)) => axum::Json(action_json(&ns, &a, false)).into_response(),
                Some(Err(e)) => engine_error(e),
                None => error(StatusCode::INTERNAL_SERVER_ERROR, "the engine stopped"),
            }
        }
        ("POST", ["actions", path @ ..]) => {
            let Some((package, name)) = address(path) else {
                return not_found();
            };
            let blocking_call = flag("blocking");
            let wait = match q("timeout").map(|t| t.parse::<u64>()) {
                None => 60_000,
                Some(Ok(t)) if t <= 60_000 => t,
                _ => {
                    return error(
                        StatusCode::BAD_REQUEST,
                        "The request content was malformed: timeout must be at most 60000 ms",
                    );
                }
            };
            let params = match body.is_empty() {
                true => Map::new(),
                false => match serde_json::from_slice::<Value>(&body) {
                    Ok(Value::Object(m)) => m,
                    _ => {
                        return error(
                            StatusCode::BAD_REQUEST,
                            "The request content was malformed: parameters must be a JSON object",
                        );
                    }
                },
            };
            let only_result = flag("result");
            let wait = if blocking_call {
                Duration::from_millis(wait)
            } else {
                Duration::ZERO
            };
            match blocking(move || engine.invoke_waiting(&package, &name, params, &ns, wait)).await
            {
                Some(Ok(Invoked::StillRunning { activation_id })) => {
                    let mut response = (
                        StatusCode::ACCEPTED,
                        axum::Json(json!({ "activationId": activation_id })),
                    )
                        .into_response();
                    if let Ok(v) = activation_id.parse() {
                        response
                            .headers_mut()
                            .insert("x-openwhisk-activation-id", v);
                    }
                    response
                }
                Some(Ok(Invoked::Finished(record))) => {
                    let status = match status_code(&record.status) {
                        0 => StatusCode::OK,
                        1 | 2 => StatusCode::BAD_GATEWAY,
                        _ => StatusCode::INTERNAL_SERVER_ERROR,
                    };
                    let body = if only_result {
                        record.result.clone()
                    } else {
                        serde_json::to_value(activation_json(&record, true)).unwrap_or(Value::Null)
                    };
                    let mut response = (status, axum::Json(body)).into_response();
                    if let Ok(v) = record.id.parse() {
                        response
                            .headers_mut()
                            .insert("x-openwhisk-activation-id", v);
                    }
                    response
                }
                Some(Err(e)) => engine_error(e),
                None => error(StatusCode::INTERNAL_SERVER_ERROR, "the engine stopped"),
            }
        }
        ("GET", ["activations"]) => {
            let limit = match q("limit").map(|l| l.parse::<u64>()) {
                None => 30,
                Some(Ok(l)) if l <= 200 => {
                    if l == 0 {
                        200
                    } else {
                        l
                    }
                }
                _ => {
                    return error(
                        StatusCode::BAD_REQUEST,
                        "The request content was malformed: limit must be at most 200",
                    );
                }
            };
            let skip = q("skip").and_then(|s| s.parse().ok()).unwrap_or(0);
            let filter = ActivationFilter {
                package: None,
                action: q("name").map(|n| n.rsplit('/').next().unwrap_or(&n).to_string()),
                since_ms: q("since").and_then(|s| s.parse().ok()),
                upto_ms: q("upto").and_then(|s| s.parse().ok()),
                ..Default::default()
            };
            let count = flag("count");
            let docs = flag("docs");
            match blocking(move || {
                engine.activations(&filter, ActivationOrder::Start, false, skip, limit)
            })
            .await
            {
                Some(Ok((_, total))) if count => {
                    axum::Json(json!({ "activations": total })).into_response()
                }
                Some(Ok((items, _))) => axum::Json(
                    items
                        .iter()
                        .map(|a| activation_json(a, docs))
                        .collect::<Vec<_>>(),
                )
                .into_response(),
                Some(Err(e)) => engine_error(e),
                None => error(StatusCode::INTERNAL_SERVER_ERROR, "the engine stopped"),
            }
        }
        ("GET", ["activations", id, tail @ ..]) => {
            let id = id.to_string();
            let record = match blocking(move || engine.activation(&id)).await {
                Some(Ok(r)) => r,
                Some(Err(e)) => return engine_error(e),
                None => return error(StatusCode::INTERNAL_SERVER_ERROR, "the engine stopped"),
            };
            match tail {
                [] => axum::Json(activation_json(&record, true)).into_response(),
                ["logs"] => axum::Json(json!({ "logs": record.logs })).into_response(),
                ["result"] => axum::Json(activation_json(&record, true).response).into_response(),
                _ => not_found(),
            }
        }
        _ => not_found(),
    }
}

/// An OpenWhisk action body → the engine's NCP body and kind.
fn to_ncp_body(a: &wire::Action) -> (&'static str, Value) {
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
    let description = a
        .annotations
        .iter()
        .find(|kv| kv.key == "description")
        .and_then(|kv| kv.value.as_str())
        .map(str::to_string);
    if exec.kind == "sequence" {
        // `/ns/pkg/action` or `/ns/action` → `pkg/action` or `-/action`.
        let components: Vec<String> = exec
            .components
            .unwrap_or_default()
            .iter()
            .map(|c| {
                let parts: Vec<&str> = c.trim_start_matches('/').split('/').collect();
                match parts.as_slice() {
                    [_, package, action] => format!("{package}/{action}"),
                    [_, action] => format!("-/{action}"),
                    _ => c.clone(),
                }
            })
            .collect();
        let kind = if web { "sequence-web" } else { "sequence" };
        return (
            kind,
            json!({ "description": description, "exec": { "kind": "sequence", "components": components } }),
        );
    }
    let limits = a.limits.unwrap_or_default();
    let parameters: Map<String, Value> = a
        .parameters
        .iter()
        .map(|kv| (kv.key.clone(), kv.value.clone()))
        .collect();
    let kind_name = if exec.kind == "nodejs:default" {
        "nodejs:20".to_string()
    } else {
        exec.kind.clone()
    };
    (
        if web { "web" } else { "basic" },
        json!({
            "description": description,
            "parameters": parameters,
            "limits": { "timeout": limits.timeout.unwrap_or(60_000), "memory": limits.memory.unwrap_or(256) },
            "exec": { "kind": kind_name, "code": exec.code.unwrap_or_default(), "binary": exec.binary.unwrap_or(false), "main": exec.main },
        }),
    )
}

fn action_json(namespace: &str, a: &StoredAction, with_code: bool) -> wire::Action {
    let b = &a.body;
    let exec = b.exec.clone().unwrap_or_default();
    let mut annotations = vec![wire::KeyValue {
        key: "exec".into(),
        value: json!(exec.kind.clone().unwrap_or_default()),
    }];
    if engine::Engine::is_web(a) {
        annotations.push(wire::KeyValue {
            key: "web-export".into(),
            value: json!(true),
        });
    }
    if let Some(d) = &b.description {
        annotations.push(wire::KeyValue {
            key: "description".into(),
            value: json!(d),
        });
    }
    wire::Action {
        namespace: Some(if a.package == "-" {
            namespace.to_string()
        } else {
            format!("{namespace}/{}", a.package)
        }),
        name: a.name.clone(),
        version: Some("0.0.1".into()),
        publish: Some(false),
        exec: Some(wire::Exec {
            kind: exec.kind.unwrap_or_default(),
            code: if with_code { exec.code } else { None },
            main: exec.main,
            binary: exec.binary,
            components: exec.components.map(|cs| {
                cs.iter()
                    .map(|c| format!("/{namespace}/{}", c.replace("-/", "")))
                    .collect()
            }),
        }),
        annotations,
        parameters: b
            .parameters
            .clone()
            .unwrap_or_default()
            .into_iter()
            .map(|(key, value)| wire::KeyValue { key, value })
            .collect(),
        limits: b.limits.map(|l| wire::Limits {
            timeout: l.timeout,
            memory: l.memory,
            logs: Some(10),
            concurrency: Some(1),
        }),
        updated: Some(a.updated_ms),
    }
}

fn activation_json(r: &ActivationRecord, full: bool) -> wire::Activation {
    let code = status_code(&r.status);
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
            status: ow_status(&r.status).into(),
            status_code: Some(code),
            success: code == 0,
            result: full.then(|| r.result.clone()),
        }),
        annotations: Some(vec![
            wire::KeyValue {
                key: "path".into(),
                value: json!(format!("{}/{}", r.namespace, r.action)),
            },
            wire::KeyValue {
                key: "kind".into(),
                value: json!("nodejs:20"),
            },
            wire::KeyValue {
                key: "waitTime".into(),
                value: json!(0),
            },
        ]),
        publish: Some(false),
    }
}
