//! TC3-HMAC-SHA256 (API 3.0) and the legacy signature, checked with the engine's keys.

use axum::extract::{Request, State};
use axum::http::Method;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use providers::sign::{Secret, VerifyError, tencent_tc3};

use super::error::ScfError;
use crate::{DialectKeys, DialectState};

/// Checks what of TC3-HMAC-SHA256 can be checked before the handler reads the body: the
/// `Authorization` header's shape, the time skew, the credential date, a signed host, every
/// signed header present. The handler checks the whole signature, the secret id among it.
pub(super) async fn authenticate(
    State(state): State<DialectState>,
    request: Request,
    next: Next,
) -> Response {
    let checked = {
        let header = |name: &str| request.headers().get(name).and_then(|v| v.to_str().ok());
        let (method, query) = (request.method(), request.uri().query().unwrap_or(""));
        verify_tc3(&state.keys, method, query, header, &[])
    };
    match checked {
        // Over an empty body every check but the last runs as it will over the real one:
        // only `BadSignature` can depend on the body, so that one waits for the handler. An
        // unknown key waits too: refusing it at once would tell a caller, by the answer's
        // timing, which keys exist. The dialects' body deadline bounds the wait.
        Ok(_) | Err(VerifyError::BadSignature | VerifyError::UnknownKey) => next.run(request).await,
        Err(e) => ScfError::signature(&e).into_response(),
    }
}

/// The secret of a secret id the engine accepts.
pub(super) fn secret_of(keys: &DialectKeys, id: &str) -> Option<Secret> {
    (id == keys.tencent.secret_id).then(|| Secret::new(keys.tencent.secret_key.expose()))
}

/// The request's TC3-HMAC-SHA256 signature over `body`, checked against the engine's keys.
pub(super) fn verify_tc3<'a>(
    keys: &DialectKeys,
    method: &Method,
    query: &str,
    header: impl Fn(&str) -> Option<&'a str>,
    body: &[u8],
) -> Result<String, VerifyError> {
    let lookup = |k: &str| secret_of(keys, k);
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
pub(super) fn credentials_problem(e: &VerifyError) -> String {
    match e {
        VerifyError::UnknownKey | VerifyError::BadSignature => {
            "the signature does not match the request".into()
        }
        other => other.to_string(),
    }
}
