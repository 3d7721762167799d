//! Numbers written for people, the same on every page.

/// A duration in the unit that fits: `850 ms`, `2.4 s`, `3 min 5 s`.
pub fn duration(ms: u64) -> String {
    match ms {
        0..1_000 => format!("{ms} ms"),
        1_000..60_000 => format!("{:.1} s", ms as f64 / 1_000.0),
        _ => format!("{} min {} s", ms / 60_000, (ms % 60_000) / 1_000),
    }
}

/// Memory as the providers count it (their MB is 1,048,576 bytes, as in a limit of
/// `256 MB`): `512 B`, `12.5 KB`, `41.5 MB`.
pub fn memory(bytes: u64) -> String {
    match bytes {
        0..1024 => format!("{bytes} B"),
        1024..1_048_576 => format!("{:.1} KB", bytes as f64 / 1024.0),
        _ => format!("{:.1} MB", bytes as f64 / 1_048_576.0),
    }
}

/// `n` with its thousands separated by commas: `1425` → `1,425`.
pub fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::{duration, memory, thousands};

    #[test]
    fn durations_read_in_the_unit_that_fits() {
        assert_eq!(duration(0), "0 ms");
        assert_eq!(duration(850), "850 ms");
        assert_eq!(duration(1_000), "1.0 s");
        assert_eq!(duration(1_250), "1.2 s");
        assert_eq!(duration(2_449), "2.4 s");
        assert_eq!(duration(59_999), "60.0 s");
        assert_eq!(duration(60_000), "1 min 0 s");
        assert_eq!(duration(185_000), "3 min 5 s");
    }

    #[test]
    fn memory_reads_in_the_providers_units() {
        assert_eq!(memory(0), "0 B");
        assert_eq!(memory(1023), "1023 B");
        assert_eq!(memory(12_800), "12.5 KB");
        assert_eq!(memory(43_528_192), "41.5 MB");
        assert_eq!(memory(268_435_456), "256.0 MB");
    }

    #[test]
    fn numbers_are_grouped_by_thousands() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(3001), "3,001");
        assert_eq!(thousands(300_000), "300,000");
        assert_eq!(thousands(1_000_000), "1,000,000");
    }
}
