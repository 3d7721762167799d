//! The page's view in its URL: `?page=…&size=…&status=…&action=…&since=…&upto=…`, so a link
//! reproduces the view and back/forward move through views. One reader and one writer, the
//! same on the server (rendering) and in the browser.

use providers::ActionRef;

use super::time::input_value;
use crate::api::{
    ActivationView, DEFAULT_PAGE_SIZE, MAX_PAGE, PAGE_SIZES, StatusFilter, sizes_text,
};
use crate::errors::AppError;
use crate::routes::query::query_href;
use crate::routes::query::{given, present, read_times};

/// The view a URL's query names, and a problem for each value it refused (that value is
/// then left at its default, and the problem says which field and what is allowed).
pub fn view_from_query(get: impl Fn(&str) -> Option<String>) -> (ActivationView, Vec<AppError>) {
    let given = |key: &str| given(&get, key);
    let mut view = ActivationView::default();
    let mut problems = Vec::new();
    if let Some(page) = given("page") {
        match page.parse::<u64>() {
            Ok(n) if (1..=MAX_PAGE).contains(&n) => view.page = n,
            _ => problems.push(AppError::invalid(
                "page",
                format!("The page \"{page}\" is not a whole number from 1 to {MAX_PAGE}."),
            )),
        }
    }
    if let Some(size) = given("size") {
        match size.parse::<u64>() {
            Ok(n) if PAGE_SIZES.contains(&n) => view.size = n,
            _ => problems.push(AppError::invalid(
                "size",
                format!("The page size \"{size}\" is not one of {}.", sizes_text()),
            )),
        }
    }
    if let Some(status) = given("status") {
        match StatusFilter::parse(&status) {
            Some(s) => view.status = Some(s),
            None => problems.push(AppError::invalid(
                "status",
                format!(
                    "The status \"{status}\" is not one of {}.",
                    StatusFilter::ALL.map(StatusFilter::value).join(", ")
                ),
            )),
        }
    }
    if let Some(action) = given("action") {
        let candidate = ActivationView {
            action: Some(ActionRef::parse(&action)),
            ..Default::default()
        };
        match candidate.problems().into_iter().next() {
            None => view.action = candidate.action,
            Some(problem) => problems.push(problem),
        }
    }
    read_times(
        &get,
        [("since", &mut view.since_ms), ("upto", &mut view.upto_ms)],
        &mut problems,
    );
    if let (Some(since), Some(upto)) = (view.since_ms, view.upto_ms)
        && since > upto
    {
        problems.push(AppError::invalid(
            "upto",
            "The end of the time range is before its start.",
        ));
        view.upto_ms = None;
    }
    (view, problems)
}

/// The view's query pairs, defaults left out, in the order of the form.
pub fn view_query(view: &ActivationView) -> Vec<(&'static str, String)> {
    present([
        ("action", view.action.as_ref().map(ToString::to_string)),
        ("status", view.status.map(|s| s.value().to_string())),
        ("since", view.since_ms.map(input_value)),
        ("upto", view.upto_ms.map(input_value)),
        (
            "size",
            (view.size != DEFAULT_PAGE_SIZE).then(|| view.size.to_string()),
        ),
        ("page", (view.page != 1).then(|| view.page.to_string())),
    ])
}

/// `path?…` with `keep` (the connection, the action page's tab) then the view.
pub fn view_href(path: &str, keep: &[(&'static str, String)], view: &ActivationView) -> String {
    query_href(path, keep.iter().cloned().chain(view_query(view)))
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::routes::query::testing;
    use crate::routes::times::parse_time;

    fn read(query: &[(&str, &str)]) -> (ActivationView, Vec<AppError>) {
        testing::read(query, |get| view_from_query(get))
    }

    #[test]
    fn every_filter_round_trips_through_the_url() {
        let view = ActivationView {
            page: 3,
            size: 50,
            status: Some(StatusFilter::Failure),
            action: Some(ActionRef::in_package("demo", "hello")),
            since_ms: Some(1_796_164_200_000),
            upto_ms: Some(1_796_167_800_000),
        };
        let href = view_href(
            "/activations",
            &[("connection", "local-openwhisk".into())],
            &view,
        );
        assert_eq!(
            href,
            "/activations?connection=local-openwhisk&action=demo/hello&status=failure&since=2026-12-01T22:30:00&upto=2026-12-01T23:30:00&size=50&page=3"
        );
        assert_eq!(
            testing::read_back(&view_query(&view), |get| view_from_query(get)),
            (view, vec![])
        );
        assert_eq!(read(&[]), (ActivationView::default(), vec![]));
        assert_eq!(
            view_href("/activations", &[], &ActivationView::default()),
            "/activations"
        );
        let top = read(&[("action", "-/hello"), ("since", ""), ("status", "")]).0;
        assert_eq!(top.action, Some(ActionRef::top("hello")));
    }

    #[test]
    fn a_bad_value_is_named_and_left_at_its_default() {
        let (view, problems) = read(&[
            ("page", "0"),
            ("size", "7"),
            ("status", "broken"),
            ("action", "demo/bad name"),
            ("since", "yesterday"),
            ("upto", "2026-12-01T10:00"),
        ]);
        let fields: Vec<&str> = problems.iter().filter_map(|p| p.field()).collect();
        assert_eq!(fields, ["page", "size", "status", "action", "since"]);
        assert_eq!(
            problems[1].to_string(),
            "The page size \"7\" is not one of 10, 20, 50, 100 or 200."
        );
        assert_eq!(
            (view.page, view.size, view.status, view.action),
            (1, 20, None, None)
        );
        assert_eq!(
            view.upto_ms,
            parse_time("2026-12-01T10:00"),
            "the good value is kept"
        );
        let (view, problems) = read(&[("since", "2026-12-02T00:00"), ("upto", "2026-12-01T00:00")]);
        assert_eq!(
            problems
                .iter()
                .filter_map(|p| p.field())
                .collect::<Vec<_>>(),
            ["upto"]
        );
        assert_eq!(view.upto_ms, None);
    }
}
