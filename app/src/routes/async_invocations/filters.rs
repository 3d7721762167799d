//! The filter form: function, request id, status, time range (UTC) and limit. A GET form
//! whose fields are the URL's parameters (a new search starts at the first page); hydrated,
//! the router's `Form` navigates without reloading.

use leptos::prelude::*;
use leptos_router::components::Form;
use providers::ActionRef;

use super::url::{STATUSES, view_href};
use crate::api::{AsyncView, MAX_ASYNC_LIMIT};
use crate::components::{FieldProblem, FilterButtons, RequestIdField, TimeField, hidden_fields};
use crate::errors::AppError;

/// The form, showing `view`'s values.
#[component]
pub fn AsyncFilters(
    keep: Vec<(&'static str, String)>,
    view: AsyncView,
    functions: Vec<ActionRef>,
    function: Option<ActionRef>,
    problems: Signal<Vec<AppError>>,
) -> impl IntoView {
    let clear = view_href(&keep, &AsyncView::default());
    let hidden = hidden_fields(keep);
    let options = functions
        .into_iter()
        .map(|f| {
            let selected = function.as_ref() == Some(&f);
            view! { <option value=f.to_string() selected=selected>{f.to_string()}</option> }
        })
        .collect_view();
    let status = view.status;
    let statuses = STATUSES
        .into_iter()
        .map(
            |s| view! { <option value=s.as_str() selected=status == Some(s)>{s.as_str()}</option> },
        )
        .collect_view();
    view! {
        <Form method="GET" action="/async">
            <div class="filters async-filters" role="search" aria-label="Filter asynchronous invocations">
                {hidden}
                <div class="field">
                    <label for="async-function">"Function"</label>
                    <select id="async-function" name="function">{options}</select>
                </div>
                <RequestIdField id="async-request" value=view.request_id.clone() problems />
                <div class="field">
                    <label for="async-status">"Status"</label>
                    <select id="async-status" name="status">
                        <option value="" selected=status.is_none()>"Any status"</option>
                        {statuses}
                    </select>
                </div>
                <TimeField id="async-begin" name="begin" label="From (UTC)" value=view.begin_ms problems />
                <TimeField id="async-end" name="end" label="To (UTC)" value=view.end_ms problems />
                <div class="field">
                    <label for="async-limit">"Limit"</label>
                    // No `max`: a larger number reaches the URL and is refused there, in words.
                    <input id="async-limit" name="limit" type="number" min="1" inputmode="numeric"
                        value=view.limit.to_string() aria-describedby="async-limit-error async-limit-hint" />
                    <p class="hint" id="async-limit-hint">{format!("1 to {MAX_ASYNC_LIMIT} a page")}</p>
                    <FieldProblem problems field="limit" id="async-limit-error" />
                </div>
                <FilterButtons clear />
            </div>
        </Form>
    }
}
