//! No leak: the resident size of an engine on disk (this process and its worker processes
//! together) after many warm invocations is within 10 % of its size after a tenth of them.
//! The bounded test runs in every `cargo test`; the million is ignored by default:
//!   cargo test --release -p engine --test memory -- --ignored

mod common;

use std::sync::Arc;

use common::PutNcp;
use engine::Engine;
use serde_json::json;

struct Put<'a>(&'a Engine);

impl PutNcp for Put<'_> {
    fn engine(&self) -> &Engine {
        self.0
    }
}

/// The trivial action, with a global that a warm runtime keeps from one run to the next (so
/// the runs are warm ones, in the runtimes that are kept).
const CODE: &str = "let runs = 0; function main(p) { runs += 1; return { greeting: 'Hello, ' + (p.name || 'World') + '!', runs }; }";

#[test]
fn resident_size_after_100_000_invocations_is_within_10_percent_of_after_10_000() {
    assert_flat(10_000, 100_000);
}

#[test]
#[ignore = "a million invocations: minutes; run with --release -- --ignored"]
fn resident_size_after_1_000_000_invocations_is_within_10_percent_of_after_10_000() {
    assert_flat(10_000, 1_000_000);
}

/// Invokes on two threads until `early` invocations, measures, goes on to `late`, measures.
fn assert_flat(early: u64, late: u64) {
    let dir = tempfile::tempdir().unwrap();
    let engine = Arc::new(Engine::open(&dir.path().join("engine.db"), common::options()).unwrap());
    Put(&engine)
        .put_ncp(None, "hello", None, &common::ncp_body(CODE, 60_000, 128))
        .unwrap();
    let invoke_until = |total: u64| {
        let threads: Vec<_> = (0..2)
            .map(|_| {
                let engine = engine.clone();
                std::thread::spawn(move || {
                    for _ in 0..total / 2 {
                        let params = json!({"name": "Kim"}).as_object().cloned().unwrap();
                        let record = engine
                            .invoke(None, "hello", params, "memory", None)
                            .unwrap();
                        assert_eq!(
                            record.status,
                            providers::ActivationStatus::Success,
                            "{:?}",
                            record.result
                        );
                    }
                })
            })
            .collect();
        for t in threads {
            t.join().unwrap();
        }
    };
    invoke_until(early);
    let at_early = resident_kib();
    invoke_until(late - early);
    let at_late = resident_kib();
    let stats = engine.worker_stats();
    eprintln!(
        "resident after {early}: {at_early:?} KiB, after {late}: {at_late:?} KiB (engine, workers); {stats:?}"
    );
    // Warm runtimes served nearly every run, so the runtimes measured are the kept ones.
    assert!(stats.warm_runs >= late - 100, "{stats:?}");
    let (early_sum, late_sum) = (at_early.0 + at_early.1, at_late.0 + at_late.1);
    assert!(
        late_sum * 10 <= early_sum * 11,
        "resident size grew from {early_sum} KiB after {early} invocations to {late_sum} KiB after {late} (more than 10 %)"
    );
}

/// `VmRSS` of this process and of its children (the worker processes) together, KiB.
fn resident_kib() -> (u64, u64) {
    let me = std::process::id();
    let children: u64 = std::fs::read_dir("/proc")
        .unwrap()
        .filter_map(|e| e.ok()?.file_name().to_str()?.parse::<u32>().ok())
        .filter(|&pid| parent_of(pid) == Some(me))
        .map(vm_rss_kib)
        .sum();
    (vm_rss_kib(me), children)
}

fn parent_of(pid: u32) -> Option<u32> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // The fields after the command's closing parenthesis: state, ppid, …
    let (_, rest) = stat.rsplit_once(')')?;
    rest.split_whitespace().nth(1)?.parse().ok()
}

fn vm_rss_kib(pid: u32) -> u64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .ok()
        .and_then(|s| {
            let line = s.lines().find_map(|l| l.strip_prefix("VmRSS:"))?;
            line.trim().trim_end_matches("kB").trim().parse().ok()
        })
        .unwrap_or(0)
}
