//! The header: product name, connection switcher and the main navigation.

use leptos::prelude::*;
use leptos_router::components::A;

use super::ConnectionSwitcher;

/// The sections of the console, in navigation order: (path, label, access key).
pub const SECTIONS: [(&str, &str, &str); 5] = [
    ("/actions", "Actions", "a"),
    ("/activations", "Activations", "v"),
    ("/async", "Async invocations", "i"),
    ("/logs", "Logs", "l"),
    ("/settings", "Settings", "s"),
];

/// The header shown on every page.
#[component]
pub fn AppHeader() -> impl IntoView {
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
                                    <A href=href attr:accesskey=key>
                                        {label}
                                    </A>
                                </li>
                            }
                        })
                        .collect_view()}
                </ul>
            </nav>
        </header>
    }
}
