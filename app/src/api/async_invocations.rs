//! Server functions for the asynchronous invocations page (seed 002): a page of one
//! function's asynchronous invocations with every filter of the API, and a stream that
//! follows the page's waiting and running ones until they end (pushed from the server, which
//! polls the provider with a bounded backoff: the browser never polls).

#[cfg(feature = "ssr")]
mod backend;
#[cfg(feature = "ssr")]
mod follow;
#[cfg(feature = "ssr")]
pub(crate) use backend::unsupported;

use leptos::prelude::*;
use leptos::server_fn::codec::{ByteStream, Json, Streaming};
use providers::{ActionRef, AsyncInvocation, AsyncStatus, ConnectionSummary};
use serde::{Deserialize, Serialize};

use crate::errors::AppError;

/// Records a page when the URL names no limit (seed 002's default).
pub const DEFAULT_ASYNC_LIMIT: u64 = 100;
/// The most records a page may ask for (seed 002: "Max.: 500").
pub const MAX_ASYNC_LIMIT: u64 = 500;
/// The longest marker and request id seed 002 allows, characters.
pub const MAX_ASYNC_TEXT: usize = 64;
/// Most waiting or running records one stream follows (a page's worth is followed; past it
/// the rest are shown as listed).
pub const MAX_FOLLOWED: usize = 100;

/// Which asynchronous invocations a page shows: everything its URL says but the connection.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AsyncView {
    /// The function (`None`: the connection's first).
    pub function: Option<ActionRef>,
    /// One request only.
    pub request_id: Option<String>,
    /// Only this status.
    pub status: Option<AsyncStatus>,
    /// From, epoch ms (`None`: the provider's default, an hour ago).
    pub begin_ms: Option<i64>,
    /// To, epoch ms (`None`: now).
    pub end_ms: Option<i64>,
    /// Records a page, 1 to [`MAX_ASYNC_LIMIT`].
    pub limit: u64,
    /// Where this page starts: the provider's `next_marker` of the page before.
    pub marker: Option<String>,
    /// The markers of the pages before this one, oldest first, so "Back" needs no request.
    /// (An empty list is left out of a server function's form body: absent is empty.)
    #[serde(default)]
    pub trail: Vec<String>,
}

impl Default for AsyncView {
    fn default() -> Self {
        Self {
            function: None,
            request_id: None,
            status: None,
            begin_ms: None,
            end_ms: None,
            limit: DEFAULT_ASYNC_LIMIT,
            marker: None,
            trail: Vec::new(),
        }
    }
}

impl AsyncView {
    /// The next page's view, starting at `marker`.
    pub fn next(&self, marker: String) -> Self {
        let mut trail = self.trail.clone();
        trail.push(self.marker.clone().unwrap_or_else(|| "0".into()));
        Self {
            marker: Some(marker),
            trail,
            ..self.clone()
        }
    }

    /// The page before's view, when this is not the first.
    pub fn back(&self) -> Option<Self> {
        let mut trail = self.trail.clone();
        let marker = trail.pop()?;
        Some(Self {
            marker: (marker != "0").then_some(marker),
            trail,
            ..self.clone()
        })
    }

    /// The same filters on the first page.
    pub fn first_page(&self) -> Self {
        Self {
            marker: None,
            trail: Vec::new(),
            ..self.clone()
        }
    }

    /// Every problem of the view, by field (the URL's reader never builds a bad one; the
    /// server function is reachable without it).
    pub fn problems(&self) -> Vec<AppError> {
        let mut problems = Vec::new();
        if let Some(problem) = limit_problem(self.limit) {
            problems.push(problem);
        }
        if let Some(id) = &self.request_id
            && !is_token(id)
        {
            problems.push(AppError::invalid(
                "request_id",
                format!("A request id is 1–{MAX_ASYNC_TEXT} letters, digits, '-' or '_'."),
            ));
        }
        let markers = self.marker.iter().chain(&self.trail);
        if markers.into_iter().any(|m| !is_marker(m)) {
            problems.push(AppError::invalid(
                "marker",
                format!("A marker is a whole number of at most {MAX_ASYNC_TEXT} digits."),
            ));
        }
        if let (Some(begin), Some(end)) = (self.begin_ms, self.end_ms)
            && begin > end
        {
            problems.push(AppError::invalid(
                "end",
                "The end of the time range is before its start.",
            ));
        }
        problems
    }
}

/// Why `limit` is refused, when it is.
pub fn limit_problem(limit: u64) -> Option<AppError> {
    (!(1..=MAX_ASYNC_LIMIT).contains(&limit)).then(|| {
        AppError::invalid(
            "limit",
            format!("The limit is a whole number from 1 to {MAX_ASYNC_LIMIT} (FunctionGraph returns at most {MAX_ASYNC_LIMIT} a page)."),
        )
    })
}

/// Letters, digits, `-` and `_`, 1 to [`MAX_ASYNC_TEXT`] of them.
pub fn is_token(text: &str) -> bool {
    (1..=MAX_ASYNC_TEXT).contains(&text.len())
        && text
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

/// A marker: FunctionGraph's `next_marker` is a whole number.
fn is_marker(text: &str) -> bool {
    (1..=MAX_ASYNC_TEXT).contains(&text.len()) && text.bytes().all(|b| b.is_ascii_digit())
}

/// One page of a function's asynchronous invocations.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AsyncListing {
    /// The connection listed.
    pub connection: ConnectionSummary,
    /// The connection's functions, for the function picker.
    pub functions: Vec<ActionRef>,
    /// The function listed (the view's, or the first).
    pub function: Option<ActionRef>,
    /// The page's records, in the provider's order.
    pub rows: Vec<AsyncInvocation>,
    /// How many match in all, where the provider says.
    pub total: Option<u64>,
    /// The next page's marker, when there is a next page.
    pub next_marker: Option<String>,
}

/// A page of `connection`'s asynchronous invocations as `view` says.
#[server(endpoint = "list_async_invocations")]
pub async fn list_async_invocations(
    connection: Option<String>,
    view: AsyncView,
) -> Result<AsyncListing, AppError> {
    super::guard::guard(<ListAsyncInvocations as leptos::server_fn::ServerFn>::PATH)?;
    let c = super::backend::connection_for_view(connection.as_deref(), view.problems())?;
    backend::list(&c, &view).await
}

/// What the page asks to follow: its waiting and running records.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FollowAsync {
    /// The connection (`None`: the first configured).
    pub connection: Option<String>,
    /// Their function.
    pub function: ActionRef,
    /// Their request ids, at most [`MAX_FOLLOWED`].
    pub request_ids: Vec<String>,
}

/// Follows `follow`'s records until each has ended, as NDJSON: one [`AsyncInvocation`] a
/// line, written whenever one's status (or times) changed. The server reads the provider
/// with a bounded backoff; the stream ends when every record has ended, or after a bound.
#[server(endpoint = "follow_async_invocations", input = Json, output = Streaming)]
pub async fn follow_async_invocations(
    follow: FollowAsync,
) -> Result<ByteStream<AppError>, AppError> {
    super::guard::guard(<FollowAsyncInvocations as leptos::server_fn::ServerFn>::PATH)?;
    if follow.request_ids.len() > MAX_FOLLOWED || !follow.request_ids.iter().all(|id| is_token(id))
    {
        return Err(AppError::invalid(
            "request_ids",
            format!(
                "Follow at most {MAX_FOLLOWED} request ids, each 1–{MAX_ASYNC_TEXT} letters, digits, '-' or '_'."
            ),
        ));
    }
    let c = super::backend::connection(follow.connection.as_deref())?;
    let client = super::backend::client(&c)?.clone();
    let changes = follow::changes(client, follow.function, follow.request_ids);
    Ok(ByteStream::new(futures::StreamExt::map(
        changes,
        |record| Ok::<_, AppError>(follow::ndjson_line(&record)),
    )))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_limit_is_one_to_five_hundred_and_refused_above_on_its_field() {
        for ok in [1, 100, 500] {
            assert!(limit_problem(ok).is_none(), "{ok}");
        }
        for bad in [0, 501, 10_000] {
            let problem = limit_problem(bad).unwrap();
            assert_eq!(problem.field(), Some("limit"));
            assert!(problem.to_string().contains("from 1 to 500"), "{problem}");
        }
    }

    #[test]
    fn a_bad_view_names_each_field() {
        let bad = AsyncView {
            limit: 501,
            request_id: Some("no spaces".into()),
            marker: Some("x".into()),
            begin_ms: Some(10),
            end_ms: Some(5),
            ..Default::default()
        };
        let fields: Vec<_> = bad
            .problems()
            .iter()
            .filter_map(|p| p.field().map(str::to_string))
            .collect();
        assert_eq!(fields, ["limit", "request_id", "marker", "end"]);
        assert!(AsyncView::default().problems().is_empty());
        let long = AsyncView {
            request_id: Some("a".repeat(65)),
            ..Default::default()
        };
        assert_eq!(long.problems()[0].field(), Some("request_id"));
    }

    #[test]
    fn next_and_back_walk_the_markers_both_ways() {
        let first = AsyncView {
            limit: 2,
            ..Default::default()
        };
        let second = first.next("2".into());
        let third = second.next("4".into());
        assert_eq!(
            (third.marker.as_deref(), third.trail.clone()),
            (Some("4"), vec!["0".to_string(), "2".into()])
        );
        assert_eq!(third.back().unwrap(), second);
        assert_eq!(second.back().unwrap(), first);
        assert_eq!(first.back(), None);
        assert_eq!(third.first_page(), first);
    }
}
