//! NAVER Cloud Functions API v2, under `/api/v2` and `/ncf/api/v2`, signature v2 checked by
//! a route layer before any handler reads the body.

mod auth;
mod convert;
mod error;
mod handlers;
mod live;

use axum::Router;
use axum::middleware;
use axum::routing::{MethodRouter, any, get};

use crate::DialectState;
use handlers::*;

/// The two places NCP serves its API: the classic platform's and the VPC platform's.
const BASES: [&str; 2] = ["/api/v2", "/ncf/api/v2"];

/// Whether `path` is under one of NCP's bases.
pub(crate) fn serves(path: &str) -> bool {
    BASES.iter().any(|base| {
        path.strip_prefix(base)
            .is_some_and(|rest| rest.is_empty() || rest.starts_with('/'))
    })
}

/// NCP's 404 for a path under its bases that no route matches (`/api/v2` itself).
pub(crate) fn unserved(method: &axum::http::Method, path: &str) -> axum::response::Response {
    use axum::response::IntoResponse;
    let rest = BASES
        .iter()
        .find_map(|b| path.strip_prefix(b))
        .unwrap_or(path);
    error::NcpError::NotFound(format!("{method} {rest}")).into_response()
}

pub(crate) fn routes(state: &DialectState) -> Router<DialectState> {
    let mut router = Router::new();
    for base in BASES {
        // Every path and method NCP does not serve answers NCP's 404, not axum's.
        let route = |r: MethodRouter<DialectState>| r.fallback(not_found);
        router = router
            .route(&format!("{base}/packages"), route(get(list_packages)))
            .route(
                &format!("{base}/packages/{{package}}"),
                route(get(get_package).put(put_package).delete(delete_package)),
            )
            .route(
                &format!("{base}/packages/{{package}}/actions"),
                route(get(list_actions)),
            )
            .route(
                &format!("{base}/packages/{{package}}/actions/{{action}}"),
                route(
                    get(get_action)
                        .put(put_action)
                        .delete(delete_action)
                        .post(run_action),
                ),
            )
            .route(
                &format!("{base}/packages/{{package}}/actions/{{action}}/activations"),
                route(get(list_action_activations)),
            )
            .route(
                &format!("{base}/packages/{{package}}/actions/{{action}}/activations/{{id}}"),
                route(get(get_action_activation)),
            )
            .route(
                &format!("{base}/activations"),
                route(get(list_all_activations)),
            )
            .route(
                &format!("{base}/activations/{{id}}"),
                route(get(get_activation)),
            )
            .route(&format!("{base}/{{*rest}}"), any(not_found));
    }
    router
        .merge(live::routes())
        .route_layer(middleware::from_fn_with_state(
            state.clone(),
            auth::authenticate,
        ))
        .route_layer(middleware::from_fn_with_state("ncp", crate::traced))
}

#[cfg(test)]
mod tests {
    use super::error::NcpError;
    use crate::answered;
    use axum::response::IntoResponse;
    use engine::{EngineError, ErrorCode};
    use serde_json::json;

    #[tokio::test]
    async fn too_many_requests_is_an_ncp_error_with_status_429() {
        let busy = EngineError::new(ErrorCode::TooManyRequests, "100 invocations are running");
        let (status, body) = answered(NcpError::from(busy).into_response()).await;
        assert_eq!(status, 429);
        assert_eq!(
            body,
            json!({"error": {"errorCode": "80429", "message": "TOO_MANY_REQUESTS", "details": "100 invocations are running"}})
        );
    }
}
