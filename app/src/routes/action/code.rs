//! The action's code and configuration. Today: the code as the provider stores it, read-only.

use leptos::prelude::*;
use providers::{ActionRef, ActionSpec};

use crate::errors::AppError;

/// The code and configuration of the action, once `spec` has loaded.
#[component]
pub fn CodeView(
    /// The action as read from its connection.
    spec: Resource<Result<ActionSpec, AppError>>,
    /// The connection it lives on (`None`: the first configured).
    connection: Option<String>,
    /// Its address.
    action: ActionRef,
) -> impl IntoView {
    let _ = (connection, action);
    view! {
        <Transition fallback=|| view! { <p class="loading" role="status">"Loading the code…"</p> }>
            {move || Suspend::new(async move {
                match spec.await {
                    Ok(spec) => {
                        view! {
                            <p class="muted">{spec.exec.kind.clone()}</p>
                            <pre class="code" aria-label="Code">{spec.exec.code.unwrap_or_default()}</pre>
                        }
                            .into_any()
                    }
                    Err(error) => view! { <p class="error" role="alert">{error.to_string()}</p> }.into_any(),
                }
            })}
        </Transition>
    }
}
