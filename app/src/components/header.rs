//! The header: product name, connection switcher and the main navigation.

use leptos::prelude::*;
use leptos_router::components::A;

use super::ConnectionSwitcher;
use crate::context::{use_connection_id, with_connection};

/// The sections of the console, in navigation order: (path, label, access key).
pub const SECTIONS: [(&str, &str, &str); 6] = [
    ("/actions", "Actions", "a"),
    ("/activations", "Activations", "v"),
    ("/async", "Async invocations", "i"),
    ("/logs", "Logs", "l"),
    ("/settings", "Settings", "s"),
    ("/timeline", "Timeline", "t"),
];

/// The header shown on every page.
#[component]
pub fn AppHeader() -> impl IntoView {
    // Every section opens on the connection in view.
    let connection = use_connection_id();
    let location = leptos_router::hooks::use_location();
    view! {
        <header class="app-header">
            <a class="skip-link" href="#content">"Skip to content"</a>
            <A href="/" attr:class="brand">
                <span class="brand-mark" aria-hidden="true">"λ"</span>
                <span class="brand-name">"fnconsole"</span>
            </A>
            <ConnectionSwitcher />
            <nav class="app-nav" aria-label="Main">
                <ul>
                    {SECTIONS
                        .into_iter()
                        .map(|(href, label, key)| {
                            view! {
                                <li>
                                    // A plain link (the router still handles its
                                    // clicks): `<A>` would not mark a link whose href
                                    // carries a query as the current page.
                                    <a
                                        href=move || with_connection(href, connection.get().as_deref())
                                        accesskey=key
                                        aria-current=move || {
                                            location
                                                .pathname
                                                .with(|p| p == href || p.starts_with(&format!("{href}/")))
                                                .then_some("page")
                                        }
                                    >
                                        {label}
                                    </a>
                                </li>
                            }
                        })
                        .collect_view()}
                </ul>
            </nav>
        </header>
    }
}
