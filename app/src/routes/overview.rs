//! The overview's cards: one per configured connection, each asking for its own card (its
//! actions, its last hour, its latest failures) once the page is hydrated and filled the
//! moment that connection answers; a slow or broken one says why on its card. The server
//! renders each card's body (`overview_card`): the first page's WASM holds only this.

use leptos::prelude::*;
use providers::ConnectionSummary;

use crate::api::{FAILURES_HREF, list_connections, overview_card};

/// What a card shows until its connection answers.
const ASKING: &str = r#"<p class="muted" role="status">Asking…</p>"#;

/// One card per configured connection.
#[component]
pub fn ConnectionCards() -> impl IntoView {
    let connections = Resource::new(|| (), |_| list_connections());
    view! {
        <h2>"Connections"</h2>
        <p><a href=FAILURES_HREF>"Failures, last hour, everywhere"</a></p>
        <Suspense fallback=|| view! { <p class="loading" role="status">"Loading connections…"</p> }>
            {move || Suspend::new(async move {
                match connections.await {
                    Ok(list) => view! {
                        <ul class="connection-cards">
                            {list.into_iter().map(|connection| view! { <Card connection /> }).collect_view()}
                        </ul>
                    }
                    .into_any(),
                    Err(error) => view! { <p class="problem" role="alert">{error.to_string()}</p> }.into_any(),
                }
            })}
        </Suspense>
    }
}

/// One connection's card: its name at once, its body when the server answers.
#[component]
fn Card(connection: ConnectionSummary) -> impl IntoView {
    let body = RwSignal::new(None::<Result<String, String>>);
    let id = connection.id.clone();
    // Effects run in the browser only: the server sends every card as being asked.
    Effect::new(move |_| {
        let id = id.clone();
        leptos::task::spawn_local(async move {
            let answer = overview_card(id, None).await.map_err(|e| e.to_string());
            body.try_set(Some(answer));
        });
    });
    let html = move || match body.get() {
        None => ASKING.to_string(),
        Some(Ok(html)) => html,
        Some(Err(_)) => String::new(),
    };
    let problem = move || match body.get() {
        Some(Err(e)) => Some(view! { <p class="part-failed" role="alert">{e}</p> }),
        _ => None,
    };
    let local = if connection.local { " (local engine)" } else { "" };
    view! {
        <li class="connection-card" aria-label=connection.name.clone() data-connection=connection.id.clone()>
            <h3>{connection.name.clone()}</h3>
            <p class="muted">{format!("{}{local}", connection.provider)}</p>
            <div class="card-body" inner_html=html></div>
            {problem}
        </li>
    }
}
