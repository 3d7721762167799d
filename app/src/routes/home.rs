//! The overview: what this console is connected to and where to go.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;

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
