//! The action's configuration beside its code: parameters (JSON, checked as you type),
//! limits with exactly the allowed values, the description with its byte count, the entry
//! function, web options, and the type (shown, never editable).

use leptos::prelude::*;
use providers::rules::{MAX_DESCRIPTION_BYTES, MEMORY_SIZES};

use super::form::{Form, description_bytes, is_web};
use super::state::EditorState;
use crate::components::field::{Choice, Field, FieldError, invalid, options};
use crate::components::format::thousands;

/// The value of the form's `get` field, for an input.
fn value_of(state: EditorState, get: fn(&Form) -> &String) -> impl Fn() -> String + Copy {
    move || state.form.with(|f| get(f).clone())
}

/// An input's handler: the typed text goes into the form's field `put` writes.
fn on_text(state: EditorState, put: fn(&mut Form, String)) -> impl Fn(leptos::ev::Event) + Copy {
    move |ev| {
        let text = event_target_value(&ev);
        state.form.update(|f| put(f, text));
    }
}

/// The configuration, editable unless `read_only`.
#[component]
pub fn ConfigFields(state: EditorState, read_only: bool) -> impl IntoView {
    let (kind, has_limits) = state
        .base
        .with_untracked(|b| (b.spec.kind, b.spec.limits.is_some()));
    // A provider that lists no limits (FunctionGraph, SCF here) shows none rather than blanks.
    let code_fields = (!kind.is_sequence() && (has_limits || !read_only))
        .then(|| view! { <CodeFields state read_only /> });
    let web = is_web(kind).then(|| view! { <WebOptions state read_only /> });
    view! {
        <section class="editor-config" aria-labelledby="config-title">
            <h2 id="config-title">"Configuration"</h2>
            <p class="type-line">
                "Type: " <strong>{kind.as_str()}</strong>
                <span class="muted">" (an action's type cannot change after it is created)"</span>
            </p>
            {code_fields}
            <Description state read_only />
            {web}
        </section>
    }
}

/// Parameters, limits and the entry function (not for sequences).
#[component]
fn CodeFields(state: EditorState, read_only: bool) -> impl IntoView {
    view! {
        <ParamsField state read_only />
        <div class="field-row">
            <TimeoutField state read_only />
            <MemoryField state read_only />
            <MainField state read_only />
        </div>
    }
}

/// The default parameters, a JSON object checked as it is typed.
#[component]
fn ParamsField(state: EditorState, read_only: bool) -> impl IntoView {
    let error = state.error_for("parameters");
    view! {
        <Field id="edit-parameters" label="Default parameters (JSON object)" error>
            <textarea
                id="edit-parameters"
                class="params-text"
                rows="5"
                spellcheck="false"
                readonly=read_only
                aria-invalid=invalid(error)
                aria-describedby="edit-parameters-error"
                prop:value=value_of(state, |f| &f.parameters)
                on:input=on_text(state, |f, t| f.parameters = t)
            >
                {state.form.with_untracked(|f| f.parameters.clone())}
            </textarea>
        </Field>
    }
}

/// The time limit, in milliseconds.
#[component]
fn TimeoutField(state: EditorState, read_only: bool) -> impl IntoView {
    let error = state.error_for("limits.timeout");
    view! {
        <Field id="edit-timeout" label="Timeout (ms)" hint="500 to 300,000 ms" error>
            <input
                id="edit-timeout"
                type="number"
                inputmode="numeric"
                min="500"
                max="300000"
                step="1"
                readonly=read_only
                aria-invalid=invalid(error)
                aria-describedby="edit-timeout-hint edit-timeout-error"
                prop:value=value_of(state, |f| &f.timeout_ms)
                on:input=on_text(state, |f, t| f.timeout_ms = t)
            />
        </Field>
    }
}

/// The memory limit: one of the sizes the provider allows.
#[component]
fn MemoryField(state: EditorState, read_only: bool) -> impl IntoView {
    let error = state.error_for("limits.memory");
    let memory = value_of(state, |f| &f.memory_mb);
    // A stored value outside the allowed ones is shown as it is, so its refusal is visible.
    let mut sizes: Vec<String> = MEMORY_SIZES.iter().map(u64::to_string).collect();
    let stored = state.form.with_untracked(|f| f.memory_mb.clone());
    if !sizes.contains(&stored) {
        sizes.insert(0, stored);
    }
    let options = options(
        sizes.into_iter().map(Choice::plain).collect(),
        Signal::derive(memory),
    );
    view! {
        <Field id="edit-memory" label="Memory (MB)" error>
            <select
                id="edit-memory"
                disabled=read_only
                aria-invalid=invalid(error)
                aria-describedby="edit-memory-error"
                prop:value=memory
                on:change=on_text(state, |f, t| f.memory_mb = t)
            >
                {options}
            </select>
        </Field>
    }
}

/// The function the runtime calls (`main` when empty).
#[component]
fn MainField(state: EditorState, read_only: bool) -> impl IntoView {
    let error = state.error_for("exec.main");
    view! {
        <Field id="edit-main" label="Entry function" error>
            <input
                id="edit-main"
                placeholder="main"
                autocomplete="off"
                readonly=read_only
                aria-describedby="edit-main-error"
                prop:value=value_of(state, |f| &f.main)
                on:input=on_text(state, |f, t| f.main = t)
            />
        </Field>
    }
}

/// The description, with its size in bytes as the provider counts it.
#[component]
fn Description(state: EditorState, read_only: bool) -> impl IntoView {
    let error = state.error_for("description");
    let bytes = move || state.form.with(|f| description_bytes(&f.description));
    let over = move || bytes() > MAX_DESCRIPTION_BYTES;
    view! {
        <Field id="edit-description" label="Description" error>
            <textarea
                id="edit-description"
                rows="3"
                readonly=read_only
                aria-invalid=invalid(error)
                aria-describedby="edit-description-count edit-description-error"
                prop:value=value_of(state, |f| &f.description)
                on:input=on_text(state, |f, t| f.description = t)
            >
                {state.form.with_untracked(|f| f.description.clone())}
            </textarea>
            <p id="edit-description-count" class="hint byte-count" class:over=over aria-live="polite">
                {move || format!("{} of {} bytes", thousands(bytes() as u64), thousands(MAX_DESCRIPTION_BYTES as u64))}
                <span class="muted">" (a Korean character counts 3)"</span>
            </p>
        </Field>
    }
}

/// A web action's options.
#[component]
fn WebOptions(state: EditorState, read_only: bool) -> impl IntoView {
    let error = state.error_for("raw-http");
    view! {
        <fieldset class="web-options" aria-describedby="edit-web-error">
            <legend>"Web action options"</legend>
            <WebOption
                state
                read_only
                text=" Raw HTTP (raw-http: the body and query reach the action as sent)"
                get=|f| f.raw_http
                put=|f, on| f.raw_http = on
            />
            <WebOption
                state
                read_only
                text=" Custom OPTIONS (custom-options: the action answers OPTIONS requests itself)"
                get=|f| f.custom_options
                put=|f, on| f.custom_options = on
            />
            <FieldError id="edit-web-error" message=error />
        </fieldset>
    }
}

/// One web option's checkbox, bound to the form's field `get` reads and `put` writes.
#[component]
fn WebOption(
    state: EditorState,
    read_only: bool,
    text: &'static str,
    get: fn(&Form) -> bool,
    put: fn(&mut Form, bool),
) -> impl IntoView {
    view! {
        <label>
            <input
                type="checkbox"
                disabled=read_only
                prop:checked=move || state.form.with(get)
                on:change=move |ev| {
                    let on = event_target_checked(&ev);
                    state.form.update(|f| put(f, on));
                }
            />
            {text}
        </label>
    }
}
