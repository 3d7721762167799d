//! The action's configuration beside its code: parameters (JSON, checked as you type),
//! limits with exactly the allowed values, the description with its byte count, the entry
//! function, web options, and the type (shown, never editable).

use leptos::prelude::*;
use providers::rules::{MAX_DESCRIPTION_BYTES, MEMORY_SIZES};

use super::form::{Form, description_bytes, is_web};
use super::state::EditorState;

/// A field's error line, announced when it appears.
#[component]
fn FieldError(id: &'static str, message: Signal<Option<String>>) -> impl IntoView {
    view! {
        <p id=id class="field-error" role="alert">
            {move || message.get()}
        </p>
    }
}

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

/// `aria-invalid` while `error` has a message.
fn invalid(error: Signal<Option<String>>) -> impl Fn() -> Option<&'static str> + Copy {
    move || error.get().map(|_| "true")
}

/// The configuration, editable unless `read_only`.
#[component]
pub fn ConfigFields(state: EditorState, read_only: bool) -> impl IntoView {
    let (kind, has_limits) = state.base.with_untracked(|b| (b.spec.kind, b.spec.limits.is_some()));
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
    let params_error = state.error_for("parameters");
    let timeout_error = state.error_for("limits.timeout");
    let memory_error = state.error_for("limits.memory");
    let main_error = state.error_for("exec.main");
    let memory = value_of(state, |f| &f.memory_mb);
    // A stored value outside the allowed ones is shown as it is, so its refusal is visible.
    let mut sizes: Vec<String> = MEMORY_SIZES.iter().map(u64::to_string).collect();
    let stored = state.form.with_untracked(|f| f.memory_mb.clone());
    if !sizes.contains(&stored) {
        sizes.insert(0, stored);
    }
    let params = view! {
        <div class="field">
            <label for="edit-parameters">"Default parameters (JSON object)"</label>
            <textarea
                id="edit-parameters"
                class="params-text"
                rows="5"
                spellcheck="false"
                readonly=read_only
                aria-invalid=invalid(params_error)
                aria-describedby="edit-parameters-error"
                prop:value=value_of(state, |f| &f.parameters)
                on:input=on_text(state, |f, t| f.parameters = t)
            >
                {state.form.with_untracked(|f| f.parameters.clone())}
            </textarea>
            <FieldError id="edit-parameters-error" message=params_error />
        </div>
    };
    view! {
        {params}
        <div class="field-row">
            <div class="field">
                <label for="edit-timeout">"Timeout (ms)"</label>
                <input
                    id="edit-timeout"
                    type="number"
                    inputmode="numeric"
                    min="500"
                    max="300000"
                    step="1"
                    readonly=read_only
                    aria-invalid=invalid(timeout_error)
                    aria-describedby="edit-timeout-hint edit-timeout-error"
                    prop:value=value_of(state, |f| &f.timeout_ms)
                    on:input=on_text(state, |f, t| f.timeout_ms = t)
                />
                <p id="edit-timeout-hint" class="hint">"500 to 300,000 ms"</p>
                <FieldError id="edit-timeout-error" message=timeout_error />
            </div>
            <div class="field">
                <label for="edit-memory">"Memory (MB)"</label>
                <select
                    id="edit-memory"
                    disabled=read_only
                    aria-invalid=invalid(memory_error)
                    aria-describedby="edit-memory-error"
                    prop:value=memory
                    on:change=on_text(state, |f, t| f.memory_mb = t)
                >
                    {sizes
                        .into_iter()
                        .map(|s| {
                            let selected = s == memory();
                            view! { <option value=s.clone() selected=selected>{s.clone()}</option> }
                        })
                        .collect_view()}
                </select>
                <FieldError id="edit-memory-error" message=memory_error />
            </div>
            <div class="field">
                <label for="edit-main">"Entry function"</label>
                <input
                    id="edit-main"
                    placeholder="main"
                    autocomplete="off"
                    readonly=read_only
                    aria-describedby="edit-main-error"
                    prop:value=value_of(state, |f| &f.main)
                    on:input=on_text(state, |f, t| f.main = t)
                />
                <FieldError id="edit-main-error" message=main_error />
            </div>
        </div>
    }
}

/// The description, with its size in bytes as the provider counts it.
#[component]
fn Description(state: EditorState, read_only: bool) -> impl IntoView {
    let error = state.error_for("description");
    let bytes = move || state.form.with(|f| description_bytes(&f.description));
    let over = move || bytes() > MAX_DESCRIPTION_BYTES;
    view! {
        <div class="field">
            <label for="edit-description">"Description"</label>
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
                {move || format!("{} of {} bytes", group(bytes()), group(MAX_DESCRIPTION_BYTES))}
                <span class="muted">" (a Korean character counts 3)"</span>
            </p>
            <FieldError id="edit-description-error" message=error />
        </div>
    }
}

/// A web action's options.
#[component]
fn WebOptions(state: EditorState, read_only: bool) -> impl IntoView {
    let error = state.error_for("raw-http");
    view! {
        <fieldset class="web-options" aria-describedby="edit-web-error">
            <legend>"Web action options"</legend>
            <label>
                <input
                    type="checkbox"
                    disabled=read_only
                    prop:checked=move || state.form.with(|f| f.raw_http)
                    on:change=move |ev| {
                        let on = event_target_checked(&ev);
                        state.form.update(|f| f.raw_http = on);
                    }
                />
                " Raw HTTP (raw-http: the body and query reach the action as sent)"
            </label>
            <label>
                <input
                    type="checkbox"
                    disabled=read_only
                    prop:checked=move || state.form.with(|f| f.custom_options)
                    on:change=move |ev| {
                        let on = event_target_checked(&ev);
                        state.form.update(|f| f.custom_options = on);
                    }
                />
                " Custom OPTIONS (custom-options: the action answers OPTIONS requests itself)"
            </label>
            <FieldError id="edit-web-error" message=error />
        </fieldset>
    }
}

/// `n` with thousands separated by commas.
fn group(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn numbers_are_grouped_by_thousands() {
        assert_eq!(super::group(0), "0");
        assert_eq!(super::group(999), "999");
        assert_eq!(super::group(3001), "3,001");
        assert_eq!(super::group(300000), "300,000");
    }
}
