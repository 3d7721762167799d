//! The run panel: parameters, Run, and what the run prints and answers, streamed live.
//!
//! One streaming server function per run (`run_action`); its lines change a [`RunView`]
//! (`run_view`, plain data) and append log lines; `output` shows them. "Stop following"
//! drops the stream (the browser cancels the request and the server stops following);
//! "Stop", where the connection offers it, also ends the run.

mod output;
mod run_view;
mod stream;

use leptos::ev::{KeyboardEvent, SubmitEvent};
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;
use providers::ActionRef;
use serde_json::{Map, Value};

use crate::api::{RunInput, RunSetup, get_run_setup, parse_params, parse_timeout};
use output::RunOutput;
pub use run_view::{Phase, RunView};
use stream::{Following, RunSignals};

/// Runs `action` on `connection` and shows the run as it happens.
#[component]
pub fn RunPanel(
    /// The connection (`None`: the first configured).
    connection: Option<String>,
    /// The action to run.
    action: ActionRef,
) -> impl IntoView {
    let query = use_query_map();
    let rerun = query.with_untracked(|q| q.get("rerun"));
    let setup = Resource::new(
        {
            let (connection, action) = (connection.clone(), action.clone());
            move || (connection.clone(), action.clone(), rerun.clone())
        },
        |(connection, action, rerun)| get_run_setup(connection, action.package, action.name, rerun),
    );
    view! {
        <h2>"Run"</h2>
        <Suspense fallback=|| view! { <p class="loading" role="status">"Loading…"</p> }>
            {move || {
                let (connection, action) = (connection.clone(), action.clone());
                Suspend::new(async move {
                    match setup.await {
                        Ok(RunSetup { cannot_invoke: Some(why), .. }) => {
                            view! { <p class="muted run-unavailable">{why}</p> }.into_any()
                        }
                        Ok(setup) => view! { <RunForm connection action setup /> }.into_any(),
                        Err(error) => {
                            view! { <p class="field-error" role="alert">{error.to_string()}</p> }
                                .into_any()
                        }
                    }
                })
            }}
        </Suspense>
    }
}

/// The fields' starting text: the recorded input of `?rerun=`, else `{}`.
fn first_params(setup: &RunSetup) -> String {
    let params = setup.rerun.as_ref().and_then(|r| r.params.clone());
    pretty(&params.unwrap_or_default())
}

fn pretty(params: &Map<String, Value>) -> String {
    if params.is_empty() {
        return "{}".into();
    }
    serde_json::to_string_pretty(params).unwrap_or_else(|_| Value::Object(params.clone()).to_string())
}

/// The form and the run's output.
#[component]
fn RunForm(connection: Option<String>, action: ActionRef, setup: RunSetup) -> impl IntoView {
    let params = RwSignal::new(first_params(&setup));
    let timeout = RwSignal::new(String::new());
    let params_error = Memo::new(move |_| params.with(|p| parse_params(p).err().map(|e| e.to_string())));
    let timeout_error =
        Memo::new(move |_| timeout.with(|t| parse_timeout(t).err().map(|e| e.to_string())));
    let signals = RunSignals {
        view: RwSignal::new(RunView::default()),
        lines: RwSignal::new(Vec::new()),
    };
    let following = Following::default();
    on_cleanup({
        let following = following.clone();
        move || {
            following.stop();
        }
    });
    let last = StoredValue::new(None::<RunInput>);
    let running = move || signals.view.with(RunView::is_running);

    let start = {
        let following = following.clone();
        move |input: RunInput| {
            last.set_value(Some(input.clone()));
            following.start(input, signals);
        }
    };
    let run = {
        let start = start.clone();
        move || {
            let (Ok(params), Ok(timeout_ms)) = (
                parse_params(&params.get_untracked()),
                parse_timeout(&timeout.get_untracked()),
            ) else {
                return; // The fields already show why.
            };
            start(RunInput {
                connection: connection.clone(),
                action: action.clone(),
                params,
                timeout_ms,
            });
        }
    };
    let on_submit = {
        let run = run.clone();
        move |ev: SubmitEvent| {
            ev.prevent_default();
            if !running() {
                run();
            }
        }
    };
    let on_keydown = move |ev: KeyboardEvent| {
        if ev.key() == "Enter" && (ev.ctrl_key() || ev.meta_key()) {
            ev.prevent_default();
            if !running() {
                run();
            }
        }
    };
    let run_again = move |_| {
        if let Some(input) = last.get_value() {
            start(input);
        }
    };
    let stop_following = move |_| {
        if following.stop() {
            signals.view.update(|v| v.phase = Phase::StoppedFollowing);
        }
    };
    let rerun_note = setup.rerun.as_ref().map(|r| match &r.note {
        Some(note) => note.clone(),
        None => format!("The input of activation {}.", r.activation_id),
    });

    view! {
        <form class="form run-form" on:submit=on_submit on:keydown=on_keydown>
            {rerun_note.map(|note| view! { <p class="note">{note}</p> })}
            <div class="field">
                <label for="run-params">"Parameters (JSON)"</label>
                <textarea
                    id="run-params"
                    rows="6"
                    spellcheck="false"
                    aria-describedby="run-params-error run-keys"
                    aria-invalid=move || params_error.with(Option::is_some).to_string()
                    prop:value=move || params.get()
                    on:input=move |ev| params.set(event_target_value(&ev))
                >
                    {params.get_untracked()}
                </textarea>
                <p id="run-params-error" class="field-error" role="alert">
                    {move || params_error.get()}
                </p>
            </div>
            <div class="field">
                <label for="run-timeout">"Timeout (ms)"</label>
                <input
                    id="run-timeout"
                    inputmode="numeric"
                    placeholder="provider default"
                    aria-describedby="run-timeout-hint run-timeout-error"
                    aria-invalid=move || timeout_error.with(Option::is_some).to_string()
                    prop:value=move || timeout.get()
                    on:input=move |ev| timeout.set(event_target_value(&ev))
                />
                <p id="run-timeout-hint" class="hint">
                    "How long the provider waits for the result (0–60,000); past it the console follows the run."
                </p>
                <p id="run-timeout-error" class="field-error" role="alert">
                    {move || timeout_error.get()}
                </p>
            </div>
            <div class="form-buttons">
                <button
                    type="submit"
                    class="primary"
                    disabled=move || running() || params_error.with(Option::is_some) || timeout_error.with(Option::is_some)
                >
                    "Run"
                </button>
                <button type="button" on:click=run_again hidden=move || running() || signals.view.with(|v| v.phase == Phase::Idle)>
                    "Run again"
                </button>
                <button type="button" on:click=stop_following hidden=move || !running()>
                    "Stop following"
                </button>
            </div>
            <p id="run-keys" class="hint">"Ctrl+Enter (⌘+Enter) runs."</p>
        </form>
        <RunOutput view=signals.view lines=signals.lines limits=setup.limits />
    }
}
