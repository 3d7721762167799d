//! `/actions/{package}/{action}` (and `/actions/{action}` outside any package): one action's
//! page. The code (editor, or read-only configuration where a provider cannot edit) sits
//! beside the run panel; the "Activations" tab lists the action's own runs.
//!
//! Each part is its own module with its own owner: `code` here, the run panel in
//! `components::run_panel`, the action's activations in `routes::activations`.

mod code;

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::{
    LazyRoute,
    hooks::{use_params_map, use_query_map},
    lazy_route,
};
use providers::ActionRef;

use crate::components::run_panel::RunPanel;
use crate::context::{use_connection_id, with_connection};
use crate::routes::activations::ActionActivations;
use code::CodeView;

/// The page's address for `action` on `connection`, with an optional tab.
pub fn action_href(action: &ActionRef, connection: Option<&str>, tab: Option<&str>) -> String {
    let path = format!("/actions/{action}");
    let mut href = with_connection(&path, connection);
    if let Some(tab) = tab {
        href.push(if href.contains('?') { '&' } else { '?' });
        href.push_str("tab=");
        href.push_str(tab);
    }
    href
}

/// Which tab is open: `?tab=activations`, else the code and run panel.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Tab {
    Code,
    Activations,
}

/// The action page as a lazy route: its code (and the editor it loads) stays out of the
/// other pages' chunks.
pub struct ActionRoute;

#[lazy_route]
impl LazyRoute for ActionRoute {
    fn data() -> Self {
        Self
    }

    fn view(_this: Self) -> AnyView {
        view! { <ActionPage /> }.into_any()
    }
}

/// The action page.
#[component]
fn ActionPage() -> impl IntoView {
    let params = use_params_map();
    let query = use_query_map();
    let connection = use_connection_id();
    let action = Memo::new(move |_| {
        params.with(|p| ActionRef {
            package: p.get("package").filter(|p| !p.is_empty() && p != "-"),
            name: p.get("action").unwrap_or_default(),
        })
    });
    let tab = Memo::new(move |_| match query.with(|q| q.get("tab")).as_deref() {
        Some("activations") => Tab::Activations,
        _ => Tab::Code,
    });
    let tab_link = move |to: Tab, label: &'static str| {
        let href = move || {
            let t = (to == Tab::Activations).then_some("activations");
            action_href(&action.get(), connection.get().as_deref(), t)
        };
        view! {
            <a
                href=href
                role="tab"
                aria-selected=move || (tab.get() == to).to_string()
                class:active=move || tab.get() == to
            >
                {label}
            </a>
        }
    };

    view! {
        <Title text=move || action.get().to_string() />
        <section class="action-page" id="content">
            <nav class="breadcrumbs" aria-label="Breadcrumbs">
                <a href=move || with_connection("/actions", connection.get().as_deref())>
                    "Actions"
                </a>
                " / "
                <span>{move || action.get().to_string()}</span>
            </nav>
            <h1>{move || action.get().name}</h1>
            <div class="tabs" role="tablist" aria-label="Action">
                {tab_link(Tab::Code, "Code")}
                {tab_link(Tab::Activations, "Activations")}
            </div>
            {move || match tab.get() {
                Tab::Code => {
                    view! {
                        <div class="action-workspace">
                            <div class="action-code">
                                <CodeView connection=connection.get() action=action.get() />
                            </div>
                            <aside class="action-run" aria-label="Run">
                                {if crate::context::caller_can(access::Role::Editor) {
                                    view! { <RunPanel connection=connection.get() action=action.get() /> }.into_any()
                                } else {
                                    view! {
                                        <h2>"Run"</h2>
                                        <p class="note" role="note">"Running an action needs the editor role: you can read its code and activations."</p>
                                    }
                                    .into_any()
                                }}
                            </aside>
                        </div>
                    }
                        .into_any()
                }
                Tab::Activations => {
                    view! { <ActionActivations connection=connection.get() action=action.get() /> }
                        .into_any()
                }
            }}
        </section>
    }
}
