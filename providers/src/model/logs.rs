//! Function logs (SCF's GetFunctionLogs).

use serde::{Deserialize, Serialize};

/// Sort direction.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum LogOrder {
    /// Newest (or largest) first.
    #[default]
    Desc,
    /// Oldest (or smallest) first.
    Asc,
}

impl LogOrder {
    /// The wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Desc => "desc",
            Self::Asc => "asc",
        }
    }
}

/// Sort field.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LogOrderBy {
    /// Start time.
    #[default]
    StartTime,
    /// Function name.
    FunctionName,
    /// Request id.
    RequestId,
    /// Duration.
    Duration,
    /// Memory used.
    MemUsage,
}

impl LogOrderBy {
    /// The wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::StartTime => "start_time",
            Self::FunctionName => "function_name",
            Self::RequestId => "request_id",
            Self::Duration => "duration",
            Self::MemUsage => "mem_usage",
        }
    }
}

/// Which logs to fetch.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct LogQuery {
    /// The function.
    pub function: Option<String>,
    /// One request.
    pub request_id: Option<String>,
    /// Order.
    pub order: LogOrder,
    /// Sort field.
    pub order_by: LogOrderBy,
    /// Only failures (`not0`), only successes (`is0`), or all.
    pub ret_code: Option<String>,
    /// From, `YYYY-MM-DD HH:mm:ss` in UTC (the client writes it in the provider's zone:
    /// SCF's is Beijing time).
    pub start_time: Option<String>,
    /// To, same format and zone.
    pub end_time: Option<String>,
}

/// One invocation's log record.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LogEntry {
    /// Function name.
    pub function: String,
    /// Request id.
    pub request_id: String,
    /// Start time as the provider wrote it (SCF: Beijing time, UTC+8).
    pub start_time: String,
    /// Start, epoch ms (UTC), read from `start_time` in the provider's zone; `None` when the
    /// provider wrote something that is not a time.
    #[serde(default)]
    pub start_ms: Option<i64>,
    /// 0 on success.
    pub ret_code: i64,
    /// What the function returned (or its error).
    pub ret_msg: String,
    /// Duration, ms.
    pub duration_ms: f64,
    /// Billed duration, ms (rounded up to 100 ms).
    pub bill_duration_ms: u64,
    /// Memory used, bytes.
    pub mem_usage_bytes: u64,
    /// The log text.
    pub log: String,
}
