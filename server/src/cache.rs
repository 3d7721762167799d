//! Cache lifetimes. Files whose names change with their content are fetched once per version
//! and never revalidated: cargo-leptos's `/pkg/NAME.HASH.EXT` (`hash-files = true`: the JS, the
//! WASM and each split chunk, the CSS, the split loader and manifest) and the editor's
//! `/editor/NAME-HASH.js` (named by esbuild). Everything else — pages, unhashed files, server
//! functions that say nothing themselves — is `no-cache`: the browser may keep it but asks
//! first, so a new version is seen at once.

use axum::extract::Request;
use axum::http::{HeaderValue, header};
use axum::middleware::Next;
use axum::response::Response;

/// A year, and no revalidation: the name is the version.
const IMMUTABLE: HeaderValue = HeaderValue::from_static("public, max-age=31536000, immutable");
/// Revalidate before each use.
const REVALIDATE: HeaderValue = HeaderValue::from_static("no-cache");

/// The length of cargo-leptos's hashes: an MD5 in unpadded URL-safe Base64.
const CARGO_LEPTOS_HASH_LEN: usize = 22;

/// Whether `path` names a content-hashed file.
fn is_hashed_asset(path: &str) -> bool {
    if let Some(name) = path.strip_prefix("/pkg/") {
        return is_cargo_leptos_hashed(name);
    }
    path.strip_prefix("/editor/")
        .and_then(|name| name.strip_suffix(".js"))
        .and_then(|stem| stem.rsplit_once('-'))
        .is_some_and(|(name, hash)| {
            !name.is_empty()
                && hash.len() >= 8
                && hash
                    .bytes()
                    .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit())
        })
}

/// `STEM.HASH.EXT` in `/pkg` (no subdirectory: wasm-bindgen's `snippets/` keep their names).
fn is_cargo_leptos_hashed(name: &str) -> bool {
    let mut parts = name.rsplitn(3, '.');
    let (Some(ext), Some(hash), Some(stem)) = (parts.next(), parts.next(), parts.next()) else {
        return false;
    };
    !stem.is_empty()
        && !stem.contains('/')
        && !ext.is_empty()
        && hash.len() == CARGO_LEPTOS_HASH_LEN
        && hash
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

/// Middleware: a successful answer for a content-hashed file is cacheable for a year; any
/// other answer that sets no cache policy of its own is revalidated on each use.
pub async fn cache_policy(request: Request, next: Next) -> Response {
    let hashed = is_hashed_asset(request.uri().path());
    let mut response = next.run(request).await;
    let found = response.status().is_success();
    let headers = response.headers_mut();
    if hashed && found {
        headers.insert(header::CACHE_CONTROL, IMMUTABLE);
    } else if !headers.contains_key(header::CACHE_CONTROL) {
        headers.insert(header::CACHE_CONTROL, REVALIDATE);
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
            .layer(axum::middleware::from_fn(cache_policy));
        let request = Request::get(uri).body(Body::empty()).unwrap();
        let response = app.oneshot(request).await.unwrap();
        response
            .headers()
            .get(header::CACHE_CONTROL)
            .map(|v| v.to_str().unwrap().to_string())
    }

    #[tokio::test]
    async fn only_content_hashed_names_are_cached_for_a_year() {
        let year = Some("public, max-age=31536000, immutable".to_string());
        let revalidate = Some("no-cache".to_string());
        assert_eq!(cache_control("/editor/editor-S6ZU2US5.js").await, year);
        assert_eq!(cache_control("/editor/chunk-4J55TBEQ.js").await, year);
        assert_eq!(
            cache_control("/pkg/fnconsole.n6Ffkd3Lk7xy0_1-Pz2QKw.wasm").await,
            year
        );
        assert_eq!(
            cache_control("/pkg/split___action_route_view_93.G0yh5cPVkEAVJ9pz_7zKdA.wasm").await,
            year
        );
        assert_eq!(
            cache_control("/pkg/__wasm_split.QUJDREVGR0hJSktMTU5PUA.js").await,
            year
        );
        assert_eq!(cache_control("/editor/manifest.json").await, revalidate);
        assert_eq!(cache_control("/editor/editor.js").await, revalidate);
        assert_eq!(cache_control("/pkg/fnconsole.wasm").await, revalidate);
        assert_eq!(cache_control("/pkg/fnconsole.short.js").await, revalidate);
        assert_eq!(
            cache_control("/pkg/snippets/x/inline0.QUJDREVGR0hJSktMTU5PUA.js").await,
            revalidate
        );
        assert_eq!(cache_control("/actions").await, revalidate);
    }

    #[tokio::test]
    async fn an_answer_with_its_own_cache_policy_keeps_it() {
        let app = Router::new()
            .route(
                "/api",
                get(|| async { ([(header::CACHE_CONTROL, "no-store")], "x") }),
            )
            .layer(axum::middleware::from_fn(cache_policy));
        let request = Request::get("/api").body(Body::empty()).unwrap();
        let response = app.oneshot(request).await.unwrap();
        assert_eq!(response.headers()[header::CACHE_CONTROL], "no-store");
    }
}
