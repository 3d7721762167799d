//! Following the page's waiting and running records in the browser: one streaming request
//! (`follow_async_invocations`) for all of them; each NDJSON line is a record that changed,
//! put in its row. The stream ends when they all have; leaving the page drops it (the
//! request is cancelled and the server stops reading the provider).

use leptos::prelude::*;
use providers::{ActionRef, AsyncInvocation, AsyncStatus};

/// Starts following `rows`' waiting and running records, once hydrated.
pub fn follow_pending(
    rows: RwSignal<Vec<AsyncInvocation>>,
    connection: Option<String>,
    function: ActionRef,
) {
    let pending: Vec<String> = rows.with_untracked(|rows| {
        rows.iter()
            .filter(|r| matches!(r.status, AsyncStatus::Wait | AsyncStatus::Running))
            .take(crate::api::MAX_FOLLOWED)
            .map(|r| r.request_id.clone())
            .collect()
    });
    if pending.is_empty() {
        return;
    }
    let input = crate::api::FollowAsync {
        connection,
        function,
        request_ids: pending,
    };
    // An effect runs only in the browser, once: the server renders the rows as listed.
    Effect::new(move |started: Option<()>| {
        if started.is_none() {
            start(input.clone(), rows);
        }
    });
}

#[cfg(feature = "hydrate")]
fn start(input: crate::api::FollowAsync, rows: RwSignal<Vec<AsyncInvocation>>) {
    use futures::future::abortable;
    let (work, handle) = abortable(read(input, rows));
    on_cleanup(move || handle.abort());
    leptos::task::spawn_local(async move {
        let _ = work.await;
    });
}

#[cfg(not(feature = "hydrate"))]
fn start(_input: crate::api::FollowAsync, _rows: RwSignal<Vec<AsyncInvocation>>) {}

/// Reads the stream, putting each record in its row.
#[cfg(feature = "hydrate")]
async fn read(input: crate::api::FollowAsync, rows: RwSignal<Vec<AsyncInvocation>>) {
    use crate::ndjson::Lines;
    use futures::StreamExt;
    let Ok(stream) = crate::api::follow_async_invocations(input).await else {
        return;
    };
    let mut stream = stream.into_inner();
    let mut lines = Lines::default();
    while let Some(Ok(bytes)) = stream.next().await {
        for line in lines.push(&bytes) {
            let Ok(record) = serde_json::from_str::<AsyncInvocation>(&line) else {
                continue;
            };
            rows.try_update(|rows| {
                if let Some(row) = rows.iter_mut().find(|r| r.request_id == record.request_id) {
                    *row = record;
                }
            });
        }
    }
}
