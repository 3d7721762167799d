//! The connection switcher in the header.

use leptos::prelude::*;
use providers::ConnectionSummary;

use crate::api::list_connections;
use crate::context::{use_connection_id, use_selected_connection, with_connection};

/// A labelled `<select>` of the configured connections. The directory is a blocking resource:
/// the server waits for it and renders the options in place, so the switcher is complete
/// before (and without) the WASM bundle, not a streamed-in "Loading…".
///
/// Picking one puts it in the URL (`?connection=ID`) of the page shown, so the page follows
/// and a link opens the same view. With JavaScript off it is a `GET` form with a button.
#[component]
pub fn ConnectionSwitcher() -> impl IntoView {
    let connections = OnceResource::new_blocking(list_connections());

    view! {
        <form class="switcher" method="get" on:submit=|ev| ev.prevent_default()>
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
                        Ok(list) => view! { <ConnectionSelect list /> }.into_any(),
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
            <noscript>
                <button type="submit">"Switch"</button>
            </noscript>
        </form>
    }
}

#[component]
fn ConnectionSelect(list: Vec<ConnectionSummary>) -> impl IntoView {
    let selected = use_selected_connection().0;
    let in_view = use_connection_id();
    let location = leptos_router::hooks::use_location();
    let navigate = leptos_router::hooks::use_navigate();
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
    let current = move || in_view.get().unwrap_or_else(|| first.clone());
    let pick = move |ev: leptos::ev::Event| {
        let id = event_target_value(&ev);
        let path = with_connection(&location.pathname.get_untracked(), Some(&id));
        selected.set(Some(id));
        navigate(&path, Default::default());
    };
    view! {
        <select id="connection" name="connection" on:change=pick prop:value=current.clone()>
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
