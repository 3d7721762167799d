//! The filter form: action, status, time range (UTC) and page size. A GET form whose fields
//! are the URL's parameters, so it works without JavaScript; hydrated, the router's `Form`
//! navigates to the same URL without reloading, and back/forward step through views.

use leptos::prelude::*;
use leptos_router::components::Form;

use super::time::input_value;
use super::url::view_href;
use crate::api::{ActivationView, PAGE_SIZES, StatusFilter};

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
    let text = move |f: fn(&ActivationView) -> Option<String>| move || view.with(f).unwrap_or_default();
    let action = text(|v| v.action.as_ref().map(ToString::to_string));
    let since = text(|v| v.since_ms.map(input_value));
    let upto = text(|v| v.upto_ms.map(input_value));
    let clear = {
        let path = path.clone();
        move || view_href(&path, &keep.get(), &ActivationView::default())
    };
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
                        view! {
                            <div class="field">
                                <label for="filter-action">"Action"</label>
                                <input
                                    id="filter-action"
                                    name="action"
                                    type="search"
                                    placeholder="package/name"
                                    autocomplete="off"
                                    value=action
                                    prop:value=action
                                />
                            </div>
                        }
                    })}
                <div class="field">
                    <label for="filter-status">"Status"</label>
                    <select id="filter-status" name="status">
                        <option value="" selected=move || view.with(|v| v.status.is_none())>
                            "Any status"
                        </option>
                        {StatusFilter::ALL
                            .into_iter()
                            .map(|s| {
                                view! {
                                    <option
                                        value=s.value()
                                        selected=move || view.with(|v| v.status == Some(s))
                                    >
                                        {s.label()}
                                    </option>
                                }
                            })
                            .collect_view()}
                    </select>
                </div>
                <div class="field">
                    <label for="filter-since">"Since (UTC)"</label>
                    <input id="filter-since" name="since" type="datetime-local" step="1" value=since prop:value=since />
                </div>
                <div class="field">
                    <label for="filter-upto">"Up to (UTC)"</label>
                    <input id="filter-upto" name="upto" type="datetime-local" step="1" value=upto prop:value=upto />
                </div>
                <div class="field">
                    <label for="filter-size">"Page size"</label>
                    <select id="filter-size" name="size">
                        {PAGE_SIZES
                            .into_iter()
                            .map(|n| {
                                view! {
                                    <option value=n.to_string() selected=move || view.with(|v| v.size == n)>
                                        {n.to_string()}
                                    </option>
                                }
                            })
                            .collect_view()}
                    </select>
                </div>
                <div class="filter-buttons">
                    <button type="submit" class="primary">"Apply"</button>
                    <a href=clear>"Clear filters"</a>
                </div>
            </div>
        </Form>
    }
}
