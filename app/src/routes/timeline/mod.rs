//! `/timeline`: what ran on every connection — activations, asynchronous invocations, log
//! records — merged into one list, newest first, filtered in the URL. Each connection is
//! asked at once with its own deadline and shown as soon as it answers; one that is slow or
//! broken says why in its place. A lazy route: its code is a chunk of its own.

mod filters;
mod parts;
pub(crate) mod stream;
mod table;
pub(crate) mod url;

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::{LazyRoute, hooks::use_query_map, lazy_route};

use crate::api::{
    TimelineAnswer, TimelineEntry, TimelineView, list_connections, merge_into, timeline,
};
use filters::Filters;
use parts::PartsList;
use table::EntryTable;

/// The timeline as a lazy route.
pub struct TimelineRoute;

#[lazy_route]
impl LazyRoute for TimelineRoute {
    fn data() -> Self {
        Self
    }

    fn view(_this: Self) -> AnyView {
        view! {
            <Title text="Timeline" />
            <section class="timeline-page" id="content">
                <h1>"Timeline"</h1>
                <p class="lead">"Everything that ran on every connection, newest first: activations, asynchronous invocations and log records."</p>
                <TimelineBrowser />
            </section>
        }
        .into_any()
    }
}

/// Filters, each connection's state and the merged list of the view the URL names.
#[component]
fn TimelineBrowser() -> impl IntoView {
    let query = use_query_map();
    let parsed = Memo::new(move |_| query.with(|q| url::view_from_query(|k| q.get(k))));
    let view = Memo::new(move |_| parsed.with(|(v, _)| v.clone()));
    let connections = Resource::new(|| (), |_| list_connections());
    let parts = stream::follow(move || view.get(), timeline);
    let merged = Memo::new(move |_| {
        parts.with(|p| {
            let mut all: Vec<TimelineEntry> = Vec::new();
            for part in &p.parts {
                if let Ok(TimelineAnswer { entries, .. }) = &part.answer {
                    merge_into(&mut all, entries.iter().cloned());
                }
            }
            all
        })
    });
    let problems = move || {
        parsed.with(|(_, problems)| {
            problems
                .iter()
                .map(|p| view! { <li>{p.to_string()}</li> })
                .collect_view()
        })
    };
    let has_problems = move || parsed.with(|(_, p)| !p.is_empty());
    view! {
        <nav class="timeline-views" aria-label="Views">
            <a href=url::failures_href()>"Failures, last hour, everywhere"</a>
            <a href=url::view_href(&TimelineView::default())>"Everything, last hour"</a>
        </nav>
        <Suspense fallback=|| view! { <p class="loading" role="status">"Loading connections…"</p> }>
            {move || Suspend::new(async move {
                match connections.await {
                    Ok(list) => view! {
                        <Filters view connections=list.clone() />
                        <div class="problem" role="alert" hidden=move || !has_problems()>
                            <p>"Some of this address's filters were not understood and are not applied:"</p>
                            <ul>{problems}</ul>
                        </div>
                        <PartsList connections=list view parts />
                        <EntryTable merged parts />
                    }
                    .into_any(),
                    Err(error) => view! {
                        <div class="problem" role="alert"><p>{error.to_string()}</p></div>
                    }
                    .into_any(),
                }
            })}
        </Suspense>
    }
}
