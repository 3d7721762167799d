//! The filter form: function, request id, result, order, ordering, time range (UTC, at most
//! a day) and page size. A GET form whose fields are the URL's parameters (a new search
//! starts at the first record); hydrated, the router's `Form` navigates without reloading.

use leptos::prelude::*;
use leptos_router::components::Form;
use providers::LogOrder;

use super::url::{ORDER_BYS, result_value, view_href};
use crate::api::{LOG_LIMITS, LogResult, LogView};
use crate::components::{FieldProblem, FilterButtons, RequestIdField, TimeField, hidden_fields};
use crate::errors::AppError;

fn choice(value: &'static str, label: &'static str, selected: bool) -> impl IntoView {
    view! { <option value=value selected=selected>{label}</option> }
}

/// The form, showing `view`'s values.
#[component]
pub fn LogFilters(
    keep: Vec<(&'static str, String)>,
    view: LogView,
    functions: Vec<String>,
    problems: Signal<Vec<AppError>>,
) -> impl IntoView {
    let clear = view_href(&keep, &LogView::default());
    let hidden = hidden_fields(keep);
    let chosen = view.function.clone();
    let functions = functions
        .into_iter()
        .map(|f| {
            let selected = chosen.as_deref() == Some(f.as_str());
            let label = f.clone();
            view! { <option value=f selected=selected>{label}</option> }
        })
        .collect_view();
    let result = view.result;
    let order_bys = ORDER_BYS
        .map(|(by, label)| choice(by.as_str(), label, view.order_by == by))
        .collect_view();
    let limits = LOG_LIMITS
        .map(|n| view! { <option value=n.to_string() selected=view.limit == n>{n.to_string()}</option> })
        .collect_view();
    view! {
        <Form method="GET" action="/logs">
            <div class="filters log-filters" role="search" aria-label="Filter function logs">
                {hidden}
                <div class="field">
                    <label for="logs-function">"Function"</label>
                    <select id="logs-function" name="function">
                        <option value="" selected=chosen.is_none()>"Every function"</option>
                        {functions}
                    </select>
                </div>
                <RequestIdField id="logs-request" value=view.request_id.clone() problems />
                <div class="field">
                    <label for="logs-result">"Result"</label>
                    <select id="logs-result" name="result">
                        {choice("", "Any result", result.is_none())}
                        {choice(result_value(LogResult::Success), "Succeeded", result == Some(LogResult::Success))}
                        {choice(result_value(LogResult::Failure), "Failed", result == Some(LogResult::Failure))}
                    </select>
                </div>
                <div class="field">
                    <label for="logs-orderby">"Order by"</label>
                    <select id="logs-orderby" name="orderby">{order_bys}</select>
                </div>
                <div class="field">
                    <label for="logs-order">"Order"</label>
                    <select id="logs-order" name="order">
                        {choice("desc", "Descending", view.order == LogOrder::Desc)}
                        {choice("asc", "Ascending", view.order == LogOrder::Asc)}
                    </select>
                </div>
                <TimeField id="logs-since" name="since" label="From (UTC)" value=view.since_ms problems />
                <TimeField id="logs-upto" name="upto" label="To (UTC)" value=view.upto_ms problems
                    hint="At most one day after From" />
                <div class="field">
                    <label for="logs-limit">"Page size"</label>
                    <select id="logs-limit" name="limit">{limits}</select>
                    <FieldProblem problems field="offset" id="logs-offset-error" />
                </div>
                <FilterButtons clear />
            </div>
        </Form>
    }
}
