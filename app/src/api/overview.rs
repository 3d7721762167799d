//! The overview's server function: one connection's card — how many actions it holds and
//! what ran in the last hour (runs, failures, the latest failures as links) — read with the
//! timeline's deadline rule and answered as the card's HTML. The first page asks for each
//! card on its own, so each fills when its connection answers; rendering the card here
//! keeps its code (and the timeline's model) out of the first page's WASM.

use leptos::prelude::*;

use crate::errors::AppError;

/// The overview's own link to the failure view.
pub const FAILURES_HREF: &str = "/timeline?status=failure";

/// Connection `connection`'s card as HTML, within `deadline_ms` (default 3 s, as the
/// timeline's). A connection that is slow or fails is a card that says why, not an error.
#[server(endpoint = "overview_card")]
pub async fn overview_card(
    connection: String,
    deadline_ms: Option<u64>,
) -> Result<String, AppError> {
    use super::timeline::{DEFAULT_DEADLINE_MS, TimelineView, fanout};
    super::guard::guard(<OverviewCard as leptos::server_fn::ServerFn>::PATH)?;
    let view = TimelineView {
        connection: Some(connection.clone()),
        deadline_ms: deadline_ms.unwrap_or(DEFAULT_DEADLINE_MS),
        ..TimelineView::default()
    };
    if let Some(problem) = view.problems(fanout::now_ms()).into_iter().next() {
        return Err(problem);
    }
    let c = fanout::connections(Some(&connection))?;
    let search = server::Search {
        limit: server::MOST_COUNTED,
        most_read: server::MOST_COUNTED,
        ..server::Search::of(&view, fanout::now_ms())
    };
    let deadline = std::time::Duration::from_millis(view.deadline_ms);
    let mut parts = fanout::fan_out(c, deadline, move |c, until| {
        let search = search.clone();
        async move { server::card(&c, &search, until).await }
    });
    let part = futures::StreamExt::next(&mut parts).await;
    Ok(part.map(server::html).unwrap_or_default())
}

#[cfg(feature = "ssr")]
mod server {
    use leptos::prelude::*;
    use tokio::time::Instant;

    use crate::api::TimelineView;
    pub(super) use crate::api::timeline::backend::Search;
    use crate::api::timeline::backend::gather;
    use crate::api::timeline::fanout::before;
    use crate::api::timeline::{ConnectionPart, EntryStatus, PartError, TimelineEntry};
    use crate::context::server::ConnectionClient;
    use crate::routes::{thousands, timeline_href};

    /// Runs counted per connection at most: past it the card says "at least".
    pub(super) const MOST_COUNTED: u64 = 2_000;
    /// Latest failures a card lists.
    const LATEST_FAILURES: usize = 5;

    /// What a card shows of a connection's last hour.
    pub(super) struct RecentRuns {
        runs: u64,
        failures: u64,
        /// The counts stopped at a bound or the deadline: there may be more.
        at_least: bool,
        latest_failures: Vec<TimelineEntry>,
    }

    /// One connection's card.
    pub(super) struct ConnectionOverview {
        actions: Result<u64, PartError>,
        recent: Result<RecentRuns, PartError>,
    }

    /// One card: the actions counted and the last hour read at once.
    pub(super) async fn card(
        c: &ConnectionClient,
        search: &Search,
        until: Instant,
    ) -> Result<ConnectionOverview, PartError> {
        let late = PartError::Late {
            deadline_ms: search.deadline_ms,
        };
        let actions = async {
            match before(until, crate::api::backend::listing(c)).await {
                None => Err(late.clone()),
                Some(listed) => Ok(listed?.1.len() as u64),
            }
        };
        let recent = async {
            let answer = gather(c, search, until).await?;
            let failures: Vec<_> = answer
                .entries
                .iter()
                .filter(|e| e.status == EntryStatus::Failure)
                .cloned()
                .collect();
            Ok(RecentRuns {
                runs: answer.entries.len() as u64,
                failures: failures.len() as u64,
                at_least: !answer.notes.is_empty() || answer.entries.len() as u64 >= search.limit,
                latest_failures: failures.into_iter().take(LATEST_FAILURES).collect(),
            })
        };
        let (actions, recent) = futures::join!(actions, recent);
        match (&actions, &recent) {
            (Err(PartError::Late { .. }), Err(PartError::Late { .. })) => Err(late),
            _ => Ok(ConnectionOverview { actions, recent }),
        }
    }

    /// The card's body as HTML (Leptos escapes every text and attribute).
    pub(super) fn html(part: ConnectionPart<ConnectionOverview>) -> String {
        let id = part.connection.id.clone();
        let card = match part.answer {
            Err(error) => {
                return view! { <p class="part-failed" role="alert">{error.to_string()}</p> }
                    .to_html();
            }
            Ok(card) => card,
        };
        let actions = match &card.actions {
            Ok(n) => thousands(*n),
            Err(error) => format!("unknown ({error})"),
        };
        let recent = match card.recent {
            Err(error) => {
                view! { <p class="part-failed">{format!("Last hour unknown: {error}")}</p> }
                    .into_any()
            }
            Ok(r) => recent_html(r).into_any(),
        };
        view! {
            <dl class="card-counts"><div><dt>"Actions"</dt><dd data-count="actions">{actions}</dd></div></dl>
            {recent}
            <p><a href=timeline_href(&TimelineView { connection: Some(id), ..TimelineView::default() })>"Timeline of this connection"</a></p>
        }
        .to_html()
    }

    fn recent_html(r: RecentRuns) -> impl IntoView {
        let plus = if r.at_least { "+" } else { "" };
        let failures = r
            .latest_failures
            .iter()
            .map(|e| {
                view! {
                    <li>
                        <a href=e.href()>{e.action.clone().unwrap_or_else(|| e.id.clone())}</a>
                        <span class="muted">{e.detail.clone().map(|d| format!(" {d}"))}</span>
                    </li>
                }
            })
            .collect_view();
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
    }
}
