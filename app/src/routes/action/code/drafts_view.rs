//! Keeping drafts as the person types, and offering one found on opening (after a reload, a
//! crash or a failed save) with its time: "Restore" or "Discard".

use leptos::prelude::*;

use super::code_area::replace_code;
use super::drafts::{self, DELAY_MS, Draft};
use super::form::Form;
use super::state::EditorState;

/// Writes the form as a draft `DELAY_MS` after the last change while it differs from the
/// stored action; forgets the draft when it no longer does.
fn keep_drafts(state: EditorState, key: String, offered: RwSignal<Option<Draft>>) {
    let pending = StoredValue::new(None::<leptos::prelude::TimeoutHandle>);
    let failed = state.refused;
    Effect::new(move |first: Option<()>| {
        let form = state.form.get();
        let dirty = state.dirty.get();
        if let Some(timer) = pending.get_value() {
            timer.clear();
        }
        // On opening, an offered draft is kept until the person decides.
        if first.is_none() || (!dirty && offered.with_untracked(Option::is_some)) {
            return;
        }
        if !dirty {
            drafts::remove(&key);
            return;
        }
        let (key, version) = (key.clone(), state.version.get_untracked());
        let timer = set_timeout_with_handle(
            move || {
                if !drafts::store(&key, &form, &version) {
                    failed.set(Some(crate::errors::AppError::Transport(
                        "this browser refused to keep a draft (storage full or blocked): save soon"
                            .into(),
                    )));
                }
            },
            std::time::Duration::from_millis(DELAY_MS),
        );
        pending.set_value(timer.ok());
    });
}

/// The offer of a draft found on opening, and the draft keeping.
#[component]
pub fn DraftOffer(state: EditorState) -> impl IntoView {
    let key = state
        .base
        .with_untracked(|b| drafts::key(&b.connection, &b.spec.action));
    let offered = RwSignal::new(None::<Draft>);
    let found_key = key.clone();
    Effect::new(move |_| {
        let stored = state.base.with_untracked(|b| Form::of(&b.spec));
        if let Some(draft) = drafts::load(&found_key).filter(|d| d.form != stored) {
            offered.set(Some(draft));
        }
    });
    keep_drafts(state, key.clone(), offered);
    let restore = move |_| {
        if let Some(draft) = offered.get_untracked() {
            replace_code(&draft.form.code);
            state.version.set(draft.version);
            state.form.set(draft.form);
            offered.set(None);
        }
    };
    let discard = move |_| {
        drafts::remove(&key);
        offered.set(None);
    };
    move || {
        offered.get().map(|draft| {
            view! {
                <div class="note draft-offer" role="region" aria-label="Unsaved draft">
                    <p>
                        "You have unsaved changes to this action from "
                        <strong>{drafts::local_time(draft.saved_at_ms)}</strong>
                        ", kept in this browser."
                    </p>
                    <div class="form-buttons">
                        <button type="button" class="primary" on:click=restore>"Restore"</button>
                        <button type="button" on:click=discard.clone()>"Discard"</button>
                    </div>
                </div>
            }
        })
    }
}
