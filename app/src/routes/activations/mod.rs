//! `/activations`: every run on the connection in view, paged and filtered in the URL
//! (`?connection=…&page=…&size=…&status=…&action=…&since=…&upto=…`), each opening its detail
//! (`/activations/{id}`); and an action's own runs on its page's "Activations" tab.
//! Server-rendered (readable with JavaScript off) and hydrated; both pages are lazy routes.

mod chart;
mod detail;
mod filters;
mod live;
mod logs;
pub(crate) mod table;
pub(crate) mod time;
pub(crate) mod url;
mod value;

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::{LazyRoute, hooks::use_query_map, lazy_route};
use providers::ActionRef;

use crate::api::{
    ActivationListing, ActivationSample, ActivationView, list_activations, sample_activations,
};
use crate::context::use_connection_id;
use crate::errors::AppError;
use chart::ActivationChart;
use detail::ActivationPage;
use filters::Filters;
use live::{Live, LiveToggle};
use table::{ActivationTable, Pager, range_text};
// The timeline and the overview show runs as this page does.
pub(crate) use table::{detail_href, thousands};
pub(crate) use time::{format_duration, format_utc, input_value, parse_time};
pub(crate) use url::view_from_query as activation_view_from_query;

/// The activations page as a lazy route: its code is a chunk of its own.
pub struct ActivationsRoute;

#[lazy_route]
impl LazyRoute for ActivationsRoute {
    fn data() -> Self {
        Self
    }

    fn view(_this: Self) -> AnyView {
        view! {
            <Title text="Activations" />
            <section class="activations-page" id="content">
                <h1>"Activations"</h1>
                <ActivationBrowser path="/activations".into() tab=None fixed_action=None />
            </section>
        }
        .into_any()
    }
}

/// One activation's page as a lazy route.
pub struct ActivationRoute;

#[lazy_route]
impl LazyRoute for ActivationRoute {
    fn data() -> Self {
        Self
    }

    fn view(_this: Self) -> AnyView {
        view! { <ActivationPage /> }.into_any()
    }
}

/// The runs of one action, on its page's "Activations" tab.
#[component]
pub fn ActionActivations(
    /// The connection (`None`: the first configured).
    connection: Option<String>,
    /// The action.
    action: ActionRef,
) -> impl IntoView {
    // The connection comes from the URL like everywhere else; the prop is the same value.
    let _ = connection;
    let path = crate::routes::action_href(&action, None, None);
    view! {
        <section class="action-activations" aria-label="Activations of this action">
            <ActivationBrowser path tab=Some("activations") fixed_action=Some(action) />
        </section>
    }
}

/// Filters, chart, table and pager of the view the URL names.
#[component]
fn ActivationBrowser(
    /// The page's own path (links and the form go there).
    path: String,
    /// The action page's tab, kept in every link.
    tab: Option<&'static str>,
    /// The action, when the list is one action's.
    fixed_action: Option<ActionRef>,
) -> impl IntoView {
    let connection = use_connection_id();
    let query = use_query_map();
    let parsed = Memo::new(move |_| query.with(|q| url::view_from_query(|k| q.get(k))));
    let action_fixed = fixed_action.is_some();
    let view = Memo::new(move |_| {
        let mut view = parsed.with(|(v, _)| v.clone());
        if let Some(action) = &fixed_action {
            view.action = Some(action.clone());
        }
        view
    });
    let live_on = Memo::new(move |_| query.with(|q| q.get("live").as_deref() == Some("1")));
    let keep = Signal::derive(move || {
        let mut keep = Vec::new();
        if let Some(c) = connection.get() {
            keep.push(("connection", c));
        }
        if let Some(tab) = tab {
            keep.push(("tab", tab.to_string()));
        }
        if live_on.get() {
            keep.push(("live", "1".to_string()));
        }
        keep
    });
    let live = live::follow(connection, view, live_on);
    let toggled = {
        let path = path.clone();
        Signal::derive(move || {
            let mut keep = keep.get();
            keep.retain(|(name, _)| *name != "live");
            if !live_on.get() {
                keep.push(("live", "1".to_string()));
            }
            url::view_href(&path, &keep, &view.get().on_page(1))
        })
    };
    let listing = Resource::new(
        move || (connection.get(), view.get()),
        |(connection, view)| list_activations(connection, view),
    );
    let problems = move || {
        parsed.with(|(_, problems)| {
            problems
                .iter()
                .map(|p| view! { <li>{p.to_string()}</li> })
                .collect_view()
        })
    };
    let has_problems = move || parsed.with(|(_, p)| !p.is_empty());
    let chart = chart_sample(connection, view);
    let path_for_list = path.clone();
    view! {
        <Filters path=path.clone() keep view action_fixed />
        <div class="problem" role="alert" hidden=move || !has_problems()>
            <p>"Some of this address's filters were not understood and are not applied:"</p>
            <ul>{problems}</ul>
        </div>
        {move || match chart.get() {
            None => view! { <p class="muted chart-loading">"Drawing the chart…"</p> }.into_any(),
            Some(Ok(sample)) => view! { <ActivationChart sample /> }.into_any(),
            // The listing below says why a connection cannot list; the chart need not repeat it.
            Some(Err(AppError::Unsupported(_))) => ().into_any(),
            Some(Err(error)) => view! { <p class="muted">{format!("No chart: {error}")}</p> }.into_any(),
        }}
        <Transition fallback=|| view! { <p class="loading" role="status">"Loading activations…"</p> }>
            {move || {
                let path = path_for_list.clone();
                Suspend::new(async move {
                    match listing.await {
                        Ok(listing) => {
                            let (keep, view) = (keep.get_untracked(), view.get_untracked());
                            view! { <Listing listing path keep view live=(live, live_on, toggled) /> }
                                .into_any()
                        }
                        Err(error) => view! { <ListingProblem error /> }.into_any(),
                    }
                })
            }}
        </Transition>
    }
}

/// The chart's sample of the view's range, fetched by the browser once hydrated (an effect
/// never runs on the server, so the page's server time does not wait for it); a new range
/// or filter fetches again, a new page does not. An answer to an older view is dropped.
fn chart_sample(
    connection: Signal<Option<String>>,
    view: Memo<ActivationView>,
) -> RwSignal<Option<Result<ActivationSample, AppError>>> {
    let sample = RwSignal::new(None);
    let range = Memo::new(move |_| ActivationView {
        page: 1,
        size: crate::api::DEFAULT_PAGE_SIZE,
        ..view.get()
    });
    let asked = StoredValue::new(0_u64);
    Effect::new(move |_| {
        let (connection, range) = (connection.get(), range.get());
        asked.update_value(|n| *n += 1);
        let this = asked.get_value();
        leptos::task::spawn_local(async move {
            let answer = sample_activations(connection, range).await;
            if asked.get_value() == this {
                sample.set(Some(answer));
            }
        });
    });
    sample
}

/// A connection that cannot list activations says so in one line; any other failure shows
/// the provider's answer.
#[component]
fn ListingProblem(error: AppError) -> impl IntoView {
    match error {
        AppError::Unsupported(why) => view! {
            <p class="note" role="status">{format!("{why}.")}</p>
        }
        .into_any(),
        error => view! {
            <div class="problem" role="alert">
                <h2>"The activations could not be listed"</h2>
                <p>{error.to_string()}</p>
            </div>
        }
        .into_any(),
    }
}

/// One page: the counts, the live toggle, the table and the pager.
#[component]
fn Listing(
    listing: ActivationListing,
    path: String,
    keep: Vec<(&'static str, String)>,
    view: ActivationView,
    /// Live mode's rows, whether it is on, and the address toggling it.
    live: (Live, Memo<bool>, Signal<String>),
) -> impl IntoView {
    let ActivationListing {
        connection,
        rows,
        total,
        more,
        searched,
        window,
        can_run: _,
        cannot_watch,
    } = listing;
    let (live, live_on, toggled) = live;
    let counts = range_text(&view, rows.len(), total);
    let searched = searched.map(|n| {
        format!(
            "No provider filters by status: the newest {} activations of this range were searched. Narrow the time range to find older ones.",
            table::thousands(n)
        )
    });
    let size = usize::try_from(view.size).unwrap_or(usize::MAX);
    let shown = Signal::derive(move || live.rows.with(|l| live::merge(l, &rows, size)));
    let empty = move || shown.with(Vec::is_empty);
    let filtered = view.status.is_some() || view.since_ms.is_some() || view.upto_ms.is_some();
    let first_page = view.page == 1;
    let (connection_id, table_action) = (connection.id.clone(), view.action.clone());
    let on = format!(
        "On {} — {}{}",
        connection.name,
        connection.provider,
        if connection.local {
            " (local engine)"
        } else {
            ""
        }
    );
    view! {
        <p class="connection-line muted">{on}</p>
        {window.map(|w| view! { <p class="hint">{w}</p> })}
        <p class="counts" role="status">{counts}</p>
        {searched.map(|s| view! { <p class="note">{s}</p> })}
        <LiveToggle on=live_on toggled cannot=cannot_watch live first_page />
        {move || (empty() && first_page)
            .then(|| {
                view! {
                    <p class="empty">
                        {if filtered {
                            "No activation matches these filters."
                        } else {
                            "Nothing has run on this connection yet: run an action and its activation appears here."
                        }}
                    </p>
                }
            })}
        {move || (!empty())
            .then(|| {
                view! {
                    <ActivationTable rows=shown connection=Some(connection_id.clone()) action=table_action.clone() />
                }
            })}
        <Pager path keep view more total />
    }
}
