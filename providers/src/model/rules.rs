//! Seed 004's rules for actions and packages, in one place: the engine refuses what breaks
//! them with NCP's codes, and the browser refuses the same before anything is sent.

/// Most actions a namespace may hold (NCP).
pub const MAX_ACTIONS: usize = 500;
/// Most components a sequence may have.
pub const MAX_COMPONENTS: usize = 50;
/// The memory sizes an action may have, MB.
pub const MEMORY_SIZES: [u64; 4] = [128, 256, 512, 1024];
/// The timeouts an action may have, ms.
pub const TIMEOUT_RANGE: std::ops::RangeInclusive<u64> = 500..=300_000;
/// The longest description, bytes (UTF-8: a Korean character counts three).
pub const MAX_DESCRIPTION_BYTES: usize = 3_000;
/// Package and action names, said for a person.
pub const NAME_RULE: &str = "1 to 50 letters, digits, '-' or '_', not starting with '-'";

/// Whether `value` is an allowed package or action name: [`NAME_RULE`] (NCP's rule;
/// OpenWhisk allows more, so this is the common ground).
pub fn is_allowed_name(value: &str) -> bool {
    (1..=50).contains(&value.chars().count())
        && !value.starts_with('-')
        && value
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_follow_the_rule() {
        for ok in ["a", "hello-loud", "web_hello", "A1", &"x".repeat(50)] {
            assert!(is_allowed_name(ok), "{ok}");
        }
        for bad in ["", "-lead", "with space", "슬래시", "a/b", &"x".repeat(51)] {
            assert!(!is_allowed_name(bad), "{bad}");
        }
    }
}
