//! Live mode (`?live=1`): while on, the first page reads the server's relay of the engine's
//! activation feed and shows each new activation at the top of the table as it starts, then
//! updates its row when it ends. Turning it off, changing the view or leaving the page drops
//! the stream, which cancels the request, which drops the server's feed.

use futures::future::{AbortHandle, abortable};
use leptos::prelude::*;
use providers::{ActionRef, Activation};
use std::sync::{Arc, Mutex};

use crate::api::{ActivationView, LiveLine, StatusFilter, watch_activations};
use crate::errors::AppError;

/// Most live rows kept (the largest page).
const MOST_LIVE: usize = 200;

/// What live mode has seen since it was turned on (or the view changed).
#[derive(Clone, Copy)]
pub struct Live {
    /// Activations that started or ended, newest first, each once (its latest state).
    pub rows: RwSignal<Vec<Activation>>,
    /// Whether the feed is open (the server follows the engine's feed).
    pub open: RwSignal<bool>,
    /// Why live mode stopped, when it did.
    pub problem: RwSignal<Option<String>>,
}

/// Follows the feed whenever `on` and `view` is the first page; the stream is dropped when
/// either changes and when the page is left.
pub fn follow(
    connection: Signal<Option<String>>,
    view: Memo<ActivationView>,
    on: Memo<bool>,
) -> Live {
    let live = Live {
        rows: RwSignal::new(Vec::new()),
        open: RwSignal::new(false),
        problem: RwSignal::new(None),
    };
    let reading: Arc<Mutex<Option<AbortHandle>>> = Arc::default();
    let stop = {
        let reading = reading.clone();
        move || {
            if let Some(handle) = reading.lock().ok().and_then(|mut h| h.take()) {
                handle.abort();
            }
        }
    };
    let stop_now = stop.clone();
    Effect::new(move |_| {
        let (connection, on) = (connection.get(), on.get());
        let (action, status, page) = view.with(|v| (v.action.clone(), v.status, v.page));
        stop_now();
        live.rows.set(Vec::new());
        live.open.set(false);
        live.problem.set(None);
        if !on || page != 1 {
            return;
        }
        let (task, handle) = abortable(read(connection, action, status, live));
        if let Ok(mut slot) = reading.lock() {
            *slot = Some(handle);
        }
        leptos::task::spawn_local(async move {
            let _ = task.await;
        });
    });
    on_cleanup(stop);
    live
}

/// Reads the feed into `live` until it ends or is dropped.
async fn read(
    connection: Option<String>,
    action: Option<ActionRef>,
    status: Option<StatusFilter>,
    live: Live,
) {
    let stream = match watch_activations(connection, action, status).await {
        Ok(stream) => stream,
        // The toggle already says why this connection has no live mode.
        Err(AppError::Unsupported(_)) => return,
        Err(error) => return stopped(live, &error),
    };
    live.open.try_set(true);
    let read = crate::ndjson::for_each_line(stream, |line| {
        match serde_json::from_str::<LiveLine>(line) {
            Ok(LiveLine::Activation(a)) => {
                live.rows.try_update(|rows| upsert(rows, a));
            }
            Ok(LiveLine::Failed { error }) => stopped(live, &error),
            Err(e) => stopped(
                live,
                &AppError::Transport(format!(
                    "the feed sent a line that is not an activation ({e})"
                )),
            ),
        }
    })
    .await;
    match read {
        Ok(()) => stopped(
            live,
            &AppError::Transport("the server closed the feed".into()),
        ),
        Err(error) => stopped(live, &error),
    }
}

fn stopped(live: Live, error: &AppError) {
    live.open.try_set(false);
    live.problem.try_set(Some(format!(
        "Live mode stopped: {error}. Reload to start it again."
    )));
}

/// Puts `a` in its row if it has one (a pending activation that ended), else on top.
pub fn upsert(rows: &mut Vec<Activation>, a: Activation) {
    match rows.iter_mut().find(|r| r.id == a.id) {
        Some(row) => *row = a,
        None => {
            rows.insert(0, a);
            rows.truncate(MOST_LIVE);
        }
    }
}

/// The first page as live mode shows it: the live rows the listing does not hold on top,
/// then the listing's, each in its latest state, `size` in all.
pub fn merge(live: &[Activation], listed: &[Activation], size: usize) -> Vec<Activation> {
    let newer = live.iter().filter(|a| !listed.iter().any(|l| l.id == a.id));
    let listed = listed
        .iter()
        .map(|l| live.iter().find(|a| a.id == l.id).unwrap_or(l));
    newer.chain(listed).take(size).cloned().collect()
}

/// The "Live" checkbox (it navigates to the view with `live=1` toggled), or why the
/// connection has none; and, while on, what it does or why it stopped.
#[component]
pub fn LiveToggle(
    on: Memo<bool>,
    /// The view's address with live mode toggled.
    toggled: Signal<String>,
    /// Why the connection has no live mode, when it has none.
    cannot: Option<String>,
    live: Live,
    /// Whether this is the first page (the only one live mode adds to).
    first_page: bool,
) -> impl IntoView {
    if let Some(why) = cannot {
        return view! { <p class="note live-note">{why}</p> }.into_any();
    }
    let navigate = leptos_router::hooks::use_navigate();
    let hint = move || {
        on.get().then(|| match (live.problem.get(), live.open.get()) {
            _ if !first_page => {
                view! { <span class="muted" role="status">"Live mode adds new activations to the first page."</span> }.into_any()
            }
            (Some(problem), _) => view! { <span class="problem-text" role="alert">{problem}</span> }.into_any(),
            (None, true) => view! { <span class="muted" role="status">"New activations appear at the top as they run."</span> }.into_any(),
            (None, false) => view! { <span class="muted" role="status">"Connecting to the activation feed…"</span> }.into_any(),
        })
    };
    view! {
        <div class="live-toggle">
            <label>
                <input
                    type="checkbox"
                    prop:checked=move || on.get()
                    checked=move || on.get()
                    on:change=move |_| navigate(&toggled.get_untracked(), Default::default())
                />
                " Live"
            </label>
            {hint}
        </div>
    }
    .into_any()
}

#[cfg(test)]
mod tests {
    use super::*;
    use providers::ActivationStatus;

    fn row(id: &str, status: ActivationStatus) -> Activation {
        serde_json::from_value(serde_json::json!({ "id": id, "status": status })).expect("a row")
    }

    #[test]
    fn a_new_activation_goes_on_top_and_its_end_updates_its_row() {
        let mut rows = vec![row("old", ActivationStatus::Success)];
        upsert(&mut rows, row("new", ActivationStatus::Pending));
        assert_eq!(
            rows.iter().map(|r| r.id.as_str()).collect::<Vec<_>>(),
            ["new", "old"]
        );
        upsert(&mut rows, row("new", ActivationStatus::Success));
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[0].status, ActivationStatus::Success);
    }

    #[test]
    fn the_first_page_shows_live_rows_over_the_listing() {
        let listed = [
            row("b", ActivationStatus::Pending),
            row("a", ActivationStatus::Success),
        ];
        let live = [
            row("c", ActivationStatus::Pending),
            row("b", ActivationStatus::Timeout),
        ];
        let page = merge(&live, &listed, 2);
        assert_eq!(
            page.iter().map(|r| r.id.as_str()).collect::<Vec<_>>(),
            ["c", "b"]
        );
        assert_eq!(
            page[1].status,
            ActivationStatus::Timeout,
            "the listed row ended"
        );
        assert_eq!(merge(&[], &listed, 20), listed);
    }
}
