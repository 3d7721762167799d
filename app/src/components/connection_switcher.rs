//! The connection switcher in the header.

use leptos::prelude::*;
use providers::ConnectionSummary;

use crate::api::list_connections;
use crate::context::use_selected_connection;

/// A labelled `<select>` of the configured connections. The directory is a blocking resource:
/// the server waits for it and renders the options in place, so the switcher is complete
/// before (and without) the WASM bundle, not a streamed-in "Loading…".
#[component]
pub fn ConnectionSwitcher() -> impl IntoView {
    let selected = use_selected_connection().0;
    let connections = OnceResource::new_blocking(list_connections());

    view! {
        <div class="switcher">
            <label for="connection">"Connection"</label>
            <Suspense fallback=|| {
                view! {
                    <select id="connection" disabled=true>
                        <option>"Loading…"</option>
                    </select>
                }
            }>
                {move || Suspend::new(async move {
                    match connections.await {
                        Ok(list) => view! { <ConnectionSelect list selected /> }.into_any(),
                        Err(error) => {
                            view! {
                                <span class="switcher-error" role="alert">
                                    {format!("Connections unavailable: {error}")}
                                </span>
                            }
                                .into_any()
                        }
                    }
                })}
            </Suspense>
        </div>
    }
}

#[component]
fn ConnectionSelect(
    list: Vec<ConnectionSummary>,
    selected: RwSignal<Option<String>>,
) -> impl IntoView {
    if list.is_empty() {
        return view! {
            <select id="connection" disabled=true>
                <option>"No connections configured"</option>
            </select>
        }
        .into_any();
    }
    // Until a person picks one, the first configured connection is the current one.
    let first = list[0].id.clone();
    let current = move || selected.get().unwrap_or_else(|| first.clone());
    view! {
        <select
            id="connection"
            on:change=move |ev| selected.set(Some(event_target_value(&ev)))
            prop:value=current.clone()
        >
            {list
                .into_iter()
                .map(|c| {
                    let label = if c.local {
                        format!("{} — {} (local engine)", c.name, c.provider.display_name())
                    } else {
                        format!("{} — {}", c.name, c.provider.display_name())
                    };
                    let id = c.id.clone();
                    let current = current.clone();
                    view! {
                        <option value=c.id selected=move || current() == id>
                            {label}
                        </option>
                    }
                })
                .collect_view()}
        </select>
    }
    .into_any()
}
