//! The honest placeholder for a section not built yet.

use leptos::prelude::*;
use leptos_meta::Title;

/// Says plainly that a section is coming and what it will do; it pretends nothing works.
#[component]
pub fn ComingSoon(
    /// The section's name, also the page title.
    title: &'static str,
    /// What the section will let a person do.
    what: &'static str,
) -> impl IntoView {
    view! {
        <Title text=title />
        <section class="coming-soon" id="content">
            <h1>{title}</h1>
            <p class="badge">"Coming soon"</p>
            <p>{what}</p>
            <p class="muted">"This section is not built yet: nothing here is live."</p>
        </section>
    }
}
