//! An activation's log lines with their timestamps, a page of lines at a time, each line cut
//! where it is too long to read (the whole log is in "Copy" and "Download").

use leptos::prelude::*;

use super::value::{WholeValue, clip};
use crate::components::DataTable;

/// Lines shown at first, and added by each "Show more".
const LINES_A_PAGE: usize = 200;
/// Bytes of one line shown.
const LINE_BYTES: usize = 2_000;

/// One log line: when, which stream, what.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogLine<'a> {
    /// The timestamp the provider wrote, when the line has one.
    pub time: Option<&'a str>,
    /// `stdout` or `stderr`, when written.
    pub stream: Option<&'a str>,
    /// The text.
    pub text: &'a str,
}

/// Splits OpenWhisk's `2026-12-01T22:30:05.123Z stdout: text` (NCP and the engine write
/// the same); a line in another shape is all text.
pub fn parse_line(line: &str) -> LogLine<'_> {
    let whole = LogLine {
        time: None,
        stream: None,
        text: line,
    };
    let Some((time, rest)) = line.split_once(' ') else {
        return whole;
    };
    let looks_like_time = time.len() >= 20
        && time.as_bytes()[4] == b'-'
        && time.as_bytes()[10] == b'T'
        && time.ends_with('Z');
    if !looks_like_time {
        return whole;
    }
    for stream in ["stdout", "stderr"] {
        if let Some(text) = rest.strip_prefix(stream).and_then(|r| r.strip_prefix(':')) {
            return LogLine {
                time: Some(time),
                stream: Some(stream),
                text: text.strip_prefix(' ').unwrap_or(text),
            };
        }
    }
    LogLine {
        time: Some(time),
        stream: None,
        text: rest,
    }
}

/// The log, as a table of lines.
#[component]
pub fn LogLines(
    /// Every line.
    lines: Vec<String>,
    /// The activation's id, for the file name.
    id: String,
) -> impl IntoView {
    if lines.is_empty() {
        return view! { <p class="muted">"This activation wrote no log lines."</p> }.into_any();
    }
    let total = lines.len();
    let whole = lines.join("\n");
    let lines = StoredValue::new(lines);
    let shown = RwSignal::new(LINES_A_PAGE.min(total));
    let rows = move || {
        lines.with_value(|lines| {
            lines[..shown.get()]
                .iter()
                .map(|line| {
                    let parsed = parse_line(line);
                    let (text, cut) = clip(parsed.text, LINE_BYTES);
                    let more = cut.then(|| {
                        let left = parsed.text.len() - text.len();
                        view! { <span class="truncated">{format!(" … {left} more bytes")}</span> }
                    });
                    view! {
                        <tr>
                            <td class="log-time">
                                <code>{parsed.time.unwrap_or("").to_string()}</code>
                            </td>
                            <td class="log-stream">{parsed.stream.unwrap_or("").to_string()}</td>
                            <td class="log-text">
                                <code>{text.to_string()}</code>
                                {more}
                            </td>
                        </tr>
                    }
                })
                .collect_view()
        })
    };
    view! {
        <WholeValue what="log" text=whole file_name=format!("{id}-logs.txt") media_type="text/plain" />
        <p class="counts" role="status">
            {move || {
                let shown = shown.get();
                if shown == total {
                    format!("{total} line{}", if total == 1 { "" } else { "s" })
                } else {
                    format!("Showing the first {shown} of {total} lines")
                }
            }}
        </p>
        <div class="log-scroll" tabindex="0" role="region" aria-label="Log lines">
            <DataTable class="log-table" columns=&["Time (UTC)", "Stream", "Line"]>
                {rows}
            </DataTable>
        </div>
        <button
            type="button"
            hidden=move || shown.get() == total
            on:click=move |_| shown.update(|s| *s = (*s + LINES_A_PAGE).min(total))
        >
            {format!("Show {LINES_A_PAGE} more lines")}
        </button>
    }
    .into_any()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_log_line_splits_into_time_stream_and_text() {
        let line = parse_line("2026-12-01T22:30:05.123Z stdout: greeting Kim: hi");
        assert_eq!(
            line,
            LogLine {
                time: Some("2026-12-01T22:30:05.123Z"),
                stream: Some("stdout"),
                text: "greeting Kim: hi",
            }
        );
        assert_eq!(
            parse_line("2026-12-01T22:30:05.123456789Z stderr: x").stream,
            Some("stderr")
        );
        let plain = parse_line("no time here");
        assert_eq!((plain.time, plain.text), (None, "no time here"));
        assert_eq!(parse_line("").text, "");
    }
}
