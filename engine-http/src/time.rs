//! Wall-clock times as FunctionGraph (`YYYY-MM-DDTHH:mm:ss`) and SCF (`YYYY-MM-DD HH:mm:ss`)
//! write them, both UTC: one format, two separators, on the SDK-date maths of the signers.

use providers::sign::huawei::{parse_sdk_date, sdk_date};

/// Epoch milliseconds → `YYYY-MM-DD{separator}HH:mm:ss` (UTC).
pub(crate) fn format_utc(ms: i64, separator: char) -> String {
    let t = sdk_date(ms.div_euclid(1000));
    format!(
        "{}-{}-{}{separator}{}:{}:{}",
        &t[0..4],
        &t[4..6],
        &t[6..8],
        &t[9..11],
        &t[11..13],
        &t[13..15]
    )
}

/// `YYYY-MM-DD{separator}HH:mm:ss` (UTC) → epoch milliseconds; `None` when malformed.
pub(crate) fn parse_utc(value: &str, separator: char) -> Option<i64> {
    let compact: String = value
        .replace(separator, "T")
        .chars()
        .filter(|c| c.is_ascii_digit() || *c == 'T')
        .collect();
    parse_sdk_date(&format!("{compact}Z")).map(|s| s * 1000)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_separators_round_trip_and_the_other_one_is_refused() {
        let ms = 1_571_989_047_000; // 2019-10-25T07:37:27Z
        assert_eq!(format_utc(ms, 'T'), "2019-10-25T07:37:27");
        assert_eq!(format_utc(ms, ' '), "2019-10-25 07:37:27");
        assert_eq!(parse_utc("2019-10-25T07:37:27", 'T'), Some(ms));
        assert_eq!(parse_utc("2019-10-25 07:37:27", ' '), Some(ms));
        assert_eq!(parse_utc("2019-10-25 07:37:27", 'T'), None);
        assert_eq!(parse_utc("noon", ' '), None);
    }
}
