//! Where the built site (CSS, JS, WASM) is and how Leptos names it.

use leptos::config::{Env, LeptosOptions};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};

/// The output name cargo-leptos gives the bundle (`[[workspace.metadata.leptos]] name`).
pub const OUTPUT_NAME: &str = "fnconsole";

/// The file cargo-leptos (`hash-files = true`) writes beside the server binary: the content
/// hashes in the bundle's names (`js: …`, `wasm: …`, `css: …`, `split: …`, `manifest: …`).
const HASH_FILE: &str = "hash.txt";

/// The directory holding the built site, from `LEPTOS_SITE_ROOT` (set by cargo-leptos) or
/// `target/site` (where `cargo leptos build` puts it) when run from the repository.
pub fn site_root() -> String {
    std::env::var("LEPTOS_SITE_ROOT").unwrap_or_else(|_| "target/site".to_string())
}

/// The hash file of the bundle this binary was built with, if there is one: `hash.txt` beside
/// the executable (`target/release/hash.txt` after `cargo leptos build --release`). A binary
/// built by plain `cargo build`, or a test, has none and links the bundle's unhashed names.
pub fn hash_file() -> Option<PathBuf> {
    let exe = std::env::current_exe().ok()?;
    let file = exe.parent()?.join(HASH_FILE);
    file.is_file().then_some(file)
}

/// Leptos options for a console listening on `addr`, serving the site cargo-leptos built. The
/// listen address comes from `fnconsole.toml`, not from Leptos's own variables, so there is one
/// place to set it.
pub fn options(addr: SocketAddr) -> LeptosOptions {
    options_for(addr, &site_root(), hash_file().as_deref())
}

/// Leptos options for the site at `root`, its files named by the hash file `hashes` (`None`:
/// unhashed names).
pub fn options_for(addr: SocketAddr, root: &str, hashes: Option<&Path>) -> LeptosOptions {
    LeptosOptions::builder()
        .output_name(OUTPUT_NAME)
        .site_root(root)
        .site_pkg_dir("pkg")
        .site_addr(addr)
        .env(if cfg!(debug_assertions) {
            Env::DEV
        } else {
            Env::PROD
        })
        // Leptos joins this to the executable's directory; an absolute path stands alone. It
        // reads the file only when `hash_files` is on, and panics if it is missing then.
        .hash_files(hashes.is_some())
        .hash_file(
            hashes
                .map(|path| path.to_string_lossy().into())
                .unwrap_or_else(|| HASH_FILE.into()),
        )
        .build()
}
