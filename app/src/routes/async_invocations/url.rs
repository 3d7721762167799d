//! The page's view in its URL: `?function=…&request_id=…&status=…&begin=…&end=…&limit=…
//! &marker=…&trail=…` (the trail is the markers of the pages before, so "Back" is a link and
//! back/forward step through pages). One reader and one writer, on the server and in the
//! browser; the time and query helpers are the activations page's.

use providers::{ActionRef, AsyncStatus};

use crate::api::{AsyncView, DEFAULT_ASYNC_LIMIT, limit_problem};
use crate::errors::AppError;
use crate::routes::query::{given, present, query_href, read_times};
use crate::routes::times::input_value;

/// The five statuses, in the order they happen.
pub const STATUSES: [AsyncStatus; 5] = [
    AsyncStatus::Wait,
    AsyncStatus::Running,
    AsyncStatus::Success,
    AsyncStatus::Fail,
    AsyncStatus::Discard,
];

/// The view a URL's query names, and a problem for each value it refused (left at its
/// default; the problem names the field and what is allowed).
pub fn view_from_query(get: impl Fn(&str) -> Option<String>) -> (AsyncView, Vec<AppError>) {
    let given = |key: &str| given(&get, key);
    let mut view = AsyncView::default();
    let mut problems = Vec::new();
    if let Some(function) = given("function") {
        view.function = Some(ActionRef::parse(&function));
    }
    if let Some(id) = given("request_id") {
        view.request_id = Some(id);
    }
    if let Some(status) = given("status") {
        match AsyncStatus::parse(&status) {
            Some(s) => view.status = Some(s),
            None => problems.push(AppError::invalid(
                "status",
                format!("The status \"{status}\" is not WAIT, RUNNING, SUCCESS, FAIL or DISCARD."),
            )),
        }
    }
    read_times(
        &get,
        [("begin", &mut view.begin_ms), ("end", &mut view.end_ms)],
        &mut problems,
    );
    if let Some(limit) = given("limit") {
        match limit
            .parse::<u64>()
            .ok()
            .filter(|l| limit_problem(*l).is_none())
        {
            Some(l) => view.limit = l,
            None => problems.extend(limit_problem(0).map(|p| refused_value(p, &limit))),
        }
    }
    view.marker = given("marker");
    view.trail = given("trail")
        .map(|t| t.split(',').map(str::to_string).collect())
        .unwrap_or_default();
    keep_the_good(&mut view, &mut problems);
    (view, problems)
}

/// `problem` with the value that was given.
fn refused_value(problem: AppError, value: &str) -> AppError {
    let field = problem.field().unwrap_or_default().to_string();
    AppError::invalid(&field, format!("\"{value}\": {problem}"))
}

/// Drops each value the view's own check refuses, with its problem.
fn keep_the_good(view: &mut AsyncView, problems: &mut Vec<AppError>) {
    for problem in view.problems() {
        match problem.field() {
            Some("request_id") => view.request_id = None,
            Some("marker") => (view.marker, view.trail) = (None, Vec::new()),
            Some("end") => view.end_ms = None,
            _ => {}
        }
        problems.push(problem);
    }
}

/// The view's query pairs, defaults left out, in the order of the form.
pub fn view_query(view: &AsyncView) -> Vec<(&'static str, String)> {
    present([
        ("function", view.function.as_ref().map(ToString::to_string)),
        ("request_id", view.request_id.clone()),
        ("status", view.status.map(|s| s.as_str().to_string())),
        ("begin", view.begin_ms.map(input_value)),
        ("end", view.end_ms.map(input_value)),
        (
            "limit",
            (view.limit != DEFAULT_ASYNC_LIMIT).then(|| view.limit.to_string()),
        ),
        ("marker", view.marker.clone()),
        (
            "trail",
            (!view.trail.is_empty()).then(|| view.trail.join(",")),
        ),
    ])
}

/// `/async?…` with `keep` (the connection) then the view.
pub fn view_href(keep: &[(&'static str, String)], view: &AsyncView) -> String {
    query_href("/async", keep.iter().cloned().chain(view_query(view)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::routes::query::testing;

    fn read(query: &[(&str, &str)]) -> (AsyncView, Vec<AppError>) {
        testing::read(query, |get| view_from_query(get))
    }

    #[test]
    fn every_filter_and_the_marker_trail_round_trip() {
        let view = AsyncView {
            function: Some(ActionRef::in_package("demo", "hello")),
            request_id: Some("abc-1".into()),
            status: Some(AsyncStatus::Discard),
            begin_ms: Some(1_796_164_200_000),
            end_ms: Some(1_796_167_800_000),
            limit: 2,
            marker: Some("4".into()),
            trail: vec!["0".into(), "2".into()],
        };
        let href = view_href(&[("connection", "local-huawei".into())], &view);
        assert_eq!(
            href,
            "/async?connection=local-huawei&function=demo/hello&request_id=abc-1&status=DISCARD&begin=2026-12-01T22:30:00&end=2026-12-01T23:30:00&limit=2&marker=4&trail=0%2C2"
        );
        assert_eq!(
            testing::read_back(&view_query(&view), |get| view_from_query(get)),
            (view, vec![])
        );
        assert_eq!(view_href(&[], &AsyncView::default()), "/async");
    }

    #[test]
    fn a_limit_above_five_hundred_is_refused_on_its_field_and_the_rest_kept() {
        let (view, problems) = read(&[("limit", "501"), ("status", "FAIL"), ("marker", "x")]);
        let fields: Vec<_> = problems.iter().filter_map(|p| p.field()).collect();
        assert_eq!(fields, ["limit", "marker"]);
        assert!(
            problems[0]
                .to_string()
                .starts_with("\"501\": The limit is a whole number from 1 to 500"),
            "{}",
            problems[0]
        );
        assert_eq!(
            (view.limit, view.status, view.marker),
            (100, Some(AsyncStatus::Fail), None)
        );
        let (_, problems) = read(&[("status", "DONE")]);
        assert_eq!(problems[0].field(), Some("status"));
    }
}
