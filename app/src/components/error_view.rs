//! What a person sees when a page fails: a readable message, not a blank screen.

use leptos::prelude::*;

/// The fallback of the app's error boundary: lists every error with a way out.
#[component]
pub fn ErrorView(errors: ArcRwSignal<Errors>) -> impl IntoView {
    view! {
        <section class="error-view" role="alert">
            <h1>"Something went wrong"</h1>
            <p>"This page could not be shown. What happened:"</p>
            <ul>
                {move || {
                    errors
                        .get()
                        .into_iter()
                        .map(|(_, error)| view! { <li>{error.to_string()}</li> })
                        .collect_view()
                }}
            </ul>
            <p>
                "Your work elsewhere is untouched. " <a href="/">"Back to the overview"</a>
                " or reload the page to try again."
            </p>
        </section>
    }
}
