//! Drafts: the form as typed, kept in the browser's `localStorage` per connection and action
//! a moment after the last keystroke, so a reload, a crash or a failed save loses nothing.
//! Browser-only; on the server (and where storage is refused) every call does nothing.

use serde::{Deserialize, Serialize};

use super::form::Form;

/// How long after the last change a draft is written (within the 500 ms promised).
pub const DELAY_MS: u64 = 300;

/// A kept draft.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Draft {
    /// The form as it was.
    pub form: Form,
    /// The version of the action it started from: saving it checks against that one.
    pub version: String,
    /// When it was written, epoch ms.
    pub saved_at_ms: f64,
}

/// The storage key of a draft of `action` on `connection`.
pub fn key(connection: &str, action: &providers::ActionRef) -> String {
    format!(
        "fnconsole.draft.{connection}.{}/{}",
        action.ncp_package(),
        action.name
    )
}

fn storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok().flatten()
}

/// The draft kept under `key`, if there is a readable one.
pub fn load(key: &str) -> Option<Draft> {
    let text = storage()?.get_item(key).ok().flatten()?;
    serde_json::from_str(&text).ok()
}

/// Keeps `form` under `key`; answers whether the browser took it (storage may be full or
/// refused, and the page says so).
pub fn store(key: &str, form: &Form, version: &str) -> bool {
    let draft = Draft {
        form: form.clone(),
        version: version.to_string(),
        saved_at_ms: js_sys::Date::now(),
    };
    let Ok(text) = serde_json::to_string(&draft) else {
        return false;
    };
    storage().is_some_and(|s| s.set_item(key, &text).is_ok())
}

/// Forgets the draft under `key`.
pub fn remove(key: &str) {
    if let Some(s) = storage() {
        let _ = s.remove_item(key);
    }
}

/// `ms` as the browser's local date and time.
pub fn local_time(ms: f64) -> String {
    let date = js_sys::Date::new(&wasm_bindgen::JsValue::from_f64(ms));
    date.to_locale_string("default", &wasm_bindgen::JsValue::UNDEFINED)
        .into()
}
