//! The console's data table (`data-table`), as every listing page draws one: a caption for
//! screen readers, one header row of column headings, then the page's rows.

use leptos::prelude::*;

/// A table of `children` rows (`<tr>`s) under `columns`' headings.
#[component]
pub fn DataTable(
    /// The table's own class beside `data-table` (`activations-table`), if any.
    #[prop(optional)]
    class: Option<&'static str>,
    /// What the table holds, read by screen readers (shown to none).
    #[prop(optional)]
    caption: Option<&'static str>,
    /// The column headings, in order.
    columns: &'static [&'static str],
    /// Whether the table is hidden (an empty listing says so in its place).
    #[prop(optional, into)]
    hidden: Signal<bool>,
    children: Children,
) -> impl IntoView {
    let class = match class {
        Some(own) => format!("data-table {own}"),
        None => "data-table".to_string(),
    };
    view! {
        <table class=class hidden=hidden>
            {caption.map(|c| view! { <caption class="visually-hidden">{c}</caption> })}
            <thead>
                <tr>{columns.iter().map(|c| view! { <th scope="col">{*c}</th> }).collect_view()}</tr>
            </thead>
            <tbody>{children()}</tbody>
        </table>
    }
}
