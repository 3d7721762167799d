//! Huawei FunctionGraph v2, under `/v2/{project_id}/fgs`, SDK-HMAC-SHA256 checked. A function
//! is an engine action: URN package `default` is the engine's top level.

mod auth;
mod convert;
mod error;
mod handlers;

use axum::Router;
use axum::middleware;
use axum::routing::{MethodRouter, any, get, post};

use crate::DialectState;
use handlers::*;

/// FunctionGraph's 404 for a `/v2/…` path no route matches (`/v2/{project}` alone, say).
pub(crate) fn unserved() -> axum::response::Response {
    use axum::response::IntoResponse;
    error::FgsError::no_resource().into_response()
}

pub(crate) fn routes(state: &DialectState) -> Router<DialectState> {
    // Every path and method FunctionGraph does not serve answers its 404, not axum's.
    let route = |r: MethodRouter<DialectState>| r.fallback(not_found);
    let function = "/v2/{project}/fgs/functions/{urn}";
    Router::new()
        .route("/v2/{project}/fgs/functions", route(get(list_functions)))
        .route(&format!("{function}/invocations"), route(post(invoke)))
        .route(
            &format!("{function}/invocations-async"),
            route(post(invoke_async)),
        )
        .route(
            &format!("{function}/async-invocations"),
            route(get(list_async_invocations)),
        )
        .route("/v2/{project}/fgs/{*rest}", any(not_found))
        .route_layer(middleware::from_fn_with_state(
            state.clone(),
            auth::authenticate,
        ))
        .route_layer(middleware::from_fn_with_state(
            "functiongraph",
            crate::traced,
        ))
}

#[cfg(test)]
mod tests {
    use super::auth::token_accepted;
    use super::error::FgsError;
    use crate::keys::{HuaweiKeys, NcpKeys, OpenWhiskKeys, TencentKeys};
    use crate::{DialectKeys, answered};
    use axum::http::HeaderMap;
    use axum::response::IntoResponse;
    use engine::{EngineError, ErrorCode};

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

    #[test]
    fn a_synchronous_invoke_answers_before_the_console_gives_up() {
        let client = providers::client::TransportOptions::default().timeout;
        let wait = super::handlers::SYNC_WAIT;
        assert!(
            wait + std::time::Duration::from_secs(5) <= client,
            "FunctionGraph waits {wait:?}, the console's client {client:?}"
        );
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
        let (status, body) = answered(FgsError::from(busy).into_response()).await;
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
