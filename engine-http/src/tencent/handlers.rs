//! API 3.0: one `POST /`, the operation in `X-TC-Action`, its parameters a JSON body; one
//! handler per operation, each answering with `?` through [`ScfError`].

use axum::body::Bytes;
use axum::extract::State;
use axum::extract::rejection::BytesRejection;
use axum::http::{HeaderMap, Method, Uri};
use axum::response::Response;
use engine::Invoked;
use engine::store::Scope;
use providers::wire::tencent as wire;
use serde_json::{Map, Value, json};

use super::convert::{LogsQuery, function_log, invoked, ok, package_of, timed_out};
use super::error::ScfError;
use super::{EVENT_MAX_WAIT, SYNC_WAIT, auth};
use crate::{DialectState, run};

type Answer = Result<Response, ScfError>;

/// An operation's parameters, each as text (a JSON number or object as its JSON).
struct Params(Map<String, Value>);

impl Params {
    fn text(&self, name: &str) -> Option<String> {
        self.0.get(name).map(|v| {
            v.as_str()
                .map(str::to_string)
                .unwrap_or_else(|| v.to_string())
        })
    }
}

/// Any method but `POST` on `/`: Tencent's `UnsupportedProtocol`, in SCF's envelope (not
/// axum's bare 405, which no SCF client can read).
pub(super) async fn other_method(method: Method) -> ScfError {
    ScfError::new(
        "UnsupportedProtocol",
        format!("the SCF API 3.0 takes POST requests with a JSON body, not {method}"),
    )
}

/// Every API 3.0 request: the body read, the whole signature checked, the operation run.
pub(super) async fn api3(
    State(state): State<DialectState>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Answer {
    let body = body?;
    let header = |name: &str| headers.get(name).and_then(|v| v.to_str().ok());
    let query = uri.query().unwrap_or("");
    auth::verify_tc3(&state.keys, &method, query, header, &body)
        .map_err(|e| ScfError::signature(&e))?;
    let params = match serde_json::from_slice(&body) {
        Ok(Value::Object(m)) => Params(m),
        _ => {
            return Err(ScfError::new(
                "InvalidParameter",
                "the request body must be a JSON object",
            ));
        }
    };
    match header("x-tc-action").unwrap_or("") {
        "ListFunctions" => list_functions(state, params).await,
        "Invoke" => invoke(state, params).await,
        "GetFunctionLogs" => get_function_logs(state, params).await,
        other => Err(ScfError::new(
            "InvalidAction",
            format!("the action \"{other}\" is not supported by this endpoint"),
        )),
    }
}

async fn list_functions(state: DialectState, params: Params) -> Answer {
    let number = |name: &str, default: usize, most: usize| match params.text(name) {
        None => Ok(default),
        Some(v) => v
            .parse::<usize>()
            .ok()
            .filter(|n| *n <= most)
            .ok_or_else(|| {
                ScfError::new(
                    "InvalidParameterValue",
                    format!("{name} must be a whole number from 0 to {most}, not {v}"),
                )
            }),
    };
    let (offset, limit) = (number("Offset", 0, usize::MAX)?, number("Limit", 20, 100)?);
    let scope = Scope::of(package_of(params.text("Namespace").as_deref()).as_deref());
    let namespace = params.text("Namespace").unwrap_or_else(|| "default".into());
    let all = run(move || state.engine.actions(&scope)).await?;
    let functions: Vec<_> = all.iter().filter(|a| !a.kind().is_sequence()).collect();
    Ok(ok(wire::ListFunctionsResponse {
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
    }))
}

/// `RequestResponse` waits up to [`SYNC_WAIT`]; `Event` goes to the queue.
async fn invoke(state: DialectState, params: Params) -> Answer {
    let function = params
        .text("FunctionName")
        .ok_or_else(|| ScfError::new("MissingParameter", "FunctionName is required"))?;
    let package = package_of(params.text("Namespace").as_deref());
    let input = match params.text("ClientContext") {
        None => Map::new(),
        Some(c) => match serde_json::from_str::<Value>(&c) {
            Ok(Value::Object(m)) => m,
            _ => {
                return Err(ScfError::new(
                    "InvalidParameterValue",
                    "ClientContext must be a JSON object in a string",
                ));
            }
        },
    };
    let (engine, subject) = (state.engine.clone(), state.keys.namespace.clone());
    if params.text("InvocationType").is_some_and(|t| t == "Event") {
        let queued = run(move || {
            engine.enqueue(
                package.as_deref(),
                &function,
                input,
                &subject,
                EVENT_MAX_WAIT,
            )
        })
        .await?;
        // SCF's log record of an `Event` run carries the request id this answers, so it is
        // the activation the run is recorded (and listed by GetFunctionLogs) as.
        return Ok(ok(
            json!({ "Result": { "FunctionRequestId": queued.activation_id, "RetMsg": "", "Log": "", "ErrMsg": "", "MemUsage": 0, "Duration": 0, "BillDuration": 0, "InvokeResult": 0 }, "RequestId": engine::new_id() }),
        ));
    }
    let ran = crate::invoke(engine, package, function, input, subject, SYNC_WAIT).await?;
    Ok(match ran {
        Invoked::Finished(a) => invoked(&a),
        Invoked::StillRunning { activation_id } => timed_out(&activation_id),
    })
}

async fn get_function_logs(state: DialectState, params: Params) -> Answer {
    let get = |name: &str| -> Option<String> {
        match name {
            "retcode" => params
                .0
                .get("Filter")
                .and_then(|f| f.get("RetCode"))
                .and_then(Value::as_str)
                .map(str::to_string),
            "requestid" => params.text("FunctionRequestId"),
            other => params
                .0
                .keys()
                .find(|k| k.eq_ignore_ascii_case(other))
                .and_then(|k| params.text(k)),
        }
    };
    let query = LogsQuery::parse(get).map_err(|m| ScfError::new("InvalidParameterValue", m))?;
    let (filter, order, page) = (query.filter(), query.order, query.page);
    let (items, total) = run(move || state.engine.activations(&filter, order, page)).await?;
    Ok(ok(wire::LogsResponse {
        total_count: total,
        data: items.iter().map(function_log).collect(),
        request_id: engine::new_id(),
    }))
}
