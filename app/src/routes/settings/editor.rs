//! The form that adds a connection or edits one added here: the provider's fields as
//! `fnconsole.toml` has them, and its secrets as write-only fields (never filled in; "set"
//! when one is stored, and left empty it is kept). A refused save keeps everything typed and
//! puts the server's message under the field it names.

use std::collections::BTreeMap;

use leptos::prelude::*;
use providers::ProviderKind;

use super::reload_page;
use crate::api::{
    ConnectionInput, FieldKind, ManagedConnection, SaveConnection, fields_of, secrets_of,
};

/// What the form holds.
#[derive(Clone, Copy)]
struct Draft {
    open: RwSignal<bool>,
    creating: RwSignal<bool>,
    id: RwSignal<String>,
    provider: RwSignal<String>,
    fields: RwSignal<BTreeMap<String, String>>,
    secrets: RwSignal<BTreeMap<String, String>>,
    secrets_set: RwSignal<Vec<String>>,
}

impl Draft {
    fn new() -> Self {
        Self {
            open: RwSignal::new(false),
            creating: RwSignal::new(true),
            id: RwSignal::new(String::new()),
            provider: RwSignal::new("openwhisk".into()),
            fields: RwSignal::new(BTreeMap::new()),
            secrets: RwSignal::new(BTreeMap::new()),
            secrets_set: RwSignal::new(Vec::new()),
        }
    }

    fn start(self, from: Option<&ManagedConnection>) {
        self.open.set(true);
        self.creating.set(from.is_none());
        self.id
            .set(from.map(|c| c.summary.id.clone()).unwrap_or_default());
        self.provider.set(
            from.map_or("openwhisk", |c| c.summary.provider.config_name())
                .into(),
        );
        self.fields
            .set(from.map(|c| c.fields.clone()).unwrap_or_default());
        self.secrets.set(BTreeMap::new());
        self.secrets_set
            .set(from.map(|c| c.secrets_set.clone()).unwrap_or_default());
    }

    fn input(self) -> ConnectionInput {
        ConnectionInput {
            id: self.id.get_untracked().trim().to_string(),
            provider: self.provider.get_untracked(),
            fields: self.fields.get_untracked(),
            secrets: self.secrets.get_untracked(),
        }
    }
}

fn provider_kind(name: &str) -> ProviderKind {
    ProviderKind::ALL
        .into_iter()
        .find(|p| p.config_name() == name)
        .unwrap_or(ProviderKind::Openwhisk)
}

/// "Add connection", and the form when one is being added or edited.
#[component]
pub fn ConnectionEditor(editing: RwSignal<Option<ManagedConnection>>) -> impl IntoView {
    let draft = Draft::new();
    Effect::new(move |_| {
        if let Some(c) = editing.get() {
            draft.start(Some(&c));
        }
    });
    let save = ServerAction::<SaveConnection>::new();
    Effect::new(move |_| {
        if let Some(Ok(_)) = save.value().get() {
            reload_page();
        }
    });
    let refused = Signal::derive(move || save.value().get().and_then(Result::err));
    let error_of = move |field: &'static str| {
        Signal::derive(move || {
            refused
                .get()
                .filter(|e| e.field() == Some(field))
                .map(|e| e.to_string())
        })
    };
    let general = move || {
        refused
            .get()
            .filter(|e| e.field().is_none())
            .map(|e| e.to_string())
    };
    let other_field = move || {
        // A field the form does not show (`connection`: the file's own rules).
        refused
            .get()
            .filter(|e| matches!(e.field(), Some("connection")))
            .map(|e| e.to_string())
    };
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        save.dispatch(SaveConnection {
            connection: draft.input(),
            creating: draft.creating.get_untracked(),
        });
    };
    let title = move || {
        if draft.creating.get() {
            "Add a connection"
        } else {
            "Edit connection"
        }
    };
    view! {
        <p hidden=move || draft.open.get()>
            <button type="button" class="primary" on:click=move |_| draft.start(None)>"Add connection"</button>
        </p>
        <Show when=move || draft.open.get()>
            <form class="connection-form" on:submit=submit aria-labelledby="connection-form-title" novalidate=true>
                <h3 id="connection-form-title">{title}</h3>
                <div class="field">
                    <label for="conn-id">"Id"</label>
                    <input id="conn-id" name="id" autocomplete="off" required=true
                        readonly=move || !draft.creating.get()
                        aria-describedby="conn-id-hint conn-id-error"
                        prop:value=move || draft.id.get()
                        on:input=move |ev| draft.id.set(event_target_value(&ev)) />
                    <p class="hint" id="conn-id-hint">"Used in URLs and the audit log: letters, digits, '-' or '_'. Fixed once added."</p>
                    <FieldLine id="conn-id-error" message=error_of("id") />
                </div>
                <div class="field">
                    <label for="conn-provider">"Provider"</label>
                    <select id="conn-provider" name="provider" aria-describedby="conn-provider-error"
                        disabled=move || !draft.creating.get()
                        prop:value=move || draft.provider.get()
                        on:change=move |ev| draft.provider.set(event_target_value(&ev))>
                        {ProviderKind::ALL.map(|p| view! {
                            <option value=p.config_name() selected=move || draft.provider.get() == p.config_name()>{p.display_name()}</option>
                        }).collect_view()}
                    </select>
                    <FieldLine id="conn-provider-error" message=error_of("provider") />
                </div>
                {move || {
                    let provider = provider_kind(&draft.provider.get());
                    fields_of(provider).iter().map(|spec| field_view(draft, spec.key, spec.label, spec.kind, spec.required, spec.hint, error_of(spec.key))).collect_view()
                }}
                <fieldset class="secrets">
                    <legend>"Secrets (write-only: never shown again)"</legend>
                    {move || {
                        let provider = provider_kind(&draft.provider.get());
                        secrets_of(provider).iter().map(|spec| secret_view(draft, spec.key, spec.label, error_of(spec.key))).collect_view()
                    }}
                </fieldset>
                <p class="form-error" role="alert">{general}{other_field}</p>
                <div class="filter-buttons">
                    <button type="submit" class="primary" disabled=move || save.pending().get()>
                        {move || if draft.creating.get() { "Add connection" } else { "Save connection" }}
                    </button>
                    <button type="button" on:click=move |_| { draft.open.set(false); editing.set(None); }>"Cancel"</button>
                </div>
            </form>
        </Show>
    }
}

/// An error line under a field.
#[component]
fn FieldLine(id: &'static str, message: Signal<Option<String>>) -> impl IntoView {
    view! { <p id=id class="field-error" role="alert">{move || message.get()}</p> }
}

fn field_view(
    draft: Draft,
    key: &'static str,
    label: &'static str,
    kind: FieldKind,
    required: bool,
    hint: &'static str,
    error: Signal<Option<String>>,
) -> impl IntoView {
    let id = format!("conn-{key}");
    let described = format!("{id}-hint {id}-error");
    let value = move || {
        draft
            .fields
            .with(|f| f.get(key).cloned().unwrap_or_default())
    };
    let set = move |v: String| {
        draft.fields.update(|f| {
            f.insert(key.to_string(), v);
        })
    };
    let control = match kind {
        FieldKind::Check => view! {
            <input id=id.clone() type="checkbox" aria-describedby=described.clone()
                prop:checked=move || value() == "true"
                on:change=move |ev| set(if event_target_checked(&ev) { "true".into() } else { "false".into() }) />
        }
        .into_any(),
        FieldKind::Text | FieldKind::Url => view! {
            <input id=id.clone() type={if kind == FieldKind::Url { "url" } else { "text" }} autocomplete="off"
                required=required aria-describedby=described.clone()
                aria-invalid=move || error.get().map(|_| "true")
                prop:value=value on:input=move |ev| set(event_target_value(&ev)) />
        }
        .into_any(),
    };
    let label = if required {
        label.to_string()
    } else {
        format!("{label} (optional)")
    };
    view! {
        <div class={if kind == FieldKind::Check { "field field-check" } else { "field" }}>
            <label for=id.clone()>{label}</label>
            {control}
            <p class="hint" id=format!("{id}-hint")>{hint}</p>
            <p class="field-error" id=format!("{id}-error") role="alert">{move || error.get()}</p>
        </div>
    }
}

fn secret_view(
    draft: Draft,
    key: &'static str,
    label: &'static str,
    error: Signal<Option<String>>,
) -> impl IntoView {
    let id = format!("conn-secret-{key}");
    let is_set = move || draft.secrets_set.with(|s| s.iter().any(|k| k == key));
    let state = move || {
        if is_set() {
            "Set. Leave empty to keep it; type a new value to replace it."
        } else {
            "Not set."
        }
    };
    view! {
        <div class="field">
            <label for=id.clone()>{label}</label>
            <input id=id.clone() type="password" autocomplete="new-password"
                aria-describedby=format!("{id}-state {id}-error")
                aria-invalid=move || error.get().map(|_| "true")
                prop:value=move || draft.secrets.with(|s| s.get(key).cloned().unwrap_or_default())
                on:input=move |ev| draft.secrets.update(|s| { s.insert(key.to_string(), event_target_value(&ev)); }) />
            <p class="hint" id=format!("{id}-state")>{state}</p>
            <p class="field-error" id=format!("{id}-error") role="alert">{move || error.get()}</p>
        </div>
    }
}
