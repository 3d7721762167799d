//! The overview, `/`: each connection's card (its actions, its last hour, its latest
//! failures) and where to go. The first page: its WASM is kept small (the cards' bodies
//! are rendered by the server, see `overview.rs`).

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;

use super::overview::ConnectionCards;
use crate::components::SECTIONS;

/// The first page a person sees.
#[component]
pub fn HomePage() -> impl IntoView {
    view! {
        <Title text="Overview" />
        <section class="home" id="content">
            <h1>"Overview"</h1>
            <p class="lead">
                "Edit, run and inspect serverless functions on NAVER Cloud Functions, Apache OpenWhisk, Huawei FunctionGraph and Tencent SCF — or on the embedded engine, with no cloud at all. Credentials stay on the server."
            </p>
            <ConnectionCards />
            <h2>"Sections"</h2>
            <ul class="section-cards">
                {SECTIONS
                    .into_iter()
                    .map(|(href, label, key)| {
                        view! {
                            <li>
                                <A href=href>{label}</A>
                                // ASCII: `to_uppercase` would bring Unicode's case tables.
                                <span class="muted">
                                    " (Alt+" {key.to_ascii_uppercase()} ")"
                                </span>
                            </li>
                        }
                    })
                    .collect_view()}
            </ul>
        </section>
    }
}
