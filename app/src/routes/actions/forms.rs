//! The "New action" and "New package" forms: checked in the browser before sending (the same
//! rules run again on the server), errors shown on their fields. Plain `POST` forms to the
//! server functions, so they also work before (or without) the WASM bundle.

use leptos::prelude::*;
use leptos::server_fn::ServerFn;

use super::field::{
    Choice, Field, FormErrors, FormFrame, FormText, NameField, SelectField, invalid,
};
use crate::api::{
    CreateAction, DEFAULT_TIMEOUT_MS, KINDS, MEMORY_SIZES, NewAction, SavePackage, validate_name,
    validate_new_action,
};

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

/// The "New action" form.
#[component]
pub fn NewActionForm(
    connection: String,
    packages: Vec<String>,
    fields: NewActionFields,
    action: ServerAction<CreateAction>,
    on_cancel: Callback<()>,
) -> impl IntoView {
    let errors = FormErrors::new(Signal::derive(move || {
        action.value().get().and_then(Result::err)
    }));
    let submit = submit_new_action(connection.clone(), fields, errors, action);
    let package_choices = std::iter::once(Choice::new("", "(top level, no package)"))
        .chain(packages.into_iter().map(Choice::plain))
        .collect();
    view! {
        <FormFrame
            text=FormText {
                id: "new-action",
                title: "New action",
                url: CreateAction::url(),
                submit: "Create action",
            }
            connection
            errors
            pending=action.pending().into()
            on_submit=submit
            on_cancel
        >
            <SelectField
                id="new-action-package"
                name="package"
                label="Package"
                value=fields.package
                choices=package_choices
                error=errors.field("package")
            />
            <NameField
                id="new-action-name"
                label="Name"
                value=fields.name
                error=errors.field("name")
            />
            <SelectField
                id="new-action-kind"
                name="kind"
                label="Runtime"
                value=fields.kind
                choices=KINDS.into_iter().map(Choice::plain).collect()
                error=errors.field("kind")
            />
            <LimitFields fields errors />
            <CodeField fields error=errors.field("code") />
        </FormFrame>
    }
}

/// Checks the new action in the browser, then sends it; the errors land on their fields.
fn submit_new_action(
    connection: String,
    fields: NewActionFields,
    errors: FormErrors,
    action: ServerAction<CreateAction>,
) -> Callback<()> {
    Callback::new(move |()| {
        let new = fields.value();
        let problems = validate_new_action(&new);
        let ok = problems.is_empty();
        errors.checked.set(problems);
        if ok {
            action.dispatch(CreateAction {
                connection: connection.clone(),
                package: new.package,
                name: new.name,
                kind: new.kind,
                code: new.code,
                timeout_ms: new.timeout_ms,
                memory_mb: new.memory_mb,
            });
        }
    })
}

/// The new action's code, starting from the template.
#[component]
fn CodeField(fields: NewActionFields, error: Signal<Option<String>>) -> impl IntoView {
    view! {
        <Field id="new-action-code" label="Code" error=error>
            <textarea
                id="new-action-code"
                name="code"
                rows="8"
                spellcheck="false"
                prop:value=move || fields.code.get()
                on:input=move |ev| fields.code.set(event_target_value(&ev))
                aria-invalid=invalid(error)
                aria-describedby="new-action-code-error"
            >
                {TEMPLATE}
            </textarea>
        </Field>
    }
}

/// The new action's timeout and memory, side by side.
#[component]
fn LimitFields(fields: NewActionFields, errors: FormErrors) -> impl IntoView {
    let memory_choices = MEMORY_SIZES
        .into_iter()
        .map(|m| Choice::new(m.to_string(), format!("{m} MB")))
        .collect();
    let timeout_error = errors.field("timeout_ms");
    view! {
        <div class="field-row">
            <Field
                id="new-action-timeout"
                label="Timeout (ms)"
                hint="500 to 300,000 ms."
                error=timeout_error
            >
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
                    aria-invalid=invalid(timeout_error)
                    aria-describedby="new-action-timeout-hint new-action-timeout-error"
                />
            </Field>
            <SelectField
                id="new-action-memory"
                name="memory_mb"
                label="Memory (MB)"
                value=fields.memory
                choices=memory_choices
                error=errors.field("memory_mb")
            />
        </div>
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
    let errors = FormErrors::new(Signal::derive(move || {
        action.value().get().and_then(Result::err)
    }));
    let submit_connection = connection.clone();
    let submit = Callback::new(move |()| {
        let value = name.get_untracked().trim().to_string();
        match validate_name("name", &value) {
            Err(e) => errors.checked.set(vec![e]),
            Ok(()) => {
                errors.checked.set(vec![]);
                let text = description.get_untracked();
                action.dispatch(SavePackage {
                    connection: submit_connection.clone(),
                    name: value,
                    description: (!text.trim().is_empty()).then_some(text),
                });
            }
        }
    });
    view! {
        <FormFrame
            text=FormText {
                id: "new-package",
                title: "New package",
                url: SavePackage::url(),
                submit: "Create package",
            }
            connection
            errors
            pending=action.pending().into()
            on_submit=submit
            on_cancel
        >
            <NameField
                id="new-package-name"
                label="Package name"
                value=name
                error=errors.field("name")
            />
            <Field id="new-package-description" label="Description (optional)">
                <input id="new-package-description" name="description" bind:value=description />
            </Field>
        </FormFrame>
    }
}
