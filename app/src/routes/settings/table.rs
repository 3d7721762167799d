//! Every connection with where it comes from, and per row: Test, and for those added here,
//! Edit and Delete.

use leptos::prelude::*;

use super::reload_page;
use crate::api::{
    ConnectionSource, ConnectionTest, DeleteConnection, ManagedConnection, TestConnection,
};

/// The table; Edit puts the row's connection in `editing`.
#[component]
pub fn ManagedTable(
    list: Vec<ManagedConnection>,
    editing: RwSignal<Option<ManagedConnection>>,
) -> impl IntoView {
    let rows = list
        .into_iter()
        .map(|c| view! { <ManagedRow c editing /> })
        .collect_view();
    view! {
        <table class="data-table connections-table">
            <thead>
                <tr>
                    <th scope="col">"Id"</th>
                    <th scope="col">"Name"</th>
                    <th scope="col">"Provider"</th>
                    <th scope="col">"Where"</th>
                    <th scope="col">"Defined in"</th>
                    <th scope="col">"Actions"</th>
                </tr>
            </thead>
            <tbody>{rows}</tbody>
        </table>
    }
}

fn test_text(answer: &Result<ConnectionTest, crate::errors::AppError>) -> String {
    match answer {
        Ok(t) if t.ok => format!("Works ({} ms): {}", t.took_ms, t.said),
        Ok(t) => format!("Failed ({} ms): {}", t.took_ms, t.said),
        Err(e) => format!("Not tested: {e}"),
    }
}

#[component]
fn ManagedRow(c: ManagedConnection, editing: RwSignal<Option<ManagedConnection>>) -> impl IntoView {
    let id = c.summary.id.clone();
    let test = ServerAction::<TestConnection>::new();
    let delete = ServerAction::<DeleteConnection>::new();
    Effect::new(move |_| {
        if let Some(Ok(())) = delete.value().get() {
            reload_page();
        }
    });
    let ui = c.source == ConnectionSource::Ui;
    let defined = if ui {
        "added here"
    } else {
        "from fnconsole.toml"
    };
    let (test_id, delete_id) = (id.clone(), id.clone());
    let test_label = format!("Test connection {id}");
    let status_id = format!("test-{id}");
    let edit = ui.then(|| {
        let label = format!("Edit {id}");
        let delete_label = format!("Delete {id}");
        let row = c.clone();
        let delete_id = delete_id.clone();
        view! {
            <button type="button" aria-label=label on:click=move |_| editing.set(Some(row.clone()))>"Edit"</button>
            <button type="button" class="danger-outline" aria-label=delete_label
                disabled=move || delete.pending().get()
                on:click=move |_| { delete.dispatch(DeleteConnection { id: delete_id.clone() }); }>"Delete"</button>
        }
    });
    view! {
        <tr>
            <td><code>{id.clone()}</code></td>
            <td>{c.summary.name.clone()}</td>
            <td>{c.summary.provider.display_name()}</td>
            <td>{if c.summary.local { "Embedded engine" } else { "Cloud" }}</td>
            <td>{defined}</td>
            <td class="row-actions">
                <button type="button" aria-label=test_label aria-describedby=status_id.clone()
                    disabled=move || test.pending().get()
                    on:click=move |_| { test.dispatch(TestConnection { id: test_id.clone() }); }>"Test connection"</button>
                {edit}
                <p class="hint" id=status_id role="status">
                    {move || if test.pending().get() { Some("Testing…".to_string()) } else { test.value().get().as_ref().map(test_text) }}
                    {move || delete.value().get().and_then(Result::err).map(|e| format!("Not deleted: {e}"))}
                </p>
            </td>
        </tr>
    }
}
