//! Invocation cost: a cold sandbox run in this process and in a worker process (the cost of
//! isolation), a full engine invocation, throughput on every core, and the baseline of
//! starting `node -e` per invocation with the same code, in one run.

use criterion::{Criterion, criterion_group, criterion_main};
use engine::runtime::{RunOptions, run};
use engine::worker::{WorkerOptions, WorkerPool};
use engine::{Engine, EngineOptions};
use serde_json::{Map, json};
use std::process::Command;
use std::sync::Arc;
use std::time::Instant;

const CODE: &str =
    "function main(p) { return { greeting: 'Hello, ' + (p.name || 'World') + '!' }; }";

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
    let worker = || WorkerOptions::for_program(env!("CARGO_BIN_EXE_engine-worker"));
    let pool = WorkerPool::new(worker());
    group.bench_function(
        "cold: new sandbox, compile, run (in a worker process)",
        |b| b.iter(|| pool.run(CODE, "main", &params, &options, &mut |_| {})),
    );

    let engine = Arc::new(
        Engine::in_memory(EngineOptions {
            worker: worker(),
            ..EngineOptions::default()
        })
        .unwrap(),
    );
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
    let input: Map<String, serde_json::Value> = params.as_object().cloned().unwrap();
    group.bench_function("engine invoke: lookup, worker, sandbox, run, record", |b| {
        b.iter(|| {
            engine
                .invoke(None, "hello", input.clone(), "bench", None)
                .unwrap()
        })
    });
    let cores = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(1);
    group.bench_function(
        format!("throughput: engine invoke on {cores} threads (time per invocation)"),
        |b| {
            b.iter_custom(|iters| {
                let per_thread = iters.div_ceil(cores as u64);
                let started = Instant::now();
                let handles: Vec<_> = (0..cores)
                    .map(|_| {
                        let (engine, input) = (engine.clone(), input.clone());
                        std::thread::spawn(move || {
                            for _ in 0..per_thread {
                                engine
                                    .invoke(None, "hello", input.clone(), "bench", None)
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
                    .mul_f64(iters as f64 / (per_thread * cores as u64) as f64)
            })
        },
    );
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
