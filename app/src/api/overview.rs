//! The overview's server function: for each connection, how many actions it holds and what
//! ran in the last hour (runs, failures, the latest failures), every connection asked at
//! once with the timeline's deadline rule, each card's answer streamed as it comes.

use leptos::prelude::*;
use leptos::server_fn::codec::{ByteStream, Json, Streaming};
use serde::{Deserialize, Serialize};

use super::timeline::{PartError, TimelineEntry};
use crate::errors::AppError;

/// Runs counted per connection at most: past it the card says "at least".
#[cfg(feature = "ssr")]
const MOST_COUNTED: u64 = 2_000;
/// Latest failures a card lists.
#[cfg(feature = "ssr")]
const LATEST_FAILURES: usize = 5;

/// What a card shows of a connection's last hour.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct RecentRuns {
    /// Runs that started in the last hour (every record read: activations, asynchronous
    /// invocations, log records).
    pub runs: u64,
    /// Of them, failures.
    pub failures: u64,
    /// The counts stopped at a bound or the deadline: there may be more.
    pub at_least: bool,
    /// The newest failures, newest first.
    pub latest_failures: Vec<TimelineEntry>,
}

/// One connection's card.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ConnectionOverview {
    /// How many actions it holds, or why that is not known.
    pub actions: Result<u64, PartError>,
    /// Its last hour, or why that is not known.
    pub recent: Result<RecentRuns, PartError>,
}

/// Streams one NDJSON line per connection, a `ConnectionPart<ConnectionOverview>`, as each
/// answers; `deadline_ms` (default 3 s) as the timeline's.
#[server(endpoint = "overview", input = Json, output = Streaming)]
pub async fn overview(deadline_ms: Option<u64>) -> Result<ByteStream<AppError>, AppError> {
    use super::timeline::{DEADLINE_RANGE, DEFAULT_DEADLINE_MS, TimelineView, fanout};
    super::guard::guard(<Overview as leptos::server_fn::ServerFn>::PATH)?;
    let deadline_ms = deadline_ms.unwrap_or(DEFAULT_DEADLINE_MS);
    let view = TimelineView {
        deadline_ms,
        limit: *super::timeline::LIMIT_RANGE.end(),
        ..TimelineView::default()
    };
    if !DEADLINE_RANGE.contains(&deadline_ms) {
        return Err(view.problems(fanout::now_ms()).remove(0));
    }
    let connections = fanout::connections(None)?;
    let search = super::timeline::backend::Search {
        limit: MOST_COUNTED,
        most_read: MOST_COUNTED,
        ..super::timeline::backend::Search::of(&view, fanout::now_ms())
    };
    let deadline = std::time::Duration::from_millis(deadline_ms);
    let parts = fanout::fan_out(connections, deadline, move |c, until| {
        let search = search.clone();
        async move { server::card(&c, &search, until).await }
    });
    Ok(fanout::ndjson(parts))
}

#[cfg(feature = "ssr")]
mod server {
    use tokio::time::Instant;

    use super::{ConnectionOverview, LATEST_FAILURES, RecentRuns};
    use crate::api::timeline::backend::{Search, gather};
    use crate::api::timeline::fanout::before;
    use crate::api::timeline::{EntryStatus, PartError};
    use crate::context::server::ConnectionClient;

    /// One card: the actions counted and the last hour read at once.
    pub(super) async fn card(
        c: &ConnectionClient,
        search: &Search,
        until: Instant,
    ) -> Result<ConnectionOverview, PartError> {
        let late = PartError::Late { deadline_ms: search.deadline_ms };
        let actions = async {
            match before(until, crate::api::backend::listing(c)).await {
                None => Err(late.clone()),
                Some(listed) => Ok(listed?.1.len() as u64),
            }
        };
        let recent = async {
            let answer = gather(c, search, until).await?;
            let failures: Vec<_> = answer.entries.iter().filter(|e| e.status == EntryStatus::Failure).cloned().collect();
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
}
