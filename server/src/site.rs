//! Where the built site (CSS, JS, WASM) is and how Leptos names it.

use leptos::config::{Env, LeptosOptions};
use std::net::SocketAddr;

/// The output name cargo-leptos gives the bundle (`[[workspace.metadata.leptos]] name`).
pub const OUTPUT_NAME: &str = "fnconsole";

/// The directory holding the built site, from `LEPTOS_SITE_ROOT` (set by cargo-leptos) or
/// `target/site` (where `cargo leptos build` puts it) when run from the repository.
pub fn site_root() -> String {
    std::env::var("LEPTOS_SITE_ROOT").unwrap_or_else(|_| "target/site".to_string())
}

/// Leptos options for a console listening on `addr`. The listen address comes from
/// `fnconsole.toml`, not from Leptos's own variables, so there is one place to set it.
pub fn options(addr: SocketAddr) -> LeptosOptions {
    LeptosOptions::builder()
        .output_name(OUTPUT_NAME)
        .site_root(site_root())
        .site_pkg_dir("pkg")
        .site_addr(addr)
        .env(if cfg!(debug_assertions) {
            Env::DEV
        } else {
            Env::PROD
        })
        .build()
}
