//! `/activations`: every run on the connection in view, and an action's own runs on its page.

use leptos::prelude::*;
use providers::ActionRef;

use crate::components::ComingSoon;

/// Activations: every run, with result, logs and input.
#[component]
pub fn ActivationsPage() -> impl IntoView {
    view! {
        <ComingSoon
            title="Activations"
            what="Page through every activation with its status, duration, result and logs, and re-run one with its recorded input."
        />
    }
}

/// The runs of one action, on its page's "Activations" tab.
#[component]
pub fn ActionActivations(
    /// The connection (`None`: the first configured).
    connection: Option<String>,
    /// The action.
    action: ActionRef,
) -> impl IntoView {
    let _ = (connection, action);
    view! { <p class="muted">"The action's activations are not listed yet."</p> }
}
