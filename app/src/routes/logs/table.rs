//! The table of one page of logs, with the loaded page's text search highlighted, and the
//! offset pager.

use leptos::prelude::*;
use providers::LogEntry;

use super::url::view_href;
use crate::api::{LogView, MAX_LOG_WINDOW};
use crate::components::format::memory;
use crate::components::{DataTable, LocalTime};
use crate::routes::times::format_duration;

/// `text` cut into pieces, each marked when it matches `needle` (ignoring ASCII case).
pub fn segments<'a>(text: &'a str, needle: &str) -> Vec<(&'a str, bool)> {
    let (hay, pat) = (text.as_bytes(), needle.as_bytes());
    let mut out = Vec::new();
    let (mut start, mut i) = (0, 0);
    while !pat.is_empty() && i + pat.len() <= hay.len() {
        let end = i + pat.len();
        let here = text.is_char_boundary(i)
            && text.is_char_boundary(end)
            && hay[i..end].eq_ignore_ascii_case(pat);
        if !here {
            i += 1;
            continue;
        }
        if start < i {
            out.push((&text[start..i], false));
        }
        out.push((&text[i..end], true));
        (start, i) = (end, end);
    }
    if start < text.len() {
        out.push((&text[start..], false));
    }
    out
}

/// How many times `needle` occurs in `text` (as [`segments`] marks them).
pub fn matches(text: &str, needle: &str) -> usize {
    segments(text, needle).iter().filter(|(_, m)| *m).count()
}

/// `text` with the search's matches in `<mark>`.
fn marked(text: String, search: Signal<String>) -> impl IntoView {
    move || {
        search.with(|needle| {
            segments(&text, needle.trim())
                .into_iter()
                .map(|(piece, hit)| {
                    let piece = piece.to_string();
                    if hit {
                        view! { <mark>{piece}</mark> }.into_any()
                    } else {
                        piece.into_any()
                    }
                })
                .collect_view()
        })
    }
}

/// The text a record is searched in.
pub fn searched_text(r: &LogEntry) -> [&str; 4] {
    [&r.function, &r.request_id, &r.ret_msg, &r.log]
}

fn row(r: LogEntry, search: Signal<String>) -> impl IntoView {
    let (class, label) = if r.ret_code == 0 {
        ("badge status-success", "success")
    } else {
        ("badge status-failure", "failure")
    };
    let start = match r.start_ms {
        Some(ms) => view! { <LocalTime ms /> }.into_any(),
        None => view! { <span>{r.start_time.clone()}</span> }.into_any(),
    };
    let duration = if r.duration_ms < 1.0 {
        format!("{:.3} ms", r.duration_ms)
    } else {
        format_duration(r.duration_ms.round() as u64)
    };
    let id = r.request_id.clone();
    view! {
        <tr data-request-id=id>
            <td data-label="Start">{start}</td>
            <td data-label="Function">{marked(r.function, search)}</td>
            <td data-label="Request id"><code>{marked(r.request_id, search)}</code></td>
            <td data-label="Result"><span class=class>{label}</span></td>
            <td data-label="Duration" class="numeric">{duration}</td>
            <td data-label="Billed" class="numeric">{format!("{} ms", r.bill_duration_ms)}</td>
            <td data-label="Memory" class="numeric">{memory(r.mem_usage_bytes)}</td>
            <td data-label="Return value"><pre class="log-value">{marked(r.ret_msg, search)}</pre></td>
            <td data-label="Log"><pre class="log-value">{marked(r.log, search)}</pre></td>
        </tr>
    }
}

/// The records, their search matches highlighted.
#[component]
pub fn LogTable(rows: Vec<LogEntry>, search: Signal<String>) -> impl IntoView {
    let rows = rows.into_iter().map(|r| row(r, search)).collect_view();
    view! {
        <DataTable
            class="logs-table"
            caption="Function logs"
            columns=&["Start", "Function", "Request id", "Result", "Duration", "Billed", "Memory", "Return value", "Log"]
        >
            {rows}
        </DataTable>
    }
}

/// "Previous" and "Next" by offset, within SCF's first 10,000 records.
#[component]
pub fn LogPager(
    keep: Vec<(&'static str, String)>,
    view: LogView,
    shown: usize,
    total: Option<u64>,
) -> impl IntoView {
    let (offset, limit) = (view.offset, view.limit);
    let previous = (offset > 0).then(|| view_href(&keep, &view.at(offset.saturating_sub(limit))));
    let more = total.map_or(shown as u64 == limit, |t| offset + limit < t);
    let within = offset + 2 * limit <= MAX_LOG_WINDOW;
    let next = (more && within).then(|| view_href(&keep, &view.at(offset + limit)));
    let capped = (more && !within)
        .then_some("SCF lists only the first 10,000 records: narrow the filters to see the rest.");
    let here = match (shown, total) {
        (0, _) => "No records on this page".to_string(),
        (n, Some(t)) => format!("Records {}–{} of {t}", offset + 1, offset + n as u64),
        (n, None) => format!("Records {}–{}", offset + 1, offset + n as u64),
    };
    view! {
        <nav class="pager" aria-label="Pages">
            {previous.map(|href| view! { <a href=href rel="prev">"Previous"</a> })}
            <span aria-current="page">{here}</span>
            {next.map(|href| view! { <a href=href rel="next">"Next"</a> })}
        </nav>
        {capped.map(|c| view! { <p class="note">{c}</p> })}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matches_are_cut_out_ignoring_case_and_whole_characters_stay_whole() {
        assert_eq!(
            segments("Step 1 of step 2", "STEP"),
            [
                ("Step", true),
                (" 1 of ", false),
                ("step", true),
                (" 2", false)
            ]
        );
        assert_eq!(segments("abc", ""), [("abc", false)]);
        assert_eq!(
            segments("가나다 nada", "nada"),
            [("가나다 ", false), ("nada", true)]
        );
        assert_eq!(matches("aaaa", "aa"), 2);
        assert!(segments("", "x").is_empty());
    }
}
