//! The audit page's filter in its URL: `?account=…&action=…&connection=…&outcome=ok|failed
//! &since=…&until=…&offset=…`. One reader and one writer, on the server and in the browser.

use access::audit::{AuditFilter, OutcomeFilter};

use crate::errors::AppError;
use crate::routes::query_href;
use crate::routes::times::{input_value, parse_time};

/// Entries on one page.
pub const PAGE: u32 = 50;

/// The filter a URL's query names, and a problem for each value it refused (left out; the
/// problem names the field and what is allowed).
pub fn filter_from_query(get: impl Fn(&str) -> Option<String>) -> (AuditFilter, Vec<AppError>) {
    let given = |key: &str| {
        get(key)
            .map(|v| v.trim().to_string())
            .filter(|v| !v.is_empty())
    };
    let mut filter = AuditFilter {
        account: given("account"),
        action: given("action"),
        connection: given("connection"),
        limit: PAGE,
        ..Default::default()
    };
    let mut problems = Vec::new();
    if let Some(o) = given("outcome") {
        match OutcomeFilter::parse(&o) {
            Some(o) => filter.outcome = Some(o),
            None => problems.push(AppError::invalid(
                "outcome",
                format!("The outcome \"{o}\" is not ok or failed."),
            )),
        }
    }
    for (key, slot) in [
        ("since", &mut filter.since_ms),
        ("until", &mut filter.until_ms),
    ] {
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
    if let (Some(since), Some(until)) = (filter.since_ms, filter.until_ms)
        && until <= since
    {
        filter.until_ms = None;
        problems.push(AppError::invalid("until", "To must be after From."));
    }
    if let Some(offset) = given("offset") {
        match offset.parse::<u32>() {
            Ok(o) => filter.offset = o,
            Err(_) => problems.push(AppError::invalid(
                "offset",
                format!("The offset \"{offset}\" is not a whole number."),
            )),
        }
    }
    (filter, problems)
}

/// `/audit?…` for `filter`, defaults left out, in the order of the form.
pub fn filter_href(filter: &AuditFilter) -> String {
    let mut pairs = Vec::new();
    let mut push = |key, value: Option<String>| pairs.extend(value.map(|v| (key, v)));
    push("account", filter.account.clone());
    push("action", filter.action.clone());
    push("connection", filter.connection.clone());
    push("outcome", filter.outcome.map(|o| o.as_str().to_string()));
    push("since", filter.since_ms.map(input_value));
    push("until", filter.until_ms.map(input_value));
    push(
        "offset",
        (filter.offset != 0).then(|| filter.offset.to_string()),
    );
    query_href("/audit", pairs)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn read(query: &[(&str, &str)]) -> (AuditFilter, Vec<AppError>) {
        let map: HashMap<String, String> = query
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        filter_from_query(|k| map.get(k).cloned())
    }

    #[test]
    fn every_filter_round_trips_through_the_url() {
        let filter = AuditFilter {
            account: Some("ada".into()),
            action: Some("save_action".into()),
            connection: Some("prod".into()),
            outcome: Some(OutcomeFilter::Failed),
            since_ms: Some(1_796_164_200_000),
            until_ms: Some(1_796_167_800_000),
            offset: 100,
            limit: PAGE,
        };
        let href = filter_href(&filter);
        assert_eq!(
            href,
            "/audit?account=ada&action=save_action&connection=prod&outcome=failed&since=2026-12-01T22:30:00&until=2026-12-01T23:30:00&offset=100"
        );
        let query: Vec<(String, String)> = href
            .split_once('?')
            .unwrap()
            .1
            .split('&')
            .map(|p| {
                let (k, v) = p.split_once('=').unwrap();
                (k.to_string(), v.to_string())
            })
            .collect();
        let borrowed: Vec<(&str, &str)> = query
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        assert_eq!(read(&borrowed), (filter, vec![]));
        assert_eq!(filter_href(&read(&[]).0), "/audit");
    }

    #[test]
    fn bad_values_are_refused_on_their_fields_and_left_out() {
        let (filter, problems) = read(&[
            ("outcome", "maybe"),
            ("since", "2026-12-01T10:00"),
            ("until", "2026-12-01T09:00"),
            ("offset", "-3"),
        ]);
        let fields: Vec<_> = problems.iter().filter_map(|p| p.field()).collect();
        assert_eq!(fields, ["outcome", "until", "offset"]);
        assert_eq!(
            (filter.outcome, filter.until_ms, filter.offset),
            (None, None, 0)
        );
        assert!(filter.since_ms.is_some());
    }
}
