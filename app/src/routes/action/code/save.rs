//! Saving: the form is checked first (nothing is sent while a field is refused; the first
//! refused field gets the focus), then sent with the version it was edited against. The
//! button says what will happen: "Save", "Saving…", "Saved".

use leptos::prelude::*;

use super::code_area::{CODE_ID, replace_code};
use super::drafts;
use super::form::Form;
use super::state::{EditorState, Saving};
use crate::api::{SaveOutcome, save_action};

/// The input a field's problem is shown on, to move the focus there.
fn input_of(field: &str) -> &'static str {
    match field {
        "parameters" => "edit-parameters",
        "limits.timeout" => "edit-timeout",
        "limits.memory" => "edit-memory",
        "description" => "edit-description",
        "exec.main" => "edit-main",
        "exec.components" => "edit-add-component",
        _ => CODE_ID,
    }
}

fn focus(id: &str) {
    use wasm_bindgen::JsCast;
    if let Some(e) = document()
        .get_element_by_id(id)
        .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok())
    {
        let _ = e.focus();
    }
}

/// The save action of `state` (a no-op when `locked`), and `Ctrl/Cmd+S` bound to it.
pub fn use_save(state: EditorState, locked: bool) -> Callback<()> {
    let save = Callback::new(move |()| {
        if locked || state.saving.get_untracked() == Saving::InFlight {
            return;
        }
        let base = state.base.get_untracked();
        let sent = state.form.get_untracked();
        let spec = match sent.apply(&base.spec) {
            Ok(spec) => spec,
            Err(problems) => {
                if let Some(first) = problems.first() {
                    focus(input_of(&first.field));
                }
                return;
            }
        };
        state.saving.set(Saving::InFlight);
        state.refused.set(None);
        let version = state.version.get_untracked();
        leptos::task::spawn_local(async move {
            let answer = save_action(base.connection.clone(), spec, version).await;
            state.saving.set(Saving::Idle);
            match answer {
                Ok(SaveOutcome::Saved(stored)) => saved(state, &sent, stored),
                Ok(SaveOutcome::Conflict(theirs)) => state.conflict.set(Some(theirs)),
                Err(error) => state.refused.set(Some(error)),
            }
        });
    });
    Effect::new(move |_| {
        let keys = window_event_listener(leptos::ev::keydown, move |e| {
            if (e.ctrl_key() || e.meta_key()) && e.key().eq_ignore_ascii_case("s") {
                e.prevent_default();
                save.run(());
            }
        });
        on_cleanup(move || keys.remove());
    });
    save
}

/// After a save: the stored action is the new base; the form follows it unless the person
/// typed on while it was saving; the draft goes once nothing is unsaved.
fn saved(state: EditorState, sent: &Form, stored: crate::api::EditableAction) {
    let key = drafts::key(&stored.connection, &stored.spec.action);
    let now = Form::of(&stored.spec);
    if state.form.with_untracked(|f| f == sent) && *sent != now {
        replace_code(&now.code);
        state.form.set(now);
    }
    state.version.set(stored.version.clone());
    state.base.set(stored);
    if !state.dirty.get_untracked() {
        drafts::remove(&key);
    }
}

/// The Save button and what it says.
#[component]
pub fn SaveButton(state: EditorState, save: Callback<()>) -> impl IntoView {
    let label = move || match (state.saving.get(), state.dirty.get()) {
        (Saving::InFlight, _) => "Saving…",
        (Saving::Idle, true) => "Save",
        (Saving::Idle, false) => "Saved",
    };
    let refused = move || !state.problems.with(Vec::is_empty);
    view! {
        <button
            type="button"
            class="primary save-button"
            aria-keyshortcuts="Control+S Meta+S"
            disabled=move || state.saving.get() == Saving::InFlight || !state.dirty.get()
            on:click=move |_| save.run(())
        >
            {label}
        </button>
        <span class="hint save-hint" role="status">
            {move || {
                if refused() {
                    "Fix the fields marked below to save."
                } else if state.dirty.get() {
                    "Unsaved changes · Ctrl+S saves"
                } else {
                    ""
                }
            }}
        </span>
    }
}
