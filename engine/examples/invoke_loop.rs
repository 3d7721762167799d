//! Warm invocations of the trivial action in a loop, for profiles and the memory figure:
//! prints the time per invocation and the resident size of this process and of its worker
//! processes at each checkpoint (a power of ten, and the end).
//!   cargo build --release -p engine --example invoke_loop --bin engine-worker
//!   target/release/examples/invoke_loop [invocations, default 100000] [memory|disk|sandbox] [threads]
//! Under `valgrind --tool=callgrind` it gives the engine side's instructions per invocation
//! (the worker runs natively: its seccomp filter does not admit valgrind's system calls);
//! `sandbox` runs the warm sandbox alone in this process, what a worker does for a job.

use std::sync::Arc;
use std::time::Instant;

use engine::worker::WorkerOptions;
use engine::{Engine, EngineOptions};
use serde_json::json;

const CODE: &str =
    "function main(p) { return { greeting: 'Hello, ' + (p.name || 'World') + '!' }; }";

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let count: u64 = args.next().map_or(Ok(100_000), |a| a.parse())?;
    let mode = args.next().unwrap_or_else(|| "disk".into());
    if mode == "sandbox" {
        return sandbox_loop(count);
    }
    let on_disk = mode == "disk";
    let threads: u64 = args.next().map_or(Ok(1), |a| a.parse())?;
    let exe = std::env::current_exe()?;
    // target/release/examples/invoke_loop → target/release/engine-worker
    let worker = exe
        .parent()
        .and_then(|p| p.parent())
        .map(|p| p.join("engine-worker"))
        .ok_or("no directory above the example's binary")?;
    let options = EngineOptions {
        worker: WorkerOptions::for_program(worker),
        ..EngineOptions::default()
    };
    let dir = tempfile::tempdir()?;
    let engine = Arc::new(match on_disk {
        true => Engine::open(&dir.path().join("engine.db"), options)?,
        false => Engine::in_memory(options)?,
    });
    let body = json!({"limits": {"timeout": 60000, "memory": 256}, "exec": {"kind": "nodejs:20", "code": CODE, "binary": false}});
    engine.put_action(None, "hello", engine::validate::ncp_draft(None, &body)?)?;
    let started = Instant::now();
    let per_thread = count / threads;
    let handles: Vec<_> = (0..threads)
        .map(|t| {
            let engine = engine.clone();
            std::thread::spawn(move || -> Result<(), String> {
                let (mut last, mut last_n) = (Instant::now(), 0);
                for n in 1..=per_thread {
                    let params = json!({"name": "Kim"}).as_object().cloned().unwrap_or_default();
                    engine
                        .invoke(None, "hello", params, "loop", None)
                        .map_err(|e| e.to_string())?;
                    if t == 0 && (is_checkpoint(n) || n == per_thread) {
                        let per = last.elapsed().as_secs_f64() * 1e6 / (n - last_n) as f64;
                        println!(
                            "{:>9} invocations: {per:8.1} µs each since the last line; resident: engine {} KiB, workers {} KiB",
                            n * threads,
                            resident_kib(std::process::id()),
                            children_resident_kib(),
                        );
                        (last, last_n) = (Instant::now(), n);
                    }
                }
                Ok(())
            })
        })
        .collect();
    for h in handles {
        h.join().map_err(|_| "a thread panicked")??;
    }
    let elapsed = started.elapsed();
    println!(
        "{count} invocations on {threads} thread(s) in {:.2} s: {:.1} µs each, {:.0}/s",
        elapsed.as_secs_f64(),
        elapsed.as_secs_f64() * 1e6 / count as f64,
        count as f64 / elapsed.as_secs_f64()
    );
    Ok(())
}

/// `count` warm runs of a kept sandbox in this process.
fn sandbox_loop(count: u64) -> Result<(), Box<dyn std::error::Error>> {
    use engine::runtime::{RunOptions, Sandbox};
    let params = json!({"name": "Kim"});
    let options = RunOptions::for_limits(60_000, 256);
    let mut kept = Sandbox::run_cold(CODE, "main", &params, &options, None).1;
    let started = Instant::now();
    for _ in 0..count {
        let sandbox = kept.take().ok_or("a successful run keeps its sandbox")?;
        kept = sandbox.run_warm(&params, &options, None).1;
    }
    let elapsed = started.elapsed();
    println!(
        "{count} warm sandbox runs in {:.2} s: {:.2} µs each",
        elapsed.as_secs_f64(),
        elapsed.as_secs_f64() * 1e6 / count as f64
    );
    Ok(())
}

fn is_checkpoint(n: u64) -> bool {
    let digits = n.to_string();
    digits.len() > 1 && digits.starts_with('1') && digits[1..].bytes().all(|b| b == b'0')
}

/// `VmRSS` of a process, KiB (0 when unreadable).
fn resident_kib(pid: u32) -> u64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .ok()
        .and_then(|s| {
            s.lines()
                .find_map(|l| l.strip_prefix("VmRSS:"))
                .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        })
        .unwrap_or(0)
}

/// The resident size of this process's children (the workers) together, KiB.
fn children_resident_kib() -> u64 {
    let me = std::process::id().to_string();
    let Ok(dir) = std::fs::read_dir("/proc") else {
        return 0;
    };
    dir.filter_map(|e| e.ok()?.file_name().to_str()?.parse::<u32>().ok())
        .filter(|pid| {
            std::fs::read_to_string(format!("/proc/{pid}/stat")).is_ok_and(|stat| {
                // The fields after the command's closing parenthesis: state, ppid, …
                stat.rsplit_once(')')
                    .and_then(|(_, rest)| rest.split_whitespace().nth(1).map(|p| p == me))
                    .unwrap_or(false)
            })
        })
        .map(resident_kib)
        .sum()
}
