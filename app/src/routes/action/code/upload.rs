//! Uploading the code as a zip: the browser reads the file and turns it into Base64 (what
//! `exec.code` holds when `exec.binary` is true), so a person never handles Base64.

use leptos::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen::closure::Closure;

use super::state::EditorState;
use crate::components::field::Field;

/// The most a zip may be: the provider's 1 MB request body less what Base64 adds (a third)
/// and the rest of the action.
const MOST_BYTES: f64 = 700_000.0;

/// The Base64 part of a `data:` URL.
fn base64_of(data_url: &str) -> Option<&str> {
    data_url.split_once(";base64,").map(|(_, b64)| b64)
}

/// A file input that replaces the code with the chosen zip.
#[component]
pub fn ZipUpload(state: EditorState, read_only: bool) -> impl IntoView {
    let message = RwSignal::new(None::<String>);
    let on_change = move |ev: leptos::ev::Event| {
        let Some(input) = ev
            .target()
            .and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok())
        else {
            return;
        };
        let Some(file) = input.files().and_then(|f| f.get(0)) else {
            return;
        };
        if !file.name().to_ascii_lowercase().ends_with(".zip") {
            message.set(Some(format!("{} is not a .zip file.", file.name())));
            return;
        }
        if file.size() > MOST_BYTES {
            message.set(Some(format!(
                "{} is {:.0} KB; at most {:.0} KB fit in one request once in Base64.",
                file.name(),
                file.size() / 1000.0,
                MOST_BYTES / 1000.0
            )));
            return;
        }
        read_zip(file, state, message);
    };
    view! {
        <Field id="edit-code-zip" label="Upload the code as a .zip">
            <input
                id="edit-code-zip"
                type="file"
                accept=".zip,application/zip"
                disabled=read_only
                aria-describedby="edit-code-zip-message"
                on:change=on_change
            />
            <p id="edit-code-zip-message" class="hint" role="status">
                {move || message.get()}
            </p>
        </Field>
    }
}

fn read_zip(file: web_sys::File, state: EditorState, message: RwSignal<Option<String>>) {
    let Ok(reader) = web_sys::FileReader::new() else {
        message.set(Some("This browser cannot read files.".into()));
        return;
    };
    let name = file.name();
    let done = {
        let reader = reader.clone();
        Closure::once(move || {
            let url = reader
                .result()
                .ok()
                .and_then(|r| r.as_string())
                .unwrap_or_default();
            match base64_of(&url) {
                Some(b64) => {
                    let b64 = b64.to_string();
                    state.form.update(|f| {
                        f.code = b64;
                        f.binary = true;
                    });
                    message.set(Some(format!("{name} is ready: save to upload it.")));
                }
                None => message.set(Some(format!("{name} could not be read."))),
            }
        })
    };
    reader.set_onload(Some(done.as_ref().unchecked_ref()));
    done.forget();
    if reader.read_as_data_url(&file).is_err() {
        message.set(Some("The file could not be read.".into()));
    }
}
