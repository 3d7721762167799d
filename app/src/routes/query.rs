//! The query string of a page whose view is in its URL (activations, asynchronous
//! invocations, logs, timeline): reading its values and writing its pairs, the same on every
//! page, on the server and in the browser.

use crate::errors::AppError;
use crate::routes::times::parse_time;

/// The value `get` gives for `key`, trimmed; `None` when absent or blank.
pub fn given(get: &impl Fn(&str) -> Option<String>, key: &str) -> Option<String> {
    get(key)
        .map(|v| v.trim().to_string())
        .filter(|v| !v.is_empty())
}

/// Reads the two ends of a time range (`since`/`upto`, `begin`/`end`) into their slots; a
/// value that is not a UTC date and time is refused on its field and its slot left alone.
pub fn read_times(
    get: &impl Fn(&str) -> Option<String>,
    slots: [(&'static str, &mut Option<i64>); 2],
    problems: &mut Vec<AppError>,
) {
    for (key, slot) in slots {
        if let Some(value) = given(get, key) {
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
}

/// The pairs that have a value, in order: a view's query with its defaults left out.
pub fn present(
    pairs: impl IntoIterator<Item = (&'static str, Option<String>)>,
) -> Vec<(&'static str, String)> {
    pairs
        .into_iter()
        .filter_map(|(k, v)| v.map(|v| (k, v)))
        .collect()
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

/// For the pages' tests: a query as the URL gives it, read by a page's `view_from_query`.
#[cfg(test)]
pub mod testing {
    /// `read` over `query` (a later pair wins over an earlier one of the same key).
    pub fn read<V>(
        query: &[(&str, &str)],
        read: impl FnOnce(&dyn Fn(&str) -> Option<String>) -> V,
    ) -> V {
        let get = |key: &str| {
            query
                .iter()
                .rev()
                .find(|(k, _)| *k == key)
                .map(|(_, v)| v.to_string())
        };
        read(&get)
    }

    /// A view's own pairs (its `view_query`) read back by `read`.
    pub fn read_back<V>(
        pairs: &[(&'static str, String)],
        read: impl FnOnce(&dyn Fn(&str) -> Option<String>) -> V,
    ) -> V {
        let borrowed: Vec<(&str, &str)> = pairs.iter().map(|(k, v)| (*k, v.as_str())).collect();
        self::read(&borrowed, read)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_are_encoded_where_they_must_be() {
        assert_eq!(
            query_href("/a", [("q", "a b&c#d".to_string())]),
            "/a?q=a%20b%26c%23d"
        );
        assert_eq!(query_href("/a", []), "/a");
    }

    #[test]
    fn a_blank_value_is_none_and_a_bad_time_is_refused_on_its_field() {
        let get = |key: &str| match key {
            "since" => Some(" 2026-12-01T09:30 ".to_string()),
            "upto" => Some("tomorrow".to_string()),
            _ => Some("  ".to_string()),
        };
        assert_eq!(given(&get, "other"), None);
        let (mut since, mut upto) = (None, Some(1));
        let mut problems = Vec::new();
        read_times(
            &get,
            [("since", &mut since), ("upto", &mut upto)],
            &mut problems,
        );
        assert_eq!(since, parse_time("2026-12-01T09:30"));
        assert_eq!(upto, Some(1), "the slot of a refused value is left alone");
        assert_eq!(
            problems
                .iter()
                .filter_map(|p| p.field())
                .collect::<Vec<_>>(),
            ["upto"]
        );
        assert_eq!(
            present([("a", None), ("b", Some("1".into()))]),
            [("b", "1".to_string())]
        );
    }
}
