//! One handler per FunctionGraph operation, each answering with `?` through [`FgsError`].

use axum::Json;
use axum::body::Bytes;
use axum::extract::{FromRequest, Path, Request, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use engine::store::{AsyncFilter, Paging, Scope};
use engine::time::parse_utc;
use engine::{Engine, EngineError, Invoked};
use providers::AsyncStatus;
use providers::sign::encoding::{parse_form, unquote};
use providers::wire::huawei as wire;
use serde_json::{Map, Value};
use std::sync::Arc;
use std::time::Duration;

use super::auth;
use super::convert::{action_of, async_record, function_info, invoke_summary, invoked};
use super::error::FgsError;
use crate::{DialectState, INTEGER_MAX, run, whole_in};

/// Default window of the async-invocation list: the last hour.
const DEFAULT_WINDOW_MS: i64 = 3600 * 1000;
/// How long a synchronous invocation waits before answering with the id it goes on under.
/// The console's client gives up after 70 s (`providers::client::TransportOptions`'s default),
/// so a longer wait (this was 900 s) would be answered to nobody; 60 s is the other dialects'
/// longest blocking wait too.
pub(super) const SYNC_WAIT: Duration = Duration::from_secs(60);
/// How long an asynchronous invocation may wait in the queue.
const ASYNC_MAX_WAIT: Duration = Duration::from_secs(6 * 3600);

type Answer = Result<Response, FgsError>;

/// What every FunctionGraph request carries, checked before its operation: a readable body
/// (refused before the signature: an unread body cannot be verified), the IAM token or the
/// whole signature, and the engine's project id.
pub(super) struct Fgs {
    body: Bytes,
    query: Vec<(String, String)>,
    /// The path below `/v2/{project}/fgs`, decoded, in segments.
    rest: Vec<String>,
}

impl Fgs {
    fn q(&self, name: &str) -> Option<String> {
        self.query
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
    }

    /// The body as runtime parameters (none when empty).
    fn params(&self) -> Result<Map<String, Value>, FgsError> {
        if self.body.is_empty() {
            return Ok(Map::new());
        }
        match serde_json::from_slice::<Value>(&self.body) {
            Ok(Value::Object(m)) => Ok(m),
            _ => Err(FgsError::bad_request(
                "the request body must be a JSON object",
            )),
        }
    }
}

impl FromRequest<DialectState> for Fgs {
    type Rejection = FgsError;

    async fn from_request(request: Request, state: &DialectState) -> Result<Self, FgsError> {
        let (method, uri, headers) = (
            request.method().clone(),
            request.uri().clone(),
            request.headers().clone(),
        );
        let body = Bytes::from_request(request, state).await?;
        let query = parse_form(uri.query().unwrap_or(""));
        auth::check(&state.keys, &method, uri.path(), &query, &headers, &body)?;
        let path = unquote(uri.path());
        let segments: Vec<&str> = path.trim_matches('/').split('/').collect();
        let [_, project, "fgs", rest @ ..] = segments.as_slice() else {
            return Err(FgsError::no_resource());
        };
        if *project != state.keys.huawei.project_id {
            return Err(FgsError::other_project());
        }
        let rest = rest.iter().map(|s| s.to_string()).collect();
        Ok(Self { body, query, rest })
    }
}

/// Anything FunctionGraph does not serve: a function's path with a URN that names none is
/// "can not find function", any other "can not find resource".
pub(super) async fn not_found(fgs: Result<Fgs, FgsError>) -> Answer {
    let fgs = fgs?;
    match fgs.rest.as_slice() {
        [functions, urn, _] if functions == "functions" && action_of(urn).is_none() => {
            Err(FgsError::no_function())
        }
        _ => Err(FgsError::no_resource()),
    }
}

/// The function a URN names, or "can not find function".
fn function(urn: &str) -> Result<(Option<String>, String), FgsError> {
    action_of(urn).ok_or_else(FgsError::no_function)
}

/// An invocation: the function a URN names and the body's parameters for it.
struct Call {
    package: Option<String>,
    name: String,
    params: Map<String, Value>,
}

impl Call {
    fn of(urn: &str, fgs: &Fgs) -> Result<Self, FgsError> {
        let (package, name) = function(urn)?;
        let params = fgs.params()?;
        Ok(Self {
            package,
            name,
            params,
        })
    }

    /// Hands the call to `f` with the engine and the namespace (the subject), off the async
    /// threads.
    async fn run<T: Send + 'static>(
        self,
        s: &DialectState,
        f: impl FnOnce(&Arc<Engine>, Self, &str) -> Result<T, EngineError> + Send + 'static,
    ) -> Result<T, FgsError> {
        let (engine, subject) = (s.engine.clone(), s.keys.namespace.clone());
        Ok(run(move || f(&engine, self, &subject)).await?)
    }
}

pub(super) async fn list_functions(
    State(s): State<DialectState>,
    Path(project): Path<String>,
    fgs: Fgs,
) -> Answer {
    // Both fit a `usize` on every target.
    let marker = match fgs.q("marker").map(|m| whole_in(&m, 0..=INTEGER_MAX)) {
        None => 0,
        Some(Some(m)) => m as usize,
        Some(None) => return Err(FgsError::marker()),
    };
    let max = match fgs.q("maxitems").map(|m| whole_in(&m, 1..=400)) {
        None => 400,
        Some(Some(m)) => m as usize,
        Some(None) => return Err(FgsError::bad_request("maxitems must be 1 to 400")),
    };
    let all = run(move || s.engine.actions(&Scope::All)).await?;
    let basic: Vec<_> = all
        .into_iter()
        .filter(|a| !a.kind().is_sequence())
        .collect();
    let total = basic.len();
    let functions: Vec<_> = basic
        .into_iter()
        .skip(marker)
        .take(max)
        .map(|a| function_info(&project, a))
        .collect();
    let reached = marker.saturating_add(functions.len());
    let next = if reached < total { reached as u64 } else { 0 };
    Ok(Json(wire::FunctionList {
        functions,
        next_marker: Some(next),
        count: Some(total as u64),
    })
    .into_response())
}

pub(super) async fn invoke(
    State(s): State<DialectState>,
    Path((_, urn)): Path<(String, String)>,
    fgs: Fgs,
) -> Answer {
    let c = Call::of(&urn, &fgs)?;
    let (engine, subject) = (s.engine.clone(), s.keys.namespace.clone());
    let ran = crate::invoke(engine, c.package, c.name, c.params, subject, SYNC_WAIT).await?;
    Ok(match ran {
        Invoked::Finished(a) => {
            let summary = [(wire::INVOKE_SUMMARY, invoke_summary(&a))];
            (summary, Json(invoked(&a))).into_response()
        }
        Invoked::StillRunning { activation_id } => Json(wire::AsyncInvokeResponse {
            request_id: activation_id,
        })
        .into_response(),
    })
}

pub(super) async fn invoke_async(
    State(s): State<DialectState>,
    Path((_, urn)): Path<(String, String)>,
    fgs: Fgs,
) -> Answer {
    let queued = Call::of(&urn, &fgs)?
        .run(&s, |engine, c, subject| {
            let package = c.package.as_deref();
            engine.enqueue(package, &c.name, c.params, subject, ASYNC_MAX_WAIT)
        })
        .await?;
    let body = wire::AsyncInvokeResponse {
        request_id: queued.request_id,
    };
    Ok((StatusCode::ACCEPTED, Json(body)).into_response())
}

/// Seed 002's query: `limit` 1 to 500 (100), `marker`, `status`, `request_id` and a time
/// window (the last hour).
fn async_query(
    fgs: &Fgs,
    package: Option<&str>,
    name: &str,
) -> Result<(AsyncFilter, Paging), FgsError> {
    let limit = match fgs.q("limit").map(|l| whole_in(&l, 1..=500)) {
        None => 100,
        Some(Some(l)) => l,
        Some(None) => {
            return Err(FgsError::bad_request(
                "limit must be a whole number from 1 to 500",
            ));
        }
    };
    let marker = match fgs.q("marker").map(|m| whole_in(&m, 0..=INTEGER_MAX)) {
        None => 0,
        Some(Some(m)) => m,
        Some(None) => return Err(FgsError::marker()),
    };
    let status = fgs
        .q("status")
        .map(|s| {
            AsyncStatus::parse(&s).ok_or_else(|| {
                FgsError::bad_request("status must be WAIT, RUNNING, SUCCESS, FAIL or DISCARD")
            })
        })
        .transpose()?;
    let time = |name: &str| {
        fgs.q(name)
            .map(|t| {
                parse_utc(&t, 'T').ok_or_else(|| {
                    FgsError::bad_request(format!("{name} must be YYYY-MM-DDTHH:mm:ss (UTC)"))
                })
            })
            .transpose()
    };
    let now = engine::now_ms();
    let begin = time("query_begin_time")?.unwrap_or(now - DEFAULT_WINDOW_MS);
    let end = time("query_end_time")?.unwrap_or(now);
    let filter = AsyncFilter {
        package: Scope::of(package),
        action: Some(name.to_string()),
        request_id: fgs.q("request_id"),
        status,
        since_ms: Some(begin),
        upto_ms: Some(end),
    };
    let page = Paging {
        offset: marker,
        limit,
    };
    Ok((filter, page))
}

/// Seed 002: `limit` 1 to 500 (100), `marker`, `status`, a time window (the last hour).
pub(super) async fn list_async_invocations(
    State(s): State<DialectState>,
    Path((_, urn)): Path<(String, String)>,
    fgs: Fgs,
) -> Answer {
    let (package, name) = function(&urn)?;
    let (filter, page) = async_query(&fgs, package.as_deref(), &name)?;
    let (items, total) = run(move || {
        s.engine.action(package.as_deref(), &name)?;
        s.engine.async_invocations(&filter, page)
    })
    .await?;
    let next = page.offset.saturating_add(items.len() as u64);
    Ok(Json(wire::AsyncInvocationList {
        invocations: items.into_iter().map(async_record).collect(),
        count: Some(total),
        next_marker: Some(if next < total { next } else { 0 }),
    })
    .into_response())
}
