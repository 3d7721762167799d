//! A form field as every form of the console writes it: the label, the control (the
//! children, whose id is the field's), an optional hint and an optional error line. The hint
//! is `{id}-hint` and the error `{id}-error`, the ids the control names in its
//! `aria-describedby`, so a screen reader reads them with it.
//!
//! Children are `TypedChildren`, not the boxed `Children`: in a lazy route a boxed child
//! kept every chunk's data in the first page's WASM (16 KB gzip more; measured with
//! `end2end/size-report.mjs`).

use leptos::prelude::*;

/// `aria-invalid` for a control whose error is `error`: "true" while there is one.
pub fn invalid(error: Signal<Option<String>>) -> impl Fn() -> Option<&'static str> + Copy {
    move || error.get().map(|_| "true")
}

/// A field's error line, announced when it appears.
#[component]
pub fn FieldError(#[prop(into)] id: String, message: Signal<Option<String>>) -> impl IntoView {
    view! {
        <p id=id class="field-error" role="alert">
            {move || message.get()}
        </p>
    }
}

/// A labelled field around its control (`children`, whose id is `id`), with an optional
/// hint (`{id}-hint`) and error line (`{id}-error`) the control should be described by.
/// What else describes the control (a live count, a status) goes in `children` after it.
#[component]
pub fn Field<C: IntoView + 'static>(
    id: &'static str,
    label: &'static str,
    #[prop(optional)] hint: Option<&'static str>,
    #[prop(optional)] error: Option<Signal<Option<String>>>,
    children: TypedChildren<C>,
) -> impl IntoView {
    let children = children.into_inner();
    view! {
        <div class="field">
            <label for=id>{label}</label>
            {children()}
            {hint.map(|hint| view! { <p id=format!("{id}-hint") class="hint">{hint}</p> })}
            {error.map(|message| view! { <FieldError id=format!("{id}-error") message /> })}
        </div>
    }
}

/// One `<option>`: the value sent and the label read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Choice {
    /// The value sent.
    pub value: String,
    /// What a person reads.
    pub label: String,
}

impl Choice {
    /// A choice that reads as its value.
    pub fn plain(value: impl Into<String>) -> Self {
        let value = value.into();
        Self {
            label: value.clone(),
            value,
        }
    }

    /// A choice with its own label.
    pub fn new(value: impl Into<String>, label: impl Into<String>) -> Self {
        Self {
            value: value.into(),
            label: label.into(),
        }
    }
}

/// The `<option>`s of `choices`, the one whose value `selected` holds marked selected (what
/// the server renders; hydrated, the `<select>`'s own value follows the same signal).
pub fn options(choices: Vec<Choice>, selected: Signal<String>) -> impl IntoView {
    choices
        .into_iter()
        .map(|c| {
            let own = c.value.clone();
            view! {
                <option value=c.value selected=move || selected.with(|s| *s == own)>
                    {c.label}
                </option>
            }
        })
        .collect_view()
}
