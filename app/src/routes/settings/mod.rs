//! Settings: the connections (the file's, read-only here, and those admins add, edit, delete
//! and test on this page) and the way to the audit log.

mod editor;
mod table;

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::{LazyRoute, lazy_route};

use crate::api::{list_connections, list_managed_connections};
use crate::errors::AppError;
use editor::ConnectionEditor;
use table::ManagedTable;

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

/// After a change, the page loads again: the header's switcher then lists the connections
/// as they are now.
fn reload_page() {
    let _ = leptos::prelude::window().location().reload();
}

/// Admins see every connection with where it comes from and can manage the UI's; everyone
/// else sees the list read-only.
#[component]
fn SettingsPage() -> impl IntoView {
    let managed = OnceResource::new_blocking(list_managed_connections());
    view! {
        <Title text="Settings" />
        <section class="settings" id="content">
            <h1>"Settings"</h1>
            <p>
                <a href="/audit">"Audit log"</a>
                " — who saved, deleted or ran what, and whether it succeeded (admins)."
            </p>
            <h2>"Connections"</h2>
            <Suspense fallback=|| view! { <p>"Loading connections…"</p> }>
                {move || Suspend::new(async move {
                    match managed.await {
                        Ok(list) => {
                            let editing = RwSignal::new(None);
                            view! {
                                <p class="muted">
                                    "Connections from fnconsole.toml are changed there; those added here are kept in the console's database, their secrets encrypted."
                                </p>
                                <ManagedTable list editing />
                                <ConnectionEditor editing />
                            }
                            .into_any()
                        }
                        Err(AppError::Forbidden { .. }) => view! { <ReadOnlyConnections /> }.into_any(),
                        Err(error) => view! {
                            <p class="problem" role="alert">{format!("The connections could not be read: {error}")}</p>
                        }
                        .into_any(),
                    }
                })}
            </Suspense>
        </section>
    }
}

/// The connections as every role may see them (names and kinds, no settings).
#[component]
fn ReadOnlyConnections() -> impl IntoView {
    let connections = OnceResource::new_blocking(list_connections());
    view! {
        <p class="muted">"Only admins can add or change connections."</p>
        <Suspense fallback=|| view! { <p>"Loading connections…"</p> }>
            {move || Suspend::new(async move {
                connections.await.map(|list| {
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
                                {list.into_iter().map(|c| view! {
                                    <tr>
                                        <td><code>{c.id}</code></td>
                                        <td>{c.name}</td>
                                        <td>{c.provider.display_name()}</td>
                                        <td>{if c.local { "Embedded engine" } else { "Cloud" }}</td>
                                    </tr>
                                }).collect_view()}
                            </tbody>
                        </table>
                    }
                })
            })}
        </Suspense>
    }
}
