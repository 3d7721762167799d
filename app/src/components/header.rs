//! The header: product name, connection switcher, the main navigation and who is signed in
//! (their name, a link to their account and "Sign out"; "Sign in" for an anonymous viewer).

use leptos::prelude::*;
use leptos_router::components::A;

use super::ConnectionSwitcher;
use crate::context::{use_caller, use_connection_id, with_connection};

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
    let admin = use_caller().is_some_and(|c| c.role >= access::Role::Admin);
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
                    {admin.then(|| view! {
                        <li>
                            <a href="/accounts" aria-current=move || {
                                location.pathname.with(|p| p == "/accounts").then_some("page")
                            }>"Accounts"</a>
                        </li>
                    })}
                </ul>
            </nav>
            <SignedInAs />
        </header>
    }
}

/// The signed-in account and "Sign out" (a plain form: it works before the bundle loads),
/// or "Sign in" for an anonymous viewer.
#[component]
fn SignedInAs() -> impl IntoView {
    let caller = use_caller();
    let account = caller.as_ref().and_then(|c| c.account.clone());
    let role = caller.as_ref().map(|c| c.role.as_str());
    view! {
        <div class="signed-in">
            {match (account, role) {
                (Some(name), Some(role)) => view! {
                    <a href="/account" class="account-link" title="Your account: password and API tokens">
                        <span class="account-name">{name}</span>
                        <span class="badge">{role}</span>
                    </a>
                    <form method="post" action="/logout" class="sign-out">
                        <button type="submit">"Sign out"</button>
                    </form>
                }
                .into_any(),
                (None, Some(role)) => view! {
                    <span class="badge">{format!("anonymous {role}")}</span>
                    <a href="/login" class="button">"Sign in"</a>
                }
                .into_any(),
                _ => ().into_any(),
            }}
        </div>
    }
}
