//! The worker's warm runtimes: one per action version at most, least recently used
//! dropped first, bounded in count and in bytes.

use std::hash::{Hash, Hasher};

use super::protocol::{Job, WarmKey};
use crate::runtime::Sandbox;

/// How many warm runtimes a worker keeps, and how many bytes they may hold together.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WarmLimits {
    /// Most runtimes kept (0: none, every run is fresh).
    pub runtimes: usize,
    /// Most bytes the kept runtimes hold together.
    pub bytes: u64,
}

impl Default for WarmLimits {
    fn default() -> Self {
        Self {
            runtimes: 32,
            bytes: 64 * 1024 * 1024,
        }
    }
}

/// The runtimes a worker keeps between jobs.
#[derive(Debug)]
pub(crate) struct WarmCache {
    limits: WarmLimits,
    /// Least recently used first.
    kept: Vec<Kept>,
}

#[derive(Debug)]
struct Kept {
    key: WarmKey,
    code: u64,
    bytes: u64,
    sandbox: Sandbox,
}

impl WarmCache {
    pub(crate) fn new(limits: WarmLimits) -> Self {
        Self {
            limits,
            kept: Vec::new(),
        }
    }

    /// The runtime kept for `job`'s action version, if any. A runtime of another version of
    /// the same action (or of other code under the same key) is dropped: never reused.
    pub(crate) fn take(&mut self, job: &Job) -> Option<Sandbox> {
        let key = job.warm.as_ref()?;
        let at = self.kept.iter().position(|k| k.key.action == key.action)?;
        let kept = self.kept.remove(at);
        (kept.key == *key && kept.code == code_of(job)).then_some(kept.sandbox)
    }

    /// Keeps `sandbox`, which holds `bytes` (what its run measured: walking QuickJS's heap
    /// again costs as much as a warm run), for `job`'s action version's next run, within the
    /// limits (dropping the least recently used ones to make room).
    pub(crate) fn keep(&mut self, job: &Job, sandbox: Sandbox, bytes: u64) {
        let Some(key) = &job.warm else { return };
        if self.limits.runtimes == 0 || bytes > self.limits.bytes {
            return;
        }
        self.kept.push(Kept {
            key: key.clone(),
            code: code_of(job),
            bytes,
            sandbox,
        });
        while self.kept.len() > self.limits.runtimes || self.bytes() > self.limits.bytes {
            self.kept.remove(0);
        }
    }

    /// How many runtimes are kept.
    #[cfg(test)]
    pub(crate) fn len(&self) -> usize {
        self.kept.len()
    }

    fn bytes(&self) -> u64 {
        self.kept.iter().map(|k| k.bytes).sum()
    }
}

/// What a kept runtime was built from besides its key: the code, the entry point and the
/// log limit its prelude captured.
fn code_of(job: &Job) -> u64 {
    let mut h = std::hash::DefaultHasher::new();
    job.code.hash(&mut h);
    job.main.hash(&mut h);
    job.options.max_log_bytes.hash(&mut h);
    h.finish()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::runtime::{Outcome, RunOptions};
    use serde_json::json;

    fn job(action: &str, version: &str, code: &str) -> Job {
        Job {
            code: code.into(),
            main: "main".into(),
            params: json!({}),
            options: RunOptions::for_limits(5_000, 64),
            warm: Some(WarmKey {
                action: action.into(),
                version: version.into(),
            }),
        }
    }

    /// Runs `job` as a worker does: warm when the cache has its runtime.
    fn run(cache: &mut WarmCache, job: &Job) -> (Outcome, bool) {
        let (out, sandbox, warm) = match cache.take(job) {
            Some(s) => {
                let (o, s) = s.run_warm(&job.params, &job.options, None);
                (o, s, true)
            }
            None => {
                let (o, s) =
                    Sandbox::run_cold(&job.code, &job.main, &job.params, &job.options, None);
                (o, s, false)
            }
        };
        if let Some(s) = sandbox {
            let bytes = s.bytes();
            cache.keep(job, s, bytes);
        }
        (out.outcome, warm)
    }

    const COUNTER: &str = "let n = 0; function main() { n += 1; return { n }; }";

    #[test]
    fn a_version_reuses_its_runtime_and_a_new_version_or_other_code_does_not() {
        let mut cache = WarmCache::new(WarmLimits::default());
        let v1 = job("guest/-/count", "1@10", COUNTER);
        assert_eq!(
            run(&mut cache, &v1),
            (Outcome::Success(json!({"n": 1})), false)
        );
        assert_eq!(
            run(&mut cache, &v1),
            (Outcome::Success(json!({"n": 2})), true)
        );
        // Saved again: a fresh runtime, and the old one is gone.
        let v2 = job("guest/-/count", "2@11", COUNTER);
        assert_eq!(
            run(&mut cache, &v2),
            (Outcome::Success(json!({"n": 1})), false)
        );
        assert_eq!(cache.len(), 1);
        // Other code under the same key (a store that reused a revision) is not trusted.
        let other = job(
            "guest/-/count",
            "2@11",
            &COUNTER.replace("n += 1", "n += 10"),
        );
        assert_eq!(
            run(&mut cache, &other),
            (Outcome::Success(json!({"n": 10})), false)
        );
        // Another action never sees this one's runtime.
        let another = job("guest/-/count2", "2@11", COUNTER);
        assert_eq!(
            run(&mut cache, &another),
            (Outcome::Success(json!({"n": 1})), false)
        );
    }

    #[test]
    fn the_count_and_byte_limits_drop_the_least_recently_used() {
        let mut cache = WarmCache::new(WarmLimits {
            runtimes: 2,
            bytes: u64::MAX,
        });
        for name in ["a", "b", "c"] {
            run(&mut cache, &job(name, "1", COUNTER));
        }
        assert_eq!(cache.len(), 2);
        // "a" was dropped; "b" and "c" are warm.
        assert!(!run(&mut cache, &job("a", "1", COUNTER)).1);
        assert!(run(&mut cache, &job("c", "1", COUNTER)).1);
        // A byte limit below one runtime keeps none.
        let mut tight = WarmCache::new(WarmLimits {
            runtimes: 8,
            bytes: 1024,
        });
        run(&mut tight, &job("a", "1", COUNTER));
        assert_eq!(tight.len(), 0);
        let mut off = WarmCache::new(WarmLimits {
            runtimes: 0,
            bytes: u64::MAX,
        });
        run(&mut off, &job("a", "1", COUNTER));
        assert_eq!(off.len(), 0);
    }

    #[test]
    fn a_failed_or_unsettled_run_is_not_kept() {
        for code in [
            "let n = 0; function main() { n += 1; throw new Error('no'); }",
            "function main() { return Promise.reject(new Error('no')); }",
            "throw new Error('at the top level');",
            "function main() { setTimeout(() => {}, 1000); return {}; }",
            "function main() { return 'not an object'; }",
        ] {
            let mut cache = WarmCache::new(WarmLimits::default());
            let (outcome, _) = run(&mut cache, &job("a", "1", code));
            assert_eq!(cache.len(), 0, "{code} ended {outcome:?} and was kept");
        }
    }
}
