//! The timeline's view in its URL: `?connection=…&status=…&text=…&since=…&upto=…&limit=…&deadline=…`
//! (the deadline in ms), so a link reproduces the view. One reader and one writer, the same on
//! the server and in the browser.

use crate::api::{
    DEADLINE_RANGE, DEFAULT_DEADLINE_MS, DEFAULT_LIMIT, EntryStatus, LIMIT_RANGE, TimelineView,
    Window, range_problem,
};
use crate::errors::AppError;
use crate::routes::query::{given, present, query_href};
use crate::routes::{activation_view_from_query, input_value};

/// The view a URL's query names, and a problem for each value it refused (left at its
/// default; the problem says which field and what is allowed).
pub fn view_from_query(get: impl Fn(&str) -> Option<String>) -> (TimelineView, Vec<AppError>) {
    let given = |key: &str| given(&get, key);
    let mut view = TimelineView {
        connection: given("connection"),
        text: given("text"),
        ..TimelineView::default()
    };
    let mut problems = Vec::new();
    if let Some(status) = given("status") {
        match EntryStatus::parse(&status) {
            Some(s) => view.status = Some(s),
            None => problems.push(AppError::invalid(
                "status",
                format!(
                    "The status \"{status}\" is not one of {}.",
                    EntryStatus::ALL.map(EntryStatus::value).join(", ")
                ),
            )),
        }
    }
    // The range reads as on the activations page (the same fields, words and order check).
    let range_key = |key: &str| matches!(key, "since" | "upto").then(|| get(key)).flatten();
    let (range, range_problems) = activation_view_from_query(range_key);
    (view.since_ms, view.upto_ms) = (range.since_ms, range.upto_ms);
    problems.extend(range_problems);
    if let (Some(since_ms), Some(upto_ms)) = (view.since_ms, view.upto_ms)
        && let Some(problem) = range_problem(Window { since_ms, upto_ms })
    {
        problems.push(problem);
        view.since_ms = None;
    }
    let number = |key: &str,
                  range: std::ops::RangeInclusive<u64>,
                  what: &str,
                  problems: &mut Vec<AppError>| {
        let value = given(key)?;
        match value.parse::<u64>() {
            Ok(n) if range.contains(&n) => Some(n),
            _ => {
                problems.push(AppError::invalid(
                    key,
                    format!(
                        "The {what} \"{value}\" is not a whole number from {} to {}.",
                        range.start(),
                        range.end()
                    ),
                ));
                None
            }
        }
    };
    view.limit = number("limit", LIMIT_RANGE, "limit", &mut problems).unwrap_or(DEFAULT_LIMIT);
    view.deadline_ms = number("deadline", DEADLINE_RANGE, "deadline (ms)", &mut problems)
        .unwrap_or(DEFAULT_DEADLINE_MS);
    (view, problems)
}

/// `/timeline?…` for `view`, defaults left out, in the order of the form.
pub fn view_href(view: &TimelineView) -> String {
    let pairs = present([
        ("connection", view.connection.clone()),
        ("status", view.status.map(|s| s.value().to_string())),
        ("text", view.text.clone()),
        ("since", view.since_ms.map(input_value)),
        ("upto", view.upto_ms.map(input_value)),
        (
            "limit",
            (view.limit != DEFAULT_LIMIT).then(|| view.limit.to_string()),
        ),
        (
            "deadline",
            (view.deadline_ms != DEFAULT_DEADLINE_MS).then(|| view.deadline_ms.to_string()),
        ),
    ]);
    query_href("/timeline", pairs)
}

/// "Failures, last hour, everywhere": the failure view's address.
pub fn failures_href() -> String {
    view_href(&TimelineView {
        status: Some(EntryStatus::Failure),
        ..TimelineView::default()
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::routes::query::testing;

    fn read(query: &[(&str, &str)]) -> (TimelineView, Vec<AppError>) {
        testing::read(query, |get| view_from_query(get))
    }

    #[test]
    fn every_filter_round_trips_through_the_url() {
        let view = TimelineView {
            connection: Some("local-ncp".into()),
            status: Some(EntryStatus::Failure),
            text: Some("hello world".into()),
            since_ms: Some(1_796_164_200_000),
            upto_ms: Some(1_796_167_800_000),
            limit: 50,
            deadline_ms: 1_500,
        };
        let href = view_href(&view);
        assert_eq!(
            href,
            "/timeline?connection=local-ncp&status=failure&text=hello%20world&since=2026-12-01T22:30:00&upto=2026-12-01T23:30:00&limit=50&deadline=1500"
        );
        let query = href.split_once('?').unwrap().1.replace("%20", " ");
        let pairs: Vec<(&str, &str)> = query.split('&').filter_map(|p| p.split_once('=')).collect();
        assert_eq!(read(&pairs), (view, vec![]));
        assert_eq!(view_href(&TimelineView::default()), "/timeline");
        assert_eq!(failures_href(), crate::api::FAILURES_HREF);
    }

    #[test]
    fn a_bad_value_is_named_and_left_at_its_default() {
        let (view, problems) = read(&[
            ("status", "broken"),
            ("since", "yesterday"),
            ("limit", "0"),
            ("deadline", "soon"),
        ]);
        let fields: Vec<&str> = problems.iter().filter_map(|p| p.field()).collect();
        assert_eq!(fields, ["status", "since", "limit", "deadline"]);
        assert_eq!(
            problems[2].to_string(),
            "The limit \"0\" is not a whole number from 1 to 500."
        );
        assert_eq!(view, TimelineView::default());
        let (view, problems) = read(&[("since", "2026-11-01T00:00"), ("upto", "2026-12-01T00:00")]);
        assert_eq!(
            problems
                .iter()
                .filter_map(|p| p.field())
                .collect::<Vec<_>>(),
            ["since"]
        );
        assert_eq!(
            (view.since_ms, view.upto_ms.is_some()),
            (None, true),
            "the end is kept"
        );
        let (_, problems) = read(&[("since", "2026-12-02T00:00"), ("upto", "2026-12-01T00:00")]);
        assert_eq!(
            problems
                .iter()
                .filter_map(|p| p.field())
                .collect::<Vec<_>>(),
            ["upto"]
        );
    }
}
