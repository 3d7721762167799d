//! The filter form: function, request id, status, time range (UTC) and limit. A GET form
//! whose fields are the URL's parameters (a new search starts at the first page); hydrated,
//! the router's `Form` navigates without reloading.

use leptos::prelude::*;
use leptos_router::components::Form;
use providers::ActionRef;

use super::url::{STATUSES, view_href};
use crate::api::{AsyncView, MAX_ASYNC_LIMIT};
use crate::components::FieldProblem;
use crate::errors::AppError;
use crate::routes::times::input_value;

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
    let hidden = keep
        .into_iter()
        .map(|(name, value)| view! { <input type="hidden" name=name value=value /> })
        .collect_view();
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
        .map(|s| view! { <option value=s.as_str() selected=status == Some(s)>{s.as_str()}</option> })
        .collect_view();
    let time = |ms: Option<i64>| ms.map(input_value).unwrap_or_default();
    view! {
        <Form method="GET" action="/async">
            <div class="filters async-filters" role="search" aria-label="Filter asynchronous invocations">
                {hidden}
                <div class="field">
                    <label for="async-function">"Function"</label>
                    <select id="async-function" name="function">{options}</select>
                </div>
                <div class="field">
                    <label for="async-request">"Request id"</label>
                    <input id="async-request" name="request_id" type="search" autocomplete="off"
                        value=view.request_id.clone().unwrap_or_default() aria-describedby="async-request-error" />
                    <FieldProblem problems field="request_id" id="async-request-error" />
                </div>
                <div class="field">
                    <label for="async-status">"Status"</label>
                    <select id="async-status" name="status">
                        <option value="" selected=status.is_none()>"Any status"</option>
                        {statuses}
                    </select>
                </div>
                <div class="field">
                    <label for="async-begin">"From (UTC)"</label>
                    <input id="async-begin" name="begin" type="datetime-local" step="1" value=time(view.begin_ms)
                        aria-describedby="async-begin-error" />
                    <FieldProblem problems field="begin" id="async-begin-error" />
                </div>
                <div class="field">
                    <label for="async-end">"To (UTC)"</label>
                    <input id="async-end" name="end" type="datetime-local" step="1" value=time(view.end_ms)
                        aria-describedby="async-end-error" />
                    <FieldProblem problems field="end" id="async-end-error" />
                </div>
                <div class="field">
                    <label for="async-limit">"Limit"</label>
                    // No `max`: a larger number reaches the URL and is refused there, in words.
                    <input id="async-limit" name="limit" type="number" min="1" inputmode="numeric"
                        value=view.limit.to_string() aria-describedby="async-limit-error async-limit-hint" />
                    <p class="hint" id="async-limit-hint">{format!("1 to {MAX_ASYNC_LIMIT} a page")}</p>
                    <FieldProblem problems field="limit" id="async-limit-error" />
                </div>
                <div class="filter-buttons">
                    <button type="submit" class="primary">"Apply"</button>
                    <a href=clear>"Clear filters"</a>
                </div>
            </div>
        </Form>
    }
}
