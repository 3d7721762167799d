//! The embedded engine's HTTP dialects. Each answers exactly as its cloud does and checks that
//! cloud's signature with the verifying half of `providers::sign`, so the console's clients,
//! and the providers' own SDKs, work against the engine unchanged.
#![warn(missing_docs, unreachable_pub)]

mod huawei;
mod keys;
mod live;
mod ncp;
mod openwhisk;
mod tencent;

pub use keys::{DialectKeys, HuaweiKeys, NcpKeys, OpenWhiskKeys, TencentKeys};

use axum::Router;
use axum::extract::rejection::BytesRejection;
use axum::extract::{DefaultBodyLimit, MatchedPath, Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::Response;
use engine::store::Expect;
use engine::{Engine, EngineError};
use providers::ActivationStatus;
use std::ops::RangeInclusive;
use std::sync::Arc;
use std::time::Duration;
use tower_http::timeout::RequestBodyTimeoutLayer;
use tracing::Instrument;

/// How long a request's body may take to arrive after its head.
pub const BODY_DEADLINE: Duration = Duration::from_secs(30);

/// The largest request body accepted (NCP and OpenWhisk: 1 MB payloads).
pub const MAX_BODY_BYTES: usize = 1024 * 1024;

/// What every dialect handler reaches.
#[derive(Clone)]
pub struct DialectState {
    /// The engine.
    pub engine: Arc<Engine>,
    /// The accepted keys.
    pub keys: Arc<DialectKeys>,
}

/// Every dialect, on one router.
pub fn router(engine: Arc<Engine>, keys: Arc<DialectKeys>) -> Router {
    router_with_body_deadline(engine, keys, BODY_DEADLINE)
}

/// As [`router`], with another deadline for a request's body (tests).
pub fn router_with_body_deadline(
    engine: Arc<Engine>,
    keys: Arc<DialectKeys>,
    body_deadline: Duration,
) -> Router {
    let state = DialectState { engine, keys };
    Router::new()
        .merge(ncp::routes(&state))
        .merge(openwhisk::routes(&state))
        .merge(huawei::routes(&state))
        .merge(tencent::routes(&state))
        .fallback(unserved)
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
        // A body that does not arrive in time is an unreadable body, answered in the
        // cloud's shape: a caller cannot hold a request open by announcing bytes it never
        // sends (FunctionGraph and SCF wait for the body of any signed-looking request).
        .layer(RequestBodyTimeoutLayer::new(body_deadline))
        .with_state(state)
}

/// A path no route of any dialect matches: a 404 in the shape of the API its prefix names
/// (NCP's bases, FunctionGraph's `/v2/`, OpenWhisk for the rest), never axum's empty one.
async fn unserved(method: axum::http::Method, uri: axum::http::Uri) -> Response {
    let path = uri.path();
    if ncp::serves(path) {
        ncp::unserved(&method, path)
    } else if path.starts_with("/v2/") {
        huawei::unserved()
    } else {
        openwhisk::unserved()
    }
}

/// Runs a blocking engine call off the async threads; a call that panicked or was cancelled
/// is an internal error, so each dialect answers it in its own shape.
pub(crate) async fn run<T: Send + 'static>(
    f: impl FnOnce() -> Result<T, EngineError> + Send + 'static,
) -> Result<T, EngineError> {
    // The engine's spans (an invocation, its activation id) nest in the request's.
    let span = tracing::Span::current();
    tokio::task::spawn_blocking(move || span.in_scope(f))
        .await
        .unwrap_or_else(|_| Err(EngineError::internal("the engine stopped")))
}

/// A blocking invocation (`wait` > 0) started on the engine's runner threads and waited for
/// here without holding a thread: past `wait` the caller gets the activation id and the run
/// goes on. A zero wait is a non-blocking invocation, written to the durable queue.
pub(crate) async fn invoke(
    engine: std::sync::Arc<engine::Engine>,
    package: Option<String>,
    name: String,
    params: serde_json::Map<String, serde_json::Value>,
    subject: String,
    wait: std::time::Duration,
) -> Result<engine::Invoked, EngineError> {
    if wait.is_zero() {
        let (p, n) = (package, name);
        return run(move || engine.invoke_waiting(p.as_deref(), &n, params, &subject, wait)).await;
    }
    let (tx, rx) = tokio::sync::oneshot::channel();
    // The lookup and the admission are a primary-key read and a counter: done here, so an
    // unknown action or a full engine is answered without a hand-off.
    let id = engine.start_invocation(package.as_deref(), &name, params, &subject, move |r| {
        // The caller may have stopped waiting; the activation is stored either way.
        let _ = tx.send(r);
    })?;
    match tokio::time::timeout(wait, rx).await {
        Ok(Ok(result)) => result.map(engine::Invoked::Finished),
        Ok(Err(_)) => Err(EngineError::internal(format!(
            "the invocation {id} stopped without an answer"
        ))),
        Err(_) => Ok(engine::Invoked::StillRunning { activation_id: id }),
    }
}

/// An activation's status as OpenWhisk (and NCP, built on it) report it: a timeout is a
/// developer error there, with the same status code 2.
pub(crate) fn openwhisk_status(status: ActivationStatus) -> &'static str {
    match status {
        ActivationStatus::Timeout => ActivationStatus::DeveloperError.as_str(),
        other => other.as_str(),
    }
}

/// A `tracing` span around each request to a dialect: the dialect and the operation (its
/// method and route, or SCF's `X-TC-Action`), and at its end the status answered.
pub(crate) async fn traced(
    State(dialect): State<&'static str>,
    request: Request,
    next: Next,
) -> Response {
    let operation = match request
        .headers()
        .get("x-tc-action")
        .and_then(|v| v.to_str().ok())
    {
        Some(action) => action.to_string(),
        None => {
            let route = request.extensions().get::<MatchedPath>();
            let path = route.map_or(request.uri().path(), |r| r.as_str());
            format!("{} {path}", request.method())
        }
    };
    let span = tracing::info_span!("dialect_request", dialect, operation = %operation);
    let response = next.run(request).instrument(span.clone()).await;
    span.in_scope(|| tracing::debug!(status = response.status().as_u16(), "answered"));
    response
}

/// The largest 32-bit `Integer`: NCP, OpenWhisk and FunctionGraph type their paging numbers
/// so, and refuse larger ones; it also keeps every page offset far inside the store's `i64`.
pub(crate) const INTEGER_MAX: u64 = i32::MAX as u64;

/// A paging number as a whole number within `range`; `None` for anything else (negative,
/// fractional, past `u64`, outside the range), which each dialect refuses in its own shape.
pub(crate) fn whole_in(value: &str, range: RangeInclusive<u64>) -> Option<u64> {
    value.parse::<u64>().ok().filter(|n| range.contains(n))
}

/// Why a request body could not be read, for each dialect to answer in its own shape:
/// the status (413 past [`MAX_BODY_BYTES`], 400 otherwise) and what to tell the caller.
pub(crate) fn body_problem(rejection: &BytesRejection) -> (StatusCode, String) {
    let status = rejection.status();
    if status == StatusCode::PAYLOAD_TOO_LARGE {
        (
            status,
            format!(
                "The request content was too large: the body may be at most {MAX_BODY_BYTES} bytes (1 MB)."
            ),
        )
    } else {
        (
            status,
            format!(
                "The request body could not be read: {}",
                rejection.body_text()
            ),
        )
    }
}

/// What `If-Match` asks of a write: nothing without it (the dialects' own semantics), else
/// the action at the revision a GET's `ETag` gave (`"7"`), checked in the write's transaction.
/// A value that is not one is refused, so a caller never gets an unconditional write it did
/// not ask for; the message names what is allowed.
pub(crate) fn expect_of(if_match: Option<&HeaderValue>) -> Result<Expect, String> {
    let Some(value) = if_match else {
        return Ok(Expect::Any);
    };
    value
        .to_str()
        .ok()
        .and_then(|v| v.trim().strip_prefix('"')?.strip_suffix('"')?.parse::<u64>().ok())
        .map(Expect::Revision)
        .ok_or_else(|| {
            format!(
                "If-Match must be an action's revision in quotes, as its ETag gives it (\"7\"), not {:?}",
                String::from_utf8_lossy(value.as_bytes())
            )
        })
}

/// `response` with the action's revision as its `ETag` (`"7"`), for a later `If-Match`.
pub(crate) fn with_etag(mut response: Response, revision: u64) -> Response {
    // A decimal number in quotes is always a valid header value.
    if let Ok(tag) = HeaderValue::from_str(&format!("\"{revision}\"")) {
        response.headers_mut().insert(header::ETAG, tag);
    }
    response
}

/// What a dialect answered, for the unit tests: status and JSON body.
#[cfg(test)]
pub(crate) async fn answered(response: axum::response::Response) -> (u16, serde_json::Value) {
    let status = response.status().as_u16();
    let bytes = axum::body::to_bytes(response.into_body(), MAX_BODY_BYTES)
        .await
        .expect("a dialect's answer is a small in-memory body");
    let body = serde_json::from_slice(&bytes).expect("a dialect's error is JSON");
    (status, body)
}
