//! Following asynchronous invocations until they end, on the server: each waiting or running
//! record is read again by its request id with the run follower's bounded backoff (250 ms
//! growing to 5 s, back to 250 ms after a change), and each change is one item of the
//! stream. Nothing is spawned: the stream drives the reads, so a browser that goes away
//! ends them. Compiled into the server only.

use futures::channel::mpsc;
use futures::{SinkExt, Stream, StreamExt};
use providers::client::{Client, Operations};
use providers::{ActionRef, AsyncInvocation, AsyncInvocationQuery, AsyncStatus, PageRequest};
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

/// The changes of `request_ids`' records, until each has ended (or [`FOLLOW_FOR`] passed).
pub(crate) fn changes(
    client: Client,
    function: ActionRef,
    request_ids: Vec<String>,
) -> impl Stream<Item = AsyncInvocation> {
    let (mut tx, rx) = mpsc::channel(16);
    let work = async move {
        // Ends early (an error) only when nobody listens any more.
        let _ = follow(&client, &function, request_ids, &mut tx).await;
    };
    // The work is polled by whoever reads the stream, as part of it: dropped with it.
    let work = futures::stream::once(work).filter_map(|()| std::future::ready(None));
    futures::stream::select(rx, work)
}

/// Reads the followed records again and again, sending each change, until all have ended.
async fn follow(
    client: &Client,
    function: &ActionRef,
    request_ids: Vec<String>,
    tx: &mut mpsc::Sender<AsyncInvocation>,
) -> Result<(), mpsc::SendError> {
    // Each id and its record as last sent (`None`: not read yet).
    let mut followed: Vec<(String, Option<AsyncInvocation>)> =
        request_ids.into_iter().map(|id| (id, None)).collect();
    let (mut backoff, until) = (Backoff::default(), Instant::now() + FOLLOW_FOR);
    let mut first = true;
    while !followed.is_empty() && Instant::now() < until {
        if !first {
            sleep(backoff.pause()).await;
        }
        first = false;
        let mut changed = false;
        for (id, last) in &mut followed {
            if let Some(now) = read(client, function, id).await
                && last.as_ref() != Some(&now)
            {
                changed = true;
                tx.send(now.clone()).await?;
                *last = Some(now);
            }
        }
        followed.retain(|(_, last)| last.as_ref().is_none_or(|r| goes_on(r.status)));
        if changed {
            backoff = Backoff::default();
        }
    }
    Ok(())
}

/// One record by its request id; `None` when it cannot be read now (tried again later).
async fn read(client: &Client, function: &ActionRef, id: &str) -> Option<AsyncInvocation> {
    let query = AsyncInvocationQuery {
        action: Some(function.clone()),
        request_id: Some(id.to_string()),
        ..Default::default()
    };
    match client
        .list_async_invocations(&query, &PageRequest::first(1))
        .await
    {
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
