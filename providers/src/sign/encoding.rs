//! Percent-encodings the providers' SDKs use, named after what they match.

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};

/// Everything but RFC 3986's unreserved characters (`A-Z a-z 0-9 - . _ ~`): Python's
/// `urllib.parse.quote(s, safe='~')`, which the Huawei SDK uses for paths and queries.
pub const UNRESERVED: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// `quote(s, safe='~')`: `/`, space, `+`, `:` and every non-ASCII byte are encoded.
pub fn quote(s: &str) -> String {
    utf8_percent_encode(s, UNRESERVED).to_string()
}

/// Python's `quote_plus` (what `urlencode` uses for form bodies and Tencent's query strings):
/// as [`quote`], but a space becomes `+`.
pub fn quote_plus(s: &str) -> String {
    // `+` itself is encoded as %2B by `quote`, so replacing %20 afterwards is unambiguous.
    quote(s).replace("%20", "+")
}

/// Decodes `%XX` escapes (and nothing else); invalid UTF-8 is replaced, never a panic.
pub fn unquote(s: &str) -> String {
    percent_encoding::percent_decode_str(s)
        .decode_utf8_lossy()
        .into_owned()
}

/// Decodes a form value: `+` is a space, then `%XX` escapes.
pub fn unquote_plus(s: &str) -> String {
    unquote(&s.replace('+', " "))
}

/// Splits `a=1&b=2` into decoded pairs, in order; a key without `=` has an empty value.
pub fn parse_form(query: &str) -> Vec<(String, String)> {
    query
        .split('&')
        .filter(|pair| !pair.is_empty())
        .map(|pair| match pair.split_once('=') {
            Some((k, v)) => (unquote_plus(k), unquote_plus(v)),
            None => (unquote_plus(pair), String::new()),
        })
        .collect()
}

/// Joins pairs as a form body or query string with [`quote_plus`].
pub fn encode_form<'a>(pairs: impl IntoIterator<Item = (&'a str, &'a str)>) -> String {
    pairs
        .into_iter()
        .map(|(k, v)| format!("{}={}", quote_plus(k), quote_plus(v)))
        .collect::<Vec<_>>()
        .join("&")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quote_matches_python_with_tilde_safe() {
        assert_eq!(
            quote("urn:fss:a b+c/d~e_f.g-h"),
            "urn%3Afss%3Aa%20b%2Bc%2Fd~e_f.g-h"
        );
        assert_eq!(quote("한"), "%ED%95%9C");
    }

    #[test]
    fn quote_plus_turns_spaces_into_plus_and_plus_into_2b() {
        assert_eq!(quote_plus("2024-01-01 00:00:00"), "2024-01-01+00%3A00%3A00");
        assert_eq!(quote_plus("요청+1"), "%EC%9A%94%EC%B2%AD%2B1");
    }

    #[test]
    fn forms_round_trip() {
        let pairs = [
            ("startTime", "2024-01-01 00:00:00"),
            ("id", "요청+1"),
            ("empty", ""),
        ];
        let encoded = encode_form(pairs);
        let decoded = parse_form(&encoded);
        let expected: Vec<(String, String)> = pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        assert_eq!(decoded, expected);
    }
}
