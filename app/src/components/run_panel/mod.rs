//! The run panel: parameters, Run, and what the run prints and answers, streamed live.
//!
//! One streaming server function per run (`run_action`); its lines change a [`RunView`]
//! (`run_view`, plain data) and append log lines; `output` shows them. "Stop following"
//! drops the stream (the browser cancels the request and the server stops following);
//! "Stop", where the connection offers it, also ends the run.

mod async_run;
mod controls;
mod fields;
mod output;
mod run_view;
mod stream;

use leptos::ev::{KeyboardEvent, SubmitEvent};
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;
use providers::ActionRef;

use crate::api::{RunSetup, get_run_setup, parse_params, parse_timeout};
use controls::RunControls;
use fields::{ParamsField, TimeoutField, first_params};
use output::RunOutput;
pub use run_view::{Phase, RunView};

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

/// The form and the run's output.
#[component]
fn RunForm(connection: Option<String>, action: ActionRef, setup: RunSetup) -> impl IntoView {
    let params = RwSignal::new(first_params(&setup));
    let timeout = RwSignal::new(String::new());
    let params_error =
        Memo::new(move |_| params.with(|p| parse_params(p).err().map(|e| e.to_string())));
    let timeout_error =
        Memo::new(move |_| timeout.with(|t| parse_timeout(t).err().map(|e| e.to_string())));
    let async_run = view! { <async_run::AsyncRun connection=connection.clone() action=action.clone() params /> };
    let controls = RunControls::new(connection, action, setup.can_stop);
    let signals = controls.signals;
    let run = {
        let controls = controls.clone();
        move || {
            if !controls.is_running() {
                controls.run(&params.get_untracked(), &timeout.get_untracked());
            }
        }
    };
    let on_submit = {
        let run = run.clone();
        move |ev: SubmitEvent| {
            ev.prevent_default();
            run();
        }
    };
    let on_keydown = move |ev: KeyboardEvent| {
        if ev.key() == "Enter" && (ev.ctrl_key() || ev.meta_key()) {
            ev.prevent_default();
            run();
        }
    };
    let invalid = move || params_error.with(Option::is_some) || timeout_error.with(Option::is_some);
    let rerun_note = setup.rerun.as_ref().map(|r| match &r.note {
        Some(note) => note.clone(),
        None => format!("The input of activation {}.", r.activation_id),
    });
    view! {
        <form class="form run-form" on:submit=on_submit on:keydown=on_keydown>
            {rerun_note.map(|note| view! { <p class="note">{note}</p> })}
            <ParamsField params error=params_error />
            <TimeoutField timeout error=timeout_error />
            <RunButtons controls invalid=Signal::derive(invalid) />
            {async_run}
            <p id="run-keys" class="hint">"Ctrl+Enter (⌘+Enter) runs."</p>
        </form>
        <RunOutput view=signals.view lines=signals.lines limits=setup.limits provider=setup.provider.clone() />
    }
}

/// Run, Run again, Stop following, Stop: each shown when it applies.
#[component]
fn RunButtons(controls: RunControls, invalid: Signal<bool>) -> impl IntoView {
    let view = controls.signals.view;
    let running = move || view.with(RunView::is_running);
    let can_stop = controls.can_stop;
    let stop_hidden = move || {
        !can_stop || view.with(|v| !v.is_running() || v.activation_id.is_none() || v.stopping)
    };
    let (again, stop_following, stop) = (controls.clone(), controls.clone(), controls.clone());
    view! {
        <div class="form-buttons">
            <button type="submit" class="primary" disabled=move || running() || invalid.get()>
                "Run"
            </button>
            <button
                type="button"
                on:click=move |_| again.run_again()
                hidden=move || running() || view.with(|v| v.phase == Phase::Idle)
            >
                "Run again"
            </button>
            <button type="button" on:click=move |_| stop_following.stop_following() hidden=move || !running()>
                "Stop following"
            </button>
            <button type="button" class="danger-outline" on:click=move |_| stop.stop() hidden=stop_hidden>
                "Stop"
            </button>
        </div>
        <p class="field-error" role="alert">{move || controls.stop_error.get()}</p>
    }
}
