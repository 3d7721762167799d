//! The run panel: parameters, Run, and what the run prints and answers, streamed live.

use leptos::prelude::*;
use providers::ActionRef;

/// Runs `action` on `connection` and shows the run as it happens.
#[component]
pub fn RunPanel(
    /// The connection (`None`: the first configured).
    connection: Option<String>,
    /// The action to run.
    action: ActionRef,
) -> impl IntoView {
    let _ = (connection, action);
    view! {
        <h2>"Run"</h2>
        <p class="muted">"Running actions from the console is not built yet."</p>
    }
}
