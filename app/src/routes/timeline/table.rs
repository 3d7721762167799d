//! The merged list: one row per run, newest first, with its connection, provider and common
//! status, each opening its detail.

use leptos::prelude::*;

use super::stream::Parts;
use crate::api::{EntryStatus, TimelineAnswer, TimelineEntry};
use crate::components::DataTable;
use crate::routes::{format_duration, format_utc};

/// A common status as a badge (the activations page's colours).
pub fn entry_badge(status: EntryStatus) -> impl IntoView {
    let class = match status {
        EntryStatus::Success => "badge status-success",
        EntryStatus::Failure => "badge status-failure",
        EntryStatus::Running | EntryStatus::Waiting => "badge status-pending",
    };
    view! { <span class=class>{status.label()}</span> }
}

/// One row.
pub fn entry_row(e: &TimelineEntry) -> impl IntoView + use<> {
    let label = format!("Open {} {}", e.source.label(), e.id);
    view! {
        <tr>
            <td data-label="Start">{e.start_ms.map(format_utc).unwrap_or_else(|| "—".into())}</td>
            <td data-label="Connection">{e.connection.clone()}</td>
            <td data-label="Provider">{e.provider.display_name()}</td>
            <td data-label="Action">{e.action.clone().unwrap_or_else(|| "—".into())}</td>
            <td data-label="Status">{entry_badge(e.status)} {e.detail.clone().map(|d| view! { <span class="muted entry-detail">{format!(" {d}")}</span> })}</td>
            <td data-label="Duration" class="numeric">{e.duration_ms.map(format_duration).unwrap_or_else(|| "—".into())}</td>
            <td data-label="Record">
                <a href=e.href() aria-label=label>{e.source.label()} " " <code>{e.id.clone()}</code></a>
            </td>
        </tr>
    }
}

/// The merged entries of every part so far.
#[component]
pub fn EntryTable(
    merged: Memo<Vec<TimelineEntry>>,
    parts: RwSignal<Parts<TimelineAnswer>>,
) -> impl IntoView {
    let empty = move || merged.with(Vec::is_empty);
    let empty_text = move || {
        if parts.with(|p| p.done) {
            "Nothing ran in this range on the connections that answered."
        } else {
            "Waiting for the connections…"
        }
    };
    let count = move || {
        let n = merged.with(Vec::len);
        format!(
            "{} {} shown, newest first",
            crate::routes::thousands(n as u64),
            if n == 1 { "entry" } else { "entries" }
        )
    };
    view! {
        <p class="counts" role="status">{count}</p>
        <p class="empty" hidden=move || !empty()>{empty_text}</p>
        <DataTable
            class="timeline-table"
            caption="Runs on every connection, newest first"
            columns=&["Start (UTC)", "Connection", "Provider", "Action", "Status", "Duration", "Record"]
            hidden=Signal::derive(empty)
        >
            {move || merged.with(|all| all.iter().map(entry_row).collect_view())}
        </DataTable>
    }
}
