//! Tencent SCF: API 3.0 (`POST /`, TC3-HMAC-SHA256, `X-TC-Action`) with ListFunctions, Invoke
//! and GetFunctionLogs; and the legacy API's GetFunctionLogs (`/v2/index.php`, HmacSHA1/256).
//! An SCF namespace is an engine package (`default` is the engine's top level).

use axum::Router;
use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{Request, State};
use axum::http::{HeaderMap, Method, StatusCode, Uri};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{any, post};
use engine::store::{ActivationFilter, ActivationOrder, ActivationRecord, Order, Paging, Scope};
use engine::{EngineError, ErrorCode, Invoked};
use providers::sign::encoding::parse_form;
use providers::sign::{Secret, VerifyError, tencent_legacy, tencent_tc3};
use providers::wire::tencent as wire;
use serde_json::{Map, Value, json};
use std::time::Duration;

use crate::{DialectKeys, DialectState, body_problem, run, whole_in};
use engine::time::{format_utc, parse_utc};

/// Most records a GetFunctionLogs window may reach (`Offset + Limit`).
const MAX_WINDOW: u64 = 10_000;
/// Longest time range of one GetFunctionLogs query.
const MAX_RANGE_MS: i64 = 24 * 3600 * 1000;
/// How long a `RequestResponse` Invoke waits for its function before answering. SCF lets a
/// synchronous call run up to 300 s (the engine's longest `limits.timeout` too), but the
/// console's client gives up after 70 s (`providers::client::TransportOptions`'s default
/// timeout), so a longer wait would only ever be answered to nobody. 60 s answers with 10 s
/// to spare for admission, the network and the body, and is the longest blocking wait the
/// other dialects allow (NCP's `timeout`, OpenWhisk's blocking invoke: 60,000 ms). Past it
/// the caller gets SCF's answer for a function past its time; the run goes on, recorded.
const SYNC_WAIT: Duration = Duration::from_secs(60);
/// SCF's function status code for a run past its time (`TimeLimitReached`).
const TIME_LIMIT_REACHED: i64 = 433;

pub(crate) fn routes(state: &DialectState) -> Router<DialectState> {
    Router::new()
        .route("/", post(api3))
        .route_layer(middleware::from_fn_with_state(state.clone(), authenticate))
        // The legacy API signs its parameters, which a POST carries in its body: nothing can
        // be checked before the body is read, so its handler checks everything.
        .route("/v2/index.php", any(legacy))
}

/// Checks what of TC3-HMAC-SHA256 can be checked before the handler reads the body: the
/// `Authorization` header's shape, the time skew, the credential date, a signed host, every
/// signed header present, a known secret id. The handler checks the whole signature.
async fn authenticate(State(state): State<DialectState>, request: Request, next: Next) -> Response {
    let checked = {
        let header = |name: &str| request.headers().get(name).and_then(|v| v.to_str().ok());
        let (method, query) = (request.method(), request.uri().query().unwrap_or(""));
        verify_tc3(&state.keys, method, query, header, &[])
    };
    match checked {
        // Over an empty body every check but the last runs as it will over the real one:
        // only `BadSignature` can depend on the body, so that one waits for the handler.
        Ok(_) | Err(VerifyError::BadSignature) => next.run(request).await,
        Err(e) => signature_failure(&e),
    }
}

/// The request's TC3-HMAC-SHA256 signature over `body`, checked against the engine's keys.
fn verify_tc3<'a>(
    keys: &DialectKeys,
    method: &Method,
    query: &str,
    header: impl Fn(&str) -> Option<&'a str>,
    body: &[u8],
) -> Result<String, VerifyError> {
    let lookup = |k: &str| {
        (k == keys.tencent.secret_id).then(|| Secret::new(keys.tencent.secret_key.expose()))
    };
    tencent_tc3::verify(
        method.as_str(),
        query,
        header,
        body,
        lookup,
        engine::now_ms() / 1000,
    )
}

/// What is wrong with refused credentials, for a caller. An unknown secret id and a wrong
/// signature read the same, so the answer does not tell which secret ids exist.
fn credentials_problem(e: &VerifyError) -> String {
    match e {
        VerifyError::UnknownKey | VerifyError::BadSignature => {
            "the signature does not match the request".into()
        }
        other => other.to_string(),
    }
}

/// API 3.0's answer to refused credentials.
fn signature_failure(e: &VerifyError) -> Response {
    api_error(
        "AuthFailure.SignatureFailure",
        format!(
            "The provided credentials could not be validated: {}",
            credentials_problem(e)
        ),
    )
}

fn api_error(code: &str, message: impl Into<String>) -> Response {
    axum::Json(json!({ "Response": { "Error": { "Code": code, "Message": message.into() }, "RequestId": engine::new_id() } })).into_response()
}

fn engine_error(e: EngineError) -> Response {
    match e.code {
        ErrorCode::ActionNotFound => {
            api_error("ResourceNotFound.Function", "the function does not exist")
        }
        ErrorCode::Internal => api_error("InternalError", e.message),
        // SCF's common code for an exceeded quota (the engine was too busy: running
        // invocations, a full queue).
        code if code.status() == 429 => api_error("LimitExceeded", e.message),
        _ => api_error("InvalidParameterValue", e.message),
    }
}

fn ok<T: serde::Serialize>(value: T) -> Response {
    axum::Json(wire::Envelope { response: value }).into_response()
}

/// An SCF namespace's engine package: `default` (or none) is the top level.
fn package_of(namespace: Option<&str>) -> Option<String> {
    match namespace {
        None | Some("default") | Some("") => None,
        Some(n) => Some(n.to_string()),
    }
}

/// The query every GetFunctionLogs asks, whichever API it came through.
struct LogsQuery {
    package: Option<String>,
    function: Option<String>,
    request_id: Option<String>,
    page: Paging,
    order: Order,
    succeeded: Option<bool>,
    start: Option<i64>,
    end: Option<i64>,
}

impl LogsQuery {
    fn parse(get: impl Fn(&str) -> Option<String>) -> Result<Self, String> {
        let number = |name: &str, default: u64| -> Result<u64, String> {
            get(name).map_or(Ok(default), |v| {
                whole_in(&v, 0..=MAX_WINDOW).ok_or_else(|| {
                    format!("{name} must be a whole number from 0 to {MAX_WINDOW}, not {v}")
                })
            })
        };
        let offset = number("offset", 0)?;
        let limit = number("limit", 20)?;
        if offset.checked_add(limit).is_none_or(|end| end > MAX_WINDOW) {
            return Err(format!(
                "offset + limit must be at most {MAX_WINDOW} (offset {offset}, limit {limit})"
            ));
        }
        let ascending = match get("order").as_deref() {
            None | Some("desc") => false,
            Some("asc") => true,
            Some(o) => return Err(format!("order \"{o}\" is not desc or asc")),
        };
        let order_by = match get("orderby").as_deref() {
            None | Some("start_time") => ActivationOrder::Start,
            Some("function_name") => ActivationOrder::Action,
            Some("request_id") => ActivationOrder::Id,
            Some("duration") => ActivationOrder::Duration,
            Some("mem_usage") => ActivationOrder::Memory,
            Some(o) => {
                return Err(format!(
                    "orderby \"{o}\" is not start_time, function_name, request_id, duration or mem_usage"
                ));
            }
        };
        let succeeded = match get("retcode").as_deref() {
            None => None,
            Some("is0") => Some(true),
            Some("not0") => Some(false),
            Some(r) => return Err(format!("Filter.RetCode \"{r}\" is not is0 or not0")),
        };
        let time = |name: &str| -> Result<Option<i64>, String> {
            get(name).map_or(Ok(None), |t| {
                parse_utc(&t, ' ')
                    .map(Some)
                    .ok_or_else(|| format!("{name} must be YYYY-MM-DD HH:mm:ss"))
            })
        };
        let (start, end) = (time("starttime")?, time("endtime")?);
        if let (Some(s), Some(e)) = (start, end) {
            if e - s > MAX_RANGE_MS {
                return Err("the time range is longer than one day".into());
            }
        }
        Ok(Self {
            package: package_of(get("namespace").as_deref()),
            function: get("functionname"),
            request_id: get("requestid"),
            page: Paging { offset, limit },
            order: Order {
                by: order_by,
                ascending,
            },
            succeeded,
            start,
            end,
        })
    }

    fn filter(&self) -> ActivationFilter {
        ActivationFilter {
            package: Scope::of(self.package.as_deref()),
            action: self.function.clone(),
            since_ms: self.start,
            upto_ms: self.end,
            id: self.request_id.clone(),
            succeeded: self.succeeded,
        }
    }
}

fn ret_msg(a: &ActivationRecord) -> String {
    a.result.to_string()
}

async fn api3(
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
            return if status == StatusCode::PAYLOAD_TOO_LARGE {
                api_error("RequestSizeLimitExceeded", message)
            } else {
                api_error("InvalidParameter", message)
            };
        }
    };
    let header = |name: &str| headers.get(name).and_then(|v| v.to_str().ok());
    if let Err(e) = verify_tc3(
        &state.keys,
        &method,
        uri.query().unwrap_or(""),
        header,
        &body,
    ) {
        return signature_failure(&e);
    }
    let params: Map<String, Value> = match serde_json::from_slice(&body) {
        Ok(Value::Object(m)) => m,
        _ => return api_error("InvalidParameter", "the request body must be a JSON object"),
    };
    let text = |name: &str| {
        params.get(name).map(|v| {
            v.as_str()
                .map(str::to_string)
                .unwrap_or_else(|| v.to_string())
        })
    };
    let engine = state.engine.clone();
    let subject = state.keys.namespace.clone();
    match header("x-tc-action").unwrap_or("") {
        "ListFunctions" => {
            let package = package_of(text("Namespace").as_deref());
            let number = |name: &str, default: usize, most: usize| match text(name) {
                None => Ok(default),
                Some(v) => v
                    .parse::<usize>()
                    .ok()
                    .filter(|n| *n <= most)
                    .ok_or_else(|| {
                        api_error(
                            "InvalidParameterValue",
                            format!("{name} must be a whole number from 0 to {most}, not {v}"),
                        )
                    }),
            };
            let (offset, limit) = match (number("Offset", 0, usize::MAX), number("Limit", 20, 100))
            {
                (Ok(o), Ok(l)) => (o, l),
                (Err(r), _) | (_, Err(r)) => return r,
            };
            let namespace = text("Namespace").unwrap_or_else(|| "default".into());
            match run(move || engine.actions(&Scope::of(package.as_deref()))).await {
                Ok(all) => {
                    let functions: Vec<_> =
                        all.iter().filter(|a| !a.kind().is_sequence()).collect();
                    ok(wire::ListFunctionsResponse {
                        total_count: functions.len() as u64,
                        functions: functions
                            .into_iter()
                            .skip(offset)
                            .take(limit)
                            .map(|a| wire::FunctionSummary {
                                function_name: a.name.clone(),
                                runtime: Some(a.draft.runtime().to_string()),
                                description: a.draft.description.clone(),
                                namespace: Some(namespace.clone()),
                                status: Some("Active".into()),
                            })
                            .collect(),
                        request_id: engine::new_id(),
                    })
                }
                Err(e) => engine_error(e),
            }
        }
        "Invoke" => {
            let Some(function) = text("FunctionName") else {
                return api_error("MissingParameter", "FunctionName is required");
            };
            let package = package_of(text("Namespace").as_deref());
            let input = match text("ClientContext") {
                None => Map::new(),
                Some(c) => match serde_json::from_str::<Value>(&c) {
                    Ok(Value::Object(m)) => m,
                    _ => {
                        return api_error(
                            "InvalidParameterValue",
                            "ClientContext must be a JSON object in a string",
                        );
                    }
                },
            };
            let event = text("InvocationType").is_some_and(|t| t == "Event");
            if event {
                return match run(move || {
                    engine.enqueue(
                        package.as_deref(),
                        &function,
                        input,
                        &subject,
                        Duration::from_secs(6 * 3600),
                    )
                })
                .await
                {
                    Ok(queued) => ok(
                        json!({ "Result": { "FunctionRequestId": queued.request_id, "RetMsg": "", "Log": "", "ErrMsg": "", "MemUsage": 0, "Duration": 0, "BillDuration": 0, "InvokeResult": 0 }, "RequestId": engine::new_id() }),
                    ),
                    Err(e) => engine_error(e),
                };
            }
            match run(move || {
                engine.invoke_waiting(package.as_deref(), &function, input, &subject, SYNC_WAIT)
            })
            .await
            {
                Ok(Invoked::Finished(a)) => {
                    let success = a.status.is_success();
                    ok(wire::InvokeResponse {
                        result: wire::InvokeResult {
                            function_request_id: a.id.clone(),
                            ret_msg: if success { ret_msg(&a) } else { String::new() },
                            log: a.logs.join("\n"),
                            err_msg: if success {
                                String::new()
                            } else {
                                a.result
                                    .get("error")
                                    .map(|e| {
                                        e.as_str()
                                            .map(str::to_string)
                                            .unwrap_or_else(|| e.to_string())
                                    })
                                    .unwrap_or_default()
                            },
                            mem_usage: a.memory_used,
                            duration: a.duration_ms as f64,
                            bill_duration: a.billed_ms,
                            invoke_result: if success { 0 } else { 1 },
                        },
                        request_id: engine::new_id(),
                    })
                }
                Ok(Invoked::StillRunning { activation_id }) => timed_out(&activation_id),
                Err(e) => engine_error(e),
            }
        }
        "GetFunctionLogs" => {
            let get = |name: &str| -> Option<String> {
                match name {
                    "retcode" => params
                        .get("Filter")
                        .and_then(|f| f.get("RetCode"))
                        .and_then(Value::as_str)
                        .map(str::to_string),
                    "requestid" => text("FunctionRequestId"),
                    other => params
                        .iter()
                        .find(|(k, _)| k.eq_ignore_ascii_case(other))
                        .map(|(_, v)| {
                            v.as_str()
                                .map(str::to_string)
                                .unwrap_or_else(|| v.to_string())
                        }),
                }
            };
            let query = match LogsQuery::parse(get) {
                Ok(q) => q,
                Err(message) => return api_error("InvalidParameterValue", message),
            };
            let (filter, order, page) = (query.filter(), query.order, query.page);
            match run(move || engine.activations(&filter, order, page)).await {
                Ok((items, total)) => ok(wire::LogsResponse {
                    total_count: total,
                    data: items
                        .iter()
                        .map(|a| wire::FunctionLog {
                            function_name: a.action.clone(),
                            ret_msg: ret_msg(a),
                            request_id: a.id.clone(),
                            start_time: format_utc(a.start_ms, ' '),
                            ret_code: if a.status.is_success() { 0 } else { 1 },
                            invoke_finished: 1,
                            duration: a.duration_ms as f64,
                            bill_duration: a.billed_ms,
                            mem_usage: a.memory_used,
                            log: a.logs.join("\n"),
                            level: Some(String::new()),
                            source: Some(String::new()),
                            retry_num: 0,
                        })
                        .collect(),
                    request_id: engine::new_id(),
                }),
                Err(e) => engine_error(e),
            }
        }
        other => api_error(
            "InvalidAction",
            format!("the action \"{other}\" is not supported by this endpoint"),
        ),
    }
}

/// A `RequestResponse` Invoke whose function outlived [`SYNC_WAIT`]: answered as SCF answers
/// a function past its time (a `Result` with status code 433 and the reason in `ErrMsg`),
/// naming the activation the run goes on as.
fn timed_out(activation_id: &str) -> Response {
    let waited_ms = SYNC_WAIT.as_millis() as u64;
    ok(wire::InvokeResponse {
        result: wire::InvokeResult {
            function_request_id: activation_id.to_string(),
            ret_msg: String::new(),
            log: String::new(),
            err_msg: format!(
                "Invoking task timed out after {} seconds; it goes on running as activation {activation_id}",
                SYNC_WAIT.as_secs()
            ),
            mem_usage: 0,
            duration: waited_ms as f64,
            bill_duration: engine::billed(waited_ms),
            invoke_result: TIME_LIMIT_REACHED,
        },
        request_id: engine::new_id(),
    })
}

fn legacy_error(code: i64, desc: &str, message: impl Into<String>) -> Response {
    axum::Json(json!({ "code": code, "message": message.into(), "codeDesc": desc })).into_response()
}

async fn legacy(
    State(state): State<DialectState>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Response {
    let body = match body {
        Ok(b) => b,
        Err(r) => return legacy_error(4000, "InvalidParameter", body_problem(&r).1),
    };
    let params = if method == Method::POST {
        parse_form(&String::from_utf8_lossy(&body))
    } else {
        parse_form(uri.query().unwrap_or(""))
    };
    let host = headers
        .get("host")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let to_sign = tencent_legacy::StringToSign {
        method: method.as_str(),
        host,
        path: "/v2/index.php",
        params: &params,
        key_style: tencent_legacy::KeyStyle::DotsForUnderscores,
    };
    let keys = state.keys.clone();
    let lookup = move |k: &str| {
        (k == keys.tencent.secret_id).then(|| Secret::new(keys.tencent.secret_key.expose()))
    };
    if let Err(e) = tencent_legacy::verify(&to_sign, lookup, engine::now_ms() / 1000) {
        return legacy_error(
            4100,
            "AuthFailure.SignatureFailure",
            format!("(100006) signature error: {}", credentials_problem(&e)),
        );
    }
    // `filter.retCode` may come as `filter_retCode` (signed with `.` either way).
    let get = |name: &str| -> Option<String> {
        params
            .iter()
            .find(|(k, _)| {
                let k = k.to_ascii_lowercase().replace('_', ".");
                if name == "retcode" {
                    k == "filter.retcode"
                } else {
                    k == name
                }
            })
            .map(|(_, v)| v.clone())
    };
    if get("action").as_deref() != Some("GetFunctionLogs") {
        return legacy_error(
            4000,
            "InvalidAction",
            "only GetFunctionLogs is served on this endpoint",
        );
    }
    let query = match LogsQuery::parse(get) {
        Ok(q) => q,
        Err(message) => return legacy_error(4000, "InvalidParameterValue", message),
    };
    let engine = state.engine.clone();
    let (filter, order, page) = (query.filter(), query.order, query.page);
    match run(move || engine.activations(&filter, order, page)).await {
        Ok((items, total)) => axum::Json(wire::LegacyLogsResponse {
            code: 0,
            message: String::new(),
            code_desc: "Success".into(),
            total,
            data: items
                .iter()
                .map(|a| wire::LegacyLog {
                    function_name: a.action.clone(),
                    ret_msg: ret_msg(a),
                    request_id: a.id.clone(),
                    start_time: format_utc(a.start_ms, ' '),
                    ret_code: if a.status.is_success() { 0 } else { 1 },
                    duration: a.duration_ms as f64,
                    bill_duration: a.billed_ms,
                    mem_usage: a.memory_used,
                    log: a.logs.join("\n"),
                })
                .collect(),
        })
        .into_response(),
        Err(e) => legacy_error(5000, "InternalError", e.message),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::answered;

    #[test]
    fn a_synchronous_invoke_answers_before_the_console_gives_up() {
        let client = providers::client::TransportOptions::default().timeout;
        assert!(
            SYNC_WAIT + Duration::from_secs(5) <= client,
            "SCF waits {SYNC_WAIT:?}, the console's client {client:?}"
        );
    }

    #[tokio::test]
    async fn a_wait_that_runs_out_is_scf_s_time_limit_answer() {
        let (status, body) = answered(timed_out("a1")).await;
        assert_eq!(status, 200);
        let result = &body["Response"]["Result"];
        assert_eq!(result["FunctionRequestId"], "a1");
        assert_eq!(result["InvokeResult"], 433);
        assert_eq!(result["Duration"], 60_000.0);
        assert_eq!(result["BillDuration"], 60_000);
        assert_eq!(
            result["ErrMsg"],
            "Invoking task timed out after 60 seconds; it goes on running as activation a1"
        );
        assert!(body["Response"]["Error"].is_null());
    }

    #[tokio::test]
    async fn too_many_requests_is_limit_exceeded() {
        let busy = EngineError::new(ErrorCode::TooManyRequests, "100 invocations are running");
        let (status, body) = answered(engine_error(busy)).await;
        // API 3.0 answers every error with 200 and `Response.Error`.
        assert_eq!(status, 200);
        assert_eq!(
            body["Response"]["Error"],
            json!({"Code": "LimitExceeded", "Message": "100 invocations are running"})
        );
    }
}
