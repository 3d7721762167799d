//! Cross-site request forgery: a state-changing request (POST, PUT, PATCH, DELETE) a browser
//! sends from another site carries that site's `Origin` (or `Referer`); such a request is
//! refused with 403 before it reaches a page or server function. A request with neither
//! header is not from a browser page (a script with an API token) and passes.

use axum::extract::Request;
use axum::http::{Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

/// The `host[:port]` of an origin or URL (`https://a.example:8443/x` → `a.example:8443`).
fn host_of(url: &str) -> Option<&str> {
    let rest = url.split_once("://")?.1;
    let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    Some(&rest[..end]).filter(|h| !h.is_empty())
}

/// Whether a request with these headers comes from this console's own pages.
pub fn same_origin(request: &Request) -> bool {
    let headers = request.headers();
    let from = headers
        .get(header::ORIGIN)
        .or_else(|| headers.get(header::REFERER))
        .map(|v| v.to_str().unwrap_or("null"));
    let Some(from) = from else { return true };
    let host = headers
        .get("x-forwarded-host")
        .or_else(|| headers.get(header::HOST))
        .and_then(|v| v.to_str().ok())
        .or_else(|| request.uri().authority().map(|a| a.as_str()));
    match (host_of(from), host) {
        (Some(from), Some(host)) => from.eq_ignore_ascii_case(host.trim()),
        _ => false,
    }
}

/// Middleware: refuses a cross-origin state-changing request.
pub async fn check(request: Request, next: Next) -> Response {
    let changes = matches!(
        *request.method(),
        Method::POST | Method::PUT | Method::PATCH | Method::DELETE
    );
    if changes && !same_origin(&request) {
        tracing::warn!(
            path = request.uri().path(),
            "a cross-origin request was refused"
        );
        return (
            StatusCode::FORBIDDEN,
            "refused: this request came from another site (its Origin is not this console's)",
        )
            .into_response();
    }
    next.run(request).await
}

#[cfg(test)]
mod tests {
    use super::*;

    fn req(origin: Option<&str>, host: &str) -> Request {
        let mut b = axum::http::Request::post("/api/x").header(header::HOST, host);
        if let Some(o) = origin {
            b = b.header(header::ORIGIN, o);
        }
        b.body(axum::body::Body::empty()).unwrap()
    }

    #[test]
    fn only_this_consoles_origin_or_none_passes() {
        assert!(same_origin(&req(
            Some("http://127.0.0.1:3000"),
            "127.0.0.1:3000"
        )));
        assert!(same_origin(&req(None, "127.0.0.1:3000")));
        assert!(!same_origin(&req(
            Some("http://evil.example"),
            "127.0.0.1:3000"
        )));
        assert!(!same_origin(&req(
            Some("http://127.0.0.1:3001"),
            "127.0.0.1:3000"
        )));
        assert!(!same_origin(&req(Some("null"), "127.0.0.1:3000")));
    }
}
