//! Server function for the logs page (seed 003, SCF's GetFunctionLogs): a page of function
//! logs with every filter and ordering of the API, checked against its bounds first
//! (`offset + limit` ≤ 10,000, a window of at most one day).

use leptos::prelude::*;
use providers::{ConnectionSummary, LogEntry, LogOrder, LogOrderBy};
use serde::{Deserialize, Serialize};

use crate::errors::AppError;

/// The page sizes offered.
pub const LOG_LIMITS: [u64; 4] = [10, 20, 50, 100];
/// Records a page when the URL names none (seed 003's default).
pub const DEFAULT_LOG_LIMIT: u64 = 20;
/// `offset + limit` may be at most this (SCF's bound).
pub const MAX_LOG_WINDOW: u64 = 10_000;
/// The longest time range of one query, ms (SCF: one day).
pub const MAX_LOG_RANGE_MS: i64 = 86_400_000;
/// The longest function name or request id, characters.
const MAX_TEXT: usize = 128;

/// Which runs' logs to show.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LogResult {
    /// `RetCode` 0.
    Success,
    /// Any other `RetCode`.
    Failure,
}

impl LogResult {
    /// SCF's `Filter.RetCode`.
    pub fn ret_code(self) -> &'static str {
        match self {
            Self::Success => "is0",
            Self::Failure => "not0",
        }
    }
}

/// Which logs a page shows: everything its URL says but the connection.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LogView {
    /// One function's.
    pub function: Option<String>,
    /// One request's.
    pub request_id: Option<String>,
    /// Successes or failures only.
    pub result: Option<LogResult>,
    /// Ascending or descending.
    pub order: LogOrder,
    /// By what.
    pub order_by: LogOrderBy,
    /// Records skipped.
    pub offset: u64,
    /// Records a page, one of [`LOG_LIMITS`].
    pub limit: u64,
    /// From, epoch ms.
    pub since_ms: Option<i64>,
    /// To, epoch ms.
    pub upto_ms: Option<i64>,
}

impl Default for LogView {
    fn default() -> Self {
        Self {
            function: None,
            request_id: None,
            result: None,
            order: LogOrder::Desc,
            order_by: LogOrderBy::StartTime,
            offset: 0,
            limit: DEFAULT_LOG_LIMIT,
            since_ms: None,
            upto_ms: None,
        }
    }
}

impl LogView {
    /// The same view `offset` records in.
    pub fn at(&self, offset: u64) -> Self {
        Self {
            offset,
            ..self.clone()
        }
    }

    /// Every problem of the view, by field.
    pub fn problems(&self) -> Vec<AppError> {
        let mut problems = Vec::new();
        let texts = [
            ("function", &self.function),
            ("request_id", &self.request_id),
        ];
        for (field, text) in texts {
            if let Some(text) = text
                && !is_name(text)
            {
                problems.push(AppError::invalid(
                    field,
                    format!("Use 1–{MAX_TEXT} letters, digits, '-', '_' or '.'."),
                ));
            }
        }
        if !LOG_LIMITS.contains(&self.limit) {
            problems.push(AppError::invalid(
                "limit",
                format!("The page size must be one of {}.", limits_text()),
            ));
        }
        if self.offset.saturating_add(self.limit) > MAX_LOG_WINDOW {
            problems.push(AppError::invalid(
                "offset",
                format!(
                    "Offset + page size is {}; SCF lists at most the first 10,000 records: narrow the filters or the time range.",
                    self.offset.saturating_add(self.limit)
                ),
            ));
        }
        if let Some(problem) = window_problem(self.since_ms, self.upto_ms) {
            problems.push(problem);
        }
        problems
    }
}

/// Why a time range is refused, when it is: its end is before its start, or it is longer
/// than a day.
pub fn window_problem(since: Option<i64>, upto: Option<i64>) -> Option<AppError> {
    let (since, upto) = (since?, upto?);
    if since > upto {
        return Some(AppError::invalid(
            "upto",
            "The end of the time range is before its start.",
        ));
    }
    (upto - since > MAX_LOG_RANGE_MS).then(|| {
        AppError::invalid(
            "upto",
            "SCF searches at most one day at a time: the end must be within 24 hours of the start.",
        )
    })
}

/// The page sizes as a sentence's list.
pub fn limits_text() -> String {
    let all: Vec<String> = LOG_LIMITS.iter().map(u64::to_string).collect();
    let (last, rest) = all
        .split_last()
        .map_or(("", &[][..]), |(l, r)| (l.as_str(), r));
    format!("{} or {last}", rest.join(", "))
}

fn is_name(text: &str) -> bool {
    (1..=MAX_TEXT).contains(&text.len())
        && text
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-_.".contains(&b))
}

/// One page of logs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LogListing {
    /// The connection searched.
    pub connection: ConnectionSummary,
    /// The connection's functions, for the function picker.
    pub functions: Vec<String>,
    /// The page's records, in the order asked for.
    pub rows: Vec<LogEntry>,
    /// How many match in all.
    pub total: Option<u64>,
}

/// A page of `connection`'s function logs as `view` says.
#[server(endpoint = "function_logs")]
pub async fn function_logs(
    connection: Option<String>,
    view: LogView,
) -> Result<LogListing, AppError> {
    super::guard::guard(<FunctionLogs as leptos::server_fn::ServerFn>::PATH)?;
    let c = super::backend::connection_for_view(connection.as_deref(), view.problems())?;
    server::list(&c, &view).await
}

#[cfg(feature = "ssr")]
mod server {
    use providers::client::Operations;
    use providers::sign::utc::Layout;
    use providers::{ActionRef, Capability, LogQuery, PageRequest};

    use super::{LogListing, LogView};
    use crate::api::async_invocations::unsupported;
    use crate::api::backend::{client, listing};
    use crate::context::server::ConnectionClient;
    use crate::errors::AppError;

    /// The page `view` names of `c`'s logs, with its functions.
    pub(super) async fn list(c: &ConnectionClient, view: &LogView) -> Result<LogListing, AppError> {
        if let Some(why) = unsupported(c, Capability::FunctionLogs) {
            return Err(why);
        }
        let (_, actions) = listing(c).await?;
        let functions = actions
            .into_iter()
            .map(|a| ActionRef::to_string(&a.action))
            .collect();
        // The common model's times are UTC; the client writes them in SCF's zone.
        let utc = |ms: i64| Layout::date_time(' ').format(ms);
        let query = LogQuery {
            function: view.function.clone(),
            request_id: view.request_id.clone(),
            order: view.order,
            order_by: view.order_by,
            ret_code: view.result.map(|r| r.ret_code().to_string()),
            start_time: view.since_ms.map(utc),
            end_time: view.upto_ms.map(utc),
        };
        let page = PageRequest {
            offset: view.offset,
            limit: view.limit,
            cursor: None,
        };
        let found = client(c)?.function_logs(&query, &page).await?;
        Ok(LogListing {
            connection: c.summary.clone(),
            functions,
            rows: found.items,
            total: found.total,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offset_and_limit_stay_within_ten_thousand() {
        assert!(
            LogView {
                offset: 9_980,
                limit: 20,
                ..Default::default()
            }
            .problems()
            .is_empty()
        );
        let past = LogView {
            offset: 9_981,
            limit: 20,
            ..Default::default()
        }
        .problems();
        assert_eq!(past.len(), 1);
        assert_eq!(past[0].field(), Some("offset"));
        assert!(
            past[0]
                .to_string()
                .starts_with("Offset + page size is 10001;"),
            "{}",
            past[0]
        );
        let huge = LogView {
            offset: u64::MAX,
            ..Default::default()
        }
        .problems();
        assert_eq!(huge[0].field(), Some("offset"));
        let size = LogView {
            limit: 500,
            ..Default::default()
        }
        .problems();
        assert_eq!(
            size[0].to_string(),
            "The page size must be one of 10, 20, 50 or 100."
        );
    }

    #[test]
    fn the_window_is_at_most_one_day_and_refused_on_its_end() {
        let day = MAX_LOG_RANGE_MS;
        assert!(window_problem(Some(0), Some(day)).is_none());
        assert!(window_problem(Some(0), None).is_none());
        let long = window_problem(Some(0), Some(day + 1000)).unwrap();
        assert_eq!(long.field(), Some("upto"));
        assert!(long.to_string().contains("at most one day"), "{long}");
        let backwards = window_problem(Some(10), Some(5)).unwrap();
        assert!(backwards.to_string().contains("before its start"));
    }

    #[test]
    fn names_are_checked_by_field() {
        let bad = LogView {
            function: Some("has space".into()),
            request_id: Some(String::new()),
            ..Default::default()
        };
        let fields: Vec<_> = bad
            .problems()
            .iter()
            .filter_map(|p| p.field().map(str::to_string))
            .collect();
        assert_eq!(fields, ["function", "request_id"]);
        assert_eq!(LogResult::Failure.ret_code(), "not0");
    }
}
