//! Apache OpenWhisk REST API v1, under `/api/v1/namespaces/{namespace}`, basic auth checked
//! by a route layer; web actions under `/api/v1/web`, public.

mod auth;
mod convert;
mod error;
mod handlers;
mod live;
mod web;

use axum::Router;
use axum::middleware;
use axum::routing::{MethodRouter, any, get};

use crate::DialectState;
use handlers::*;

/// OpenWhisk's 404 for a path no route matches (a web action's address without an action
/// name, `/api/v1` alone, or a path of no dialect at all).
pub(crate) fn unserved() -> axum::response::Response {
    use axum::response::IntoResponse;
    error::OwError::not_found().into_response()
}

pub(crate) fn routes(state: &DialectState) -> Router<DialectState> {
    // Every path and method OpenWhisk does not serve answers its 404, not axum's.
    let route = |r: MethodRouter<DialectState>| r.fallback(not_found);
    let action = || {
        route(
            get(get_action)
                .put(put_action)
                .delete(delete_action)
                .post(run_action),
        )
    };
    let ns = "/api/v1/namespaces/{namespace}";
    Router::new()
        .route(&format!("{ns}/actions"), route(get(list_actions)))
        .route(&format!("{ns}/actions/{{name}}"), action())
        .route(&format!("{ns}/actions/{{package}}/{{name}}"), action())
        .route(&format!("{ns}/packages"), route(get(list_packages)))
        .route(
            &format!("{ns}/packages/{{name}}"),
            route(get(get_package).put(put_package).delete(delete_package)),
        )
        .route(&format!("{ns}/activations"), route(get(list_activations)))
        .route(
            &format!("{ns}/activations/{{id}}"),
            route(get(get_activation)),
        )
        .route(
            &format!("{ns}/activations/{{id}}/{{part}}"),
            route(get(get_activation_part)),
        )
        .route(&format!("{ns}/{{*rest}}"), any(not_found))
        .merge(live::routes())
        .route_layer(middleware::from_fn_with_state(
            state.clone(),
            auth::authenticate,
        ))
        // Web actions are public: no credentials.
        .route(
            "/api/v1/web/{namespace}/{package}/{*action}",
            any(web::run_web),
        )
        .route_layer(middleware::from_fn_with_state("openwhisk", crate::traced))
}

#[cfg(test)]
mod tests {
    use super::error::OwError;
    use crate::answered;
    use axum::response::IntoResponse;
    use engine::{EngineError, ErrorCode};
    use serde_json::json;

    #[tokio::test]
    async fn too_many_requests_is_openwhisks_error_with_status_429() {
        let busy = EngineError::new(ErrorCode::TooManyRequests, "100 invocations are running");
        let (status, body) = answered(OwError::from(busy).into_response()).await;
        assert_eq!(
            (status, &body["error"]),
            (429, &json!("100 invocations are running"))
        );
        assert!(body["code"].is_string(), "{body}");
    }
}
