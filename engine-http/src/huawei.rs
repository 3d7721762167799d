//! Huawei FunctionGraph v2, under `/v2/{project_id}/fgs`, SDK-HMAC-SHA256 checked. A function
//! is an engine action: URN package `default` is the engine's top level (`-`).

use axum::Router;
use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{Request, State};
use axum::http::{HeaderMap, Method, StatusCode, Uri};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::any;
use engine::store::{AsyncFilter, Paging, Scope};
use engine::{EngineError, ErrorCode, Invoked};
use providers::AsyncStatus;
use providers::sign::encoding::{parse_form, unquote};
use providers::sign::{Secret, VerifyError, huawei as signer};
use providers::wire::huawei as wire;
use serde_json::{Map, Value};
use std::time::Duration;

use crate::{DialectKeys, DialectState, INTEGER_MAX, body_problem, run, whole_in};
use engine::time::{format_utc, parse_utc};

/// Default window of the async-invocation list: the last hour.
const DEFAULT_WINDOW_MS: i64 = 3600 * 1000;

pub(crate) fn routes(state: &DialectState) -> Router<DialectState> {
    Router::new()
        .route("/v2/{project}/fgs/{*rest}", any(handle))
        .route_layer(middleware::from_fn_with_state(state.clone(), authenticate))
}

/// Checks what can be checked before the handler reads the body: a configured IAM token in
/// full; an AK/SK signature in all but the body's hash (the header's shape, the time skew,
/// a signed host, a known access key). The handler checks the whole signature.
async fn authenticate(State(state): State<DialectState>, request: Request, next: Next) -> Response {
    if token_accepted(&state.keys, request.headers()) {
        return next.run(request).await;
    }
    let checked = {
        let query = parse_form(request.uri().query().unwrap_or(""));
        let headers = header_list(request.headers());
        let (method, path) = (request.method(), request.uri().path());
        verify_signature(&state.keys, method, path, &query, &headers, &[])
    };
    match checked {
        // Over an empty body every check but the last runs as it will over the real one:
        // only `BadSignature` can depend on the body, so that one waits for the handler.
        Ok(_) | Err(VerifyError::BadSignature) => next.run(request).await,
        Err(_) => refused(),
    }
}

/// The one answer to refused credentials, whatever was wrong with them.
fn refused() -> Response {
    error(StatusCode::FORBIDDEN, "FSS.0403", "invalid token")
}

/// Whether `X-Auth-Token` holds the configured IAM token. An empty token never matches, nor
/// does any token when the configured one is empty (the configuration refuses that too).
fn token_accepted(keys: &DialectKeys, headers: &HeaderMap) -> bool {
    let presented = headers
        .get("x-auth-token")
        .and_then(|v| v.to_str().ok())
        .filter(|t| !t.is_empty());
    match (&keys.huawei.auth_token, presented) {
        (Some(accepted), Some(token)) if !accepted.expose().is_empty() => {
            signer::verify_token(Some(token), accepted).is_ok()
        }
        _ => false,
    }
}

/// The request's SDK-HMAC-SHA256 signature over `body`, checked against the engine's keys.
fn verify_signature(
    keys: &DialectKeys,
    method: &Method,
    path: &str,
    query: &[(String, String)],
    headers: &[(String, String)],
    body: &[u8],
) -> Result<String, VerifyError> {
    let parts = signer::RequestParts {
        method: method.as_str(),
        path,
        query,
        headers,
        body,
    };
    let lookup = |k: &str| {
        (k == keys.huawei.access_key).then(|| Secret::new(keys.huawei.secret_key.expose()))
    };
    signer::verify(parts, lookup, engine::now_ms() / 1000)
}

/// The headers as the signer reads them (a value that is not text reads as empty).
fn header_list(headers: &HeaderMap) -> Vec<(String, String)> {
    headers
        .iter()
        .map(|(k, v)| (k.as_str().to_string(), v.to_str().unwrap_or("").to_string()))
        .collect()
}

fn error(status: StatusCode, code: &str, message: &str) -> Response {
    (
        status,
        axum::Json(wire::ErrorBody {
            error_code: code.into(),
            error_msg: message.into(),
        }),
    )
        .into_response()
}

fn engine_error(e: EngineError) -> Response {
    match e.code {
        ErrorCode::ActionNotFound => {
            error(StatusCode::NOT_FOUND, "FSS.0404", "can not find function")
        }
        ErrorCode::Internal => error(StatusCode::INTERNAL_SERVER_ERROR, "FSS.0500", &e.message),
        // FunctionGraph's error codes: 429 FSS.0429 "Too many requests" (whatever the engine
        // was too busy for: running invocations, a full queue).
        code if code.status() == 429 => {
            error(StatusCode::TOO_MANY_REQUESTS, "FSS.0429", &e.message)
        }
        code => error(
            StatusCode::from_u16(code.status()).unwrap_or(StatusCode::BAD_REQUEST),
            "FSS.0400",
            &e.message,
        ),
    }
}

/// A `marker` that is not a record position. The seed documents it as a string of at most 64
/// characters starting at 0, and `next_marker` as an `Integer` (32-bit: Huawei's references
/// write `Long` for 64-bit), so no marker past 2^31-1 can come from a previous page.
fn marker_refused() -> Response {
    error(
        StatusCode::BAD_REQUEST,
        "FSS.0400",
        &format!("marker must be a whole number from 0 to {INTEGER_MAX}"),
    )
}

/// `urn:fss:{region}:{project}:function:{package}:{name}:{version}` → (engine package, name);
/// FunctionGraph's `default` package is the engine's top level.
fn action_of(urn: &str) -> Option<(Option<String>, String)> {
    let parts: Vec<&str> = urn.split(':').collect();
    match parts.as_slice() {
        ["urn", "fss", _, _, "function", package, name, ..] => Some((
            (*package != "default").then(|| package.to_string()),
            name.to_string(),
        )),
        _ => None,
    }
}

/// Every FunctionGraph request, once [`authenticate`] let it through.
async fn handle(
    State(state): State<DialectState>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Response {
    let body = match body {
        Ok(b) => b,
        // Refused before the signature is checked: an unread body cannot be verified.
        Err(r) => {
            let (status, message) = body_problem(&r);
            return error(status, "FSS.0400", &message);
        }
    };
    let query = parse_form(uri.query().unwrap_or(""));
    // An IAM token, where one is configured, stands in for the AK/SK signature.
    if !token_accepted(&state.keys, &headers)
        && verify_signature(
            &state.keys,
            &method,
            uri.path(),
            &query,
            &header_list(&headers),
            &body,
        )
        .is_err()
    {
        return refused();
    }
    let path = unquote(uri.path());
    let segments: Vec<&str> = path.trim_matches('/').split('/').collect();
    let [_, project, "fgs", rest @ ..] = segments.as_slice() else {
        return error(StatusCode::NOT_FOUND, "FSS.0404", "can not find resource");
    };
    if *project != state.keys.huawei.project_id {
        return error(
            StatusCode::FORBIDDEN,
            "FSS.0403",
            "the project id does not match the credentials",
        );
    }
    let q = |name: &str| {
        query
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
    };
    let engine = state.engine.clone();
    // The engine has one region; URNs name it `local` (clients may send any region).
    let (project, region, subject) = (project.to_string(), "local", state.keys.namespace.clone());

    match (method.as_str(), rest) {
        ("GET", ["functions"]) => {
            // Both fit a `usize` on every target.
            let marker = match q("marker").map(|m| whole_in(&m, 0..=INTEGER_MAX)) {
                None => 0,
                Some(Some(m)) => m as usize,
                Some(None) => return marker_refused(),
            };
            let max = match q("maxitems").map(|m| whole_in(&m, 1..=400)) {
                None => 400,
                Some(Some(m)) => m as usize,
                Some(None) => {
                    return error(
                        StatusCode::BAD_REQUEST,
                        "FSS.0400",
                        "maxitems must be 1 to 400",
                    );
                }
            };
            match run(move || engine.actions(&Scope::All)).await {
                Ok(all) => {
                    let basic: Vec<_> = all
                        .into_iter()
                        .filter(|a| !a.kind().is_sequence())
                        .collect();
                    let total = basic.len();
                    let functions = basic
                        .into_iter()
                        .skip(marker)
                        .take(max)
                        .map(|a| {
                            let package =
                                a.package.clone().unwrap_or_else(|| "default".to_string());
                            let code = a.draft.code();
                            wire::FunctionInfo {
                                func_urn: format!(
                                    "urn:fss:{region}:{project}:function:{package}:{}:latest",
                                    a.name
                                ),
                                func_name: a.name.clone(),
                                package: Some(package),
                                runtime: Some(a.draft.runtime().to_string()),
                                timeout: code.map(|c| c.limits.timeout_ms.div_ceil(1000)),
                                memory_size: code.map(|c| c.limits.memory_mb),
                                handler: code
                                    .and_then(|c| c.main.as_ref())
                                    .map(|m| format!("index.{m}")),
                                description: a.draft.description.clone(),
                            }
                        })
                        .collect::<Vec<_>>();
                    let reached = marker.saturating_add(functions.len());
                    let next = if reached < total { reached as u64 } else { 0 };
                    axum::Json(wire::FunctionList {
                        functions,
                        next_marker: Some(next),
                        count: Some(total as u64),
                    })
                    .into_response()
                }
                Err(e) => engine_error(e),
            }
        }
        (_, ["functions", urn, tail]) => {
            let Some((package, name)) = action_of(urn) else {
                return error(StatusCode::NOT_FOUND, "FSS.0404", "can not find function");
            };
            let params = || -> Result<Map<String, Value>, Response> {
                if body.is_empty() {
                    return Ok(Map::new());
                }
                match serde_json::from_slice::<Value>(&body) {
                    Ok(Value::Object(m)) => Ok(m),
                    _ => Err(error(
                        StatusCode::BAD_REQUEST,
                        "FSS.0400",
                        "the request body must be a JSON object",
                    )),
                }
            };
            match (method.as_str(), *tail) {
                ("POST", "invocations") => {
                    let params = match params() {
                        Ok(p) => p,
                        Err(r) => return r,
                    };
                    match run(move || {
                        engine.invoke_waiting(
                            package.as_deref(),
                            &name,
                            params,
                            &subject,
                            Duration::from_secs(900),
                        )
                    })
                    .await
                    {
                        Ok(Invoked::Finished(a)) => axum::Json(wire::InvokeResponse {
                            request_id: a.id.clone(),
                            result: a.result.to_string(),
                            log: a.logs.join("\n"),
                            status: if a.status.is_success() { 0 } else { 1 },
                        })
                        .into_response(),
                        Ok(Invoked::StillRunning { activation_id }) => {
                            axum::Json(wire::AsyncInvokeResponse {
                                request_id: activation_id,
                            })
                            .into_response()
                        }
                        Err(e) => engine_error(e),
                    }
                }
                ("POST", "invocations-async") => {
                    let params = match params() {
                        Ok(p) => p,
                        Err(r) => return r,
                    };
                    match run(move || {
                        engine.enqueue(
                            package.as_deref(),
                            &name,
                            params,
                            &subject,
                            Duration::from_secs(6 * 3600),
                        )
                    })
                    .await
                    {
                        Ok(queued) => (
                            StatusCode::ACCEPTED,
                            axum::Json(wire::AsyncInvokeResponse {
                                request_id: queued.request_id,
                            }),
                        )
                            .into_response(),
                        Err(e) => engine_error(e),
                    }
                }
                ("GET", "async-invocations") => {
                    let limit = match q("limit").map(|l| whole_in(&l, 1..=500)) {
                        None => 100,
                        Some(Some(l)) => l,
                        Some(None) => {
                            return error(
                                StatusCode::BAD_REQUEST,
                                "FSS.0400",
                                "limit must be a whole number from 1 to 500",
                            );
                        }
                    };
                    let marker = match q("marker").map(|m| whole_in(&m, 0..=INTEGER_MAX)) {
                        None => 0,
                        Some(Some(m)) => m,
                        Some(None) => return marker_refused(),
                    };
                    let status = match q("status") {
                        None => None,
                        Some(s) => match AsyncStatus::parse(&s) {
                            Some(s) => Some(s),
                            None => {
                                return error(
                                    StatusCode::BAD_REQUEST,
                                    "FSS.0400",
                                    "status must be WAIT, RUNNING, SUCCESS, FAIL or DISCARD",
                                );
                            }
                        },
                    };
                    let now = engine::now_ms();
                    let parse_time = |name: &str| -> Result<Option<i64>, Response> {
                        match q(name) {
                            None => Ok(None),
                            Some(t) => parse_utc(&t, 'T').map(Some).ok_or_else(|| {
                                error(
                                    StatusCode::BAD_REQUEST,
                                    "FSS.0400",
                                    &format!("{name} must be YYYY-MM-DDTHH:mm:ss (UTC)"),
                                )
                            }),
                        }
                    };
                    let (begin, end) =
                        match (parse_time("query_begin_time"), parse_time("query_end_time")) {
                            (Ok(b), Ok(e)) => {
                                (b.unwrap_or(now - DEFAULT_WINDOW_MS), e.unwrap_or(now))
                            }
                            (Err(r), _) | (_, Err(r)) => return r,
                        };
                    let filter = AsyncFilter {
                        package: Scope::of(package.as_deref()),
                        action: Some(name.clone()),
                        request_id: q("request_id"),
                        status,
                        since_ms: Some(begin),
                        upto_ms: Some(end),
                    };
                    let listed = run(move || {
                        engine.action(package.as_deref(), &name)?;
                        engine.async_invocations(
                            &filter,
                            Paging {
                                offset: marker,
                                limit,
                            },
                        )
                    });
                    match listed.await {
                        Ok((items, total)) => {
                            let next = marker.saturating_add(items.len() as u64);
                            axum::Json(wire::AsyncInvocationList {
                                invocations: items
                                    .into_iter()
                                    .map(|r| wire::AsyncInvocationRecord {
                                        request_id: r.request_id,
                                        status: r.status.as_str().into(),
                                        error_message: Some(r.error_message),
                                        start_time: r.start_ms.map(|ms| format_utc(ms, 'T')),
                                        end_time: r.end_ms.map(|ms| format_utc(ms, 'T')),
                                        error_code: Some(r.error_code),
                                    })
                                    .collect(),
                                count: Some(total),
                                next_marker: Some(if next < total { next } else { 0 }),
                            })
                            .into_response()
                        }
                        Err(e) => engine_error(e),
                    }
                }
                _ => error(StatusCode::NOT_FOUND, "FSS.0404", "can not find resource"),
            }
        }
        _ => error(StatusCode::NOT_FOUND, "FSS.0404", "can not find resource"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::answered;
    use crate::keys::{HuaweiKeys, NcpKeys, OpenWhiskKeys, TencentKeys};

    fn keys_with_token(token: &str) -> DialectKeys {
        DialectKeys {
            namespace: "guest".into(),
            ncp: NcpKeys {
                access_key: "ncp-ak".into(),
                secret_key: "ncp-sk".into(),
            },
            openwhisk: OpenWhiskKeys { auth: "u:k".into() },
            huawei: HuaweiKeys {
                project_id: "p".into(),
                access_key: "hw-ak".into(),
                secret_key: "hw-sk".into(),
                auth_token: Some(token.into()),
            },
            tencent: TencentKeys {
                secret_id: "tc-id".into(),
                secret_key: "tc-key".into(),
                region: "ap-guangzhou".into(),
            },
        }
    }

    fn presenting(token: Option<&str>) -> HeaderMap {
        let mut headers = HeaderMap::new();
        if let Some(t) = token {
            headers.insert("x-auth-token", t.parse().expect("a plain header value"));
        }
        headers
    }

    #[test]
    fn an_empty_token_never_authenticates() {
        // Even where an empty token was configured (the configuration refuses that).
        let empty = keys_with_token("");
        for presented in [Some(""), None, Some("x")] {
            assert!(
                !token_accepted(&empty, &presenting(presented)),
                "{presented:?}"
            );
        }
        let set = keys_with_token("hw-iam-token");
        assert!(!token_accepted(&set, &presenting(Some(""))));
        assert!(!token_accepted(&set, &presenting(None)));
        assert!(!token_accepted(&set, &presenting(Some("hw-iam-token "))));
        assert!(token_accepted(&set, &presenting(Some("hw-iam-token"))));
    }

    #[tokio::test]
    async fn too_many_requests_is_fss_0429() {
        let busy = EngineError::new(ErrorCode::TooManyRequests, "100 invocations are running");
        let (status, body) = answered(engine_error(busy)).await;
        assert_eq!(
            (status, &body["error_code"], &body["error_msg"]),
            (
                429,
                &"FSS.0429".into(),
                &"100 invocations are running".into()
            )
        );
    }
}
