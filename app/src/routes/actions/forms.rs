//! The "New action" and "New package" forms: checked in the browser before sending (the same
//! rules run again on the server), errors shown on their fields. Plain `POST` forms to the
//! server functions, so they also work before (or without) the WASM bundle.

use leptos::prelude::*;
use leptos::server_fn::ServerFn;

use crate::api::{
    CreateAction, DEFAULT_TIMEOUT_MS, KINDS, MEMORY_SIZES, NAME_PATTERN, NewAction, SavePackage,
    validate_name, validate_new_action,
};
use crate::errors::AppError;

/// The code a new action starts with.
const TEMPLATE: &str =
    "function main(params) {\n  return { greeting: `Hello, ${params.name || 'World'}!` };\n}\n";

/// The "New action" form's values, kept by the page so a refetch does not lose them.
#[derive(Debug, Clone, Copy)]
pub struct NewActionFields {
    package: RwSignal<String>,
    name: RwSignal<String>,
    kind: RwSignal<String>,
    code: RwSignal<String>,
    timeout: RwSignal<String>,
    memory: RwSignal<String>,
}

impl NewActionFields {
    /// Empty fields with the defaults.
    pub fn new() -> Self {
        Self {
            package: RwSignal::new(String::new()),
            name: RwSignal::new(String::new()),
            kind: RwSignal::new(KINDS[0].to_string()),
            code: RwSignal::new(TEMPLATE.to_string()),
            timeout: RwSignal::new(DEFAULT_TIMEOUT_MS.to_string()),
            memory: RwSignal::new("256".to_string()),
        }
    }

    /// Back to the defaults, keeping the package picked.
    pub fn reset(&self) {
        self.name.set(String::new());
        self.code.set(TEMPLATE.to_string());
    }

    fn value(&self) -> NewAction {
        NewAction {
            package: self.package.get_untracked(),
            name: self.name.get_untracked().trim().to_string(),
            kind: self.kind.get_untracked(),
            code: self.code.get_untracked(),
            timeout_ms: self.timeout.get_untracked().trim().parse().unwrap_or(0),
            memory_mb: self.memory.get_untracked().parse().unwrap_or(0),
        }
    }
}

impl Default for NewActionFields {
    fn default() -> Self {
        Self::new()
    }
}

/// The message for `field`: the browser's check first, else the server's answer.
fn field_error(
    field: &'static str,
    checked: RwSignal<Vec<AppError>>,
    answered: impl Fn() -> Option<AppError> + Send + Sync + 'static,
) -> impl Fn() -> Option<String> + Send + Sync + Clone + 'static {
    let answered = std::sync::Arc::new(answered);
    move || {
        checked
            .with(|c| c.iter().find(|e| e.field() == Some(field)).cloned())
            .or_else(|| answered().filter(|e| e.field() == Some(field)))
            .map(|e| e.to_string())
    }
}

/// A field's error line, announced when it appears.
#[component]
fn FieldError(id: &'static str, message: Signal<Option<String>>) -> impl IntoView {
    view! {
        <p id=id class="field-error" role="alert">
            {move || message.get()}
        </p>
    }
}

/// Set once hydrated: the browser's own checks apply before it (JavaScript off), ours after.
fn use_hydrated() -> RwSignal<bool> {
    let hydrated = RwSignal::new(false);
    Effect::new(move |_| hydrated.set(true));
    hydrated
}

/// The "New action" form.
#[component]
pub fn NewActionForm(
    connection: String,
    packages: Vec<String>,
    fields: NewActionFields,
    action: ServerAction<CreateAction>,
    on_cancel: Callback<()>,
) -> impl IntoView {
    let checked = RwSignal::new(Vec::<AppError>::new());
    let answered = move || action.value().get().and_then(Result::err);
    let error = |field| Signal::derive(field_error(field, checked, answered));
    let (package_error, name_error, kind_error) = (error("package"), error("name"), error("kind"));
    let (code_error, timeout_error, memory_error) =
        (error("code"), error("timeout_ms"), error("memory_mb"));
    let general = move || {
        answered()
            .filter(|e| e.field().is_none())
            .map(|e| e.to_string())
    };
    let hydrated = use_hydrated();
    let name_input = NodeRef::<leptos::html::Input>::new();
    Effect::new(move |_| {
        if let Some(input) = name_input.get() {
            let _ = input.focus();
        }
    });
    let submit_connection = connection.clone();
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let new = fields.value();
        let problems = validate_new_action(&new);
        let ok = problems.is_empty();
        checked.set(problems);
        if ok {
            action.dispatch(CreateAction {
                connection: submit_connection.clone(),
                package: new.package,
                name: new.name,
                kind: new.kind,
                code: new.code,
                timeout_ms: new.timeout_ms,
                memory_mb: new.memory_mb,
            });
        }
    };
    view! {
        <form
            class="panel form"
            method="post"
            action=CreateAction::url()
            aria-labelledby="new-action-title"
            novalidate=move || hydrated.get()
            on:submit=submit
        >
            <h2 id="new-action-title">"New action"</h2>
            <input type="hidden" name="connection" value=connection />
            <p class="form-error" role="alert">
                {general}
            </p>
            <div class="field">
                <label for="new-action-package">"Package"</label>
                <select
                    id="new-action-package"
                    name="package"
                    prop:value=move || fields.package.get()
                    on:change=move |ev| fields.package.set(event_target_value(&ev))
                    aria-invalid=move || package_error.get().map(|_| "true")
                    aria-describedby="new-action-package-error"
                >
                    <option value="">"(top level, no package)"</option>
                    {packages
                        .into_iter()
                        .map(|p| {
                            let value = p.clone();
                            let label = p.clone();
                            view! {
                                <option value=p selected=move || fields.package.get() == value>
                                    {label}
                                </option>
                            }
                        })
                        .collect_view()}
                </select>
                <FieldError id="new-action-package-error" message=package_error />
            </div>
            <div class="field">
                <label for="new-action-name">"Name"</label>
                <input
                    id="new-action-name"
                    name="name"
                    node_ref=name_input
                    required=true
                    maxlength="50"
                    pattern=NAME_PATTERN
                    autocomplete="off"
                    bind:value=fields.name
                    aria-invalid=move || name_error.get().map(|_| "true")
                    aria-describedby="new-action-name-hint new-action-name-error"
                />
                <p id="new-action-name-hint" class="hint">
                    "1 to 50 letters, digits, - or _, not starting with -."
                </p>
                <FieldError id="new-action-name-error" message=name_error />
            </div>
            <div class="field">
                <label for="new-action-kind">"Runtime"</label>
                <select
                    id="new-action-kind"
                    name="kind"
                    prop:value=move || fields.kind.get()
                    on:change=move |ev| fields.kind.set(event_target_value(&ev))
                    aria-describedby="new-action-kind-error"
                >
                    {KINDS
                        .into_iter()
                        .map(|k| {
                            view! {
                                <option value=k selected=move || fields.kind.get() == k>
                                    {k}
                                </option>
                            }
                        })
                        .collect_view()}
                </select>
                <FieldError id="new-action-kind-error" message=kind_error />
            </div>
            <div class="field-row">
                <div class="field">
                    <label for="new-action-timeout">"Timeout (ms)"</label>
                    <input
                        id="new-action-timeout"
                        name="timeout_ms"
                        type="number"
                        inputmode="numeric"
                        min="500"
                        max="300000"
                        step="1"
                        required=true
                        bind:value=fields.timeout
                        aria-invalid=move || timeout_error.get().map(|_| "true")
                        aria-describedby="new-action-timeout-hint new-action-timeout-error"
                    />
                    <p id="new-action-timeout-hint" class="hint">"500 to 300,000 ms."</p>
                    <FieldError id="new-action-timeout-error" message=timeout_error />
                </div>
                <div class="field">
                    <label for="new-action-memory">"Memory (MB)"</label>
                    <select
                        id="new-action-memory"
                        name="memory_mb"
                        prop:value=move || fields.memory.get()
                        on:change=move |ev| fields.memory.set(event_target_value(&ev))
                        aria-describedby="new-action-memory-error"
                    >
                        {MEMORY_SIZES
                            .into_iter()
                            .map(|m| {
                                let value = m.to_string();
                                view! {
                                    <option
                                        value=value.clone()
                                        selected=move || fields.memory.get() == value
                                    >
                                        {format!("{m} MB")}
                                    </option>
                                }
                            })
                            .collect_view()}
                    </select>
                    <FieldError id="new-action-memory-error" message=memory_error />
                </div>
            </div>
            <div class="field">
                <label for="new-action-code">"Code"</label>
                <textarea
                    id="new-action-code"
                    name="code"
                    rows="8"
                    spellcheck="false"
                    prop:value=move || fields.code.get()
                    on:input=move |ev| fields.code.set(event_target_value(&ev))
                    aria-invalid=move || code_error.get().map(|_| "true")
                    aria-describedby="new-action-code-error"
                >
                    {TEMPLATE}
                </textarea>
                <FieldError id="new-action-code-error" message=code_error />
            </div>
            <div class="form-buttons">
                <button type="submit" class="primary" disabled=move || action.pending().get()>
                    {move || if action.pending().get() { "Creating…" } else { "Create action" }}
                </button>
                <button type="button" on:click=move |_| on_cancel.run(())>
                    "Cancel"
                </button>
            </div>
        </form>
    }
}

/// The "New package" form.
#[component]
pub fn NewPackageForm(
    connection: String,
    action: ServerAction<SavePackage>,
    on_cancel: Callback<()>,
) -> impl IntoView {
    let name = RwSignal::new(String::new());
    let description = RwSignal::new(String::new());
    let checked = RwSignal::new(Vec::<AppError>::new());
    let answered = move || action.value().get().and_then(Result::err);
    let name_error = Signal::derive(field_error("name", checked, answered));
    let general = move || {
        answered()
            .filter(|e| e.field().is_none())
            .map(|e| e.to_string())
    };
    let hydrated = use_hydrated();
    let name_input = NodeRef::<leptos::html::Input>::new();
    Effect::new(move |_| {
        if let Some(input) = name_input.get() {
            let _ = input.focus();
        }
    });
    let submit_connection = connection.clone();
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let value = name.get_untracked().trim().to_string();
        match validate_name("name", &value) {
            Err(e) => checked.set(vec![e]),
            Ok(()) => {
                checked.set(vec![]);
                let text = description.get_untracked();
                action.dispatch(SavePackage {
                    connection: submit_connection.clone(),
                    name: value,
                    description: (!text.trim().is_empty()).then_some(text),
                });
            }
        }
    };
    view! {
        <form
            class="panel form"
            method="post"
            action=SavePackage::url()
            aria-labelledby="new-package-title"
            novalidate=move || hydrated.get()
            on:submit=submit
        >
            <h2 id="new-package-title">"New package"</h2>
            <input type="hidden" name="connection" value=connection />
            <p class="form-error" role="alert">
                {general}
            </p>
            <div class="field">
                <label for="new-package-name">"Package name"</label>
                <input
                    id="new-package-name"
                    name="name"
                    node_ref=name_input
                    required=true
                    maxlength="50"
                    pattern=NAME_PATTERN
                    autocomplete="off"
                    bind:value=name
                    aria-invalid=move || name_error.get().map(|_| "true")
                    aria-describedby="new-package-name-hint new-package-name-error"
                />
                <p id="new-package-name-hint" class="hint">
                    "1 to 50 letters, digits, - or _, not starting with -."
                </p>
                <FieldError id="new-package-name-error" message=name_error />
            </div>
            <div class="field">
                <label for="new-package-description">"Description (optional)"</label>
                <input id="new-package-description" name="description" bind:value=description />
            </div>
            <div class="form-buttons">
                <button type="submit" class="primary" disabled=move || action.pending().get()>
                    {move || if action.pending().get() { "Creating…" } else { "Create package" }}
                </button>
                <button type="button" on:click=move |_| on_cancel.run(())>
                    "Cancel"
                </button>
            </div>
        </form>
    }
}
