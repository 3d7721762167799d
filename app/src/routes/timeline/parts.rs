//! Each asked connection's state, in configuration order: being asked, what it answered and
//! how fast, or why it has no answer ("did not answer within 3 s", the provider's message).

use leptos::prelude::*;
use providers::ConnectionSummary;

use super::stream::Parts;
use crate::api::{TimelineAnswer, TimelineView};
use crate::routes::thousands;

/// The connections of the view and how each one answered.
#[component]
pub fn PartsList(
    connections: Vec<ConnectionSummary>,
    view: Memo<TimelineView>,
    parts: RwSignal<Parts<TimelineAnswer>>,
) -> impl IntoView {
    let rows = move || {
        let only = view.with(|v| v.connection.clone());
        connections
            .iter()
            .filter(|c| only.as_deref().is_none_or(|o| o == c.id))
            .map(|c| {
                let id = c.id.clone();
                let state = move || parts.with(|p| state_of(p, &id));
                view! {
                    <li data-connection=c.id.clone()>
                        <strong>{c.name.clone()}</strong>
                        <span class="muted">{format!(" — {}", c.provider)}</span>
                        ": "
                        {state}
                    </li>
                }
            })
            .collect_view()
    };
    let stream_error = move || {
        parts.with(|p| p.error.as_ref().map(|e| view! { <p class="problem" role="alert">{format!("The timeline stopped: {e}")}</p> }))
    };
    view! {
        <ul class="timeline-parts" aria-label="Connections asked">{rows}</ul>
        {stream_error}
    }
}

/// One connection's line.
fn state_of(parts: &Parts<TimelineAnswer>, id: &str) -> AnyView {
    match parts.of(id) {
        None if parts.done => {
            view! { <span class="part-failed">"no answer: the stream ended"</span> }.into_any()
        }
        None => view! { <span class="muted" role="status">"asking…"</span> }.into_any(),
        Some(part) => match &part.answer {
            Ok(answer) => {
                let count = answer.entries.len();
                let text = format!(
                    "{} {} in {} ms",
                    thousands(count as u64),
                    if count == 1 { "entry" } else { "entries" },
                    part.elapsed_ms
                );
                let notes = answer.notes.join(" ");
                view! {
                    <span class="part-ok">{text}</span>
                    {(!notes.is_empty()).then(|| view! { <span class="muted">{format!(" · {notes}")}</span> })}
                }
                .into_any()
            }
            Err(error) => {
                view! { <span class="part-failed" role="alert">{error.to_string()}</span> }
                    .into_any()
            }
        },
    }
}
