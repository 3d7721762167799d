//! The confirmation asked before deleting: it names what goes, and stays open with the
//! provider's answer when the deletion is refused.

use leptos::prelude::*;
use providers::ActionRef;

use crate::errors::AppError;

/// What a person asked to delete, on which connection.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Deletion {
    /// The connection's id.
    pub connection: String,
    /// The action or package.
    pub target: Target,
}

/// An action or a package.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    /// An action.
    Action(ActionRef),
    /// A package, with how many actions it holds.
    Package(String, usize),
}

impl Deletion {
    /// The question: "Delete action demo/hello?".
    pub fn question(&self) -> String {
        match &self.target {
            Target::Action(a) => format!("Delete action {a}?"),
            Target::Package(p, _) => format!("Delete package {p}?"),
        }
    }

    /// What happens, in a sentence.
    pub fn consequence(&self) -> String {
        match &self.target {
            Target::Action(_) => {
                "The action, its code and its parameters are removed from the connection. This cannot be undone.".into()
            }
            Target::Package(_, 0) => "The empty package is removed. This cannot be undone.".into(),
            Target::Package(_, n) => format!(
                "It still holds {n} action(s): the provider refuses to delete a package that is not empty."
            ),
        }
    }

    /// What was done, once done.
    pub fn done(&self) -> String {
        match &self.target {
            Target::Action(a) => format!("Deleted action {a}."),
            Target::Package(p, _) => format!("Deleted package {p}."),
        }
    }
}

/// The modal confirmation. `Escape` and "Cancel" close it; focus starts on "Cancel", the
/// safe choice.
#[component]
pub fn ConfirmDelete(
    deletion: Deletion,
    pending: Signal<bool>,
    error: Signal<Option<AppError>>,
    on_confirm: Callback<Deletion>,
    on_cancel: Callback<()>,
) -> impl IntoView {
    let cancel = NodeRef::<leptos::html::Button>::new();
    Effect::new(move |_| {
        if let Some(button) = cancel.get() {
            let _ = button.focus();
        }
    });
    // `Escape` closes it wherever focus is (a button disabled while deleting drops focus).
    let escape = window_event_listener(leptos::ev::keydown, move |ev| {
        if ev.key() == "Escape" {
            on_cancel.run(());
        }
    });
    on_cleanup(move || escape.remove());
    let question = deletion.question();
    let consequence = deletion.consequence();
    view! {
        <div class="dialog-backdrop">
            <div
                class="dialog"
                role="alertdialog"
                aria-modal="true"
                aria-labelledby="confirm-title"
                aria-describedby="confirm-text"
            >
                <h2 id="confirm-title">{question}</h2>
                <p id="confirm-text">{consequence}</p>
                <p class="form-error" role="alert">
                    {move || error.get().map(|e| e.to_string())}
                </p>
                <div class="form-buttons">
                    <button
                        type="button"
                        class="danger"
                        disabled=move || pending.get()
                        on:click=move |_| on_confirm.run(deletion.clone())
                    >
                        {move || if pending.get() { "Deleting…" } else { "Delete" }}
                    </button>
                    <button type="button" node_ref=cancel on:click=move |_| on_cancel.run(())>
                        "Cancel"
                    </button>
                </div>
            </div>
        </div>
    }
}
