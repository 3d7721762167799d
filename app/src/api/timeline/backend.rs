//! One connection's part of the timeline: its activations, asynchronous invocations or log
//! records (whichever its capabilities offer) in the range, as common entries, read page
//! after page until the limit, a bound or the deadline. Server only.

use futures::future::join_all;
use providers::client::{Client, Operations};
use providers::{
    ActionQuery, ActionRef, ActivationQuery, AsyncInvocationQuery, AsyncStatus, Capability,
    LogQuery, Page, PageRequest, ProviderError, ProviderKind,
};
use tokio::time::Instant;

use super::fanout::before;
use super::{
    EntryStatus, PartError, TimelineAnswer, TimelineEntry, TimelineView, Window, merge_into,
};
use crate::api::backend::client;
use crate::context::server::ConnectionClient;
use crate::routes::{input_value, thousands};

/// Records asked for a page (NCP's and OpenWhisk's largest).
const PAGE: u64 = 200;
/// Most records read from one source to fill a page of matches: past it, the part says so.
const MOST_READ: u64 = 2_000;
/// Most FunctionGraph functions whose asynchronous invocations are read.
const MOST_FUNCTIONS: u64 = 100;

/// What one connection is asked for: the view with its range resolved.
#[derive(Debug, Clone)]
pub(crate) struct Search {
    /// The range.
    pub window: Window,
    /// Only this status.
    pub status: Option<EntryStatus>,
    /// Only entries mentioning this, lower case.
    pub text: Option<String>,
    /// Most entries kept.
    pub limit: u64,
    /// Most records read from one source.
    pub most_read: u64,
    /// The connection's deadline, ms (said when it passes).
    pub deadline_ms: u64,
}

impl Search {
    /// The search `view` asks for, its range's defaults taken at `now_ms`.
    pub(crate) fn of(view: &TimelineView, now_ms: i64) -> Self {
        Self {
            window: view.window(now_ms),
            status: view.status,
            text: view
                .text
                .as_ref()
                .map(|t| t.trim().to_lowercase())
                .filter(|t| !t.is_empty()),
            limit: view.limit,
            most_read: MOST_READ,
            deadline_ms: view.deadline_ms,
        }
    }

    fn late(&self) -> PartError {
        PartError::Late {
            deadline_ms: self.deadline_ms,
        }
    }

    fn keeps(&self, e: &TimelineEntry) -> bool {
        self.status.is_none_or(|s| s == e.status)
            && self.text.as_deref().is_none_or(|t| e.mentions(t))
            && e.start_ms
                .is_none_or(|s| (self.window.since_ms..=self.window.upto_ms).contains(&s))
    }
}

/// What one source found.
#[derive(Default)]
struct Found {
    entries: Vec<TimelineEntry>,
    read: u64,
    /// Why older ones may be missing.
    stopped: Option<String>,
}

/// `c`'s part: every source it offers, merged, newest first, at most the search's limit.
pub(crate) async fn gather(
    c: &ConnectionClient,
    search: &Search,
    until: Instant,
) -> Result<TimelineAnswer, PartError> {
    let client = client(c)?;
    let caps = client.capabilities();
    let id = c.summary.id.as_str();
    let mut found = Vec::new();
    if caps.has(Capability::Activations) {
        found.push(activations(client, c, search, until).await?);
    }
    if caps.has(Capability::AsyncInvocations) {
        found.push(async_invocations(client, id, search, until).await?);
    }
    if caps.has(Capability::FunctionLogs) {
        found.push(logs(client, id, search, until).await?);
    }
    if found.is_empty() {
        return Err(PartError::Failed(crate::errors::AppError::Unsupported(
            format!(
                "{} lists no activations, asynchronous invocations or logs",
                c.summary.provider
            ),
        )));
    }
    let mut answer = TimelineAnswer::default();
    for f in found {
        merge_into(&mut answer.entries, f.entries);
        answer.read += f.read;
        answer.notes.extend(f.stopped);
    }
    answer.entries.truncate(search.limit as usize);
    Ok(answer)
}

/// Reads `list`'s pages newest first, keeping the entries `search` keeps, until it has
/// the limit, the source ends, [`Search::most_read`] records were read or `until` comes.
/// The deadline before any page is [`PartError::Late`]; after one, what was read stays.
async fn read_pages<T, F, Fut>(
    search: &Search,
    until: Instant,
    page_size: u64,
    mut list: F,
    entry: impl Fn(T) -> TimelineEntry,
) -> Result<Found, PartError>
where
    F: FnMut(PageRequest) -> Fut,
    Fut: Future<Output = Result<Page<T>, ProviderError>>,
{
    let mut found = Found::default();
    let mut cursor = None;
    loop {
        let request = PageRequest {
            offset: found.read,
            limit: page_size,
            cursor: cursor.take(),
        };
        let Some(page) = before(until, list(request)).await else {
            if found.read == 0 {
                return Err(search.late());
            }
            found.stopped = Some(format!(
                "Stopped at the deadline after reading {} records: older ones are not shown.",
                thousands(found.read)
            ));
            return Ok(found);
        };
        let page = page?;
        let got = page.items.len() as u64;
        found.read += got;
        found.entries.extend(
            page.items
                .into_iter()
                .map(&entry)
                .filter(|e| search.keeps(e)),
        );
        let ended = got < page_size || page.total.is_some_and(|t| found.read >= t);
        if ended || found.entries.len() as u64 >= search.limit {
            return Ok(found);
        }
        if found.read >= search.most_read {
            found.stopped = Some(format!(
                "Searched the newest {} records of the range: narrow it to find older ones.",
                thousands(found.read)
            ));
            return Ok(found);
        }
        cursor = page.next_cursor;
    }
}

/// OpenWhisk's activations in the range; NCP's action by action, since its list of every
/// activation names none (and its detail is read through the action).
async fn activations(
    client: &Client,
    c: &ConnectionClient,
    search: &Search,
    until: Instant,
) -> Result<Found, PartError> {
    let provider = client.kind();
    let id = c.summary.id.as_str();
    let read = |action: Option<ActionRef>| {
        let query = ActivationQuery {
            action,
            since_ms: Some(search.window.since_ms),
            upto_ms: Some(search.window.upto_ms),
        };
        read_pages(
            search,
            until,
            PAGE,
            move |page| {
                let query = query.clone();
                async move { client.list_activations(&query, &page).await }
            },
            move |a| TimelineEntry::from_activation(id, provider, a),
        )
    };
    if provider != ProviderKind::Ncp {
        return read(None).await;
    }
    let listed = before(until, crate::api::backend::listing(c))
        .await
        .ok_or(search.late())??;
    let actions: Vec<ActionRef> = listed.1.into_iter().map(|a| a.action).collect();
    each_action(search, &actions, |action| read(Some(action.clone()))).await
}

/// SCF's log records in the range (the provider filters success and failure itself).
async fn logs(
    client: &Client,
    id: &str,
    search: &Search,
    until: Instant,
) -> Result<Found, PartError> {
    let ret_code = match search.status {
        Some(EntryStatus::Success) => Some("is0".to_string()),
        Some(EntryStatus::Failure) => Some("not0".to_string()),
        _ => None,
    };
    let query = LogQuery {
        ret_code,
        start_time: Some(input_value(search.window.since_ms).replace('T', " ")),
        end_time: Some(input_value(search.window.upto_ms).replace('T', " ")),
        ..LogQuery::default()
    };
    let provider = client.kind();
    // SCF's window: offset + limit at most 10,000.
    let search = Search {
        most_read: search.most_read.min(10_000 - PAGE),
        ..search.clone()
    };
    read_pages(
        &search,
        until,
        PAGE,
        |page| {
            let query = query.clone();
            async move { client.function_logs(&query, &page).await }
        },
        |log| TimelineEntry::from_log(id, provider, log),
    )
    .await
}

/// FunctionGraph's asynchronous invocations: listed by function.
async fn async_invocations(
    client: &Client,
    id: &str,
    search: &Search,
    until: Instant,
) -> Result<Found, PartError> {
    let first = PageRequest::first(MOST_FUNCTIONS);
    let functions = before(until, client.list_actions(&ActionQuery::default(), &first))
        .await
        .ok_or(search.late())??;
    let status = match search.status {
        Some(EntryStatus::Success) => Some(AsyncStatus::Success),
        Some(EntryStatus::Running) => Some(AsyncStatus::Running),
        Some(EntryStatus::Waiting) => Some(AsyncStatus::Wait),
        _ => None,
    };
    let provider = client.kind();
    let actions: Vec<ActionRef> = functions.items.into_iter().map(|f| f.action).collect();
    let mut all = each_action(search, &actions, |action| {
        let query = AsyncInvocationQuery {
            action: Some(action.clone()),
            status,
            begin: Some(input_value(search.window.since_ms)),
            end: Some(input_value(search.window.upto_ms)),
            ..AsyncInvocationQuery::default()
        };
        let name = action.to_string();
        read_pages(
            search,
            until,
            PAGE,
            move |page| {
                let query = query.clone();
                async move { client.list_async_invocations(&query, &page).await }
            },
            move |i| TimelineEntry::from_async(id, provider, &name, i),
        )
    })
    .await?;
    if functions.total.is_some_and(|t| t > MOST_FUNCTIONS) {
        all.stopped = Some(format!(
            "Only the first {MOST_FUNCTIONS} functions were read."
        ));
    }
    Ok(all)
}

/// `read` of each action (at most [`MOST_FUNCTIONS`]) side by side, merged. One whose
/// first page missed the deadline adds only a note.
async fn each_action<'a, Fut>(
    search: &Search,
    actions: &'a [ActionRef],
    read: impl Fn(&'a ActionRef) -> Fut,
) -> Result<Found, PartError>
where
    Fut: Future<Output = Result<Found, PartError>>,
{
    let mut all = Found::default();
    let each = actions.iter().take(MOST_FUNCTIONS as usize).map(read);
    for one in join_all(each).await {
        let one = match one {
            Err(PartError::Late { .. }) => Found {
                stopped: Some("Some functions did not answer within the deadline.".into()),
                ..Found::default()
            },
            other => other?,
        };
        merge_into(&mut all.entries, one.entries);
        all.read += one.read;
        all.stopped = all.stopped.or(one.stopped);
    }
    all.entries.truncate(search.limit as usize);
    Ok(all)
}
