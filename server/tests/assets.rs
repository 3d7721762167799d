//! The bundle's files as a browser gets them: content-hashed names linked from the page,
//! precompressed Brotli or gzip bytes by `Accept-Encoding`, a year's cache for hashed names and
//! revalidation for the page. The site is a small one built in a temporary directory, named the
//! way `cargo leptos build --release --precompress` (with `hash-files = true`) names its files.

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use http_body_util::BodyExt;
use server::config::Config;
use server::{AppState, router::router, site};
use std::path::Path;
use tower::ServiceExt;

mod support;
use support::run;

const JS_HASH: &str = "QUJDREVGR0hJSktMTU5PUA";
const WASM_HASH: &str = "n6Ffkd3Lk7xy0_1-Pz2QKw";
const CSS_HASH: &str = "G0yh5cPVkEAVJ9pz_7zKdA";
const YEAR: &str = "public, max-age=31536000, immutable";

/// Writes `name` and its `.br` and `.gz` siblings. Their bytes differ on purpose (they need
/// not be valid Brotli or gzip): which file the server sent is then plain from the body.
fn write_precompressed(dir: &Path, name: &str) {
    std::fs::write(dir.join(name), format!("identity bytes of {name}")).unwrap();
    std::fs::write(
        dir.join(format!("{name}.br")),
        format!("brotli bytes of {name}"),
    )
    .unwrap();
    std::fs::write(
        dir.join(format!("{name}.gz")),
        format!("gzip bytes of {name}"),
    )
    .unwrap();
}

/// A built site in `dir`: the hashed bundle in `pkg/`, an editor chunk in `editor/`, and the
/// hash file cargo-leptos writes beside the binary.
fn built_site(dir: &Path) -> AppState {
    let pkg = dir.join("site/pkg");
    let editor = dir.join("site/editor");
    std::fs::create_dir_all(&pkg).unwrap();
    std::fs::create_dir_all(&editor).unwrap();
    write_precompressed(&pkg, &format!("fnconsole.{JS_HASH}.js"));
    write_precompressed(&pkg, &format!("fnconsole.{WASM_HASH}.wasm"));
    write_precompressed(&pkg, &format!("fnconsole.{CSS_HASH}.css"));
    write_precompressed(&editor, "editor-S6ZU2US5.js");
    let hashes = dir.join("hash.txt");
    std::fs::write(
        &hashes,
        format!("js: {JS_HASH}\nwasm: {WASM_HASH}\ncss: {CSS_HASH}\n"),
    )
    .unwrap();
    let root = dir.join("site");
    let options = site::options_for(
        "127.0.0.1:3000".parse().unwrap(),
        root.to_str().unwrap(),
        Some(&hashes),
    );
    let mut config = Config::default();
    config.server.data_dir = dir.join("data");
    AppState::new(config, options)
}

struct Answer {
    status: StatusCode,
    encoding: Option<String>,
    cache: Option<String>,
    vary: Vec<String>,
    body: String,
}

async fn fetch(state: AppState, uri: &str, accept: Option<&str>) -> Answer {
    let mut request = Request::get(uri);
    if let Some(accept) = accept {
        request = request.header(header::ACCEPT_ENCODING, accept);
    }
    let request = support::as_admin(&state, request.body(Body::empty()).unwrap()).await;
    let response = router(state).oneshot(request).await.unwrap();
    let (parts, body) = response.into_parts();
    let text = |name| {
        parts
            .headers
            .get(name)
            .map(|v: &header::HeaderValue| v.to_str().unwrap().to_string())
    };
    let (encoding, cache) = (text(header::CONTENT_ENCODING), text(header::CACHE_CONTROL));
    let vary = parts
        .headers
        .get_all(header::VARY)
        .iter()
        .map(|v| v.to_str().unwrap().to_ascii_lowercase())
        .collect();
    let bytes = body.collect().await.unwrap().to_bytes();
    Answer {
        status: parts.status,
        encoding,
        cache,
        vary,
        body: String::from_utf8_lossy(&bytes).into_owned(),
    }
}

/// One request for `uri` answers `which` ("brotli", "gzip", "identity") bytes of `name`
/// with `encoding`, cached for a year, varying by `Accept-Encoding`.
async fn assert_sent(
    state: &AppState,
    uri: &str,
    accept: Option<&str>,
    which: &str,
    encoding: Option<&str>,
) {
    let answer = fetch(state.clone(), uri, accept).await;
    let name = uri.rsplit('/').next().unwrap();
    assert_eq!(answer.status, StatusCode::OK, "{uri} with {accept:?}");
    assert_eq!(
        answer.body,
        format!("{which} bytes of {name}"),
        "{uri} with {accept:?}"
    );
    assert_eq!(
        answer.encoding.as_deref(),
        encoding,
        "{uri} with {accept:?}"
    );
    assert_eq!(answer.cache.as_deref(), Some(YEAR), "{uri} with {accept:?}");
    assert!(
        answer.vary.iter().any(|v| v.contains("accept-encoding")),
        "{uri} with {accept:?}: Vary {:?}",
        answer.vary
    );
}

#[test]
fn hashed_bundle_files_are_sent_precompressed_by_accept_encoding_and_kept_a_year() {
    run(async move {
        let dir = tempfile::tempdir().unwrap();
        let state = built_site(dir.path());
        for uri in [
            format!("/pkg/fnconsole.{WASM_HASH}.wasm"),
            format!("/pkg/fnconsole.{JS_HASH}.js"),
            format!("/pkg/fnconsole.{CSS_HASH}.css"),
            "/editor/editor-S6ZU2US5.js".to_string(),
        ] {
            assert_sent(&state, &uri, Some("br"), "brotli", Some("br")).await;
            assert_sent(&state, &uri, Some("gzip"), "gzip", Some("gzip")).await;
            // What Chromium sends: Brotli is preferred when both are there.
            let browser = Some("gzip, deflate, br, zstd");
            assert_sent(&state, &uri, browser, "brotli", Some("br")).await;
            assert_sent(&state, &uri, None, "identity", None).await;
        }
    });
}

#[test]
fn the_page_links_the_hashed_names_and_is_revalidated() {
    run(async move {
        let dir = tempfile::tempdir().unwrap();
        let answer = fetch(built_site(dir.path()), "/settings", None).await;
        assert_eq!(answer.status, StatusCode::OK);
        for linked in [
            format!("/pkg/fnconsole.{JS_HASH}.js"),
            format!("/pkg/fnconsole.{WASM_HASH}.wasm"),
            format!("href=\"/pkg/fnconsole.{CSS_HASH}.css\""),
        ] {
            assert!(answer.body.contains(&linked), "{linked} in {}", answer.body);
        }
        assert!(
            !answer.body.contains("/pkg/fnconsole.css"),
            "{}",
            answer.body
        );
        assert_eq!(answer.cache.as_deref(), Some("no-cache"));
    });
}

#[test]
fn a_missing_or_unhashed_bundle_file_is_not_kept_a_year() {
    run(async move {
        let dir = tempfile::tempdir().unwrap();
        let state = built_site(dir.path());
        let missing = fetch(
            state.clone(),
            &format!("/pkg/other.{WASM_HASH}.wasm"),
            Some("br"),
        )
        .await;
        assert_eq!(missing.status, StatusCode::NOT_FOUND);
        assert_ne!(missing.cache.as_deref(), Some(YEAR));
        std::fs::write(dir.path().join("site/pkg/fnconsole.js"), "old").unwrap();
        let unhashed = fetch(state, "/pkg/fnconsole.js", None).await;
        assert_eq!(unhashed.status, StatusCode::OK);
        assert_eq!(unhashed.cache.as_deref(), Some("no-cache"));
    });
}
