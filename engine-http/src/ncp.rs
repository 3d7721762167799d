//! NAVER Cloud Functions API v2, under `/api/v2` and `/ncf/api/v2`, signature v2 checked.

use axum::Router;
use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{Request, State};
use axum::http::{Method, StatusCode, Uri};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::any;
use engine::store::{ActivationFilter, ActivationRecord, Order, Paging, Scope};
use engine::{EngineError, ErrorCode, Invoked};
use providers::sign::encoding::{parse_form, unquote};
use providers::sign::{Secret, VerifyError, ncp as signer};
use providers::wire::Code;
use providers::wire::ncp as wire;
use serde_json::{Map, Value, json};
use std::time::Duration;

use crate::{DialectState, INTEGER_MAX, body_problem, openwhisk_status, run, whole_in};

/// Activations older than this are not listed (NCP: "within a month").
const LIST_WINDOW_MS: i64 = 30 * 24 * 3600 * 1000;

pub(crate) fn routes(state: &DialectState) -> Router<DialectState> {
    Router::new()
        .route("/api/v2/{*rest}", any(handle))
        .route("/ncf/api/v2/{*rest}", any(handle))
        .route_layer(middleware::from_fn_with_state(state.clone(), authenticate))
}

/// Checks signature v2 before the handler reads the body: it signs the method, the target,
/// the time and the access key, not the body, so no body is read for a caller it refuses.
async fn authenticate(State(state): State<DialectState>, request: Request, next: Next) -> Response {
    let verified = {
        let header = |name: &str| request.headers().get(name).and_then(|v| v.to_str().ok());
        let presented = signer::PresentedSignature {
            timestamp_ms: header(signer::TIMESTAMP_HEADER),
            access_key: header(signer::ACCESS_KEY_HEADER),
            // The Python SDK sends the same signature as `-v1`.
            signature: header(signer::SIGNATURE_HEADER)
                .or_else(|| header("x-ncp-apigw-signature-v1")),
        };
        let target = request
            .uri()
            .path_and_query()
            .map(|pq| pq.as_str())
            .unwrap_or("/");
        let keys = &state.keys;
        let lookup =
            |k: &str| (k == keys.ncp.access_key).then(|| Secret::new(keys.ncp.secret_key.expose()));
        signer::verify(
            request.method().as_str(),
            target,
            presented,
            lookup,
            now_ms(),
        )
    };
    match verified {
        Ok(_) => next.run(request).await,
        Err(e) => unauthorized(&e),
    }
}

/// 401 "Authentication Failed". An unknown access key and a wrong signature get the same
/// answer, so it does not tell a caller which access keys exist.
fn unauthorized(e: &VerifyError) -> Response {
    let details = match e {
        VerifyError::UnknownKey | VerifyError::BadSignature => {
            "Invalid authentication information.".to_string()
        }
        other => other.to_string(),
    };
    error(
        StatusCode::UNAUTHORIZED,
        "200",
        "Authentication Failed",
        Some(details),
    )
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

/// Every NCP request, once [`authenticate`] let it through.
async fn handle(
    State(state): State<DialectState>,
    method: Method,
    uri: Uri,
    body: Result<Bytes, BytesRejection>,
) -> Response {
    let body = match body {
        Ok(b) => b,
        Err(r) => {
            let (status, message) = body_problem(&r);
            return error(
                status,
                &status.as_u16().to_string(),
                "INVALID_REQUEST",
                Some(message),
            );
        }
    };

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
    let platform = q("platform").unwrap_or_else(|| {
        if base == "/ncf/api/v2" {
            "vpc"
        } else {
            "classic"
        }
        .to_string()
    });
    if platform != "classic" && platform != "vpc" {
        return engine_error(EngineError::new(
            ErrorCode::ActionBodyInvalidValue,
            format!("platform \"{platform}\" is not classic or vpc"),
        ));
    }
    let engine = state.engine.clone();
    let namespace = state.keys.namespace.clone();
    let seg: Vec<&str> = segments.iter().map(String::as_str).collect();

    match (method.as_str(), seg.as_slice()) {
        ("GET", ["packages"]) => {
            run(move || engine.packages())
                .await
                .map_or_else(engine_error, |list| {
                    content(
                        list.into_iter()
                            .map(|(name, description)| wire::PackageSummary { name, description })
                            .collect::<Vec<_>>(),
                    )
                })
        }
        ("GET", ["packages", package]) => {
            let package = package.to_string();
            run(move || engine.package(&package))
                .await
                .map_or_else(engine_error, |p| {
                    content(package_content(p, &platform, None))
                })
        }
        ("PUT", ["packages", package]) => {
            let put: wire::PutPackageBody = if body.is_empty() {
                wire::PutPackageBody::default()
            } else {
                match parse_json(&body) {
                    Ok(b) => b,
                    Err(r) => return r,
                }
            };
            let package = package.to_string();
            run(move || {
                engine.put_package(
                    &package,
                    put.description.as_deref(),
                    &put.parameters.unwrap_or_default(),
                )?;
                engine.package(&package)
            })
            .await
            .map_or_else(engine_error, |p| {
                content(package_content(p, &platform, Some(&namespace)))
            })
        }
        ("DELETE", ["packages", package]) => {
            let package = package.to_string();
            run(move || engine.delete_package(&package))
                .await
                .map_or_else(engine_error, |()| StatusCode::NO_CONTENT.into_response())
        }
        ("GET", ["packages", package, "actions"]) => {
            let scope = Scope::of(package_of(package));
            run(move || engine.actions(&scope))
                .await
                .map_or_else(engine_error, |list| {
                    content(wire::ActionList {
                        actions: list
                            .into_iter()
                            .map(|a| wire::ActionListItem {
                                runtime: Some(a.draft.runtime().to_string()),
                                kind: Some(a.kind().as_str().into()),
                                description: a.draft.description,
                                name: a.name,
                            })
                            .collect(),
                    })
                })
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
            let (package, action, kind) = (
                package_of(package).map(str::to_string),
                action.to_string(),
                q("type"),
            );
            run(move || {
                // Names first, then the body, as NCP reports them.
                if let Some(package) = package.as_deref() {
                    engine::validate::name("packageName", package)?;
                }
                engine::validate::name("actionName", &action)?;
                let draft = engine::validate::ncp_draft(kind.as_deref(), &body)?;
                engine.put_action(package.as_deref(), &action, draft)
            })
            .await
            .map_or_else(engine_error, |a| content(action_content(&namespace, &a)))
        }
        ("GET", ["packages", package, "actions", action]) => {
            let (package, action) = (package_of(package).map(str::to_string), action.to_string());
            run(move || engine.action(package.as_deref(), &action))
                .await
                .map_or_else(engine_error, |a| content(action_content(&namespace, &a)))
        }
        ("DELETE", ["packages", package, "actions", action]) => {
            let (package, action) = (package_of(package).map(str::to_string), action.to_string());
            run(move || engine.delete_action(package.as_deref(), &action))
                .await
                .map_or_else(engine_error, |()| StatusCode::NO_CONTENT.into_response())
        }
        ("POST", ["packages", package, "actions", action]) => {
            let wait = match q("timeout").map(|t| t.parse::<u64>()) {
                None => 60_000,
                Some(Ok(t)) if t <= 60_000 => t,
                _ => {
                    return engine_error(EngineError::new(
                        ErrorCode::ActionBodyInvalidValue,
                        "timeout must be a whole number of milliseconds from 0 to 60000",
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
            let (package, action) = (package_of(package).map(str::to_string), action.to_string());
            run(move || {
                engine.invoke_waiting(
                    package.as_deref(),
                    &action,
                    params,
                    &namespace,
                    Duration::from_millis(wait),
                )
            })
            .await
            .map_or_else(engine_error, |invoked| match invoked {
                Invoked::Finished(record) => content(activation(&record, false)),
                Invoked::StillRunning { activation_id } => {
                    content(json!({ "activationId": activation_id }))
                }
            })
        }
        ("GET", ["packages", package, "actions", action, "activations"]) => {
            list_activations(engine, &q, Some((package, action))).await
        }
        ("GET", ["activations"]) => list_activations(engine, &q, None).await,
        ("GET", ["packages", _, "actions", _, "activations", id])
        | ("GET", ["activations", id]) => {
            let id = id.to_string();
            run(move || engine.activation(&id))
                .await
                .map_or_else(engine_error, |r| content(activation(&r, true)))
        }
        _ => error(
            StatusCode::NOT_FOUND,
            "80301",
            "ACTION_NOT_FOUND",
            Some(format!("no such resource: {method} {rest}")),
        ),
    }
}

/// A JSON body into `T`, or NCP's 80305 naming what did not fit.
fn parse_json<T: serde::de::DeserializeOwned>(body: &[u8]) -> Result<T, Response> {
    serde_json::from_slice(body).map_err(|e| {
        engine_error(EngineError::new(
            ErrorCode::ActionBodyInvalidType,
            format!("the request body does not fit: {e}"),
        ))
    })
}

/// The largest `pageSize`: seed 000 types it `Integer` and states no range; this engine takes
/// OpenWhisk's largest page (NCP's service is built on OpenWhisk) and refuses more with 80307.
const MAX_PAGE_SIZE: u64 = 200;

/// Seed 000: `pageNo` (1 to 2^31-1, an `Integer`), `pageSize` (1 to 200), `start`/`end`
/// (epoch ms), only the last month.
async fn list_activations(
    engine: std::sync::Arc<engine::Engine>,
    q: &impl Fn(&str) -> Option<String>,
    scope: Option<(&str, &str)>,
) -> Response {
    let invalid = |message: String| {
        engine_error(EngineError::new(ErrorCode::ActionBodyInvalidValue, message))
    };
    let number = |name: &str, default: u64, most: u64| -> Result<u64, Response> {
        match q(name) {
            None => Ok(default),
            Some(v) => whole_in(&v, 1..=most).ok_or_else(|| {
                invalid(format!(
                    "{name} must be a whole number from 1 to {most}, not \"{v}\""
                ))
            }),
        }
    };
    let time = |name: &str| -> Result<Option<i64>, Response> {
        match q(name) {
            None => Ok(None),
            Some(v) => v
                .parse::<i64>()
                .map(Some)
                .map_err(|_| invalid(format!("{name} must be epoch milliseconds, not \"{v}\""))),
        }
    };
    let (page_no, page_size, start, end) = match (
        number("pageNo", 1, INTEGER_MAX),
        number("pageSize", 20, MAX_PAGE_SIZE),
        time("start"),
        time("end"),
    ) {
        (Ok(n), Ok(s), Ok(start), Ok(end)) => (n, s, start, end),
        (Err(r), ..) | (_, Err(r), ..) | (.., Err(r), _) | (.., Err(r)) => return r,
    };
    // pageNo ≥ 1, and within the bounds above the product stays below 2^39.
    let Some(offset) = (page_no - 1).checked_mul(page_size) else {
        return invalid(format!(
            "pageNo {page_no} with pageSize {page_size} is past any page there can be"
        ));
    };
    let window_start = engine::now_ms() - LIST_WINDOW_MS;
    let filter = ActivationFilter {
        package: scope.map_or(Scope::All, |(p, _)| Scope::of(package_of(p))),
        action: scope.map(|(_, a)| a.to_string()),
        since_ms: Some(start.map_or(window_start, |s| s.max(window_start))),
        upto_ms: end,
        ..Default::default()
    };
    run(move || {
        engine.activations(
            &filter,
            Order::default(),
            Paging {
                offset,
                limit: page_size,
            },
        )
    })
    .await
    .map_or_else(engine_error, |(items, total)| {
        content(wire::ActivationList {
            activations: items
                .into_iter()
                .map(|a| wire::ActivationSummary {
                    status: Some(openwhisk_status(a.status).into()),
                    activation_id: a.id,
                    duration: Some(a.duration_ms),
                    start: Some(a.start_ms),
                })
                .collect(),
            total_count: total,
        })
    })
}

fn package_content(
    p: engine::Package,
    platform: &str,
    namespace: Option<&str>,
) -> wire::PackageContent {
    wire::PackageContent {
        resource_id: Some(format!("{:x}", fnv1a(&p.name))),
        name: p.name,
        description: p.description,
        parameters: p.parameters,
        actions: p.actions,
        platform: Some(platform.to_string()),
        namespace: namespace.map(str::to_string),
    }
}

/// A stable short id from a name, FNV-1a (NCP's resourceId is opaque to callers).
fn fnv1a(name: &str) -> u64 {
    name.bytes().fold(0xcbf2_9ce4_8422_2325_u64, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3)
    })
}

/// NCP's package name for "outside any package".
const NO_PACKAGE: &str = "-";

/// A path's package segment as the engine's package.
fn package_of(segment: &str) -> Option<&str> {
    (segment != NO_PACKAGE).then_some(segment)
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
            status: Some(openwhisk_status(record.status).into()),
            success: Some(record.status.is_success()),
        }),
        start: Some(record.start_ms),
        subject: Some(record.subject.clone()),
        logs: with_logs.then(|| record.logs.clone()),
    }
}

fn action_content(namespace: &str, a: &engine::store::StoredAction) -> wire::ActionContent {
    let b = a.draft.to_ncp_body();
    wire::ActionContent {
        name: a.name.clone(),
        resource_id: Some(format!("{:x}", a.updated_ms)),
        path: Some(format!(
            "{namespace}/{}",
            a.package.as_deref().unwrap_or(NO_PACKAGE)
        )),
        description: b.description,
        kind: Some(a.kind().as_str().into()),
        parameters: b.parameters,
        raw_http: b.raw_http,
        custom_options: b.custom_options,
        exec: b.exec,
        limits: b.limits,
        vpc: b.vpc,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::answered;

    #[tokio::test]
    async fn too_many_requests_is_an_ncp_error_with_status_429() {
        let busy = EngineError::new(ErrorCode::TooManyRequests, "100 invocations are running");
        let (status, body) = answered(engine_error(busy)).await;
        assert_eq!(status, 429);
        assert_eq!(
            body,
            json!({"error": {"errorCode": "80429", "message": "TOO_MANY_REQUESTS", "details": "100 invocations are running"}})
        );
    }
}
