//! The table of activations and the links between its pages.

use leptos::prelude::*;
use providers::{ActionRef, Activation, ActivationStatus};

use super::time::{format_duration, format_utc};
use super::url::view_href;
use crate::api::ActivationView;
use crate::components::DataTable;
/// Counts as every page writes them (`1,425`).
pub use crate::components::format::thousands;
use crate::routes::query_href;

/// A status as the badge shows it, and the class that colours it.
pub fn status_badge(status: ActivationStatus) -> impl IntoView {
    let class = match status {
        ActivationStatus::Success => "badge status-success",
        ActivationStatus::Pending => "badge status-pending",
        _ => "badge status-failure",
    };
    let label = match status {
        ActivationStatus::Pending => "running or unknown",
        s => s.as_str(),
    };
    view! { <span class=class>{label}</span> }
}

/// The detail's address: `/activations/{id}?connection=…&action=…` (NCP reads an
/// activation through its action, so the action goes along where known).
pub fn detail_href(id: &str, connection: Option<&str>, action: Option<&str>) -> String {
    let pairs = connection
        .map(|c| ("connection", c.to_string()))
        .into_iter()
        .chain(action.map(|a| ("action", a.to_string())));
    query_href(&format!("/activations/{id}"), pairs)
}

/// The table of one page (its rows a signal: live mode adds and updates rows).
#[component]
pub fn ActivationTable(
    #[prop(into)] rows: Signal<Vec<Activation>>,
    /// The connection named in links.
    connection: Option<String>,
    /// The action every row ran, when the list is one action's (NCP's rows name none).
    action: Option<ActionRef>,
) -> impl IntoView {
    let rows = move || {
        rows.get()
            .into_iter()
            .map(|a| activation_row(a, connection.as_deref(), action.as_ref()))
            .collect_view()
    };
    view! {
        <DataTable
            class="activations-table"
            caption="Activations, newest first"
            columns=&["Start (UTC)", "Action", "Status", "Duration", "Activation id"]
        >
            {rows}
        </DataTable>
    }
}

/// One row: start, action (linked), status, duration, id (opening the detail).
fn activation_row(
    a: Activation,
    connection: Option<&str>,
    action: Option<&ActionRef>,
) -> impl IntoView + use<> {
    let name = a.name.clone().or_else(|| action.map(ToString::to_string));
    let href = detail_href(&a.id, connection, name.as_deref());
    let action_cell = match &name {
        Some(n) => {
            let target = crate::routes::action_href(&ActionRef::parse(n), connection, None);
            view! { <a href=target>{n.clone()}</a> }.into_any()
        }
        None => view! { <span class="muted">"—"</span> }.into_any(),
    };
    view! {
        <tr>
            <td data-label="Start">{a.start_ms.map(format_utc).unwrap_or_else(|| "—".into())}</td>
            <td data-label="Action">{action_cell}</td>
            <td data-label="Status">{status_badge(a.status)}</td>
            <td data-label="Duration" class="numeric">
                {a.duration_ms.map(format_duration).unwrap_or_else(|| "—".into())}
            </td>
            <td data-label="Id">
                <a href=href aria-label=format!("Open activation {}", a.id)>
                    <code>{a.id.clone()}</code>
                </a>
            </td>
        </tr>
    }
}

/// "Activations 21–40 of 1,425", or without a total where none is known.
pub fn range_text(view: &ActivationView, shown: usize, total: Option<u64>) -> String {
    let first = view.offset() + 1;
    let last = view.offset() + shown as u64;
    match (shown, total) {
        (0, Some(0)) => "No activations".into(),
        (0, _) => format!("No activations on page {}", view.page),
        (_, Some(total)) => format!("Activations {first}–{last} of {}", thousands(total)),
        (_, None) => format!("Activations {first}–{last}"),
    }
}

/// "First", "Previous", where we are, "Next".
#[component]
pub fn Pager(
    path: String,
    keep: Vec<(&'static str, String)>,
    view: ActivationView,
    more: bool,
    total: Option<u64>,
) -> impl IntoView {
    let pages = total.map(|t| t.div_ceil(view.size).max(1));
    let link = |page: u64, label: &'static str, rel: Option<&'static str>| {
        let href = view_href(&path, &keep, &view.on_page(page));
        view! { <a href=href rel=rel>{label}</a> }
    };
    let at_start = view.page <= 1;
    let here = match pages {
        Some(pages) => format!("Page {} of {}", thousands(view.page), thousands(pages)),
        None => format!("Page {}", thousands(view.page)),
    };
    view! {
        <nav class="pager" aria-label="Pages">
            {(!at_start).then(|| link(1, "First", None))}
            {(!at_start).then(|| link(view.page - 1, "Previous", Some("prev")))}
            <span aria-current="page">{here}</span>
            {more.then(|| link(view.page + 1, "Next", Some("next")))}
        </nav>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_read_as_sentences() {
        let view = ActivationView {
            page: 2,
            ..Default::default()
        };
        assert_eq!(
            range_text(&view, 20, Some(1425)),
            "Activations 21–40 of 1,425"
        );
        assert_eq!(range_text(&view, 7, None), "Activations 21–27");
        assert_eq!(
            range_text(&ActivationView::default(), 0, Some(0)),
            "No activations"
        );
        assert_eq!(range_text(&view, 0, None), "No activations on page 2");
    }

    #[test]
    fn the_detail_link_carries_the_connection_and_the_action() {
        assert_eq!(
            detail_href("ab12", Some("local-ncp"), Some("demo/hello")),
            "/activations/ab12?connection=local-ncp&action=demo/hello"
        );
        assert_eq!(detail_href("ab12", None, None), "/activations/ab12");
    }
}
