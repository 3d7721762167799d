//! The audit log's table and its pager.

use access::audit::{AuditEntry, AuditFilter};
use leptos::prelude::*;

use super::url::filter_href;
use crate::components::LocalTime;

/// The entries, newest first.
#[component]
pub fn AuditTable(entries: Vec<AuditEntry>) -> impl IntoView {
    let rows = entries
        .into_iter()
        .map(|e| {
            let ok = e.outcome.ok();
            let outcome = e.outcome.to_string();
            let dash = || "—".to_string();
            view! {
                <tr>
                    <td><LocalTime ms=e.at_ms /></td>
                    <td>{e.account.unwrap_or_else(|| "anonymous".to_string())}</td>
                    <td><code>{e.action}</code></td>
                    <td>{e.connection.unwrap_or_else(dash)}</td>
                    <td>{e.target.unwrap_or_else(dash)}</td>
                    <td>{e.address.unwrap_or_else(dash)}</td>
                    <td class={if ok { "outcome ok" } else { "outcome failed" }}>{outcome}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <table class="data-table audit-table">
            <caption class="visually-hidden">"Audit entries, newest first"</caption>
            <thead>
                <tr>
                    <th scope="col">"Time"</th>
                    <th scope="col">"Account"</th>
                    <th scope="col">"Action"</th>
                    <th scope="col">"Connection"</th>
                    <th scope="col">"Target"</th>
                    <th scope="col">"Address"</th>
                    <th scope="col">"Outcome"</th>
                </tr>
            </thead>
            <tbody>{rows}</tbody>
        </table>
    }
}

/// "Entries 51–100 of 230" with Newer and Older links.
#[component]
pub fn AuditPager(filter: AuditFilter, shown: usize, total: u64) -> impl IntoView {
    let size = filter.page_size();
    let first = u64::from(filter.offset) + 1;
    let last = u64::from(filter.offset) + shown as u64;
    let newer = (filter.offset > 0).then(|| {
        filter_href(&AuditFilter {
            offset: filter.offset.saturating_sub(size),
            ..filter.clone()
        })
    });
    let older = (last < total).then(|| {
        filter_href(&AuditFilter {
            offset: filter.offset.saturating_add(size),
            ..filter.clone()
        })
    });
    view! {
        <nav class="pager" aria-label="Audit log pages">
            <p role="status">{format!("Entries {first}–{last} of {total}")}</p>
            {newer.map(|href| view! { <a href=href rel="prev">"Newer"</a> })}
            {older.map(|href| view! { <a href=href rel="next">"Older"</a> })}
        </nav>
    }
}
