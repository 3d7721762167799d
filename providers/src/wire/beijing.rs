//! SCF's wall-clock times: GetFunctionLogs writes a record's `StartTime` and reads its
//! `StartTime`/`EndTime` window as `YYYY-MM-DD HH:mm:ss` in Beijing time (China Standard
//! Time, UTC+8; China has kept no daylight saving since 1991). The client converts at the
//! edge, so everything past it (and the engine's store) is UTC; the engine's SCF dialect
//! writes and reads the same text, so a wrong offset on either side shows.

use crate::model::clock;

/// Beijing time's offset from UTC, ms (always +8 h).
pub const OFFSET_MS: i64 = 8 * 3_600_000;

/// Epoch milliseconds as SCF writes them: `YYYY-MM-DD HH:mm:ss` in Beijing time.
pub fn format(ms: i64) -> String {
    let local = ms.div_euclid(1000) + OFFSET_MS / 1000;
    let (days, s) = (local.div_euclid(86_400), local.rem_euclid(86_400));
    let (y, mo, d) = clock::civil_from_days(days);
    format!(
        "{y:04}-{mo:02}-{d:02} {:02}:{:02}:{:02}",
        s / 3600,
        s / 60 % 60,
        s % 60
    )
}

/// SCF's `YYYY-MM-DD HH:mm:ss` (Beijing time) as epoch milliseconds; `None` when it is not
/// such a time (a missing field, month 13, 25 o'clock, 30 February…).
pub fn parse(text: &str) -> Option<i64> {
    let b = text.as_bytes();
    let shape = b.len() == 19
        && [4, 7].iter().all(|&i| b[i] == b'-')
        && b[10] == b' '
        && [13, 16].iter().all(|&i| b[i] == b':');
    if !shape {
        return None;
    }
    let n = |at: usize, len: usize| -> Option<i64> {
        let digits = text.get(at..at + len)?;
        digits
            .bytes()
            .all(|c| c.is_ascii_digit())
            .then(|| digits.parse().ok())?
    };
    let (y, mo, d) = (n(0, 4)?, n(5, 2)?, n(8, 2)?);
    let (h, mi, s) = (n(11, 2)?, n(14, 2)?, n(17, 2)?);
    if !clock::is_date(y, mo, d) || h > 23 || mi > 59 || s > 59 {
        return None;
    }
    let local = clock::days_from_civil(y, mo, d) * 86_400 + h * 3600 + mi * 60 + s;
    Some(local * 1000 - OFFSET_MS)
}

/// A UTC `YYYY-MM-DD HH:mm:ss` (the common model's) as SCF's Beijing time; `None` when it is
/// not one.
pub fn from_utc_text(utc: &str) -> Option<String> {
    parse(utc).map(|ms| format(ms + OFFSET_MS))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn beijing_time_is_eight_hours_ahead_of_utc_all_year() {
        // 2017-04-19 22:16:00 in Beijing (seed 003's example) is 14:16:00 UTC.
        let seed = 1_492_611_360_000;
        assert_eq!(parse("2017-04-19 22:16:00"), Some(seed));
        assert_eq!(format(seed), "2017-04-19 22:16:00");
        // Across midnight and a year's end: 2026-12-31 20:30:05 UTC is New Year in Beijing.
        let late = 1_798_749_005_000;
        assert_eq!(format(late), "2027-01-01 04:30:05");
        assert_eq!(parse("2027-01-01 04:30:05"), Some(late));
        // No daylight saving: a July time is +8 h too, not +9.
        assert_eq!(format(1_783_022_400_000), "2026-07-03 04:00:00");
        assert_eq!(
            from_utc_text("2017-04-19 14:16:00").as_deref(),
            Some("2017-04-19 22:16:00")
        );
    }

    #[test]
    fn what_is_not_such_a_time_is_refused() {
        for bad in [
            "",
            "2017-04-19T22:16:00",
            "2017-04-19 22:16",
            "2017-02-30 10:00:00",
            "2017-04-19 24:00:00",
            "2017-04-19 22:16:0x",
            "+017-04-19 22:16:00",
        ] {
            assert_eq!(parse(bad), None, "{bad}");
        }
    }
}
