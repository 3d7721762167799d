//! Where the code editor's script is: `public/editor/manifest.json`, written by the editor
//! bundle's build (`editor/build.mjs`), names the file with its content hash, so a browser
//! may keep it as long as it likes. Read on the server only.

use serde::Deserialize;

#[derive(Deserialize)]
struct Manifest {
    editor: String,
}

/// The editor script's address (`/editor/editor-HASH.js`), or `None` when the site was built
/// without it: the page then keeps its plain text area, which edits and saves all the same.
pub(crate) fn editor_src() -> Option<String> {
    let root = leptos::prelude::use_context::<leptos::config::LeptosOptions>()
        .map(|o| o.site_root.to_string())
        .or_else(|| std::env::var("LEPTOS_SITE_ROOT").ok())
        .unwrap_or_else(|| "target/site".into());
    let path = std::path::Path::new(&root)
        .join("editor")
        .join("manifest.json");
    let read = std::fs::read_to_string(&path).map_err(|e| e.to_string());
    match read.and_then(|text| serde_json::from_str::<Manifest>(&text).map_err(|e| e.to_string())) {
        Ok(m) if m.editor.starts_with("/editor/") => Some(m.editor),
        Ok(m) => {
            tracing::warn!(path = %path.display(), editor = %m.editor, "the editor manifest names a file outside /editor/");
            None
        }
        Err(why) => {
            tracing::warn!(path = %path.display(), %why, "no code editor bundle: the action page keeps its text area (run scripts/setup.sh)");
            None
        }
    }
}
