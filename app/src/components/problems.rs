//! What a page's address asked for that it could not use: the list above the page, and each
//! problem again under its own field of the filter form.

use leptos::prelude::*;

use crate::errors::AppError;

/// "Some of this address's filters were not understood…" and the list, when there are some.
#[component]
pub fn AddressProblems(problems: Signal<Vec<AppError>>) -> impl IntoView {
    let items = move || {
        problems
            .get()
            .iter()
            .map(|p| view! { <li>{p.to_string()}</li> })
            .collect_view()
    };
    view! {
        <div class="problem" role="alert" hidden=move || problems.with(Vec::is_empty)>
            <p>"Some of this address's filters were not understood and are not applied:"</p>
            <ul>{items}</ul>
        </div>
    }
}

/// The problem of `field` under it (`id` is what the input's `aria-describedby` names).
#[component]
pub fn FieldProblem(
    problems: Signal<Vec<AppError>>,
    field: &'static str,
    #[prop(into)] id: String,
) -> impl IntoView {
    let text = move || {
        problems.with(|all| {
            all.iter()
                .find(|p| p.field() == Some(field))
                .map(ToString::to_string)
        })
    };
    view! {
        <p class="field-error" id=id hidden=move || text().is_none()>{text}</p>
    }
}
