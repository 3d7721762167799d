//! UTC times as the providers write them, from and to epoch milliseconds: the one formatter
//! behind the signers' stamps (`X-Sdk-Date`, TC3's scope date) and the engine's text formats
//! (OpenWhisk's log stamps, FunctionGraph's and SCF's date-times).

use time::{Date, Month, OffsetDateTime, PrimitiveDateTime, Time};

/// Epoch milliseconds as a UTC date-time; a time past what a date can hold reads as the epoch.
pub fn date_time(ms: i64) -> OffsetDateTime {
    OffsetDateTime::from_unix_timestamp_nanos(i128::from(ms) * 1_000_000)
        .unwrap_or(OffsetDateTime::UNIX_EPOCH)
}

/// How a provider writes a UTC time: `{Y}{date}{M}{date}{D}` and, with a time,
/// `{between}{h}{time}{m}{time}{s}[.mmm]`, then `zone`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Layout {
    /// Between year, month and day.
    pub date: &'static str,
    /// Between the date and the time; `None`: the date only.
    pub between: Option<char>,
    /// Between hours, minutes and seconds.
    pub time: &'static str,
    /// Milliseconds after the seconds.
    pub millis: bool,
    /// After everything (`Z`, or nothing).
    pub zone: &'static str,
}

impl Layout {
    /// `YYYYMMDDTHHMMSSZ`: FunctionGraph's `X-Sdk-Date`.
    pub const COMPACT: Self = Self {
        date: "",
        between: Some('T'),
        time: "",
        millis: false,
        zone: "Z",
    };

    /// `YYYY-MM-DD`: TC3's credential scope.
    pub const DATE: Self = Self {
        date: "-",
        between: None,
        time: ":",
        millis: false,
        zone: "",
    };

    /// `YYYY-MM-DDTHH:mm:ss.sssZ` (RFC 3339 with milliseconds): OpenWhisk's log stamps.
    pub const RFC3339_MILLIS: Self = Self {
        date: "-",
        between: Some('T'),
        time: ":",
        millis: true,
        zone: "Z",
    };

    /// `YYYY-MM-DD{between}HH:mm:ss`: FunctionGraph writes `T`, SCF a space.
    pub const fn date_time(between: char) -> Self {
        Self {
            date: "-",
            between: Some(between),
            time: ":",
            millis: false,
            zone: "",
        }
    }

    /// Epoch milliseconds in this layout.
    pub fn format(&self, ms: i64) -> String {
        let t = date_time(ms);
        let (d, c) = (self.date, self.time);
        let mut text = format!(
            "{:04}{d}{:02}{d}{:02}",
            t.year(),
            u8::from(t.month()),
            t.day()
        );
        if let Some(between) = self.between {
            let (h, m, s) = (t.hour(), t.minute(), t.second());
            text.push_str(&format!("{between}{h:02}{c}{m:02}{c}{s:02}"));
            if self.millis {
                text.push_str(&format!(".{:03}", t.millisecond()));
            }
        }
        text + self.zone
    }
}

/// A UTC calendar date and time of day as epoch milliseconds; `None` when it is not one
/// (month 13, 25 o'clock, February 30th…).
pub fn from_fields(year: i32, month: u8, day: u8, hour: u8, minute: u8, second: u8) -> Option<i64> {
    let date = Date::from_calendar_date(year, Month::try_from(month).ok()?, day).ok()?;
    let time = Time::from_hms(hour, minute, second).ok()?;
    Some(
        PrimitiveDateTime::new(date, time)
            .assume_utc()
            .unix_timestamp()
            * 1000,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_layout_writes_the_same_instant() {
        let ms = 1_571_989_047_123; // 2019-10-25T07:37:27.123Z
        assert_eq!(Layout::COMPACT.format(ms), "20191025T073727Z");
        assert_eq!(Layout::DATE.format(ms), "2019-10-25");
        assert_eq!(
            Layout::RFC3339_MILLIS.format(ms),
            "2019-10-25T07:37:27.123Z"
        );
        assert_eq!(Layout::date_time(' ').format(ms), "2019-10-25 07:37:27");
        assert_eq!(Layout::DATE.format(i64::MAX), "1970-01-01");
    }

    #[test]
    fn fields_that_are_no_date_are_refused() {
        assert_eq!(
            from_fields(2019, 10, 25, 7, 37, 27),
            Some(1_571_989_047_000)
        );
        assert_eq!(from_fields(2019, 13, 25, 7, 37, 27), None);
        assert_eq!(from_fields(2019, 2, 30, 7, 37, 27), None);
        assert_eq!(from_fields(2019, 10, 25, 24, 0, 0), None);
    }
}
