//! Following asynchronous invocations until they end, on the server: each waiting or running
//! record is read again by its request id with the run follower's bounded backoff (250 ms
//! growing to 5 s, back to 250 ms after a change), and each change is one item of the
//! stream. Nothing is spawned: the stream drives the reads, so a browser that goes away
//! ends them. Compiled into the server only.

use futures::Stream;
use providers::client::{Client, Operations};
use providers::{ActionRef, AsyncInvocation, AsyncInvocationQuery, AsyncStatus, PageRequest};
use std::collections::VecDeque;
use std::time::Duration;
use tokio::time::{Instant, sleep};

use crate::api::run_follow::Backoff;

/// How long one stream follows: past it the page shows the records as last read (reloading
/// follows them again).
const FOLLOW_FOR: Duration = Duration::from_secs(15 * 60);

/// Whether `status` is one an invocation leaves.
pub(crate) fn goes_on(status: AsyncStatus) -> bool {
    matches!(status, AsyncStatus::Wait | AsyncStatus::Running)
}

struct State {
    client: Client,
    function: ActionRef,
    /// Still followed: the id and the record as last sent (`None`: not read yet).
    followed: Vec<(String, Option<AsyncInvocation>)>,
    /// Read but not yet sent.
    ready: VecDeque<AsyncInvocation>,
    backoff: Backoff,
    until: Instant,
    first: bool,
}

/// The changes of `request_ids`' records, until each has ended (or [`FOLLOW_FOR`] passed).
pub(crate) fn changes(
    client: Client,
    function: ActionRef,
    request_ids: Vec<String>,
) -> impl Stream<Item = AsyncInvocation> {
    let state = State {
        client,
        function,
        followed: request_ids.into_iter().map(|id| (id, None)).collect(),
        ready: VecDeque::new(),
        backoff: Backoff::default(),
        until: Instant::now() + FOLLOW_FOR,
        first: true,
    };
    futures::stream::unfold(state, |mut s| async move {
        loop {
            if let Some(record) = s.ready.pop_front() {
                return Some((record, s));
            }
            if s.followed.is_empty() || Instant::now() >= s.until {
                return None;
            }
            if !s.first {
                sleep(s.backoff.pause()).await;
            }
            s.first = false;
            read_all(&mut s).await;
        }
    })
}

/// Reads every followed record once; queues those that changed, drops those that ended.
async fn read_all(s: &mut State) {
    let mut changed = false;
    for (id, last) in &mut s.followed {
        let Some(now) = read(&s.client, &s.function, id).await else {
            continue;
        };
        if last.as_ref() != Some(&now) {
            changed = true;
            *last = Some(now.clone());
            s.ready.push_back(now);
        }
    }
    s.followed
        .retain(|(_, last)| last.as_ref().is_none_or(|r| goes_on(r.status)));
    if changed {
        s.backoff = Backoff::default();
    }
}

/// One record by its request id; `None` when it cannot be read now (tried again later).
async fn read(client: &Client, function: &ActionRef, id: &str) -> Option<AsyncInvocation> {
    let query = AsyncInvocationQuery {
        action: Some(function.clone()),
        request_id: Some(id.to_string()),
        ..Default::default()
    };
    match client.list_async_invocations(&query, &PageRequest::first(1)).await {
        Ok(page) => page.items.into_iter().find(|r| r.request_id == id),
        Err(error) => {
            tracing::debug!(request_id = id, %error, "an asynchronous invocation could not be read");
            None
        }
    }
}

/// One NDJSON line. Plain data always serialises; should it not, the line is empty JSON
/// (the browser skips what is not a record).
pub(crate) fn ndjson_line<T: serde::Serialize>(item: &T) -> String {
    let mut line = serde_json::to_string(item).unwrap_or_else(|_| "{}".into());
    line.push('\n');
    line
}
