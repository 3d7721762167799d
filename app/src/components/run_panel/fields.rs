//! The run's two fields, each checked as it is typed with its error under it.

use leptos::prelude::*;
use serde_json::{Map, Value};

use crate::api::RunSetup;
use crate::components::field::Field;

/// The parameters' starting text: the recorded input of `?rerun=`, else `{}`.
pub fn first_params(setup: &RunSetup) -> String {
    let params = setup.rerun.as_ref().and_then(|r| r.params.clone());
    pretty(&params.unwrap_or_default())
}

fn pretty(params: &Map<String, Value>) -> String {
    if params.is_empty() {
        return "{}".into();
    }
    serde_json::to_string_pretty(params)
        .unwrap_or_else(|_| Value::Object(params.clone()).to_string())
}

/// "Parameters (JSON)".
#[component]
pub fn ParamsField(params: RwSignal<String>, error: Memo<Option<String>>) -> impl IntoView {
    view! {
        <Field id="run-params" label="Parameters (JSON)" error=error.into()>
            <textarea
                id="run-params"
                rows="6"
                spellcheck="false"
                aria-describedby="run-params-error run-keys"
                aria-invalid=move || error.with(Option::is_some).to_string()
                prop:value=move || params.get()
                on:input=move |ev| params.set(event_target_value(&ev))
            >
                {params.get_untracked()}
            </textarea>
        </Field>
    }
}

/// "Wait (ms)": the provider's blocking wait (the action's own timeout is the editor's).
#[component]
pub fn TimeoutField(timeout: RwSignal<String>, error: Memo<Option<String>>) -> impl IntoView {
    view! {
        <Field
            id="run-timeout"
            label="Wait (ms)"
            hint="How long the provider waits for the result (0–60,000); past it the console follows the run."
            error=error.into()
        >
            <input
                id="run-timeout"
                inputmode="numeric"
                placeholder="provider default"
                aria-describedby="run-timeout-hint run-timeout-error"
                aria-invalid=move || error.with(Option::is_some).to_string()
                prop:value=move || timeout.get()
                on:input=move |ev| timeout.set(event_target_value(&ev))
            />
        </Field>
    }
}
