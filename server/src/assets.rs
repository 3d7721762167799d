//! The built bundle's files: `/pkg` (cargo-leptos's JS, WASM chunks and CSS) and `/editor`
//! (CodeMirror's chunks, from `scripts/setup.sh`). A release build made with `--precompress`
//! leaves `NAME.br` and `NAME.gz` beside each file; a browser that accepts Brotli or gzip gets
//! those bytes as they are, so nothing is compressed per request. Without them (a build without
//! `--precompress`) the identity file is sent and the router's compression layer gzips it.

use axum::Router;
use axum::http::{HeaderValue, header};
use axum::response::Response;
use std::path::Path;
use tower_http::services::ServeDir;

/// The directories of the site served this way, by URL prefix.
const DIRECTORIES: [&str; 2] = ["pkg", "editor"];

/// Routes serving `/pkg` and `/editor` from the site at `site_root`.
pub fn routes<S: Clone + Send + Sync + 'static>(site_root: &Path) -> Router<S> {
    DIRECTORIES
        .iter()
        .fold(Router::new(), |router, directory| {
            let files = ServeDir::new(site_root.join(directory))
                .precompressed_br()
                .precompressed_gzip();
            router.nest_service(&format!("/{directory}"), files)
        })
        .layer(axum::middleware::map_response(vary_by_encoding))
}

/// The same URL answers different bytes by `Accept-Encoding`: a shared cache must key on it.
/// (The compression layer says so only for what it compresses itself.)
async fn vary_by_encoding(mut response: Response) -> Response {
    let headers = response.headers_mut();
    let said = headers
        .get_all(header::VARY)
        .iter()
        .any(|value| value.as_bytes().eq_ignore_ascii_case(b"accept-encoding"));
    if !said {
        headers.append(header::VARY, HeaderValue::from_static("accept-encoding"));
    }
    response
}
