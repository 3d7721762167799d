//! "Run asynchronously": the provider accepts the invocation and answers an id at once
//! (`run_async`); the panel says so and links to where it can be followed (FunctionGraph's
//! asynchronous invocations, SCF's logs, the activation on NCP and OpenWhisk).

use leptos::prelude::*;
use providers::ActionRef;

use crate::api::{AsyncRunAnswer, AsyncRunInput, parse_params, run_async};
use crate::errors::AppError;

/// The button and its answer. `params` is the panel's parameters field.
#[component]
pub fn AsyncRun(
    connection: Option<String>,
    action: ActionRef,
    params: RwSignal<String>,
) -> impl IntoView {
    let answer = RwSignal::new(None::<Result<AsyncRunAnswer, AppError>>);
    let sending = RwSignal::new(false);
    let send = move |_| {
        let Ok(params) = parse_params(&params.get_untracked()) else {
            return; // the parameters field already says why
        };
        let input = AsyncRunInput {
            connection: connection.clone(),
            action: action.clone(),
            params,
        };
        sending.set(true);
        answer.set(None);
        leptos::task::spawn_local(async move {
            let got = run_async(input).await;
            answer.try_set(Some(got));
            sending.try_set(false);
        });
    };
    let shown = move || {
        answer.get().map(|a| match a {
            Ok(AsyncRunAnswer {
                id,
                follow_href,
                follow_label,
            }) => view! {
                <p class="note">
                    "Accepted asynchronously as " <code>{id}</code> ". Follow it in "
                    <a href=follow_href>{follow_label}</a> "."
                </p>
            }
            .into_any(),
            Err(e) => {
                view! { <p class="field-error">{format!("Not accepted: {e}")}</p> }.into_any()
            }
        })
    };
    view! {
        <div class="async-run">
            <button type="button" on:click=send disabled=move || sending.get()
                aria-describedby="async-run-hint">
                "Run asynchronously"
            </button>
            <p id="async-run-hint" class="hint">"Queues the run and answers at once, without waiting for its result."</p>
            <div role="status" aria-live="polite">{shown}</div>
        </div>
    }
}
