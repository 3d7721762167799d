//! The filter form: action, status, time range (UTC) and page size. A GET form whose fields
//! are the URL's parameters, so it works without JavaScript; hydrated, the router's `Form`
//! navigates to the same URL without reloading, and back/forward step through views.

use leptos::prelude::*;
use leptos_router::components::Form;

use super::time::input_value;
use super::url::view_href;
use crate::api::{ActivationView, PAGE_SIZES, StatusFilter};
use crate::components::field::{Choice, Field, options};

/// The form, showing `view`'s values.
#[component]
pub fn Filters(
    /// Where the form goes (the page's own path).
    path: String,
    /// Parameters the form keeps (the connection, the action page's tab).
    keep: Signal<Vec<(&'static str, String)>>,
    /// The view in the URL.
    view: Memo<ActivationView>,
    /// Whether the action is fixed (an action's own tab): no action field then.
    action_fixed: bool,
) -> impl IntoView {
    let text = move |f: fn(&ActivationView) -> Option<String>| {
        Signal::derive(move || view.with(f).unwrap_or_default())
    };
    let clear = {
        let path = path.clone();
        move || view_href(&path, &keep.get(), &ActivationView::default())
    };
    let status =
        Signal::derive(move || view.with(|v| v.status.map_or("", |s| s.value()).to_string()));
    let size = Signal::derive(move || view.with(|v| v.size.to_string()));
    view! {
        <Form method="GET" action=path.clone()>
            <div class="filters activation-filters" role="search" aria-label="Filter activations">
                {move || {
                    keep.get()
                        .into_iter()
                        .map(|(name, value)| view! { <input type="hidden" name=name value=value /> })
                        .collect_view()
                }}
                {(!action_fixed)
                    .then(|| {
                        let action = text(|v| v.action.as_ref().map(ToString::to_string));
                        view! { <ActionFilter value=action /> }
                    })}
                <FilterSelect id="filter-status" name="status" label="Status" choices=status_choices() selected=status />
                <TimeFilter id="filter-since" name="since" label="Since (UTC)" value=text(|v| v.since_ms.map(input_value)) />
                <TimeFilter id="filter-upto" name="upto" label="Up to (UTC)" value=text(|v| v.upto_ms.map(input_value)) />
                <FilterSelect id="filter-size" name="size" label="Page size" choices=size_choices() selected=size />
                <div class="filter-buttons">
                    <button type="submit" class="primary">"Apply"</button>
                    <a href=clear>"Clear filters"</a>
                </div>
            </div>
        </Form>
    }
}

/// "Any status" and each status a person can filter by.
fn status_choices() -> Vec<Choice> {
    let any = Choice::new("", "Any status");
    let each = StatusFilter::ALL
        .into_iter()
        .map(|s| Choice::new(s.value(), s.label()));
    std::iter::once(any).chain(each).collect()
}

/// The page sizes offered.
fn size_choices() -> Vec<Choice> {
    PAGE_SIZES
        .into_iter()
        .map(|n| Choice::plain(n.to_string()))
        .collect()
}

/// The action's name (`package/name`), matched as typed.
#[component]
fn ActionFilter(value: Signal<String>) -> impl IntoView {
    view! {
        <Field id="filter-action" label="Action">
            <input
                id="filter-action"
                name="action"
                type="search"
                placeholder="package/name"
                autocomplete="off"
                value=move || value.get()
                prop:value=move || value.get()
            />
        </Field>
    }
}

/// One end of the time range, a `datetime-local` in UTC to the second.
#[component]
fn TimeFilter(
    id: &'static str,
    name: &'static str,
    label: &'static str,
    value: Signal<String>,
) -> impl IntoView {
    view! {
        <Field id label>
            <input id=id name=name type="datetime-local" step="1" value=move || value.get() prop:value=move || value.get() />
        </Field>
    }
}

/// A `<select>` of `choices` showing the one the URL has.
#[component]
fn FilterSelect(
    id: &'static str,
    name: &'static str,
    label: &'static str,
    choices: Vec<Choice>,
    selected: Signal<String>,
) -> impl IntoView {
    view! {
        <Field id label>
            <select id=id name=name>
                {options(choices, selected)}
            </select>
        </Field>
    }
}
