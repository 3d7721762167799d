//! fnconsole's user interface: pages, components, routes and the server functions they call.
//!
//! Compiled twice: with `ssr` into the server (rendering and server-function bodies) and with
//! `hydrate` into the WASM bundle. Server-only code sits behind `#[cfg(feature = "ssr")]`.
// The action editor's view is one nested type (erasing parts of it with `into_any` would move
// their code into the first page's WASM); its hydration future is deeper than the default 128.
#![recursion_limit = "256"]

pub mod api;
pub mod assets;
pub mod components;
pub mod context;
pub mod errors;
pub mod ndjson;
pub mod routes;

use leptos::prelude::*;
use leptos_meta::{MetaTags, Stylesheet, Title, provide_meta_context};
use leptos_router::{
    Lazy, ParamSegment, SsrMode, StaticSegment,
    components::{Route, Router, Routes},
};

use components::{AppHeader, ErrorView};
use routes::{
    AccountRoute, AccountsRoute, ActionRoute, ActionsRoute, ActivationRoute, ActivationsRoute, AsyncInvocationsRoute,
    AuditRoute, HomePage, LogsRoute, NotFoundPage, SettingsRoute, TimelineRoute,
};

/// The HTML document around the app, rendered on the server only.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    #[cfg(feature = "ssr")]
    provide_context(assets::StylesheetHref::cached(&options));
    view! {
        <!DOCTYPE html>
        <html lang="en">
            <head>
                <meta charset="utf-8" />
                <meta name="viewport" content="width=device-width, initial-scale=1" />
                // Lets the browser paint form controls and scrollbars in the system theme.
                <meta name="color-scheme" content="light dark" />
                <link rel="icon" type="image/svg+xml" href="/favicon.svg" />
                <AutoReload options=options.clone() />
                <HydrationScripts options />
                <MetaTags />
            </head>
            <body>
                <App />
            </body>
        </html>
    }
}

/// The console: header, navigation and the routed page.
#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    context::provide_caller();
    context::provide_selected_connection();

    // Set once the WASM bundle has taken over the page: effects never run on the server,
    // so this attribute tells a person's tools (and the browser tests) hydration is done.
    let hydrated = RwSignal::new(false);
    Effect::new(move |_| hydrated.set(true));

    // The link is rendered on the server (by its content-hashed name); hydration keeps the
    // server's attribute, so the browser needs no name here. In `App`'s view rather than the
    // shell's: taken out of it, the split bundle kept ~73 KB of lazy chunks' data in the
    // first page (docs/BENCHMARKS.md).
    let stylesheet = use_context::<assets::StylesheetHref>()
        .unwrap_or_default()
        .0;

    view! {
        <Stylesheet id="leptos" href=stylesheet />
        <Title formatter=|page: String| format!("{page} · fnconsole") />
        <Router>
            <div class="layout" data-hydrated=move || hydrated.get().then_some("true")>
                <AppHeader />
                <main class="page">
                    <ErrorBoundary fallback=|errors| view! { <ErrorView errors /> }>
                        // In-order streaming: every page arrives complete, readable with
                        // JavaScript off; out-of-order streaming could send a placeholder first.
                        <Routes fallback=NotFoundPage>
                            <Route path=StaticSegment("") view=HomePage ssr=SsrMode::InOrder />
                            <Route path=StaticSegment("account") view={Lazy::<AccountRoute>::new()} ssr=SsrMode::InOrder />
                            <Route path=StaticSegment("accounts") view={Lazy::<AccountsRoute>::new()} ssr=SsrMode::InOrder />
                            <Route path=StaticSegment("actions") view={Lazy::<ActionsRoute>::new()} ssr=SsrMode::InOrder />
                            <Route path=(StaticSegment("actions"), ParamSegment("action")) view={Lazy::<ActionRoute>::new()} ssr=SsrMode::InOrder />
                            <Route path=(StaticSegment("actions"), ParamSegment("package"), ParamSegment("action")) view={Lazy::<ActionRoute>::new()} ssr=SsrMode::InOrder />
                            <Route path=StaticSegment("activations") view={Lazy::<ActivationsRoute>::new()} ssr=SsrMode::InOrder />
                            <Route path=(StaticSegment("activations"), ParamSegment("id")) view={Lazy::<ActivationRoute>::new()} ssr=SsrMode::InOrder />
                            <Route path=StaticSegment("async") view={Lazy::<AsyncInvocationsRoute>::new()} ssr=SsrMode::InOrder />
                            <Route path=StaticSegment("audit") view={Lazy::<AuditRoute>::new()} ssr=SsrMode::InOrder />
                            <Route path=StaticSegment("logs") view={Lazy::<LogsRoute>::new()} ssr=SsrMode::InOrder />
                            <Route path=StaticSegment("settings") view={Lazy::<SettingsRoute>::new()} ssr=SsrMode::InOrder />
                            <Route path=StaticSegment("timeline") view={Lazy::<TimelineRoute>::new()} ssr=SsrMode::InOrder />
                        </Routes>
                    </ErrorBoundary>
                </main>
            </div>
        </Router>
    }
}
