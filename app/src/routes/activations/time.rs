//! Times as the page writes them: UTC, `2026-12-01 22:30:05.123` in the table and
//! `2026-12-01T22:30:05` in the URL and the range's inputs (what `datetime-local` sends), so
//! the server renders the same text the browser would, whatever the viewer's zone.

use providers::clock;

/// A duration as every page writes one (`12 ms`, `1.2 s`, `2 min 5 s`).
pub use crate::components::format::duration as format_duration;

/// Date and time of day, to the second.
fn parts(ms: i64) -> ((i64, i64, i64), i64, i64, i64) {
    let secs = ms.div_euclid(1000);
    let day = secs.div_euclid(86_400);
    let s = secs.rem_euclid(86_400);
    (clock::civil_from_days(day), s / 3600, s / 60 % 60, s % 60)
}

/// `2026-12-01 22:30:05.123`: how the table and the detail show a time (UTC).
pub fn format_utc(ms: i64) -> String {
    let ((y, mo, d), h, mi, s) = parts(ms);
    let millis = ms.rem_euclid(1000);
    format!("{y:04}-{mo:02}-{d:02} {h:02}:{mi:02}:{s:02}.{millis:03}")
}

/// `2026-12-01T22:30:05`: a time in the URL and in a `datetime-local` input (UTC).
pub fn input_value(ms: i64) -> String {
    let ((y, mo, d), h, mi, s) = parts(ms);
    format!("{y:04}-{mo:02}-{d:02}T{h:02}:{mi:02}:{s:02}")
}

/// Reads `YYYY-MM-DDTHH:MM[:SS]` (UTC) or epoch milliseconds.
pub fn parse_time(value: &str) -> Option<i64> {
    if !value.is_empty() && value.bytes().all(|b| b.is_ascii_digit()) {
        return value.parse().ok();
    }
    let (date, clock) = value.split_once(['T', ' '])?;
    let number = |s: &str, len: usize| -> Option<i64> {
        (s.len() == len && s.bytes().all(|b| b.is_ascii_digit())).then(|| s.parse().ok())?
    };
    let mut date = date.split('-');
    let (y, mo, d) = (date.next()?, date.next()?, date.next()?);
    let (y, mo, d) = (number(y, 4)?, number(mo, 2)?, number(d, 2)?);
    let mut clock = clock.split(':');
    let (h, mi) = (number(clock.next()?, 2)?, number(clock.next()?, 2)?);
    let s = clock.next().map_or(Some(0), |s| number(s, 2))?;
    let valid = (1..=12).contains(&mo)
        && (1..=31).contains(&d)
        && h < 24
        && mi < 60
        && s < 60
        && date.next().is_none()
        && clock.next().is_none();
    let days = clock::days_from_civil(y, mo, d);
    // 31 February and the like come back as another date: refused, not moved.
    (valid && clock::civil_from_days(days) == (y, mo, d))
        .then(|| (days * 86_400 + h * 3600 + mi * 60 + s) * 1000)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_are_written_in_utc_and_read_back() {
        assert_eq!(format_utc(0), "1970-01-01 00:00:00.000");
        let ms = 1_796_164_205_123; // 2026-12-01 22:30:05.123 UTC
        assert_eq!(format_utc(ms), "2026-12-01 22:30:05.123");
        assert_eq!(input_value(ms), "2026-12-01T22:30:05");
        assert_eq!(parse_time("2026-12-01T22:30:05"), Some(ms - 123));
        assert_eq!(parse_time("2026-12-01T22:30"), Some(ms - 5_123));
        assert_eq!(parse_time("1796164205123"), Some(ms));
        assert_eq!(parse_time("2024-02-29T00:00"), Some(1_709_164_800_000));
        for bad in [
            "",
            "yesterday",
            "2026-02-30T00:00",
            "2026-13-01T00:00",
            "2026-12-01T24:00",
            "2026-12-01",
            "2026-12-01T22:30:05:01",
        ] {
            assert_eq!(parse_time(bad), None, "{bad}");
        }
    }
}
