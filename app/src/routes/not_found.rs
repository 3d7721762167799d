//! The page for an address the console does not have.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;

/// Shown for any unknown path; the server answers it with status 404.
#[component]
pub fn NotFoundPage() -> impl IntoView {
    #[cfg(feature = "ssr")]
    if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
        response.set_status(http::StatusCode::NOT_FOUND);
    }
    view! {
        <Title text="Page not found" />
        <section class="not-found" id="content">
            <h1>"Page not found"</h1>
            <p>"There is no page at this address. Check the link, or go back to the overview."</p>
            <p>
                <A href="/">"Back to the overview"</A>
            </p>
        </section>
    }
}
