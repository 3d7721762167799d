//! Pieces of the listing pages whose view is in the URL (asynchronous invocations, logs):
//! the view read from the query, the connection line, why a connection cannot list, and the
//! filter form's time fields, hidden fields and buttons.

use leptos::prelude::*;
use leptos_router::{hooks::use_query_map, params::ParamsMap};
use providers::ConnectionSummary;

use super::FieldProblem;
use crate::errors::AppError;
use crate::routes::times::input_value;

/// The view the URL's query names (`read` answers it and a problem for each value it
/// refused), as a memo of the view and a signal of the problems.
pub fn url_view<V>(
    read: impl Fn(&ParamsMap) -> (V, Vec<AppError>) + Send + Sync + 'static,
) -> (Memo<V>, Signal<Vec<AppError>>)
where
    V: Clone + PartialEq + Send + Sync + 'static,
{
    let query = use_query_map();
    let parsed = Memo::new(move |_| query.with(&read));
    let view = Memo::new(move |_| parsed.with(|(v, _)| v.clone()));
    (
        view,
        Signal::derive(move || parsed.with(|(_, p)| p.clone())),
    )
}

/// "On Local huawei — Huawei FunctionGraph (local engine)".
pub fn connection_line(c: &ConnectionSummary) -> String {
    let local = if c.local { " (local engine)" } else { "" };
    format!("On {} — {}{local}", c.name, c.provider)
}

/// A connection that cannot do this says so in one line, with where to go instead; any
/// other failure shows the provider's answer under `failed`.
#[component]
pub fn ListingProblem(
    error: AppError,
    failed: &'static str,
    instead: &'static str,
) -> impl IntoView {
    match error {
        AppError::Unsupported(why) => {
            view! { <p class="note" role="status">{format!("{why}. {instead}")}</p> }.into_any()
        }
        error => view! {
            <div class="problem" role="alert">
                <h2>{failed}</h2>
                <p>{error.to_string()}</p>
            </div>
        }
        .into_any(),
    }
}

/// The parameters a filter form keeps (the connection) as hidden fields.
pub fn hidden_fields(keep: Vec<(&'static str, String)>) -> impl IntoView {
    keep.into_iter()
        .map(|(name, value)| view! { <input type="hidden" name=name value=value /> })
        .collect_view()
}

/// A UTC date-time field (`datetime-local`, to the second) with its problem under it.
#[component]
pub fn TimeField(
    /// The input's id; its problem's is `{id}-error`.
    id: &'static str,
    /// The URL parameter.
    name: &'static str,
    label: &'static str,
    value: Option<i64>,
    problems: Signal<Vec<AppError>>,
    /// A hint under the field, when there is one (its id is `{id}-hint`).
    #[prop(optional)]
    hint: Option<&'static str>,
) -> impl IntoView {
    let (error_id, hint_id) = (format!("{id}-error"), format!("{id}-hint"));
    let described = match hint {
        Some(_) => format!("{error_id} {hint_id}"),
        None => error_id.clone(),
    };
    view! {
        <div class="field">
            <label for=id>{label}</label>
            <input id=id name=name type="datetime-local" step="1" value=value.map(input_value).unwrap_or_default()
                aria-describedby=described />
            {hint.map(|h| view! { <p class="hint" id=hint_id>{h}</p> })}
            <FieldProblem problems field=name id=error_id />
        </div>
    }
}

/// The "Request id" search field of a filter form (URL parameter `request_id`), its
/// problem under it.
#[component]
pub fn RequestIdField(
    /// The input's id; its problem's is `{id}-error`.
    id: &'static str,
    value: Option<String>,
    problems: Signal<Vec<AppError>>,
) -> impl IntoView {
    let error_id = format!("{id}-error");
    view! {
        <div class="field">
            <label for=id>"Request id"</label>
            <input id=id name="request_id" type="search" autocomplete="off" value=value.unwrap_or_default()
                aria-describedby=error_id.clone() />
            <FieldProblem problems field="request_id" id=error_id />
        </div>
    }
}

/// "Apply" and "Clear filters" (a link to `clear`).
#[component]
pub fn FilterButtons(clear: String) -> impl IntoView {
    view! {
        <div class="filter-buttons">
            <button type="submit" class="primary">"Apply"</button>
            <a href=clear>"Clear filters"</a>
        </div>
    }
}
