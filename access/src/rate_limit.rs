//! Failed sign-ins, counted per account name and per client address in a fixed window: past
//! the limit, sign-in is refused until the window ends, even with the right password. Kept in
//! memory (each replica counts its own; a restart forgets), which bounds guessing to
//! `limit × replicas` per window — enough against online guessing, said in DESIGN.md.

use std::collections::HashMap;
use std::sync::Mutex;

/// The limits.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Failures allowed per account name in a window.
    pub per_account: u32,
    /// Failures allowed per client address in a window.
    pub per_address: u32,
    /// The window's length.
    pub window_ms: i64,
}

impl Default for Limits {
    /// 5 per account and 20 per address in 15 minutes (OWASP's authentication cheat sheet
    /// suggests a handful of attempts before a lockout or delay).
    fn default() -> Self {
        Self {
            per_account: 5,
            per_address: 20,
            window_ms: 15 * 60_000,
        }
    }
}

#[derive(Debug, Clone, Copy)]
struct Window {
    started_ms: i64,
    failures: u32,
}

/// Counts failed sign-ins.
#[derive(Debug, Default)]
pub struct RateLimiter {
    limits: Limits,
    windows: Mutex<HashMap<String, Window>>,
}

/// Most keys kept; past it, ended windows are dropped first (an attacker spraying names
/// cannot grow memory without bound).
const MOST_KEYS: usize = 100_000;

impl RateLimiter {
    /// A limiter with `limits`.
    pub fn new(limits: Limits) -> Self {
        Self {
            limits,
            windows: Mutex::new(HashMap::new()),
        }
    }

    fn keys(account: &str, address: &str) -> [(String, u32, bool); 2] {
        [
            (format!("a:{}", account.to_lowercase()), 0, true),
            (format!("ip:{address}"), 0, false),
        ]
    }

    /// Milliseconds until `account` from `address` may try again, or `None` when it may now.
    pub fn blocked_for(&self, account: &str, address: &str, now_ms: i64) -> Option<i64> {
        let windows = self.windows.lock().unwrap_or_else(|p| p.into_inner());
        Self::keys(account, address)
            .into_iter()
            .filter_map(|(key, _, is_account)| {
                let limit = if is_account {
                    self.limits.per_account
                } else {
                    self.limits.per_address
                };
                let w = windows.get(&key)?;
                let left = w.started_ms + self.limits.window_ms - now_ms;
                (left > 0 && w.failures >= limit).then_some(left)
            })
            .max()
    }

    /// Counts one failed sign-in.
    pub fn failed(&self, account: &str, address: &str, now_ms: i64) {
        let mut windows = self.windows.lock().unwrap_or_else(|p| p.into_inner());
        if windows.len() >= MOST_KEYS {
            let window_ms = self.limits.window_ms;
            windows.retain(|_, w| w.started_ms + window_ms > now_ms);
        }
        for (key, _, _) in Self::keys(account, address) {
            let w = windows.entry(key).or_insert(Window {
                started_ms: now_ms,
                failures: 0,
            });
            if w.started_ms + self.limits.window_ms <= now_ms {
                *w = Window {
                    started_ms: now_ms,
                    failures: 0,
                };
            }
            w.failures = w.failures.saturating_add(1);
        }
    }

    /// A successful sign-in clears the account's count (not the address's).
    pub fn succeeded(&self, account: &str) {
        let mut windows = self.windows.lock().unwrap_or_else(|p| p.into_inner());
        windows.remove(&format!("a:{}", account.to_lowercase()));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_account_is_blocked_after_its_limit_until_the_window_ends() {
        let limiter = RateLimiter::new(Limits {
            per_account: 3,
            per_address: 10,
            window_ms: 1000,
        });
        for _ in 0..3 {
            assert_eq!(limiter.blocked_for("Ann", "1.2.3.4", 0), None);
            limiter.failed("ann", "1.2.3.4", 0);
        }
        // Any case of the name, any address.
        assert_eq!(limiter.blocked_for("ANN", "5.6.7.8", 400), Some(600));
        assert_eq!(limiter.blocked_for("bob", "5.6.7.8", 400), None);
        assert_eq!(limiter.blocked_for("ann", "1.2.3.4", 1000), None);
    }

    #[test]
    fn an_address_is_blocked_after_its_limit_whatever_the_names() {
        let limiter = RateLimiter::new(Limits {
            per_account: 100,
            per_address: 2,
            window_ms: 1000,
        });
        limiter.failed("a", "9.9.9.9", 0);
        limiter.failed("b", "9.9.9.9", 0);
        assert!(limiter.blocked_for("c", "9.9.9.9", 10).is_some());
        assert!(limiter.blocked_for("c", "8.8.8.8", 10).is_none());
    }
}
