//! A configured IAM token (`X-Auth-Token`), or SDK-HMAC-SHA256 with the engine's keys.

use axum::extract::{Request, State};
use axum::http::{HeaderMap, Method};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use providers::sign::encoding::parse_form;
use providers::sign::{Secret, VerifyError, huawei as signer};

use super::error::FgsError;
use crate::{DialectKeys, DialectState};

/// Checks what can be checked before the handler reads the body: a configured IAM token in
/// full; an AK/SK signature in all but the body's hash (the header's shape, the time skew,
/// a signed host). The handler checks the whole signature, the key among it.
pub(super) async fn authenticate(
    State(state): State<DialectState>,
    request: Request,
    next: Next,
) -> Response {
    if token_accepted(&state.keys, request.headers()) {
        return next.run(request).await;
    }
    let checked = {
        let query = parse_form(request.uri().query().unwrap_or(""));
        let headers = header_list(request.headers());
        let (method, path) = (request.method(), request.uri().path());
        verify_signature(&state.keys, method, path, &query, &headers, &[])
    };
    match checked {
        // Over an empty body every check but the last runs as it will over the real one:
        // only `BadSignature` can depend on the body, so that one waits for the handler. An
        // unknown key waits too: refusing it at once would tell a caller, by the answer's
        // timing, which keys exist. The dialects' body deadline bounds the wait.
        Ok(_) | Err(VerifyError::BadSignature | VerifyError::UnknownKey) => next.run(request).await,
        Err(_) => FgsError::refused().into_response(),
    }
}

/// Whether `X-Auth-Token` holds the configured IAM token. An empty token never matches, nor
/// does any token when the configured one is empty (the configuration refuses that too).
pub(super) fn token_accepted(keys: &DialectKeys, headers: &HeaderMap) -> bool {
    let presented = headers
        .get("x-auth-token")
        .and_then(|v| v.to_str().ok())
        .filter(|t| !t.is_empty());
    match (&keys.huawei.auth_token, presented) {
        (Some(accepted), Some(token)) if !accepted.expose().is_empty() => {
            signer::verify_token(Some(token), accepted).is_ok()
        }
        _ => false,
    }
}

/// The token, or else the whole signature over `body`.
pub(super) fn check(
    keys: &DialectKeys,
    method: &Method,
    path: &str,
    query: &[(String, String)],
    headers: &HeaderMap,
    body: &[u8],
) -> Result<(), FgsError> {
    if token_accepted(keys, headers) {
        return Ok(());
    }
    verify_signature(keys, method, path, query, &header_list(headers), body)
        .map(|_| ())
        .map_err(|_| FgsError::refused())
}

/// The request's SDK-HMAC-SHA256 signature over `body`, checked against the engine's keys.
fn verify_signature(
    keys: &DialectKeys,
    method: &Method,
    path: &str,
    query: &[(String, String)],
    headers: &[(String, String)],
    body: &[u8],
) -> Result<String, VerifyError> {
    let parts = signer::RequestParts {
        method: method.as_str(),
        path,
        query,
        headers,
        body,
    };
    let lookup = |k: &str| {
        (k == keys.huawei.access_key).then(|| Secret::new(keys.huawei.secret_key.expose()))
    };
    signer::verify(parts, lookup, engine::now_ms() / 1000)
}

/// The headers as the signer reads them (a value that is not text reads as empty).
fn header_list(headers: &HeaderMap) -> Vec<(String, String)> {
    headers
        .iter()
        .map(|(k, v)| (k.as_str().to_string(), v.to_str().unwrap_or("").to_string()))
        .collect()
}
