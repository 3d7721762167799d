//! `/logs`: function logs (seed 003, SCF's GetFunctionLogs) with every filter and ordering of
//! the API in the URL (`?connection=…&function=…&request_id=…&result=…&order=…&orderby=…
//! &offset=…&limit=…&since=…&upto=…`), and a search of the loaded page that highlights what
//! it finds. Times are shown in the viewer's zone with the offset written (SCF's Beijing
//! times are converted by the client). Server-rendered and hydrated; a lazy route.

mod filters;
mod table;
mod url;

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::{LazyRoute, lazy_route};

use crate::api::{LogListing, LogView, function_logs};
use crate::components::{AddressProblems, ListingProblem, connection_line, url_view};
use crate::context::use_connection_id;
use crate::errors::AppError;
use filters::LogFilters;
use table::{LogPager, LogTable, matches, searched_text};

/// The logs page as a lazy route: its code is a chunk of its own.
pub struct LogsRoute;

#[lazy_route]
impl LazyRoute for LogsRoute {
    fn data() -> Self {
        Self
    }

    fn view(_this: Self) -> AnyView {
        view! {
            <Title text="Logs" />
            <section class="logs-page" id="content">
                <h1>"Logs"</h1>
                <LogBrowser />
            </section>
        }
        .into_any()
    }
}

/// The listing of the view the URL names.
#[component]
fn LogBrowser() -> impl IntoView {
    let connection = use_connection_id();
    let (view, problems) = url_view(|q| url::view_from_query(|k| q.get(k)));
    let listing = Resource::new(
        move || (connection.get(), view.get()),
        |(connection, view)| function_logs(connection, view),
    );
    view! {
        <AddressProblems problems />
        <Transition fallback=|| view! { <p class="loading" role="status">"Loading function logs…"</p> }>
            {move || Suspend::new(async move {
                let keep: Vec<_> = connection.get_untracked().map(|c| ("connection", c)).into_iter().collect();
                match listing.await {
                    Ok(listing) => view! { <Listing listing keep view=view.get_untracked() problems /> }.into_any(),
                    Err(error) => view! {
                        <ListingProblem error failed="The function logs could not be read"
                            instead="Pick an SCF connection in the header to search function logs." />
                    }
                    .into_any(),
                }
            })}
        </Transition>
    }
}

/// One page: the filters, the search, the table and the pager.
#[component]
fn Listing(
    listing: LogListing,
    keep: Vec<(&'static str, String)>,
    view: LogView,
    problems: Signal<Vec<AppError>>,
) -> impl IntoView {
    let LogListing {
        connection,
        functions,
        rows,
        total,
    } = listing;
    let on = connection_line(&connection);
    let search = RwSignal::new(String::new());
    let texts: Vec<String> = rows
        .iter()
        .flat_map(|r| searched_text(r).map(str::to_string))
        .collect();
    let found = move || {
        search.with(|s| {
            let s = s.trim();
            (!s.is_empty()).then(|| {
                let n: usize = texts.iter().map(|t| matches(t, s)).sum();
                format!("{n} match{} on this page", if n == 1 { "" } else { "es" })
            })
        })
    };
    let shown = rows.len();
    view! {
        <LogFilters keep=keep.clone() view=view.clone() functions problems />
        <p class="connection-line muted">{on}</p>
        <div class="field log-search">
            <label for="logs-search">"Search this page"</label>
            <input id="logs-search" type="search" autocomplete="off" aria-describedby="logs-search-count"
                prop:value=move || search.get() on:input=move |ev| search.set(event_target_value(&ev)) />
            <p class="hint" id="logs-search-count" role="status">{found}</p>
        </div>
        {(shown == 0).then(|| view! { <p class="empty">"No log record matches these filters."</p> })}
        {(shown > 0).then(|| view! { <LogTable rows search=search.into() /> })}
        <LogPager keep view shown total />
    }
}
