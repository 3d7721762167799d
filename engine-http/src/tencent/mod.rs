//! Tencent SCF: API 3.0 (`POST /`, TC3-HMAC-SHA256, `X-TC-Action`) with ListFunctions, Invoke
//! and GetFunctionLogs; and the legacy API's GetFunctionLogs (`/v2/index.php`, HmacSHA1/256).
//! An SCF namespace is an engine package (`default` is the engine's top level).

mod auth;
mod convert;
mod error;
mod handlers;
mod legacy;

use axum::Router;
use axum::middleware;
use axum::routing::{any, post};
use std::time::Duration;

use crate::DialectState;

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
/// How long an `Event` invocation may wait in the queue.
const EVENT_MAX_WAIT: Duration = Duration::from_secs(6 * 3600);

pub(crate) fn routes(state: &DialectState) -> Router<DialectState> {
    Router::new()
        .route("/", post(handlers::api3).fallback(handlers::other_method))
        .route_layer(middleware::from_fn_with_state(
            state.clone(),
            auth::authenticate,
        ))
        // The legacy API signs its parameters, which a POST carries in its body: nothing can
        // be checked before the body is read, so its handler checks everything.
        .route("/v2/index.php", any(legacy::get_function_logs))
        .route_layer(middleware::from_fn_with_state("scf", crate::traced))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::answered;
    use axum::response::IntoResponse;
    use engine::{EngineError, ErrorCode};
    use serde_json::json;

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
        let (status, body) = answered(convert::timed_out("a1")).await;
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
        let (status, body) = answered(error::ScfError::from(busy).into_response()).await;
        // API 3.0 answers every error with 200 and `Response.Error`.
        assert_eq!(status, 200);
        assert_eq!(
            body["Response"]["Error"],
            json!({"Code": "LimitExceeded", "Message": "100 invocations are running"})
        );
    }
}
