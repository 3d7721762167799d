//! The page's view in its URL: `?page=…&size=…&status=…&action=…&since=…&upto=…`, so a link
//! reproduces the view and back/forward move through views. One reader and one writer, the
//! same on the server (rendering) and in the browser.

use providers::ActionRef;

use super::time::{input_value, parse_time};
use crate::api::{
    ActivationView, DEFAULT_PAGE_SIZE, MAX_PAGE, PAGE_SIZES, StatusFilter, sizes_text,
};
use crate::errors::AppError;

/// The view a URL's query names, and a problem for each value it refused (that value is
/// then left at its default, and the problem says which field and what is allowed).
pub fn view_from_query(get: impl Fn(&str) -> Option<String>) -> (ActivationView, Vec<AppError>) {
    let given = |key: &str| {
        get(key)
            .map(|v| v.trim().to_string())
            .filter(|v| !v.is_empty())
    };
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
    for (key, slot) in [("since", &mut view.since_ms), ("upto", &mut view.upto_ms)] {
        if let Some(value) = given(key) {
            match parse_time(&value) {
                Some(ms) => *slot = Some(ms),
                None => problems.push(AppError::invalid(
                    key,
                    format!(
                        "The time \"{value}\" is not a UTC date and time like 2026-12-01T09:30."
                    ),
                )),
            }
        }
    }
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
    let mut pairs = Vec::new();
    if let Some(action) = &view.action {
        pairs.push(("action", action.to_string()));
    }
    if let Some(status) = view.status {
        pairs.push(("status", status.value().to_string()));
    }
    if let Some(since) = view.since_ms {
        pairs.push(("since", input_value(since)));
    }
    if let Some(upto) = view.upto_ms {
        pairs.push(("upto", input_value(upto)));
    }
    if view.size != DEFAULT_PAGE_SIZE {
        pairs.push(("size", view.size.to_string()));
    }
    if view.page != 1 {
        pairs.push(("page", view.page.to_string()));
    }
    pairs
}

/// `path?…` with `keep` (the connection, the action page's tab) then the view.
pub fn view_href(path: &str, keep: &[(&'static str, String)], view: &ActivationView) -> String {
    query_href(path, keep.iter().cloned().chain(view_query(view)))
}

/// `path?k=v&…`, each value percent-encoded where it must be.
pub fn query_href(path: &str, pairs: impl IntoIterator<Item = (&'static str, String)>) -> String {
    let query: Vec<String> = pairs
        .into_iter()
        .map(|(k, v)| format!("{k}={}", encode(&v)))
        .collect();
    if query.is_empty() {
        path.to_string()
    } else {
        format!("{path}?{}", query.join("&"))
    }
}

/// Percent-encodes all but unreserved characters and the `/` and `:` a path or time holds.
fn encode(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for b in value.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' | b'/' | b':' => {
                out.push(b as char)
            }
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn read(query: &[(&str, &str)]) -> (ActivationView, Vec<AppError>) {
        let map: HashMap<String, String> = query
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        view_from_query(|k| map.get(k).cloned())
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
        let pairs: Vec<(String, String)> = view_query(&view)
            .into_iter()
            .map(|(k, v)| (k.to_string(), v))
            .collect();
        let borrowed: Vec<(&str, &str)> = pairs
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        assert_eq!(read(&borrowed), (view, vec![]));
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

    #[test]
    fn values_are_encoded_where_they_must_be() {
        assert_eq!(
            query_href("/a", [("q", "a b&c#d".to_string())]),
            "/a?q=a%20b%26c%23d"
        );
    }
}
