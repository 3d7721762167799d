//! Security headers on every response, and the nonce that lets the page's own inline scripts
//! (Leptos's hydration script and its streamed resources) run under a Content Security Policy
//! that allows no other inline script.

use axum::extract::Request;
use axum::http::{HeaderValue, header};
use axum::middleware::Next;
use axum::response::Response;

/// This request's CSP nonce, in its extensions for the renderer (`router.rs` provides it to
/// Leptos as its `Nonce`, which the hydration scripts carry).
#[derive(Debug, Clone)]
pub struct CspNonce(pub String);

/// The policy for a page whose scripts carry `nonce`. Styles may be inline (the editor sets
/// them); scripts only from this origin or with the nonce; WASM may be compiled.
pub fn policy(nonce: &str) -> String {
    format!(
        "default-src 'self'; script-src 'self' 'wasm-unsafe-eval' 'nonce-{nonce}'; \
         style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; \
         object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
    )
}

fn new_nonce() -> String {
    use base64::Engine as _;
    let mut bytes = [0u8; 16];
    // With no random source the nonce is all zeros (guessable): said in the log.
    if let Err(error) = getrandom::fill(&mut bytes) {
        tracing::error!(%error, "no random source for a CSP nonce");
    }
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

/// Middleware: a fresh nonce per request, and the headers on the response.
pub async fn security_headers(mut request: Request, next: Next) -> Response {
    let nonce = new_nonce();
    request.extensions_mut().insert(CspNonce(nonce.clone()));
    let mut response = next.run(request).await;
    let headers = response.headers_mut();
    if let Ok(value) = HeaderValue::from_str(&policy(&nonce)) {
        headers.insert(header::CONTENT_SECURITY_POLICY, value);
    }
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    headers.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("strict-origin-when-cross-origin"),
    );
    response
}
