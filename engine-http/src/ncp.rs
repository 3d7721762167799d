//! NAVER Cloud Functions API v2, under `/api/v2` and `/ncf/api/v2`, signature v2 checked.

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::routing::any;
use engine::store::{ActivationFilter, ActivationOrder, ActivationRecord};
use engine::{EngineError, ErrorCode, Invoked};
use providers::sign::encoding::{parse_form, unquote};
use providers::sign::{Secret, ncp as signer};
use providers::wire::Code;
use providers::wire::ncp as wire;
use serde_json::{Map, Value, json};
use std::time::Duration;

use crate::{DialectState, blocking};

/// Activations older than this are not listed (NCP: "within a month").
const LIST_WINDOW_MS: i64 = 30 * 24 * 3600 * 1000;

pub(crate) fn routes() -> Router<DialectState> {
    Router::new()
        .route("/api/v2/{*rest}", any(handle))
        .route("/ncf/api/v2/{*rest}", any(handle))
}

fn error(status: StatusCode, code: &str, message: &str, details: Option<String>) -> Response {
    let body = wire::ErrorBody {
        error: wire::ErrorDetail {
            error_code: Code::Text(code.into()),
            message: message.into(),
            details,
        },
    };
    (status, axum::Json(body)).into_response()
}

fn engine_error(e: EngineError) -> Response {
    let status = StatusCode::from_u16(e.code.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    error(
        status,
        &e.code.number().to_string(),
        e.code.name(),
        Some(e.message),
    )
}

fn content<T: serde::Serialize>(value: T) -> Response {
    axum::Json(wire::Content { content: value }).into_response()
}

fn now_ms() -> u64 {
    engine::now_ms().max(0) as u64
}

async fn handle(
    State(state): State<DialectState>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let header = |name: &str| headers.get(name).and_then(|v| v.to_str().ok());
    let target = uri.path_and_query().map(|pq| pq.as_str()).unwrap_or("/");
    let presented = signer::PresentedSignature {
        timestamp_ms: header(signer::TIMESTAMP_HEADER),
        access_key: header(signer::ACCESS_KEY_HEADER),
        // The Python SDK sends the same signature as `-v1`.
        signature: header(signer::SIGNATURE_HEADER).or_else(|| header("x-ncp-apigw-signature-v1")),
    };
    let keys = state.keys.clone();
    let lookup = move |k: &str| {
        (k == keys.ncp_access_key).then(|| Secret::new(keys.ncp_secret_key.expose()))
    };
    if let Err(e) = signer::verify(method.as_str(), target, presented, lookup, now_ms()) {
        return error(
            StatusCode::UNAUTHORIZED,
            "200",
            "Authentication Failed",
            Some(e.to_string()),
        );
    }

    let base = if uri.path().starts_with("/ncf/api/v2") {
        "/ncf/api/v2"
    } else {
        "/api/v2"
    };
    let rest = &uri.path()[base.len()..];
    let segments: Vec<String> = rest.trim_matches('/').split('/').map(unquote).collect();
    let query: Map<String, Value> = parse_form(uri.query().unwrap_or(""))
        .into_iter()
        .map(|(k, v)| (k, Value::String(v)))
        .collect();
    let q = |name: &str| query.get(name).and_then(Value::as_str).map(str::to_string);
    let engine = state.engine.clone();
    let namespace = state.keys.namespace.clone();
    let seg: Vec<&str> = segments.iter().map(String::as_str).collect();

    match (method.as_str(), seg.as_slice()) {
        ("GET", ["packages"]) => {
            let packages = blocking(move || engine.packages()).await;
            match packages {
                Some(Ok(list)) => content(
                    list.into_iter()
                        .map(|(name, description)| wire::PackageSummary { name, description })
                        .collect::<Vec<_>>(),
                ),
                Some(Err(e)) => engine_error(e),
                None => engine_error(EngineError::internal("the engine stopped")),
            }
        }
        ("GET", ["packages", package, "actions"]) => {
            let package = package.to_string();
            match blocking(move || engine.actions(Some(&package))).await {
                Some(Ok(list)) => content(wire::ActionList {
                    actions: list
                        .into_iter()
                        .map(|a| wire::ActionListItem {
                            name: a.name,
                            description: a.body.description.clone(),
                            kind: Some(a.kind.as_str().into()),
                            runtime: a.body.exec.as_ref().and_then(|e| e.kind.clone()),
                        })
                        .collect(),
                }),
                Some(Err(e)) => engine_error(e),
                None => engine_error(EngineError::internal("the engine stopped")),
            }
        }
        ("PUT", ["packages", package, "actions", action]) => {
            let body: Value = match serde_json::from_slice(&body) {
                Ok(v) => v,
                Err(e) => {
                    return engine_error(EngineError::new(
                        ErrorCode::ActionBodyInvalidType,
                        format!("the request body is not JSON: {e}"),
                    ));
                }
            };
            let (package, action, kind) = (package.to_string(), action.to_string(), q("type"));
            match blocking(move || engine.put_action(&package, &action, kind.as_deref(), &body))
                .await
            {
                Some(Ok(stored)) => content(action_content(&namespace, &stored)),
                Some(Err(e)) => engine_error(e),
                None => engine_error(EngineError::internal("the engine stopped")),
            }
        }
        ("GET", ["packages", package, "actions", action]) => {
            let (package, action) = (package.to_string(), action.to_string());
            match blocking(move || engine.action(&package, &action)).await {
                Some(Ok(stored)) => content(action_content(&namespace, &stored)),
                Some(Err(e)) => engine_error(e),
                None => engine_error(EngineError::internal("the engine stopped")),
            }
        }
        ("DELETE", ["packages", package, "actions", action]) => {
            let (package, action) = (package.to_string(), action.to_string());
            match blocking(move || engine.delete_action(&package, &action)).await {
                Some(Ok(())) => StatusCode::NO_CONTENT.into_response(),
                Some(Err(e)) => engine_error(e),
                None => engine_error(EngineError::internal("the engine stopped")),
            }
        }
        ("POST", ["packages", package, "actions", action]) => {
            let wait = match q("timeout").map(|t| t.parse::<u64>()) {
                None => 60_000,
                Some(Ok(t)) if t <= 60_000 => t,
                _ => {
                    return engine_error(EngineError::new(
                        ErrorCode::ActionBodyInvalidValue,
                        "timeout must be 0 to 60,000 ms",
                    ));
                }
            };
            let params = match body.is_empty() {
                true => Map::new(),
                false => match serde_json::from_slice::<Value>(&body) {
                    Ok(Value::Object(m)) => m,
                    _ => {
                        return engine_error(EngineError::new(
                            ErrorCode::ActionBodyInvalidType,
                            "the request body must be a JSON object of parameters",
                        ));
                    }
                },
            };
            let (package, action) = (package.to_string(), action.to_string());
            let outcome = blocking(move || {
                engine.invoke_waiting(
                    &package,
                    &action,
                    params,
                    &namespace,
                    Duration::from_millis(wait),
                )
            })
            .await;
            match outcome {
                Some(Ok(Invoked::Finished(record))) => content(activation(&record, false)),
                Some(Ok(Invoked::StillRunning { activation_id })) => {
                    content(json!({ "activationId": activation_id }))
                }
                Some(Err(e)) => engine_error(e),
                None => engine_error(EngineError::internal("the engine stopped")),
            }
        }
        ("GET", ["packages", package, "actions", action, "activations"]) => {
            let number = |name: &str, default: u64| -> Result<u64, Response> {
                match q(name) {
                    None => Ok(default),
                    Some(v) => v.parse::<u64>().ok().filter(|n| *n >= 1).ok_or_else(|| {
                        engine_error(EngineError::new(
                            ErrorCode::ActionBodyInvalidValue,
                            format!("{name} must be a whole number of at least 1"),
                        ))
                    }),
                }
            };
            let (page_no, page_size) = match (number("pageNo", 1), number("pageSize", 20)) {
                (Ok(n), Ok(s)) => (n, s.min(200)),
                (Err(r), _) | (_, Err(r)) => return r,
            };
            let window_start = engine::now_ms() - LIST_WINDOW_MS;
            let since = q("start")
                .and_then(|s| s.parse::<i64>().ok())
                .map_or(window_start, |s| s.max(window_start));
            let filter = ActivationFilter {
                package: Some(package.to_string()),
                action: Some(action.to_string()),
                since_ms: Some(since),
                upto_ms: q("end").and_then(|e| e.parse().ok()),
                ..Default::default()
            };
            match blocking(move || {
                engine.activations(
                    &filter,
                    ActivationOrder::Start,
                    false,
                    (page_no - 1) * page_size,
                    page_size,
                )
            })
            .await
            {
                Some(Ok((items, total))) => content(wire::ActivationList {
                    activations: items
                        .into_iter()
                        .map(|a| wire::ActivationSummary {
                            activation_id: a.id.clone(),
                            duration: Some(a.duration_ms),
                            status: Some(ncp_status(&a.status).into()),
                            start: Some(a.start_ms),
                        })
                        .collect(),
                    total_count: total,
                }),
                Some(Err(e)) => engine_error(e),
                None => engine_error(EngineError::internal("the engine stopped")),
            }
        }
        ("GET", ["packages", _package, "actions", _action, "activations", id]) => {
            let id = id.to_string();
            match blocking(move || engine.activation(&id)).await {
                Some(Ok(record)) => content(activation(&record, true)),
                Some(Err(e)) => engine_error(e),
                None => engine_error(EngineError::internal("the engine stopped")),
            }
        }
        _ => error(
            StatusCode::NOT_FOUND,
            "80301",
            "ACTION_NOT_FOUND",
            Some(format!("no such resource: {method} {rest}")),
        ),
    }
}

/// NCP reports a timeout as a developer error, as OpenWhisk does.
fn ncp_status(status: &str) -> &str {
    if status == "timeout" {
        "action developer error"
    } else {
        status
    }
}

fn activation(record: &ActivationRecord, with_logs: bool) -> wire::Activation {
    wire::Activation {
        activation_id: record.id.clone(),
        duration: Some(record.duration_ms),
        end: Some(record.end_ms),
        name: Some(record.action.clone()),
        namespace: Some(record.namespace.clone()),
        response: Some(wire::ActivationResponse {
            result: Some(record.result.clone()),
            status: Some(ncp_status(&record.status).into()),
            success: Some(record.status == "success"),
        }),
        start: Some(record.start_ms),
        subject: Some(record.subject.clone()),
        logs: with_logs.then(|| record.logs.clone()),
    }
}

fn action_content(namespace: &str, a: &engine::store::StoredAction) -> wire::ActionContent {
    let b = &a.body;
    wire::ActionContent {
        name: a.name.clone(),
        resource_id: Some(format!("{:x}", a.updated_ms)),
        path: Some(format!("{namespace}/{}", a.package)),
        description: b.description.clone(),
        kind: Some(a.kind.as_str().into()),
        parameters: b.parameters.clone(),
        raw_http: b.raw_http,
        custom_options: b.custom_options,
        exec: b.exec.clone(),
        limits: b.limits,
        vpc: b.vpc.clone(),
    }
}
