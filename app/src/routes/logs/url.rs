//! The page's view in its URL: `?function=…&request_id=…&result=…&order=…&orderby=…
//! &offset=…&limit=…&since=…&upto=…`. One reader and one writer, on the server and in the
//! browser; the time and query helpers are the activations page's.

use providers::{LogOrder, LogOrderBy};

use crate::api::{DEFAULT_LOG_LIMIT, LOG_LIMITS, LogResult, LogView, limits_text};
use crate::errors::AppError;
use crate::routes::query::{given, present, query_href, read_times};
use crate::routes::times::input_value;

/// The orderings SCF offers, with their labels.
pub const ORDER_BYS: [(LogOrderBy, &str); 5] = [
    (LogOrderBy::StartTime, "Start time"),
    (LogOrderBy::FunctionName, "Function name"),
    (LogOrderBy::RequestId, "Request id"),
    (LogOrderBy::Duration, "Duration"),
    (LogOrderBy::MemUsage, "Memory"),
];

/// A result filter's URL value.
pub fn result_value(result: LogResult) -> &'static str {
    match result {
        LogResult::Success => "success",
        LogResult::Failure => "failure",
    }
}

fn parse_result(value: &str) -> Option<LogResult> {
    [LogResult::Success, LogResult::Failure]
        .into_iter()
        .find(|r| result_value(*r) == value)
}

fn parse_order_by(value: &str) -> Option<LogOrderBy> {
    ORDER_BYS
        .iter()
        .map(|(o, _)| *o)
        .find(|o| o.as_str() == value)
}

/// The view a URL's query names, and a problem for each value it refused (left at its
/// default; the problem names the field and what is allowed).
pub fn view_from_query(get: impl Fn(&str) -> Option<String>) -> (LogView, Vec<AppError>) {
    let given = |key: &str| given(&get, key);
    let mut view = LogView {
        function: given("function"),
        request_id: given("request_id"),
        ..Default::default()
    };
    let mut problems = Vec::new();
    let mut refuse =
        |field: &str, message: String| problems.push(AppError::invalid(field, message));
    if let Some(r) = given("result") {
        match parse_result(&r) {
            Some(r) => view.result = Some(r),
            None => refuse(
                "result",
                format!("The result \"{r}\" is not success or failure."),
            ),
        }
    }
    match given("order").as_deref() {
        None | Some("desc") => {}
        Some("asc") => view.order = LogOrder::Asc,
        Some(o) => refuse("order", format!("The order \"{o}\" is not asc or desc.")),
    }
    if let Some(by) = given("orderby") {
        match parse_order_by(&by) {
            Some(by) => view.order_by = by,
            None => refuse(
                "orderby",
                format!(
                    "The ordering \"{by}\" is not start_time, function_name, request_id, duration or mem_usage."
                ),
            ),
        }
    }
    if let Some(limit) = given("limit") {
        match limit.parse::<u64>().ok().filter(|l| LOG_LIMITS.contains(l)) {
            Some(l) => view.limit = l,
            None => refuse(
                "limit",
                format!("The page size \"{limit}\" is not one of {}.", limits_text()),
            ),
        }
    }
    if let Some(offset) = given("offset") {
        match offset.parse::<u64>() {
            Ok(o) => view.offset = o,
            Err(_) => refuse(
                "offset",
                format!("The offset \"{offset}\" is not a whole number."),
            ),
        }
    }
    read_times(
        &get,
        [("since", &mut view.since_ms), ("upto", &mut view.upto_ms)],
        &mut problems,
    );
    keep_the_good(&mut view, &mut problems);
    (view, problems)
}

/// Drops each value the view's own check refuses (bad names, a window past one day,
/// offset + limit past 10,000), with its problem.
fn keep_the_good(view: &mut LogView, problems: &mut Vec<AppError>) {
    for problem in view.problems() {
        match problem.field() {
            Some("function") => view.function = None,
            Some("request_id") => view.request_id = None,
            Some("offset") => view.offset = 0,
            Some("upto") => view.upto_ms = None,
            _ => {}
        }
        problems.push(problem);
    }
}

/// The view's query pairs, defaults left out, in the order of the form.
pub fn view_query(view: &LogView) -> Vec<(&'static str, String)> {
    present([
        ("function", view.function.clone()),
        ("request_id", view.request_id.clone()),
        ("result", view.result.map(|r| result_value(r).to_string())),
        (
            "order",
            (view.order == LogOrder::Asc).then(|| "asc".to_string()),
        ),
        (
            "orderby",
            (view.order_by != LogOrderBy::StartTime).then(|| view.order_by.as_str().to_string()),
        ),
        ("since", view.since_ms.map(input_value)),
        ("upto", view.upto_ms.map(input_value)),
        (
            "limit",
            (view.limit != DEFAULT_LOG_LIMIT).then(|| view.limit.to_string()),
        ),
        (
            "offset",
            (view.offset != 0).then(|| view.offset.to_string()),
        ),
    ])
}

/// `/logs?…` with `keep` (the connection) then the view.
pub fn view_href(keep: &[(&'static str, String)], view: &LogView) -> String {
    query_href("/logs", keep.iter().cloned().chain(view_query(view)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::routes::query::testing;

    fn read(query: &[(&str, &str)]) -> (LogView, Vec<AppError>) {
        testing::read(query, |get| view_from_query(get))
    }

    #[test]
    fn every_filter_and_ordering_round_trips() {
        let view = LogView {
            function: Some("greet".into()),
            request_id: Some("r-1".into()),
            result: Some(LogResult::Failure),
            order: LogOrder::Asc,
            order_by: LogOrderBy::MemUsage,
            offset: 40,
            limit: 10,
            since_ms: Some(1_796_164_200_000),
            upto_ms: Some(1_796_167_800_000),
        };
        let href = view_href(&[("connection", "local-tencent".into())], &view);
        assert_eq!(
            href,
            "/logs?connection=local-tencent&function=greet&request_id=r-1&result=failure&order=asc&orderby=mem_usage&since=2026-12-01T22:30:00&upto=2026-12-01T23:30:00&limit=10&offset=40"
        );
        assert_eq!(
            testing::read_back(&view_query(&view), |get| view_from_query(get)),
            (view, vec![])
        );
        assert_eq!(view_href(&[], &LogView::default()), "/logs");
    }

    #[test]
    fn a_window_past_a_day_and_a_window_past_ten_thousand_are_refused_on_their_fields() {
        let (view, problems) = read(&[
            ("since", "2026-12-01T00:00"),
            ("upto", "2026-12-02T00:00:01"),
            ("offset", "9990"),
            ("orderby", "size"),
        ]);
        let fields: Vec<_> = problems.iter().filter_map(|p| p.field()).collect();
        assert_eq!(fields, ["orderby", "offset", "upto"]);
        assert_eq!(
            (view.offset, view.upto_ms, view.since_ms.is_some()),
            (0, None, true)
        );
    }
}
