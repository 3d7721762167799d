//! Settings: for now, the configured connections as the console sees them.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::{LazyRoute, lazy_route};

use crate::api::list_connections;

/// The settings page as a lazy route: a split chunk of its own, like the actions page.
pub struct SettingsRoute;

#[lazy_route]
impl LazyRoute for SettingsRoute {
    fn data() -> Self {
        Self
    }

    fn view(_this: Self) -> AnyView {
        view! { <SettingsPage /> }.into_any()
    }
}

/// Shows the connections read from `fnconsole.toml` (names and kinds, no secrets).
#[component]
fn SettingsPage() -> impl IntoView {
    let connections = OnceResource::new_blocking(list_connections());
    view! {
        <Title text="Settings" />
        <section class="settings" id="content">
            <h1>"Settings"</h1>
            <h2>"Connections"</h2>
            <p class="muted">
                "Connections come from fnconsole.toml (or the built-in defaults). Editing them here is coming."
            </p>
            <Suspense fallback=|| view! { <p>"Loading connections…"</p> }>
                {move || Suspend::new(async move {
                    connections
                        .await
                        .map(|list| {
                            view! {
                                <table class="data-table">
                                    <thead>
                                        <tr>
                                            <th scope="col">"Id"</th>
                                            <th scope="col">"Name"</th>
                                            <th scope="col">"Provider"</th>
                                            <th scope="col">"Where"</th>
                                        </tr>
                                    </thead>
                                    <tbody>
                                        {list
                                            .into_iter()
                                            .map(|c| {
                                                view! {
                                                    <tr>
                                                        <td>
                                                            <code>{c.id}</code>
                                                        </td>
                                                        <td>{c.name}</td>
                                                        <td>{c.provider.display_name()}</td>
                                                        <td>{if c.local { "Embedded engine" } else { "Cloud" }}</td>
                                                    </tr>
                                                }
                                            })
                                            .collect_view()}
                                    </tbody>
                                </table>
                            }
                        })
                })}
            </Suspense>
        </section>
    }
}
