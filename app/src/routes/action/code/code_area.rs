//! The code itself: a `<textarea>` rendered on the server (readable, and editable, before
//! the editor script loads or with JavaScript off), which the CodeMirror chunk
//! (`editor/src/main.js`) replaces once the page has hydrated. The page reads and writes the
//! textarea only: the chunk mirrors every change into it as an `input` event, and takes a
//! whole new text (a restored draft, "Take theirs") from a `code-editor:replace` event.

use leptos::prelude::*;
use wasm_bindgen::JsCast;

use super::form::Form;
use super::state::EditorState;

/// The textarea's id.
pub const CODE_ID: &str = "edit-code";
const HOST_ID: &str = "edit-code-editor";

/// Which grammar the editor highlights `runtime` with.
fn language(runtime: &str) -> &'static str {
    if runtime.starts_with("python") {
        "python"
    } else {
        "javascript"
    }
}

// `import()` is not expressible in Rust. A wasm-bindgen snippet (a same-origin file under
// /pkg/snippets) calls it: building the call with `new Function` is an eval, which the
// Content-Security-Policy refuses (no 'unsafe-eval').
#[wasm_bindgen::prelude::wasm_bindgen(
    inline_js = "export function import_editor(src) { return import(src).then((m) => m.mountAll()); }"
)]
extern "C" {
    fn import_editor(src: &str) -> js_sys::Promise;
}

/// Loads the editor chunk (once: the browser keeps the module) and lets it take over every
/// code textarea on the page.
fn load_editor(src: &str) {
    let report = wasm_bindgen::closure::Closure::once(|e: wasm_bindgen::JsValue| {
        web_sys::console::warn_2(&"the code editor did not load; the text area stays".into(), &e);
    });
    let _ = import_editor(src).catch(&report);
    report.forget();
}

/// Replaces the code shown with `text` (the editor, once loaded, follows).
pub fn replace_code(text: &str) {
    let Some(area) = document()
        .get_element_by_id(CODE_ID)
        .and_then(|e| e.dyn_into::<web_sys::HtmlTextAreaElement>().ok())
    else {
        return;
    };
    area.set_value(text);
    if let Ok(event) = web_sys::CustomEvent::new("code-editor:replace") {
        let _ = area.dispatch_event(&event);
    }
}

/// The code, editable unless `read_only`.
#[component]
pub fn CodeArea(state: EditorState, read_only: bool) -> impl IntoView {
    let (initial, runtime, src) = state.base.with_untracked(|b| {
        (
            b.spec.exec.code.clone().unwrap_or_default(),
            b.spec.exec.kind.clone(),
            b.editor_src.clone(),
        )
    });
    Effect::new(move |_| {
        if let Some(src) = &src {
            load_editor(src);
        }
    });
    let error = state.error_for("exec.code");
    view! {
        <div class="field code-field">
            <label for=CODE_ID>"Code"</label>
            <textarea
                id=CODE_ID
                class="code-text"
                spellcheck="false"
                rows="18"
                readonly=read_only
                aria-label="Code"
                aria-invalid=move || error.get().map(|_| "true")
                aria-describedby="edit-code-hint edit-code-error"
                data-code-editor=HOST_ID
                data-language=language(&runtime)
                on:input=move |ev| {
                    let text = event_target_value(&ev);
                    state.form.update(|f| f.code = text);
                }
            >
                {initial}
            </textarea>
            <div id=HOST_ID class="code-editor" hidden=true></div>
            <p id="edit-code-hint" class="hint">
                "Ctrl+F searches, Ctrl+Z undoes, Ctrl+S saves. Tab indents: press Esc, then Tab, to move on."
            </p>
            <p id="edit-code-error" class="field-error" role="alert">
                {move || error.get()}
            </p>
        </div>
    }
}

/// Code stored as a file (a zip, Base64): its size; [`super::upload::ZipUpload`] replaces it.
#[component]
pub fn BinaryCode(state: EditorState) -> impl IntoView {
    let size = move || state.form.with(|f: &Form| f.code.len() / 4 * 3 / 1024);
    let error = state.error_for("exec.code");
    view! {
        <div class="field">
            <h2 class="field-title">"Code"</h2>
            <p class="binary-code" id="edit-code-binary">
                "The code is a file (a zip of about " {size} " KiB, kept in Base64); it cannot be shown as text."
            </p>
            <p class="field-error" role="alert">{move || error.get()}</p>
        </div>
    }
}
