//! Apache OpenWhisk REST API v1, under `/api/v1/namespaces/{namespace}`, basic auth checked.

use axum::Router;
use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{Request, State};
use axum::http::{HeaderMap, Method, StatusCode, Uri};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::any;
use engine::draft::{ActionDraft, ActionPath, Code, Limits, Run};
use engine::store::{ActivationFilter, ActivationRecord, Order, Paging, Scope, StoredAction};
use engine::{EngineError, ErrorCode, Invoked};
use providers::ActionKind;
use providers::sign::encoding::{parse_form, unquote};
use providers::sign::openwhisk as signer;
use providers::wire::openwhisk as wire;
use serde_json::{Map, Value, json};
use std::time::Duration;

use crate::{DialectState, INTEGER_MAX, body_problem, openwhisk_status, run, whole_in};

pub(crate) fn routes(state: &DialectState) -> Router<DialectState> {
    Router::new()
        .route("/api/v1/namespaces/{namespace}/{*rest}", any(handle))
        .route_layer(middleware::from_fn_with_state(state.clone(), authenticate))
        // Web actions are public: no credentials.
        .route("/api/v1/web/{namespace}/{package}/{*action}", any(web))
}

/// Checks the basic auth before the handler reads the body (the credentials are all in the
/// `Authorization` header), so no body is read for a caller it refuses.
async fn authenticate(State(state): State<DialectState>, request: Request, next: Next) -> Response {
    let auth = request
        .headers()
        .get("authorization")
        .and_then(|v| v.to_str().ok());
    if signer::verify(auth, &state.keys.openwhisk.auth).is_err() {
        return error(
            StatusCode::UNAUTHORIZED,
            "The supplied authentication is invalid",
        );
    }
    next.run(request).await
}

/// The extensions a web action may be asked for (`.http` when none is given).
const WEB_EXTENSIONS: [&str; 5] = ["http", "json", "html", "svg", "text"];

/// A web action: `/api/v1/web/{namespace}/{package|default}/{action}[.ext][/path]`, any
/// method, no credentials (web actions are public, as in OpenWhisk).
async fn web(
    State(state): State<DialectState>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Response {
    let body = match body {
        Ok(b) => b,
        Err(r) => {
            let (status, message) = body_problem(&r);
            return error(status, &message);
        }
    };
    let segments: Vec<String> = uri
        .path()
        .trim_start_matches("/api/v1/web/")
        .split('/')
        .map(unquote)
        .collect();
    let [namespace, package, action, extra @ ..] = segments.as_slice() else {
        return not_found();
    };
    if namespace != &state.keys.namespace && namespace != "_" {
        return not_found();
    }
    let (name, extension) = match action.rsplit_once('.') {
        Some((name, ext)) => (name.to_string(), ext.to_string()),
        None => (action.clone(), "http".to_string()),
    };
    if !WEB_EXTENSIONS.contains(&extension.as_str()) {
        return error(
            StatusCode::NOT_ACCEPTABLE,
            &format!(
                "Resource representation is only available with these extensions: {}.",
                WEB_EXTENSIONS.map(|e| format!(".{e}")).join(", ")
            ),
        );
    }
    let package = (package != "default").then(|| package.clone());
    let request = engine::web::WebRequest {
        method: method.as_str().to_string(),
        path: extra.iter().map(|p| format!("/{p}")).collect(),
        headers: headers
            .iter()
            .filter_map(|(k, v)| Some((k.as_str().to_string(), v.to_str().ok()?.to_string())))
            .collect(),
        query: uri.query().unwrap_or("").to_string(),
        body: body.to_vec(),
    };
    let engine = state.engine.clone();
    match run(move || engine.run_web(package.as_deref(), &name, &request)).await {
        Ok(reply) => {
            let mut response = Response::new(axum::body::Body::from(reply.body));
            *response.status_mut() =
                StatusCode::from_u16(reply.status).unwrap_or(StatusCode::BAD_GATEWAY);
            for (k, v) in reply.headers {
                if let (Ok(k), Ok(v)) = (
                    axum::http::HeaderName::from_bytes(k.as_bytes()),
                    axum::http::HeaderValue::from_str(&v),
                ) {
                    response.headers_mut().append(k, v);
                }
            }
            response
        }
        Err(e) => engine_error(e),
    }
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

/// `pkg/name` or `name` → the engine's (package, name).
fn address(parts: &[&str]) -> Option<(Option<String>, String)> {
    match parts {
        [name] => Some((None, name.to_string())),
        [package, name] => Some((Some(package.to_string()), name.to_string())),
        _ => None,
    }
}

/// Every namespaced OpenWhisk request, once [`authenticate`] let it through.
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
            return error(status, &message);
        }
    };
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
    // `limit` (0 = the most, 200) and `skip` (OpenWhisk reads it as a 32-bit Int), refused
    // with 400 when not whole numbers in range. Both fit a `usize` on every target.
    let page = || -> Result<(usize, usize), Response> {
        let limit = match q("limit").map(|l| whole_in(&l, 0..=200)) {
            None => 30,
            Some(Some(0)) => 200,
            Some(Some(l)) => l as usize,
            Some(None) => return Err(malformed("limit must be a whole number from 0 to 200")),
        };
        let skip = match q("skip").map(|s| whole_in(&s, 0..=INTEGER_MAX)) {
            None => 0,
            Some(Some(s)) => s as usize,
            Some(None) => {
                return Err(malformed(&format!(
                    "skip must be a whole number from 0 to {INTEGER_MAX}"
                )));
            }
        };
        Ok((limit, skip))
    };
    let engine = state.engine.clone();
    let ns = state.keys.namespace.clone();
    let rest: Vec<&str> = rest.iter().map(String::as_str).collect();

    match (method.as_str(), rest.as_slice()) {
        ("GET", ["actions"]) => {
            let (limit, skip) = match page() {
                Ok(p) => p,
                Err(r) => return r,
            };
            let count = flag("count");
            run(move || engine.actions(&Scope::All))
                .await
                .map_or_else(engine_error, |list| {
                    if count {
                        return axum::Json(json!({ "actions": list.len() })).into_response();
                    }
                    let page: Vec<_> = list
                        .iter()
                        .skip(skip)
                        .take(limit)
                        .map(|a| action_json(&ns, a, false))
                        .collect();
                    axum::Json(page).into_response()
                })
        }
        ("GET", ["actions", path @ ..]) => {
            let Some((package, name)) = address(path) else {
                return not_found();
            };
            let with_code = q("code").is_none_or(|c| c != "false");
            run(move || engine.action(package.as_deref(), &name))
                .await
                .map_or_else(engine_error, |a| {
                    axum::Json(action_json(&ns, &a, with_code)).into_response()
                })
        }
        ("PUT", ["actions", path @ ..]) => {
            let Some((package, name)) = address(path) else {
                return not_found();
            };
            let action = match parse_action(&body, &name) {
                Ok(a) => a,
                Err(r) => return r,
            };
            let overwrite = flag("overwrite");
            let draft = to_draft(&action);
            run(move || {
                if !overwrite && engine.action(package.as_deref(), &name).is_ok() {
                    return Err(EngineError::new(
                        ErrorCode::ResourceNameConflict,
                        "resource already exists",
                    ));
                }
                engine.put_action(package.as_deref(), &name, draft?)
            })
            .await
            .map_or_else(engine_error, |a| {
                axum::Json(action_json(&ns, &a, true)).into_response()
            })
        }
        ("DELETE", ["actions", path @ ..]) => {
            let Some((package, name)) = address(path) else {
                return not_found();
            };
            run(move || {
                let a = engine.action(package.as_deref(), &name)?;
                engine.delete_action(package.as_deref(), &name).map(|()| a)
            })
            .await
            .map_or_else(engine_error, |a| {
                axum::Json(action_json(&ns, &a, false)).into_response()
            })
        }
        ("POST", ["actions", path @ ..]) => {
            let Some((package, name)) = address(path) else {
                return not_found();
            };
            let wait = match q("timeout").map(|t| t.parse::<u64>()) {
                None => 60_000,
                Some(Ok(t)) if t <= 60_000 => t,
                _ => {
                    return malformed("timeout must be a whole number of milliseconds up to 60000");
                }
            };
            let params = match body.is_empty() {
                true => Map::new(),
                false => match serde_json::from_slice::<Value>(&body) {
                    Ok(Value::Object(m)) => m,
                    _ => return malformed("the parameters must be a JSON object"),
                },
            };
            let only_result = flag("result");
            let wait = if flag("blocking") {
                Duration::from_millis(wait)
            } else {
                Duration::ZERO
            };
            run(move || engine.invoke_waiting(package.as_deref(), &name, params, &ns, wait))
                .await
                .map_or_else(engine_error, |invoked| {
                    invoked_response(invoked, only_result)
                })
        }
        ("GET", ["packages"]) => {
            let (limit, skip) = match page() {
                Ok(p) => p,
                Err(r) => return r,
            };
            run(move || engine.packages())
                .await
                .map_or_else(engine_error, |list| {
                    let page: Vec<_> = list
                        .into_iter()
                        .skip(skip)
                        .take(limit)
                        .map(|(name, description)| {
                            package_json(
                                &ns,
                                engine::Package {
                                    name,
                                    description,
                                    parameters: Map::new(),
                                    actions: Vec::new(),
                                },
                                false,
                            )
                        })
                        .collect();
                    axum::Json(page).into_response()
                })
        }
        ("GET", ["packages", name]) => {
            let name = name.to_string();
            run(move || engine.package(&name))
                .await
                .map_or_else(engine_error, |p| {
                    axum::Json(package_json(&ns, p, true)).into_response()
                })
        }
        ("PUT", ["packages", name]) => {
            let put: wire::Package = match serde_json::from_slice::<Value>(if body.is_empty() {
                b"{}"
            } else {
                &body
            })
            .ok()
            .and_then(|mut v| {
                if let Some(obj) = v.as_object_mut() {
                    obj.entry("name").or_insert(json!(name));
                }
                serde_json::from_value(v).ok()
            }) {
                Some(p) => p,
                None => {
                    return malformed(
                        "the body must be a package: {annotations?, parameters?: [{key, value}]}",
                    );
                }
            };
            let description = annotation(&put.annotations, "description");
            let parameters: Map<String, Value> = put
                .parameters
                .into_iter()
                .map(|kv| (kv.key, kv.value))
                .collect();
            let (name, overwrite) = (name.to_string(), flag("overwrite"));
            run(move || {
                if !overwrite && engine.package(&name).is_ok() {
                    return Err(EngineError::new(
                        ErrorCode::ResourceNameConflict,
                        "resource already exists",
                    ));
                }
                engine.put_package(&name, description.as_deref(), &parameters)?;
                engine.package(&name)
            })
            .await
            .map_or_else(engine_error, |p| {
                axum::Json(package_json(&ns, p, true)).into_response()
            })
        }
        ("DELETE", ["packages", name]) => {
            let name = name.to_string();
            run(move || {
                let p = engine.package(&name)?;
                if !p.actions.is_empty() {
                    return Err(EngineError::new(
                        ErrorCode::PackageNotEmpty,
                        format!(
                            "Package not empty (contains {} entities). Delete the package contents first.",
                            p.actions.len()
                        ),
                    ));
                }
                engine.delete_package(&name).map(|()| p)
            })
            .await
            .map_or_else(engine_error, |p| axum::Json(package_json(&ns, p, false)).into_response())
        }
        ("GET", ["activations"]) => {
            let (limit, skip) = match page() {
                Ok(p) => p,
                Err(r) => return r,
            };
            let time = |name: &str| match q(name).map(|v| v.parse::<i64>()) {
                None => Ok(None),
                Some(Ok(t)) => Ok(Some(t)),
                Some(Err(_)) => Err(malformed(&format!("{name} must be epoch milliseconds"))),
            };
            let (since_ms, upto_ms) = match (time("since"), time("upto")) {
                (Ok(s), Ok(u)) => (s, u),
                (Err(r), _) | (_, Err(r)) => return r,
            };
            let filter = ActivationFilter {
                package: Scope::All,
                action: q("name").map(|n| n.rsplit('/').next().unwrap_or(&n).to_string()),
                since_ms,
                upto_ms,
                ..Default::default()
            };
            let (count, docs) = (flag("count"), flag("docs"));
            run(move || {
                engine.activations(
                    &filter,
                    Order::default(),
                    Paging {
                        offset: skip as u64,
                        limit: limit as u64,
                    },
                )
            })
            .await
            .map_or_else(engine_error, |(items, total)| {
                if count {
                    return axum::Json(json!({ "activations": total })).into_response();
                }
                let list: Vec<_> = items.iter().map(|a| activation_json(a, docs)).collect();
                axum::Json(list).into_response()
            })
        }
        ("GET", ["activations", id, tail @ ..]) => {
            let id = id.to_string();
            let record = match run(move || engine.activation(&id)).await {
                Ok(r) => r,
                Err(e) => return engine_error(e),
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

/// 400 with OpenWhisk's "malformed" wording and what was wrong.
fn malformed(what: &str) -> Response {
    error(
        StatusCode::BAD_REQUEST,
        &format!("The request content was malformed: {what}"),
    )
}

/// An action body (the name may be left out: it is in the path).
fn parse_action(body: &[u8], name: &str) -> Result<wire::Action, Response> {
    let mut value: Value = serde_json::from_slice(body)
        .map_err(|e| malformed(&format!("the body is not JSON ({e})")))?;
    let Some(obj) = value.as_object_mut() else {
        return Err(malformed(
            "the body must be an action object (exec, limits, parameters)",
        ));
    };
    obj.entry("name").or_insert(json!(name));
    serde_json::from_value(value).map_err(|e| malformed(&format!("the action does not fit: {e}")))
}

/// What an invoke answers: 202 with the id while it runs on; the activation (or only its
/// result) when it ended, 200 on success and 502 on an application or developer error.
fn invoked_response(invoked: Invoked, only_result: bool) -> Response {
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

fn annotation(annotations: &[wire::KeyValue], key: &str) -> Option<String> {
    annotations
        .iter()
        .find(|kv| kv.key == key)
        .and_then(|kv| kv.value.as_str())
        .map(str::to_string)
}

fn package_json(namespace: &str, p: engine::Package, with_actions: bool) -> wire::Package {
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

/// An OpenWhisk action body → the engine's draft: a web action is one annotated
/// `web-export`; absent limits are OpenWhisk's defaults (60 s, 256 MB); `nodejs:default` is
/// Node.js 20.
fn to_draft(a: &wire::Action) -> Result<ActionDraft, EngineError> {
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
        // `/ns/pkg/action` or `/ns/action`.
        let components = exec
            .components
            .unwrap_or_default()
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
            .collect::<Result<_, _>>()?;
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
            raw_http: None,
            custom_options: None,
        }),
    })
}

fn action_json(namespace: &str, a: &StoredAction, with_code: bool) -> wire::Action {
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

fn activation_json(r: &ActivationRecord, full: bool) -> wire::Activation {
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::answered;

    #[tokio::test]
    async fn too_many_requests_is_openwhisks_error_with_status_429() {
        let busy = EngineError::new(ErrorCode::TooManyRequests, "100 invocations are running");
        let (status, body) = answered(engine_error(busy)).await;
        assert_eq!(
            (status, &body["error"]),
            (429, &json!("100 invocations are running"))
        );
        assert!(body["code"].is_string(), "{body}");
    }
}
