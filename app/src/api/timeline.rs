//! The timeline's server function: what ran on every connection (activations, asynchronous
//! invocations, log records) in one time range, each connection asked in parallel with its
//! own deadline, each one's part streamed (NDJSON) as soon as it answers. A slow or broken
//! connection's part is its error ("did not answer within 3 s"), and never holds the others.

#[cfg(feature = "ssr")]
pub(crate) mod backend;
mod entry;
#[cfg(feature = "ssr")]
pub(crate) mod fanout;

use leptos::prelude::*;
use leptos::server_fn::codec::{ByteStream, Json, Streaming};
use providers::ConnectionSummary;
use serde::{Deserialize, Serialize};
use std::fmt;
use std::ops::RangeInclusive;

use crate::errors::AppError;
pub use entry::{EntrySource, EntryStatus, TimelineEntry, merge_into};

/// How long each connection has to answer when the view names no deadline, ms.
pub const DEFAULT_DEADLINE_MS: u64 = 3_000;
/// The deadlines a view may ask for, ms.
pub const DEADLINE_RANGE: RangeInclusive<u64> = 500..=30_000;
/// Entries kept per connection when the view names no limit.
pub const DEFAULT_LIMIT: u64 = 100;
/// The limits a view may ask for (FunctionGraph's largest page).
pub const LIMIT_RANGE: RangeInclusive<u64> = 1..=500;
/// The range when the view names none: the last hour (as FunctionGraph's API defaults).
pub const DEFAULT_RANGE_MS: i64 = 3_600_000;
/// The longest range: one day, SCF's longest log query.
pub const MAX_RANGE_MS: i64 = 86_400_000;
/// The longest text searched for.
pub const MAX_TEXT: usize = 200;

/// What the timeline shows: everything its URL says.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TimelineView {
    /// Only this connection's (`None`: every connection).
    pub connection: Option<String>,
    /// Only entries with this status.
    pub status: Option<EntryStatus>,
    /// Only entries whose id, action, outcome or connection holds this (any case).
    pub text: Option<String>,
    /// Started at or after, epoch ms (`None`: an hour before the end).
    pub since_ms: Option<i64>,
    /// Started at or before, epoch ms (`None`: now).
    pub upto_ms: Option<i64>,
    /// Most entries per connection, in [`LIMIT_RANGE`].
    pub limit: u64,
    /// How long each connection has to answer, ms, in [`DEADLINE_RANGE`].
    pub deadline_ms: u64,
}

impl Default for TimelineView {
    fn default() -> Self {
        Self {
            connection: None,
            status: None,
            text: None,
            since_ms: None,
            upto_ms: None,
            limit: DEFAULT_LIMIT,
            deadline_ms: DEFAULT_DEADLINE_MS,
        }
    }
}

/// A time range, both ends given, epoch ms.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Window {
    /// Start.
    pub since_ms: i64,
    /// End.
    pub upto_ms: i64,
}

impl TimelineView {
    /// The range with its defaults filled in, `now_ms` being now.
    pub fn window(&self, now_ms: i64) -> Window {
        let upto_ms = self.upto_ms.unwrap_or(now_ms);
        Window {
            since_ms: self.since_ms.unwrap_or(upto_ms - DEFAULT_RANGE_MS),
            upto_ms,
        }
    }

    /// Every problem of the view, by field, the range's defaults taken at `now_ms`.
    pub fn problems(&self, now_ms: i64) -> Vec<AppError> {
        let mut problems = Vec::new();
        if let Some(id) = &self.connection
            && !is_connection_id(id)
        {
            problems.push(AppError::invalid(
                "connection",
                "A connection id is 1–64 letters, digits, '-' or '_'.",
            ));
        }
        if self
            .text
            .as_ref()
            .is_some_and(|t| t.chars().count() > MAX_TEXT)
        {
            problems.push(AppError::invalid(
                "text",
                format!("The text searched for is at most {MAX_TEXT} characters."),
            ));
        }
        problems.extend(range_problem(self.window(now_ms)));
        if !LIMIT_RANGE.contains(&self.limit) {
            problems.push(AppError::invalid(
                "limit",
                format!(
                    "The limit is a whole number of entries per connection from {} to {}.",
                    LIMIT_RANGE.start(),
                    LIMIT_RANGE.end()
                ),
            ));
        }
        if !DEADLINE_RANGE.contains(&self.deadline_ms) {
            problems.push(AppError::invalid(
                "deadline",
                format!(
                    "The deadline is {} to {} seconds.",
                    *DEADLINE_RANGE.start() as f64 / 1000.0,
                    DEADLINE_RANGE.end() / 1000
                ),
            ));
        }
        problems
    }
}

/// What is wrong with a range, named by the field to change.
pub fn range_problem(w: Window) -> Option<AppError> {
    if w.since_ms > w.upto_ms {
        Some(AppError::invalid(
            "upto",
            "The end of the time range is before its start.",
        ))
    } else if w.upto_ms - w.since_ms > MAX_RANGE_MS {
        Some(AppError::invalid(
            "since",
            "The time range is at most one day (SCF's logs are searched a day at a time).",
        ))
    } else {
        None
    }
}

/// Whether `id` is a connection id as the configuration allows them.
pub fn is_connection_id(id: &str) -> bool {
    (1..=64).contains(&id.len())
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

/// Why a connection's part has no answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PartError {
    /// It did not answer within its deadline.
    Late {
        /// The deadline, ms.
        deadline_ms: u64,
    },
    /// It answered with an error, or could not be asked.
    Failed(AppError),
}

impl fmt::Display for PartError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Late { deadline_ms } => {
                write!(f, "did not answer within {}", seconds(*deadline_ms))
            }
            Self::Failed(error) => write!(f, "{error}"),
        }
    }
}

impl From<AppError> for PartError {
    fn from(error: AppError) -> Self {
        Self::Failed(error)
    }
}

impl From<providers::ProviderError> for PartError {
    fn from(error: providers::ProviderError) -> Self {
        Self::Failed(error.into())
    }
}

/// `3 s`, `1.5 s`.
pub fn seconds(ms: u64) -> String {
    if ms.is_multiple_of(1000) {
        format!("{} s", ms / 1000)
    } else {
        format!("{} s", ms as f64 / 1000.0)
    }
}

/// One connection's answer, or why there is none, and how long it took.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ConnectionPart<T> {
    /// The connection.
    pub connection: ConnectionSummary,
    /// From the request to its answer, ms.
    pub elapsed_ms: u64,
    /// Its answer.
    pub answer: Result<T, PartError>,
}

/// What one connection holds for the timeline.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct TimelineAnswer {
    /// Its entries, newest first, at most the view's limit.
    pub entries: Vec<TimelineEntry>,
    /// Records read to find them.
    pub read: u64,
    /// Why older ones may be missing (a bound or the deadline reached, a source not read).
    pub notes: Vec<String>,
}

/// Streams the timeline of `view`: one NDJSON line per connection, a
/// [`ConnectionPart<TimelineAnswer>`], in the order the connections answer. A bad view is
/// the function's error, naming the field.
#[server(endpoint = "timeline", input = Json, output = Streaming)]
pub async fn timeline(view: TimelineView) -> Result<ByteStream<AppError>, AppError> {
    super::guard::guard(<Timeline as leptos::server_fn::ServerFn>::PATH)?;
    let now_ms = fanout::now_ms();
    if let Some(problem) = view.problems(now_ms).into_iter().next() {
        return Err(problem);
    }
    let connections = fanout::connections(view.connection.as_deref())?;
    let search = backend::Search::of(&view, now_ms);
    let deadline = std::time::Duration::from_millis(view.deadline_ms);
    let parts = fanout::fan_out(connections, deadline, move |c, until| {
        let search = search.clone();
        async move { backend::gather(&c, &search, until).await }
    });
    Ok(fanout::ndjson(parts))
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOW: i64 = 1_796_164_205_000;

    #[test]
    fn a_bad_view_names_its_fields_and_the_defaults_are_the_last_hour() {
        let view = TimelineView::default();
        assert!(view.problems(NOW).is_empty());
        assert_eq!(
            view.window(NOW),
            Window {
                since_ms: NOW - 3_600_000,
                upto_ms: NOW
            }
        );
        let bad = TimelineView {
            connection: Some("no spaces".into()),
            text: Some("x".repeat(201)),
            since_ms: Some(NOW - 2 * MAX_RANGE_MS),
            limit: 0,
            deadline_ms: 100,
            ..Default::default()
        };
        let fields: Vec<_> = bad
            .problems(NOW)
            .iter()
            .filter_map(|p| p.field().map(str::to_string))
            .collect();
        assert_eq!(fields, ["connection", "text", "since", "limit", "deadline"]);
        let backwards = TimelineView {
            since_ms: Some(NOW),
            upto_ms: Some(NOW - 1),
            ..Default::default()
        };
        assert_eq!(backwards.problems(NOW)[0].field(), Some("upto"));
        let over = TimelineView {
            limit: 501,
            ..Default::default()
        };
        assert_eq!(
            over.problems(NOW)[0].to_string(),
            "The limit is a whole number of entries per connection from 1 to 500."
        );
        assert_eq!(
            TimelineView {
                deadline_ms: 31_000,
                ..Default::default()
            }
            .problems(NOW)[0]
                .to_string(),
            "The deadline is 0.5 to 30 seconds."
        );
    }

    #[test]
    fn a_late_connection_says_how_long_it_had() {
        assert_eq!(
            PartError::Late { deadline_ms: 3_000 }.to_string(),
            "did not answer within 3 s"
        );
        assert_eq!(
            PartError::Late { deadline_ms: 1_500 }.to_string(),
            "did not answer within 1.5 s"
        );
        let part = ConnectionPart::<TimelineAnswer> {
            connection: ConnectionSummary {
                id: "c".into(),
                name: "C".into(),
                provider: providers::ProviderKind::Ncp,
                local: false,
            },
            elapsed_ms: 3_001,
            answer: Err(PartError::Late { deadline_ms: 3_000 }),
        };
        let line = serde_json::to_string(&part).unwrap();
        assert_eq!(
            serde_json::from_str::<ConnectionPart<TimelineAnswer>>(&line).unwrap(),
            part
        );
    }
}
