//! Signature v2, checked before the handler reads the body: it signs the method, the
//! target, the time and the access key, not the body, so no body is read for a caller it
//! refuses.

use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use providers::sign::{Secret, ncp as signer};

use super::error::NcpError;
use crate::DialectState;

pub(super) async fn authenticate(
    State(state): State<DialectState>,
    request: Request,
    next: Next,
) -> Response {
    let verified = {
        let header = |name: &str| request.headers().get(name).and_then(|v| v.to_str().ok());
        let presented = signer::PresentedSignature {
            timestamp_ms: header(signer::TIMESTAMP_HEADER),
            access_key: header(signer::ACCESS_KEY_HEADER),
            // The Python SDK sends the same signature as `-v1`.
            signature: header(signer::SIGNATURE_HEADER)
                .or_else(|| header("x-ncp-apigw-signature-v1")),
        };
        let target = request
            .uri()
            .path_and_query()
            .map(|pq| pq.as_str())
            .unwrap_or("/");
        let keys = &state.keys;
        let lookup =
            |k: &str| (k == keys.ncp.access_key).then(|| Secret::new(keys.ncp.secret_key.expose()));
        let now_ms = engine::now_ms().max(0) as u64;
        signer::verify(request.method().as_str(), target, presented, lookup, now_ms)
    };
    match verified {
        Ok(_) => next.run(request).await,
        Err(e) => NcpError::Unauthorized(e).into_response(),
    }
}
