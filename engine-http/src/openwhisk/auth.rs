//! Basic auth, checked before the handler reads the body (the credentials are all in the
//! `Authorization` header), so no body is read for a caller it refuses.

use axum::extract::{Request, State};
use axum::http::StatusCode;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use providers::sign::openwhisk as signer;

use super::error::OwError;
use crate::DialectState;

pub(super) async fn authenticate(
    State(state): State<DialectState>,
    request: Request,
    next: Next,
) -> Response {
    let auth = request
        .headers()
        .get("authorization")
        .and_then(|v| v.to_str().ok());
    if signer::verify(auth, &state.keys.openwhisk.auth).is_err() {
        return OwError::new(
            StatusCode::UNAUTHORIZED,
            "The supplied authentication is invalid",
        )
        .into_response();
    }
    next.run(request).await
}
