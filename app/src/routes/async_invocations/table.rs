//! The table of one page's records (each waiting or running one followed until it ends) and
//! the marker pager.

use leptos::prelude::*;
use providers::{ActionRef, AsyncInvocation, AsyncStatus};

use super::follow::follow_pending;
use super::url::view_href;
use crate::api::AsyncView;
use crate::components::{DataTable, LocalTime};
use crate::routes::times::parse_time;

/// A status as its badge shows it: the activations page's colours (waiting and running are
/// "pending", failed and discarded "failure").
pub fn async_badge(status: AsyncStatus) -> impl IntoView {
    let class = match status {
        AsyncStatus::Success => "badge status-success",
        AsyncStatus::Wait | AsyncStatus::Running => "badge status-pending",
        AsyncStatus::Fail | AsyncStatus::Discard => "badge status-failure",
    };
    view! { <span class=class>{status.as_str()}</span> }
}

/// A seed 002 time (`YYYY-MM-DDTHH:mm:ss`, UTC) in the viewer's zone; as written when it is
/// not one, a dash when there is none.
fn time_cell(time: Option<String>) -> AnyView {
    match time.filter(|t| !t.is_empty()) {
        None => view! { <span class="muted">"—"</span> }.into_any(),
        Some(t) => match parse_time(&t) {
            Some(ms) => view! { <LocalTime ms /> }.into_any(),
            None => view! { <span>{t}</span> }.into_any(),
        },
    }
}

fn row(r: AsyncInvocation) -> impl IntoView {
    let failed = matches!(r.status, AsyncStatus::Fail | AsyncStatus::Discard);
    let code = r.error_code.filter(|_| failed).map(|c| c.to_string());
    let message = r.error_message.filter(|m| failed && !m.is_empty());
    view! {
        <tr data-request-id=r.request_id.clone()>
            <td data-label="Request id"><code>{r.request_id.clone()}</code></td>
            <td data-label="Status">{async_badge(r.status)}</td>
            <td data-label="Start">{time_cell(r.start_time)}</td>
            <td data-label="End">{time_cell(r.end_time)}</td>
            <td data-label="Error code">{code.unwrap_or_else(|| "—".into())}</td>
            <td data-label="Error message" class="async-error">{message.unwrap_or_else(|| "—".into())}</td>
        </tr>
    }
}

/// The records, updated in place as the server pushes their changes.
#[component]
pub fn AsyncTable(
    rows: Vec<AsyncInvocation>,
    connection: Option<String>,
    function: ActionRef,
) -> impl IntoView {
    let rows = RwSignal::new(rows);
    follow_pending(rows, connection, function);
    let following = move || {
        rows.with(|r| {
            r.iter()
                .filter(|r| matches!(r.status, AsyncStatus::Wait | AsyncStatus::Running))
                .count()
        })
    };
    view! {
        <p class="hint" role="status" hidden=move || following() == 0>
            {move || format!("Following {} waiting or running invocation(s) until they end.", following())}
        </p>
        <DataTable
            class="async-table"
            caption="Asynchronous invocations"
            columns=&["Request id", "Status", "Start", "End", "Error code", "Error message"]
        >
            {move || rows.get().into_iter().map(row).collect_view()}
        </DataTable>
    }
}

/// "Back" to the page before (its marker is in the trail) and "Next" (the provider's
/// `next_marker`), both plain links.
#[component]
pub fn AsyncPager(
    keep: Vec<(&'static str, String)>,
    view: AsyncView,
    next_marker: Option<String>,
) -> impl IntoView {
    let back = view.back().map(|v| view_href(&keep, &v));
    let next = next_marker.map(|m| view_href(&keep, &view.next(m)));
    view! {
        <nav class="pager" aria-label="Pages">
            {back.map(|href| view! { <a href=href rel="prev">"Back"</a> })}
            <span aria-current="page">{format!("Page {}", view.trail.len() + 1)}</span>
            {next.map(|href| view! { <a href=href rel="next">"Next"</a> })}
        </nav>
    }
}
