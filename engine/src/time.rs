//! Wall-clock times as the providers write them, all UTC, from epoch milliseconds: OpenWhisk's
//! log stamps and the dialects' text formats, on the one formatter the signers use too
//! ([`providers::sign::utc`]).

use providers::sign::utc::{Layout, from_fields};

/// Epoch milliseconds → `YYYY-MM-DD{separator}HH:mm:ss` (UTC): FunctionGraph writes `T`,
/// SCF a space.
pub fn format_utc(ms: i64, separator: char) -> String {
    Layout::date_time(separator).format(ms)
}

/// Epoch milliseconds → `YYYY-MM-DDTHH:mm:ss.sssZ` (RFC 3339 with milliseconds, UTC), as
/// OpenWhisk stamps a log line.
pub fn format_rfc3339_millis(ms: i64) -> String {
    Layout::RFC3339_MILLIS.format(ms)
}

/// `YYYY-MM-DD{separator}HH:mm:ss` (UTC) → epoch milliseconds; `None` when malformed. The
/// punctuation between the numbers is not checked (`2019/10/25 07.37.27` reads too); the
/// separator between date and time is.
pub fn parse_utc(value: &str, separator: char) -> Option<i64> {
    let compact: String = value
        .replace(separator, "T")
        .chars()
        .filter(|c| c.is_ascii_digit() || *c == 'T')
        .collect();
    let (date, time) = compact.split_once('T')?;
    if date.len() != 8 || time.len() != 6 {
        return None;
    }
    let num = |s: &str, range: std::ops::Range<usize>| s.get(range)?.parse::<u16>().ok();
    let two = |s: &str, at: usize| num(s, at..at + 2).and_then(|n| u8::try_from(n).ok());
    from_fields(
        i32::from(num(date, 0..4)?),
        two(date, 4)?,
        two(date, 6)?,
        two(time, 0)?,
        two(time, 2)?,
        two(time, 4)?,
    )
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
        assert_eq!(parse_utc("2019-13-25 07:37:27", ' '), None);
        assert_eq!(parse_utc("2019-10-25 07:37:27 extra", ' '), None);
    }

    #[test]
    fn log_stamps_carry_milliseconds_and_times_before_1970_are_whole() {
        assert_eq!(
            format_rfc3339_millis(1_571_989_047_123),
            "2019-10-25T07:37:27.123Z"
        );
        assert_eq!(format_rfc3339_millis(0), "1970-01-01T00:00:00.000Z");
        // One millisecond before the epoch is 23:59:59.999 of the day before, not .-01.
        assert_eq!(format_rfc3339_millis(-1), "1969-12-31T23:59:59.999Z");
        assert_eq!(format_utc(i64::MAX, ' '), "1970-01-01 00:00:00");
    }
}
