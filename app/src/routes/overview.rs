//! The overview's cards: per connection, its actions and its last hour (runs, failures, the
//! latest failures with links), each card filled the moment its connection answers, with
//! the timeline's deadline rule (a slow or broken one says why on its card).

use leptos::prelude::*;
use providers::ConnectionSummary;

use super::timeline::stream::{Parts, follow};
use super::timeline::url::{failures_href, view_href};
use crate::api::{ConnectionOverview, ConnectionPart, TimelineView, list_connections, overview};
use crate::routes::thousands;

/// One card per configured connection.
#[component]
pub fn ConnectionCards() -> impl IntoView {
    let connections = Resource::new(|| (), |_| list_connections());
    let parts = follow(|| (), |_| overview(None));
    view! {
        <h2>"Connections"</h2>
        <p><a href=failures_href()>"Failures, last hour, everywhere"</a></p>
        <Suspense fallback=|| view! { <p class="loading" role="status">"Loading connections…"</p> }>
            {move || Suspend::new(async move {
                match connections.await {
                    Ok(list) => view! {
                        <ul class="connection-cards">
                            {list.into_iter().map(|c| view! { <Card connection=c parts /> }).collect_view()}
                        </ul>
                    }
                    .into_any(),
                    Err(error) => view! { <p class="problem" role="alert">{error.to_string()}</p> }.into_any(),
                }
            })}
        </Suspense>
    }
}

/// One connection's card.
#[component]
fn Card(connection: ConnectionSummary, parts: RwSignal<Parts<ConnectionOverview>>) -> impl IntoView {
    let id = connection.id.clone();
    let body = move || parts.with(|p| match p.of(&id) {
        None if p.done => view! { <p class="part-failed">"No answer: the stream ended."</p> }.into_any(),
        None => view! { <p class="muted" role="status">"Asking…"</p> }.into_any(),
        Some(part) => card_body(part),
    });
    view! {
        <li class="connection-card" aria-label=connection.name.clone() data-connection=connection.id.clone()>
            <h3>{connection.name.clone()}</h3>
            <p class="muted">{format!("{}{}", connection.provider, if connection.local { " (local engine)" } else { "" })}</p>
            {body}
        </li>
    }
}

/// What a connection answered.
fn card_body(part: &ConnectionPart<ConnectionOverview>) -> AnyView {
    let id = part.connection.id.clone();
    let card = match &part.answer {
        Err(error) => return view! { <p class="part-failed" role="alert">{error.to_string()}</p> }.into_any(),
        Ok(card) => card,
    };
    let actions = match &card.actions {
        Ok(n) => thousands(*n),
        Err(error) => format!("unknown ({error})"),
    };
    let timeline = view_href(&TimelineView { connection: Some(id.clone()), ..TimelineView::default() });
    let recent = match &card.recent {
        Err(error) => view! { <p class="part-failed">{format!("Last hour unknown: {error}")}</p> }.into_any(),
        Ok(r) => {
            let plus = if r.at_least { "+" } else { "" };
            let failures = r.latest_failures.iter().map(|e| view! {
                <li><a href=e.href()>{e.action.clone().unwrap_or_else(|| e.id.clone())}</a> <span class="muted">{e.detail.clone()}</span></li>
            }).collect_view();
            view! {
                <dl class="card-counts">
                    <div><dt>"Runs, last hour"</dt><dd data-count="runs">{format!("{}{plus}", thousands(r.runs))}</dd></div>
                    <div><dt>"Failures, last hour"</dt><dd data-count="failures">{format!("{}{plus}", thousands(r.failures))}</dd></div>
                </dl>
                {(!r.latest_failures.is_empty()).then(|| view! {
                    <h4>"Latest failures"</h4>
                    <ul class="latest-failures">{failures}</ul>
                })}
            }
            .into_any()
        }
    };
    view! {
        <dl class="card-counts"><div><dt>"Actions"</dt><dd data-count="actions">{actions}</dd></div></dl>
        {recent}
        <p><a href=timeline>"Timeline of this connection"</a></p>
    }
    .into_any()
}
