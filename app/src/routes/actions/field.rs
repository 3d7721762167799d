//! The pieces every form on the actions page is made of besides the shared
//! [`Field`](crate::components::field::Field): a `<select>` of choices, the name input, and
//! the form's frame (title, general error, "Create …" and "Cancel"). Written once so each
//! form only says what it asks for.
//!
//! Their children are `TypedChildren`, not the boxed `Children` (see `components::field`).

use leptos::prelude::*;

pub use crate::components::field::{Choice, Field, invalid, options};
use crate::errors::AppError;

/// Set once hydrated: the browser's own checks apply before it (JavaScript off), ours after.
fn use_hydrated() -> RwSignal<bool> {
    let hydrated = RwSignal::new(false);
    Effect::new(move |_| hydrated.set(true));
    hydrated
}

/// A form's errors: the browser's own check of each field, else the server's answer.
#[derive(Debug, Clone, Copy)]
pub struct FormErrors {
    /// What the browser found before sending, one error per field.
    pub checked: RwSignal<Vec<AppError>>,
    answered: Signal<Option<AppError>>,
}

impl FormErrors {
    /// Errors of a form whose server answer is `answered`.
    pub fn new(answered: Signal<Option<AppError>>) -> Self {
        Self {
            checked: RwSignal::new(Vec::new()),
            answered,
        }
    }

    /// The message for `field`: the browser's check first, else the server's answer.
    pub fn field(self, field: &'static str) -> Signal<Option<String>> {
        Signal::derive(move || {
            self.checked
                .with(|c| c.iter().find(|e| e.field() == Some(field)).cloned())
                .or_else(|| self.answered.get().filter(|e| e.field() == Some(field)))
                .map(|e| e.to_string())
        })
    }

    /// The server's answer that names no field.
    pub fn general(self) -> Signal<Option<String>> {
        Signal::derive(move || {
            self.answered
                .get()
                .filter(|e| e.field().is_none())
                .map(|e| e.to_string())
        })
    }
}

/// A labelled `<select>` of `choices` bound to `value`; with `error`, its error line.
#[component]
pub fn SelectField(
    id: &'static str,
    name: &'static str,
    label: &'static str,
    value: RwSignal<String>,
    choices: Vec<Choice>,
    #[prop(optional)] error: Option<Signal<Option<String>>>,
) -> impl IntoView {
    let described = error.map(|_| format!("{id}-error"));
    let invalid = move || error.and_then(|e| e.get()).map(|_| "true");
    let options = options(choices, value.into());
    view! {
        <Field id label nostrip:error=error>
            <select
                id=id
                name=name
                prop:value=move || value.get()
                on:change=move |ev| value.set(event_target_value(&ev))
                aria-invalid=invalid
                aria-describedby=described
            >
                {options}
            </select>
        </Field>
    }
}

/// The name of a new action or package: seed 004's rule, checked by the browser before
/// hydration and by ours after; focused when its form opens.
#[component]
pub fn NameField(
    id: &'static str,
    label: &'static str,
    value: RwSignal<String>,
    error: Signal<Option<String>>,
) -> impl IntoView {
    let input = NodeRef::<leptos::html::Input>::new();
    Effect::new(move |_| {
        if let Some(input) = input.get() {
            let _ = input.focus();
        }
    });
    view! {
        <Field id label hint="1 to 50 letters, digits, - or _, not starting with -." error>
            <input
                id=id
                name="name"
                node_ref=input
                required=true
                maxlength="50"
                pattern=crate::api::NAME_PATTERN
                autocomplete="off"
                bind:value=value
                aria-invalid=invalid(error)
                aria-describedby=format!("{id}-hint {id}-error")
            />
        </Field>
    }
}

/// What a form's frame says: its title, where it posts, and its submit button.
#[derive(Debug, Clone, Copy)]
pub struct FormText {
    /// The id prefix (`new-action`): the title is `{id}-title`.
    pub id: &'static str,
    /// The heading.
    pub title: &'static str,
    /// The server function it posts to without JavaScript.
    pub url: &'static str,
    /// The submit button ("Creating…" while the request is out).
    pub submit: &'static str,
}

/// A plain `POST` form to a server function (so it works before or without the WASM bundle)
/// around its fields: title, the connection, the answer that names no field, and the
/// buttons. Once hydrated, `on_submit` runs instead of the browser's post.
#[component]
pub fn FormFrame<C: IntoView + 'static>(
    text: FormText,
    connection: String,
    errors: FormErrors,
    pending: Signal<bool>,
    on_submit: Callback<()>,
    on_cancel: Callback<()>,
    children: TypedChildren<C>,
) -> impl IntoView {
    let children = children.into_inner();
    let hydrated = use_hydrated();
    let title_id = format!("{}-title", text.id);
    let labelled_by = title_id.clone();
    let general = errors.general();
    view! {
        <form
            class="panel form"
            method="post"
            action=text.url
            aria-labelledby=labelled_by
            novalidate=move || hydrated.get()
            on:submit=move |ev| {
                ev.prevent_default();
                on_submit.run(());
            }
        >
            <h2 id=title_id>{text.title}</h2>
            <input type="hidden" name="connection" value=connection />
            <p class="form-error" role="alert">
                {move || general.get()}
            </p>
            {children()}
            <div class="form-buttons">
                <button type="submit" class="primary" disabled=move || pending.get()>
                    {move || if pending.get() { "Creating…" } else { text.submit }}
                </button>
                <button type="button" on:click=move |_| on_cancel.run(())>
                    "Cancel"
                </button>
            </div>
        </form>
    }
}
