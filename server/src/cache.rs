//! Long cache lifetimes for files whose names change with their content: the editor's chunks
//! (`/editor/editor-HASH.js`, named by esbuild) are fetched once per version, never revalidated.
//! `/pkg` keeps the default (its names are fixed, so a long lifetime would serve a stale WASM).

use axum::extract::Request;
use axum::http::{HeaderValue, header};
use axum::middleware::Next;
use axum::response::Response;

/// A year, and no revalidation: the name is the version.
const IMMUTABLE: HeaderValue = HeaderValue::from_static("public, max-age=31536000, immutable");

/// Whether `path` names a content-hashed file: `/editor/{name}-{HASH}.js`.
fn is_hashed_asset(path: &str) -> bool {
    path.strip_prefix("/editor/")
        .and_then(|name| name.strip_suffix(".js"))
        .and_then(|stem| stem.rsplit_once('-'))
        .is_some_and(|(name, hash)| {
            !name.is_empty()
                && hash.len() >= 8
                && hash.bytes().all(|b| b.is_ascii_uppercase() || b.is_ascii_digit())
        })
}

/// Middleware: a successful answer for a content-hashed file is cacheable for a year.
pub async fn immutable_assets(request: Request, next: Next) -> Response {
    let hashed = is_hashed_asset(request.uri().path());
    let mut response = next.run(request).await;
    if hashed && response.status().is_success() {
        response
            .headers_mut()
            .insert(header::CACHE_CONTROL, IMMUTABLE);
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::Router;
    use axum::body::Body;
    use axum::routing::get;
    use tower::ServiceExt;

    async fn cache_control(uri: &str) -> Option<String> {
        let app = Router::new()
            .fallback(get(|| async { "file" }))
            .layer(axum::middleware::from_fn(immutable_assets));
        let request = Request::get(uri).body(Body::empty()).unwrap();
        let response = app.oneshot(request).await.unwrap();
        response
            .headers()
            .get(header::CACHE_CONTROL)
            .map(|v| v.to_str().unwrap().to_string())
    }

    #[tokio::test]
    async fn only_the_editors_hashed_chunks_are_cached_for_a_year() {
        let year = Some("public, max-age=31536000, immutable".to_string());
        assert_eq!(cache_control("/editor/editor-S6ZU2US5.js").await, year);
        assert_eq!(cache_control("/editor/chunk-4J55TBEQ.js").await, year);
        assert_eq!(cache_control("/editor/manifest.json").await, None);
        assert_eq!(cache_control("/editor/editor.js").await, None);
        assert_eq!(cache_control("/pkg/fnconsole.wasm").await, None);
        assert_eq!(cache_control("/actions").await, None);
    }
}
