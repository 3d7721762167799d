//! The timeline's filter form: connection, status, text, time range (UTC) and limit. A GET
//! form whose fields are the URL's parameters (works without JavaScript; hydrated, the
//! router's `Form` navigates without reloading).

use leptos::prelude::*;
use leptos_router::components::Form;
use providers::ConnectionSummary;

use crate::api::{DEFAULT_DEADLINE_MS, EntryStatus, TimelineView};
use crate::routes::input_value;

/// The form, showing `view`'s values.
#[component]
pub fn Filters(view: Memo<TimelineView>, connections: Vec<ConnectionSummary>) -> impl IntoView {
    let text =
        move |f: fn(&TimelineView) -> Option<String>| move || view.with(f).unwrap_or_default();
    let search = text(|v| v.text.clone());
    let since = text(|v| v.since_ms.map(input_value));
    let upto = text(|v| v.upto_ms.map(input_value));
    let limit = move || view.with(|v| v.limit.to_string());
    let deadline = move || {
        view.with(|v| (v.deadline_ms != DEFAULT_DEADLINE_MS).then(|| v.deadline_ms.to_string()))
    };
    let connection_options = connections
        .into_iter()
        .map(|c| {
            let id = c.id.clone();
            let selected = move || view.with(|v| v.connection.as_deref() == Some(id.as_str()));
            view! { <option value=c.id.clone() selected=selected>{format!("{} ({})", c.name, c.provider)}</option> }
        })
        .collect_view();
    view! {
        <Form method="GET" action="/timeline">
            <div class="filters timeline-filters" role="search" aria-label="Filter the timeline">
                {move || deadline().map(|d| view! { <input type="hidden" name="deadline" value=d /> })}
                <div class="field">
                    <label for="timeline-connection">"Connection"</label>
                    <select id="timeline-connection" name="connection">
                        <option value="" selected=move || view.with(|v| v.connection.is_none())>"Every connection"</option>
                        {connection_options}
                    </select>
                </div>
                <div class="field">
                    <label for="timeline-status">"Status"</label>
                    <select id="timeline-status" name="status">
                        <option value="" selected=move || view.with(|v| v.status.is_none())>"Any status"</option>
                        {EntryStatus::ALL
                            .into_iter()
                            .map(|s| view! {
                                <option value=s.value() selected=move || view.with(|v| v.status == Some(s))>{s.label()}</option>
                            })
                            .collect_view()}
                    </select>
                </div>
                <div class="field">
                    <label for="timeline-text">"Text"</label>
                    <input id="timeline-text" name="text" type="search" placeholder="action, id or error" autocomplete="off" value=search prop:value=search />
                </div>
                <div class="field">
                    <label for="timeline-since">"Since (UTC)"</label>
                    <input id="timeline-since" name="since" type="datetime-local" step="1" value=since prop:value=since />
                </div>
                <div class="field">
                    <label for="timeline-upto">"Up to (UTC)"</label>
                    <input id="timeline-upto" name="upto" type="datetime-local" step="1" value=upto prop:value=upto />
                </div>
                <div class="field">
                    <label for="timeline-limit">"Per connection"</label>
                    <input id="timeline-limit" name="limit" type="number" min="1" max="500" value=limit prop:value=limit />
                </div>
                <div class="filter-buttons">
                    <button type="submit" class="primary">"Apply"</button>
                    <a href="/timeline">"Clear filters"</a>
                </div>
            </div>
        </Form>
    }
}
