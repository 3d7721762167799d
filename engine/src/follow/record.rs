//! An ended activation as a follower receives it: its lines read back from the record, and
//! the activation in the common model.

use crate::runtime::{LogLine, Stream};
use crate::store::ActivationRecord;

/// An activation in the common model, as a follower's end carries it.
pub fn activation_of(record: &ActivationRecord) -> providers::Activation {
    providers::Activation {
        id: record.id.clone(),
        name: Some(name_of(record.package.as_deref(), &record.action)),
        namespace: Some(record.namespace.clone()),
        subject: Some(record.subject.clone()),
        start_ms: Some(record.start_ms),
        end_ms: Some(record.end_ms),
        duration_ms: Some(record.duration_ms),
        status: record.status,
        result: Some(record.result.clone()),
        logs: Some(record.logs.clone()),
        extras: providers::ActivationExtras {
            params: Some(record.params.clone()),
            components: (!record.components.is_empty()).then(|| record.components.clone()),
            billed_ms: Some(record.billed_ms),
            memory_used_bytes: Some(record.memory_used),
            ..Default::default()
        }
        .boxed(),
    }
}

/// An activation's action as the common model names it: `package/action`, or `action`.
pub(crate) fn name_of(package: Option<&str>, action: &str) -> String {
    match package {
        Some(package) => format!("{package}/{action}"),
        None => action.to_string(),
    }
}

/// A recorded activation's console lines, as they were written (a sequence's logs are its
/// components' ids, not lines: none).
pub fn recorded_lines(record: &ActivationRecord) -> Vec<LogLine> {
    if !record.components.is_empty() {
        return Vec::new();
    }
    record
        .logs
        .iter()
        .map(|formatted| {
            parse_line(formatted).unwrap_or_else(|| LogLine {
                ts_ms: record.start_ms,
                stream: Stream::Stdout,
                text: formatted.clone(),
            })
        })
        .collect()
}

/// `2024-01-01T00:00:00.123Z stdout: text` (as [`crate::runtime::FormattedLine`] writes it).
fn parse_line(formatted: &str) -> Option<LogLine> {
    let (stamp, rest) = formatted.split_once(' ')?;
    let (seconds, millis) = stamp.strip_suffix('Z')?.split_once('.')?;
    let ts_ms = crate::time::parse_utc(seconds, 'T')? + millis.parse::<i64>().ok()?;
    let (stream, text) = match rest.split_once(": ")? {
        ("stdout", text) => (Stream::Stdout, text),
        ("stderr", text) => (Stream::Stderr, text),
        _ => return None,
    };
    Some(LogLine {
        ts_ms,
        stream,
        text: text.to_string(),
    })
}
