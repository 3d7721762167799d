//! Invocation cost: a sandbox run cold and warm in this process and in a worker process
//! (the cost of isolation), full engine invocations warm and cold, in memory and on disk,
//! on one thread and on every core, and the baseline of starting `node -e` per invocation
//! with the same code, in one run. Ends with the p50/p99 of single warm invocations on disk.

use criterion::{Criterion, criterion_group, criterion_main};
use engine::runtime::{RunOptions, Sandbox, run};
use engine::worker::{WarmLimits, WorkerOptions, WorkerPool};
use engine::{Engine, EngineOptions};
use serde_json::{Map, Value, json};
use std::process::Command;
use std::sync::Arc;
use std::time::{Duration, Instant};

const CODE: &str =
    "function main(p) { return { greeting: 'Hello, ' + (p.name || 'World') + '!' }; }";

fn worker() -> WorkerOptions {
    WorkerOptions::for_program(env!("CARGO_BIN_EXE_engine-worker"))
}

/// An engine (in memory, or on disk in `dir`) with the trivial action `hello`.
fn engine_with_hello(dir: Option<&std::path::Path>, worker: WorkerOptions) -> Arc<Engine> {
    let options = EngineOptions {
        worker,
        ..EngineOptions::default()
    };
    let engine = match dir {
        Some(dir) => Engine::open(&dir.join("engine.db"), options),
        None => Engine::in_memory(options),
    }
    .unwrap();
    engine
        .put_action(
            None,
            "hello",
            engine::validate::ncp_draft(
                None,
                &json!({"limits": {"timeout": 60000, "memory": 256}, "exec": {"kind": "nodejs:20", "code": CODE, "binary": false}}),
            )
            .unwrap(),
        )
        .unwrap();
    Arc::new(engine)
}

fn input() -> Map<String, Value> {
    json!({"name": "Kim"}).as_object().cloned().unwrap()
}

/// Wall time per invocation with `threads` threads invoking `hello` together.
fn on_threads(engine: &Arc<Engine>, threads: usize, iters: u64) -> Duration {
    let per_thread = iters.div_ceil(threads as u64);
    let started = Instant::now();
    let handles: Vec<_> = (0..threads)
        .map(|_| {
            let engine = engine.clone();
            std::thread::spawn(move || {
                for _ in 0..per_thread {
                    engine
                        .invoke(None, "hello", input(), "bench", None)
                        .unwrap();
                }
            })
        })
        .collect();
    for h in handles {
        h.join().unwrap();
    }
    started
        .elapsed()
        .mul_f64(iters as f64 / (per_thread * threads as u64) as f64)
}

fn bench(c: &mut Criterion) {
    let mut group = c.benchmark_group("invocation");
    group.sample_size(20);
    group.bench_function("baseline: node -e per invocation", |b| {
        let script = format!("{CODE}\nconsole.log(JSON.stringify(main({{name: 'Kim'}})));");
        b.iter(|| {
            let out = Command::new("node")
                .args(["-e", &script])
                .output()
                .expect("node runs");
            assert!(out.status.success());
        })
    });
    group.finish();

    let mut group = c.benchmark_group("invocation");
    group.sample_size(200);
    let params = json!({"name": "Kim"});
    let options = RunOptions::for_limits(60_000, 256);
    group.bench_function("cold: new sandbox, compile, run (in this process)", |b| {
        b.iter(|| run(CODE, "main", &params, &options, None))
    });
    group.bench_function("warm: kept sandbox, run (in this process)", |b| {
        let mut kept = Sandbox::run_cold(CODE, "main", &params, &options, None).1;
        b.iter(|| {
            let sandbox = kept.take().expect("a successful run keeps its sandbox");
            let (out, again) = sandbox.run_warm(&params, &options, None);
            kept = again;
            out
        })
    });
    let pool = WorkerPool::new(worker());
    group.bench_function(
        "cold: new sandbox, compile, run (in a worker process)",
        |b| b.iter(|| pool.run(CODE, "main", &params, &options, &mut |_| {})),
    );

    let in_memory = engine_with_hello(None, worker());
    group.bench_function(
        "engine invoke: lookup, worker, warm run, record (in memory)",
        |b| {
            b.iter(|| {
                in_memory
                    .invoke(None, "hello", input(), "bench", None)
                    .unwrap()
            })
        },
    );
    let cold_options = WorkerOptions {
        warm: WarmLimits {
            runtimes: 0,
            bytes: 0,
        },
        ..worker()
    };
    let cold = engine_with_hello(None, cold_options);
    group.bench_function(
        "engine invoke: lookup, worker, cold run, record (in memory, warm runtimes off)",
        |b| b.iter(|| cold.invoke(None, "hello", input(), "bench", None).unwrap()),
    );
    let dir = tempfile::tempdir().unwrap();
    let on_disk = engine_with_hello(Some(dir.path()), worker());
    group.bench_function(
        "engine invoke: lookup, worker, warm run, record (on disk)",
        |b| {
            b.iter(|| {
                on_disk
                    .invoke(None, "hello", input(), "bench", None)
                    .unwrap()
            })
        },
    );
    let cores = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(1);
    for threads in [1, cores.max(2)] {
        group.bench_function(
            format!(
                "throughput: engine invoke on {threads} thread(s), on disk (time per invocation)"
            ),
            |b| b.iter_custom(|iters| on_threads(&on_disk, threads, iters)),
        );
    }
    group.finish();
    latencies(&on_disk);
}

/// p50 and p99 of single warm invocations on disk, each timed on its own.
fn latencies(engine: &Arc<Engine>) {
    let mut times: Vec<Duration> = (0..5_000)
        .map(|_| {
            let started = Instant::now();
            engine
                .invoke(None, "hello", input(), "bench", None)
                .unwrap();
            started.elapsed()
        })
        .collect();
    times.sort();
    let at = |q: f64| times[((times.len() as f64 * q) as usize).min(times.len() - 1)];
    println!(
        "single warm invocations on disk, 5000: p50 {:?}, p99 {:?}; worker stats {:?}",
        at(0.50),
        at(0.99),
        engine.worker_stats()
    );
}

criterion_group!(benches, bench);
criterion_main!(benches);
