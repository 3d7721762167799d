//! One thing that ran, whichever record it comes from: an activation (NCP, OpenWhisk), an
//! asynchronous invocation (FunctionGraph) or a function's log record (SCF), with one common
//! status, so the timeline merges every connection's records into one list.

use providers::{
    Activation, ActivationStatus, AsyncInvocation, AsyncStatus, LogEntry, ProviderKind,
};
use serde::{Deserialize, Serialize};

use crate::routes::{activation_detail_href, parse_time, query_href};

/// How a run stands, whichever provider reports it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EntryStatus {
    /// It ended well.
    Success,
    /// It ended badly: an error, a timeout, a failed or discarded invocation.
    Failure,
    /// It is running (or its end is not known yet).
    Running,
    /// It is queued and has not started.
    Waiting,
}

impl EntryStatus {
    /// Every status, in the order the filter offers them.
    pub const ALL: [Self; 4] = [Self::Success, Self::Failure, Self::Running, Self::Waiting];

    /// Its value in the URL (`status=failure`).
    pub fn value(self) -> &'static str {
        match self {
            Self::Success => "success",
            Self::Failure => "failure",
            Self::Running => "running",
            Self::Waiting => "waiting",
        }
    }

    /// The status a URL value names.
    pub fn parse(value: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.value() == value)
    }

    /// What the filter and the badge show.
    pub fn label(self) -> &'static str {
        match self {
            Self::Success => "Succeeded",
            Self::Failure => "Failed",
            Self::Running => "Running",
            Self::Waiting => "Waiting",
        }
    }

    /// The common status of an activation.
    pub fn of_activation(status: ActivationStatus) -> Self {
        match status {
            ActivationStatus::Success => Self::Success,
            ActivationStatus::Pending => Self::Running,
            _ => Self::Failure,
        }
    }

    /// The common status of an asynchronous invocation: a discarded one never ran, and
    /// counts as a failure.
    pub fn of_async(status: AsyncStatus) -> Self {
        match status {
            AsyncStatus::Success => Self::Success,
            AsyncStatus::Fail | AsyncStatus::Discard => Self::Failure,
            AsyncStatus::Running => Self::Running,
            AsyncStatus::Wait => Self::Waiting,
        }
    }

    /// The common status of a log record: SCF's `RetCode` 0 is a success.
    pub fn of_log(ret_code: i64) -> Self {
        if ret_code == 0 {
            Self::Success
        } else {
            Self::Failure
        }
    }
}

/// Which record an entry comes from, and so where its detail is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EntrySource {
    /// An activation: `/activations/{id}`.
    Activation,
    /// An asynchronous invocation: `/async?request_id=…`.
    AsyncInvocation,
    /// A function's log record: `/logs?request_id=…`.
    Log,
}

impl EntrySource {
    /// What the record is called in a row.
    pub fn label(self) -> &'static str {
        match self {
            Self::Activation => "activation",
            Self::AsyncInvocation => "async invocation",
            Self::Log => "log record",
        }
    }
}

/// One run in the timeline.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TimelineEntry {
    /// The connection it was read from (its id).
    pub connection: String,
    /// The provider behind that connection.
    pub provider: ProviderKind,
    /// The record it comes from.
    pub source: EntrySource,
    /// The activation or request id.
    pub id: String,
    /// The action or function, where the record names it.
    pub action: Option<String>,
    /// Start, epoch ms, where known.
    pub start_ms: Option<i64>,
    /// Duration, ms, where known.
    pub duration_ms: Option<u64>,
    /// The common status.
    pub status: EntryStatus,
    /// The provider's own words for the outcome ("application error", "DISCARD 2: …").
    pub detail: Option<String>,
}

impl TimelineEntry {
    /// An activation of `connection`.
    pub fn from_activation(connection: &str, provider: ProviderKind, a: Activation) -> Self {
        let detail = (!a.status.is_success()).then(|| match a.status {
            ActivationStatus::Pending => "running or unknown".to_string(),
            s => s.as_str().to_string(),
        });
        Self {
            connection: connection.into(),
            provider,
            source: EntrySource::Activation,
            id: a.id,
            action: a.name,
            start_ms: a.start_ms,
            duration_ms: a
                .duration_ms
                .or_else(|| Some((a.end_ms? - a.start_ms?).max(0) as u64)),
            status: EntryStatus::of_activation(a.status),
            detail,
        }
    }

    /// An asynchronous invocation of `function` on `connection` (its times are UTC).
    pub fn from_async(
        connection: &str,
        provider: ProviderKind,
        function: &str,
        i: AsyncInvocation,
    ) -> Self {
        let start_ms = i.start_time.as_deref().and_then(parse_time);
        let end_ms = i.end_time.as_deref().and_then(parse_time);
        let message = i.error_message.filter(|m| !m.is_empty());
        let detail = match (i.status, i.error_code.filter(|c| *c != 0), message) {
            (AsyncStatus::Success, None, None) => None,
            (status, code, message) => Some(
                [
                    Some(status.as_str().to_string()),
                    code.map(|c| c.to_string()),
                    message,
                ]
                .into_iter()
                .flatten()
                .collect::<Vec<_>>()
                .join(" "),
            ),
        };
        Self {
            connection: connection.into(),
            provider,
            source: EntrySource::AsyncInvocation,
            id: i.request_id,
            action: Some(function.to_string()),
            start_ms,
            duration_ms: end_ms.zip(start_ms).map(|(e, s)| (e - s).max(0) as u64),
            status: EntryStatus::of_async(i.status),
            detail,
        }
    }

    /// A log record of `connection` (SCF writes `YYYY-MM-DD HH:mm:ss`; the engine in UTC).
    pub fn from_log(connection: &str, provider: ProviderKind, log: LogEntry) -> Self {
        let status = EntryStatus::of_log(log.ret_code);
        let detail = (status == EntryStatus::Failure).then(|| {
            let message: String = log.ret_msg.chars().take(200).collect();
            format!("RetCode {}: {message}", log.ret_code)
        });
        Self {
            connection: connection.into(),
            provider,
            source: EntrySource::Log,
            id: log.request_id,
            action: Some(log.function),
            // The client read the provider's zone (SCF: Beijing time) into UTC.
            start_ms: log.start_ms,
            duration_ms: Some(log.duration_ms.max(0.0).round() as u64),
            status,
            detail,
        }
    }

    /// Whether `text` (lower case) is in its id, action, detail or connection.
    pub fn mentions(&self, text: &str) -> bool {
        [
            Some(&self.id),
            self.action.as_ref(),
            self.detail.as_ref(),
            Some(&self.connection),
        ]
        .into_iter()
        .flatten()
        .any(|field| field.to_lowercase().contains(text))
    }

    /// Where its detail is: the activation's page, or the async or logs page at its request.
    pub fn href(&self) -> String {
        let pairs = [
            ("connection", self.connection.clone()),
            ("request_id", self.id.clone()),
        ];
        match self.source {
            EntrySource::Activation => {
                activation_detail_href(&self.id, Some(&self.connection), self.action.as_deref())
            }
            EntrySource::AsyncInvocation => query_href("/async", pairs),
            EntrySource::Log => query_href("/logs", pairs),
        }
    }
}

/// Newest first; an entry with no start time last; equal starts by connection, then id, so
/// the order never depends on which connection answered first.
pub fn merge_order(a: &TimelineEntry, b: &TimelineEntry) -> std::cmp::Ordering {
    b.start_ms
        .unwrap_or(i64::MIN)
        .cmp(&a.start_ms.unwrap_or(i64::MIN))
        .then_with(|| a.connection.cmp(&b.connection))
        .then_with(|| a.id.cmp(&b.id))
}

/// Adds `more` to `merged` (kept in [`merge_order`]).
pub fn merge_into(merged: &mut Vec<TimelineEntry>, more: impl IntoIterator<Item = TimelineEntry>) {
    merged.extend(more);
    merged.sort_by(merge_order);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn activation(id: &str, status: ActivationStatus, start_ms: Option<i64>) -> Activation {
        Activation {
            name: Some("demo/hello".into()),
            start_ms,
            ..Activation::new(id, status)
        }
    }

    fn entry(connection: &str, id: &str, start_ms: Option<i64>) -> TimelineEntry {
        TimelineEntry::from_activation(
            connection,
            ProviderKind::Openwhisk,
            activation(id, ActivationStatus::Success, start_ms),
        )
    }

    #[test]
    fn every_source_maps_to_the_common_status() {
        let mapped: Vec<_> = ActivationStatus::ALL.map(EntryStatus::of_activation).into();
        use EntryStatus as S;
        assert_eq!(
            mapped,
            [
                S::Success,
                S::Failure,
                S::Failure,
                S::Failure,
                S::Failure,
                S::Running
            ]
        );
        let async_mapped: Vec<_> = [
            AsyncStatus::Wait,
            AsyncStatus::Running,
            AsyncStatus::Success,
            AsyncStatus::Fail,
            AsyncStatus::Discard,
        ]
        .map(EntryStatus::of_async)
        .into();
        assert_eq!(
            async_mapped,
            [S::Waiting, S::Running, S::Success, S::Failure, S::Failure]
        );
        assert_eq!(
            (
                EntryStatus::of_log(0),
                EntryStatus::of_log(1),
                EntryStatus::of_log(433)
            ),
            (S::Success, S::Failure, S::Failure)
        );
        for s in EntryStatus::ALL {
            assert_eq!(EntryStatus::parse(s.value()), Some(s));
        }
        assert_eq!(EntryStatus::parse("failed"), None);
    }

    #[test]
    fn each_record_keeps_its_times_its_words_and_its_detail_link() {
        let failed = TimelineEntry::from_async(
            "local-huawei",
            ProviderKind::Huawei,
            "hello",
            AsyncInvocation {
                request_id: "r1".into(),
                status: AsyncStatus::Discard,
                error_code: Some(2),
                error_message: Some("waited past its deadline".into()),
                start_time: Some("2026-12-01T22:30:05".into()),
                end_time: Some("2026-12-01T22:30:07".into()),
            },
        );
        assert_eq!(failed.status, EntryStatus::Failure);
        assert_eq!(failed.start_ms, Some(1_796_164_205_000));
        assert_eq!(failed.duration_ms, Some(2_000));
        assert_eq!(
            failed.detail.as_deref(),
            Some("DISCARD 2 waited past its deadline")
        );
        assert_eq!(
            failed.href(),
            "/async?connection=local-huawei&request_id=r1"
        );
        let log = TimelineEntry::from_log(
            "local-tencent",
            ProviderKind::Tencent,
            LogEntry {
                function: "hello".into(),
                request_id: "q1".into(),
                // 22:30:05 UTC is 06:30:05 the next day in Beijing.
                start_time: "2026-12-02 06:30:05".into(),
                start_ms: Some(1_796_164_205_000),
                ret_code: 1,
                ret_msg: "boom".into(),
                duration_ms: 12.4,
                bill_duration_ms: 100,
                mem_usage_bytes: 0,
                log: String::new(),
            },
        );
        assert_eq!(
            (log.status, log.start_ms, log.duration_ms),
            (EntryStatus::Failure, Some(1_796_164_205_000), Some(12))
        );
        assert_eq!(log.detail.as_deref(), Some("RetCode 1: boom"));
        assert_eq!(log.href(), "/logs?connection=local-tencent&request_id=q1");
        let ran = TimelineEntry::from_activation(
            "local-ncp",
            ProviderKind::Ncp,
            activation("a1", ActivationStatus::Timeout, Some(5)),
        );
        assert_eq!(
            (ran.status, ran.detail.as_deref()),
            (EntryStatus::Failure, Some("timeout"))
        );
        assert_eq!(
            ran.href(),
            "/activations/a1?connection=local-ncp&action=demo/hello"
        );
        assert!(ran.mentions("hello") && ran.mentions("timeout") && !ran.mentions("nowhere"));
    }

    #[test]
    fn the_merge_is_newest_first_whichever_connection_answers_first() {
        let a = vec![
            entry("b-conn", "x", Some(30)),
            entry("b-conn", "y", Some(10)),
        ];
        let b = vec![
            entry("a-conn", "z", Some(20)),
            entry("a-conn", "w", None),
            entry("a-conn", "v", Some(30)),
        ];
        let (mut one, mut other) = (Vec::new(), Vec::new());
        merge_into(&mut one, a.clone());
        merge_into(&mut one, b.clone());
        merge_into(&mut other, b);
        merge_into(&mut other, a);
        let order: Vec<(&str, &str)> = one
            .iter()
            .map(|e| (e.connection.as_str(), e.id.as_str()))
            .collect();
        assert_eq!(
            order,
            [
                ("a-conn", "v"),
                ("b-conn", "x"),
                ("a-conn", "z"),
                ("b-conn", "y"),
                ("a-conn", "w")
            ]
        );
        assert_eq!(one, other);
    }
}
