//! `/async`: one function's asynchronous invocations (seed 002) with every filter of the API
//! in the URL (`?connection=…&function=…&request_id=…&status=…&begin=…&end=…&limit=…
//! &marker=…&trail=…`), paged by marker ("Next", "Back"). Waiting and running rows follow
//! their own status until they end, pushed from the server (`follow`). Server-rendered and
//! hydrated; a lazy route.

mod filters;
mod follow;
mod table;
mod url;

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::{LazyRoute, lazy_route};

use crate::api::{AsyncListing, AsyncView, list_async_invocations};
use crate::components::{AddressProblems, ListingProblem, connection_line, url_view};
use crate::context::use_connection_id;
use crate::errors::AppError;
use filters::AsyncFilters;
use table::{AsyncPager, AsyncTable};

/// The asynchronous invocations page as a lazy route: its code is a chunk of its own.
pub struct AsyncInvocationsRoute;

#[lazy_route]
impl LazyRoute for AsyncInvocationsRoute {
    fn data() -> Self {
        Self
    }

    fn view(_this: Self) -> AnyView {
        view! {
            <Title text="Async invocations" />
            <section class="async-page" id="content">
                <h1>"Async invocations"</h1>
                <AsyncBrowser />
            </section>
        }
        .into_any()
    }
}

/// The listing of the view the URL names.
#[component]
fn AsyncBrowser() -> impl IntoView {
    let connection = use_connection_id();
    let (view, problems) = url_view(|q| url::view_from_query(|k| q.get(k)));
    let listing = Resource::new(
        move || (connection.get(), view.get()),
        |(connection, view)| list_async_invocations(connection, view),
    );
    view! {
        <AddressProblems problems />
        <Transition fallback=|| view! { <p class="loading" role="status">"Loading asynchronous invocations…"</p> }>
            {move || Suspend::new(async move {
                let keep: Vec<_> = connection.get_untracked().map(|c| ("connection", c)).into_iter().collect();
                match listing.await {
                    Ok(listing) => view! { <Listing listing keep view=view.get_untracked() problems /> }.into_any(),
                    Err(error) => view! {
                        <ListingProblem error failed="The asynchronous invocations could not be listed"
                            instead="Pick a FunctionGraph connection in the header to see asynchronous invocations." />
                    }
                    .into_any(),
                }
            })}
        </Transition>
    }
}

/// One page: the filters, the counts, the table and the pager.
#[component]
fn Listing(
    listing: AsyncListing,
    keep: Vec<(&'static str, String)>,
    view: AsyncView,
    problems: Signal<Vec<AppError>>,
) -> impl IntoView {
    let AsyncListing {
        connection,
        functions,
        function,
        rows,
        total,
        next_marker,
    } = listing;
    let on = connection_line(&connection);
    let shown = !rows.is_empty();
    let counts = match (rows.len(), total) {
        (0, _) => "No asynchronous invocation matches".to_string(),
        (n, Some(t)) => format!("{n} shown of {t} (page {})", view.trail.len() + 1),
        (n, None) => format!("{n} shown (page {})", view.trail.len() + 1),
    };
    let window = (view.begin_ms.is_none() && view.end_ms.is_none())
        .then_some("Without a time range FunctionGraph lists the last hour.");
    let filters = view! { <AsyncFilters keep=keep.clone() view=view.clone() functions function=function.clone() problems /> };
    let Some(function) = function else {
        return view! {
            {filters}
            <p class="empty">"This connection has no function yet: create one to invoke it asynchronously."</p>
        }
        .into_any();
    };
    view! {
        {filters}
        <p class="connection-line muted">{on}</p>
        {window.map(|w| view! { <p class="hint">{w}</p> })}
        <p class="counts" role="status">{counts}</p>
        {shown.then(|| view! { <AsyncTable rows connection=Some(connection.id.clone()) function /> })}
        <AsyncPager keep view next_marker />
    }
    .into_any()
}
