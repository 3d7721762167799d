//! A recorded activation's log lines as console lines: OpenWhisk (and NCP, and the engine)
//! write each as `2024-01-01T00:00:00.123Z stdout: text`; FunctionGraph and SCF give free
//! text. Compiled into the server only.

use providers::{LogLine, Stream};

/// `line` as a console line. One not in OpenWhisk's shape keeps its whole text, on stdout,
/// stamped `fallback_ms` (the run's start, or when the server read it).
pub(crate) fn parse_line(line: &str, fallback_ms: i64) -> LogLine {
    let parsed = line.split_once(' ').and_then(|(stamp, rest)| {
        let ts_ms = parse_rfc3339_utc(stamp)?;
        let (stream, text) = rest.split_once(": ").or_else(|| {
            // A line printed empty: `… stdout:` with nothing after the colon.
            rest.strip_suffix(':').map(|stream| (stream, ""))
        })?;
        let stream = match stream {
            "stdout" => Stream::Stdout,
            "stderr" => Stream::Stderr,
            _ => return None,
        };
        Some(LogLine {
            ts_ms,
            stream,
            text: text.to_string(),
        })
    });
    parsed.unwrap_or_else(|| LogLine {
        ts_ms: fallback_ms,
        stream: Stream::Stdout,
        text: line.to_string(),
    })
}

/// `YYYY-MM-DDTHH:MM:SS[.fraction]Z` as epoch ms (OpenWhisk writes up to nanoseconds).
fn parse_rfc3339_utc(stamp: &str) -> Option<i64> {
    let stamp = stamp.strip_suffix('Z')?;
    let (date, time) = stamp.split_once('T')?;
    let mut date = date.splitn(3, '-').map(str::parse::<i64>);
    let (year, month, day) = (date.next()?.ok()?, date.next()?.ok()?, date.next()?.ok()?);
    let (clock, fraction) = time.split_once('.').unwrap_or((time, ""));
    let mut clock = clock.splitn(3, ':').map(str::parse::<i64>);
    let (h, m, s) = (
        clock.next()?.ok()?,
        clock.next()?.ok()?,
        clock.next()?.ok()?,
    );
    let valid = (1..=12).contains(&month)
        && (1..=31).contains(&day)
        && (0..24).contains(&h)
        && (0..60).contains(&m)
        && (0..=60).contains(&s)
        && fraction.bytes().all(|b| b.is_ascii_digit());
    if !valid {
        return None;
    }
    let millis: i64 = format!("{fraction:0<3}").get(..3)?.parse().ok()?;
    let days = providers::clock::days_from_civil(year, month, day);
    Some((((days * 24 + h) * 60 + m) * 60 + s) * 1000 + millis)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn openwhisk_lines_keep_their_time_stream_and_text() {
        let line = parse_line("2024-01-01T00:00:01.234Z stderr: about: to fail", 0);
        assert_eq!(
            line,
            LogLine {
                ts_ms: 1_704_067_201_234,
                stream: Stream::Stderr,
                text: "about: to fail".into(),
            }
        );
        // Nanoseconds, as OpenWhisk itself writes them; and an empty line.
        let nanos = parse_line("1970-01-02T00:00:00.123456789Z stdout:", 0);
        assert_eq!((nanos.ts_ms, nanos.text.as_str()), (86_400_123, ""));
        let leap = parse_line("2024-02-29T12:00:00Z stdout: x", 0);
        assert_eq!(leap.ts_ms, 1_709_208_000_000);
    }

    #[test]
    fn other_lines_are_kept_whole_at_the_fallback_time() {
        for text in [
            "START RequestId: 7c2f",
            "2024-13-01T00:00:00Z stdout: month 13",
            "2024-01-01T00:00:00Z info: not a stream",
            "",
        ] {
            assert_eq!(
                parse_line(text, 42),
                LogLine {
                    ts_ms: 42,
                    stream: Stream::Stdout,
                    text: text.into(),
                },
                "{text}"
            );
        }
    }
}
