//! Hostile actions cannot hurt the engine: every invocation ends by its deadline whatever
//! the code does, no value from JavaScript panics the host, nothing is stored past its cap,
//! and nothing acknowledged is dropped.

mod common;

use common::{PutNcp, ncp_body as body};

use engine::store::Paging;
use engine::web::WebRequest;
use engine::worker::WorkerOptions;
use engine::{Engine, EngineOptions, ErrorCode, Workers};
use providers::ActivationStatus;
use providers::AsyncStatus;
use serde_json::{Map, Value, json};
use std::sync::Arc;
use std::time::{Duration, Instant};

fn engine_with(options: EngineOptions) -> Arc<Engine> {
    Arc::new(Engine::in_memory(options).unwrap())
}

/// An engine whose worker is a shell `script` (a stand-in that misbehaves on purpose), with
/// an action `any` to invoke.
fn with_stand_in_worker(script: &str) -> Arc<Engine> {
    let mut worker = WorkerOptions::for_program("/bin/sh");
    worker.program.args = vec!["-c".into(), script.into()];
    let e = engine_with(EngineOptions {
        worker,
        ..common::options()
    });
    let code = "function main() { return {}; }";
    e.put_code("any", code, 1_000, 128);
    e
}

/// The activation's logs hold at most `max` bytes and end with the truncation notice.
fn assert_logs_capped(record: &engine::store::ActivationRecord, max: usize) {
    let kept: usize = record.logs.iter().map(String::len).sum();
    assert!(kept <= max, "{kept} bytes of logs kept");
    let last = record.logs.last().map(String::as_str).unwrap_or_default();
    assert!(last.contains(engine::runtime::LOG_TRUNCATED), "{last:?}");
}

fn wait_for(what: &str, limit: Duration, mut done: impl FnMut() -> bool) {
    let until = Instant::now() + limit;
    while !done() {
        assert!(Instant::now() < until, "timed out waiting for {what}");
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// Built-ins that loop in C without polling QuickJS's interrupt handler.
const RUNAWAYS: [(&str, &str); 3] = [
    (
        "join",
        "function main() { return { s: Array.prototype.join.call({length: 2**53-1}, '') }; }",
    ),
    (
        "includes",
        "function main() { return { found: Array.prototype.includes.call({length: 2**53-1}, 1) }; }",
    ),
    (
        "index-of",
        "function main() { return { at: new Array(2**32-1).indexOf(1) }; }",
    ),
];

#[test]
fn runaway_built_ins_end_at_the_deadline_and_free_their_slot() {
    let e = engine_with(common::options());
    for (name, code) in RUNAWAYS {
        e.put_code(name, code, 1_000, 128);
    }
    let runs: Vec<_> = RUNAWAYS
        .iter()
        .map(|(name, _)| {
            let e = e.clone();
            std::thread::spawn(move || {
                let started = Instant::now();
                let record = e.invoke(None, name, Map::new(), "guest", None).unwrap();
                (name, record, started.elapsed())
            })
        })
        .collect();
    for run in runs {
        let (name, record, took) = run.join().unwrap();
        assert_eq!(
            record.status,
            ActivationStatus::Timeout,
            "{name}: {:?}",
            record.result
        );
        assert_eq!(
            record.result,
            json!({"error": "The action exceeded its time limit of 1000 milliseconds."})
        );
        assert!(took < Duration::from_secs(3), "{name} took {took:?}");
        // The timeout is on record, as every activation is.
        assert_eq!(
            e.activation(&record.id).unwrap().status,
            ActivationStatus::Timeout
        );
    }
    assert_eq!(e.running(), 0, "every slot is free again");
    let stats = e.worker_stats();
    assert!(
        stats.killed >= 1,
        "an overrunning worker was killed: {stats:?}"
    );
    // The engine goes on as before.
    e.put_code("fine", "function main() { return { ok: 1 }; }", 1_000, 128);
    let fine = e.invoke(None, "fine", Map::new(), "guest", None).unwrap();
    assert_eq!(
        (fine.status.as_str(), fine.result),
        ("success", json!({"ok": 1}))
    );
}

#[test]
fn two_hundred_runaways_in_a_row_leave_the_engine_answering() {
    let e = engine_with(common::options());
    let (_, code) = RUNAWAYS[0];
    e.put_code("spin", code, 500, 128);
    let started = Instant::now();
    let callers: Vec<_> = (0..20)
        .map(|_| {
            let e = e.clone();
            std::thread::spawn(move || {
                (0..10)
                    .map(|_| {
                        e.invoke(None, "spin", Map::new(), "guest", None)
                            .unwrap()
                            .status
                    })
                    .filter(|s| *s == ActivationStatus::Timeout)
                    .count()
            })
        })
        .collect();
    let timeouts: usize = callers.into_iter().map(|c| c.join().unwrap()).sum();
    assert_eq!(timeouts, 200);
    // 10 rounds of 0.5 s, each with at most the 0.5 s grace, plus starting workers.
    assert!(
        started.elapsed() < Duration::from_secs(40),
        "{:?}",
        started.elapsed()
    );
    assert_eq!(e.running(), 0);
    e.put_code("fine", "function main() { return { ok: 1 }; }", 1_000, 128);
    let t = Instant::now();
    assert_eq!(
        e.invoke(None, "fine", Map::new(), "guest", None)
            .unwrap()
            .status,
        ActivationStatus::Success
    );
    assert!(t.elapsed() < Duration::from_secs(2), "{:?}", t.elapsed());
}

#[test]
fn a_public_web_action_cannot_be_hung_by_its_caller() {
    let e = engine_with(common::options());
    // Calls a built-in on whatever JSON the caller sends: {"length": 9e15} would hang it.
    let code =
        "function main(p) { return { body: String(Array.prototype.includes.call(p, 'x')) }; }";
    e.put_ncp(None, "lookup", Some("web"), &body(code, 1_000, 128))
        .unwrap();
    let request = WebRequest {
        method: "POST".into(),
        headers: vec![("content-type".into(), "application/json".into())],
        body: br#"{"length": 9e15}"#.to_vec(),
        ..Default::default()
    };
    let started = Instant::now();
    let response = e.run_web(None, "lookup", &request).unwrap();
    assert!(
        started.elapsed() < Duration::from_secs(3),
        "{:?}",
        started.elapsed()
    );
    assert_eq!(response.status, 502);
    let said: Value = serde_json::from_slice(&response.body).unwrap();
    assert_eq!(
        said["error"],
        "The action exceeded its time limit of 1000 milliseconds."
    );
    assert_eq!(e.running(), 0);
}

#[test]
fn no_timer_delay_panics_the_host() {
    let e = engine_with(common::options());
    for (i, delay) in [
        "Infinity",
        "-Infinity",
        "1e300",
        "NaN",
        "-1",
        "'soon'",
        "2**31",
    ]
    .iter()
    .enumerate()
    {
        let code = format!(
            "function main() {{ return new Promise((ok) => setTimeout(() => ok({{ fired: true }}), {delay})); }}"
        );
        let name = format!("t{i}");
        e.put_code(&name, &code, 1_000, 128);
        let record = e.invoke(None, &name, Map::new(), "guest", None).unwrap();
        // Node's rule: a delay out of range runs at once.
        assert_eq!(
            (record.status.as_str(), &record.result),
            ("success", &json!({"fired": true})),
            "setTimeout(…, {delay})"
        );
    }
    // The host's hooks are out of the action's reach: replacing globals changes nothing.
    let code = "globalThis.__now = () => Infinity; globalThis.__nextDue = () => NaN; function main() { return new Promise((ok) => setTimeout(() => ok({ fired: true }), 5)); }";
    e.put_code("meddler", code, 1_000, 128);
    assert_eq!(
        e.invoke(None, "meddler", Map::new(), "guest", None)
            .unwrap()
            .result,
        json!({"fired": true})
    );
}

#[test]
fn a_queue_worker_survives_any_delay_and_goes_on() {
    let e = engine_with(common::options());
    let code = "function main() { return new Promise((ok) => setTimeout(() => ok({ fired: true }), Infinity)); }";
    e.put_code("inf", code, 1_000, 128);
    e.put_code(
        "next",
        "function main() { return { next: true }; }",
        1_000,
        128,
    );
    let workers = Workers::start(e.clone(), 1);
    let first = e
        .enqueue(None, "inf", Map::new(), "guest", Duration::from_secs(60))
        .unwrap();
    let second = e
        .enqueue(None, "next", Map::new(), "guest", Duration::from_secs(60))
        .unwrap();
    let status = |id: &str| e.async_invocation(id).unwrap().unwrap().status;
    // One worker thread runs both, in either order (ids break ties within a millisecond).
    wait_for("both to succeed", Duration::from_secs(20), || {
        [&first, &second]
            .iter()
            .all(|q| status(&q.request_id) == AsyncStatus::Success)
    });
    workers.stop();
}

#[test]
fn huge_thrown_values_and_log_lines_are_capped_like_results() {
    let e = engine_with(common::options());
    let cases = [
        ("throw-string", "function main() { throw 'x'.repeat(1e8); }"),
        (
            "throw-error",
            "function main() { throw new Error('y'.repeat(1e8)); }",
        ),
        ("reject", "async function main() { throw 'z'.repeat(1e8); }"),
    ];
    for (name, code) in cases {
        e.put_code(name, code, 60_000, 512);
        let record = e.invoke(None, name, Map::new(), "guest", None).unwrap();
        assert_eq!(record.status, ActivationStatus::ApplicationError, "{name}");
        let error = record.result["error"].as_str().unwrap();
        assert!(
            error.len() <= 1024 * 1024,
            "{name}: {} bytes kept",
            error.len()
        );
        assert!(
            error.ends_with("[the error was truncated at the result limit of 1048576 bytes]"),
            "{name}: …{}",
            &error[error.len().saturating_sub(80)..]
        );
        let stored = e.activation(&record.id).unwrap();
        assert!(
            stored.result.to_string().len() < 1024 * 1024 + 100,
            "{name}"
        );
    }
    // The async record copies the message: capped too.
    let workers = Workers::start(e.clone(), 1);
    let queued = e
        .enqueue(
            None,
            "throw-string",
            Map::new(),
            "guest",
            Duration::from_secs(60),
        )
        .unwrap();
    wait_for("the failure", Duration::from_secs(60), || {
        e.async_invocation(&queued.request_id)
            .unwrap()
            .unwrap()
            .status
            == AsyncStatus::Fail
    });
    let record = e.async_invocation(&queued.request_id).unwrap().unwrap();
    assert!(record.error_message.len() <= 1024 * 1024);
    workers.stop();

    let code = "function main() { console.log('l'.repeat(1e8)); console.log('after'); return {}; }";
    e.put_code("loud", code, 60_000, 512);
    let record = e.invoke(None, "loud", Map::new(), "guest", None).unwrap();
    assert_eq!(record.status, ActivationStatus::Success);
    assert_logs_capped(&record, 1024 * 1024 - 1);
}

#[test]
fn five_hundred_non_blocking_invocations_past_the_limit_all_end_up_recorded() {
    let e = engine_with(EngineOptions {
        max_concurrent: 2,
        ..common::options()
    });
    let slow = "function main(p) { return new Promise((ok) => setTimeout(() => ok({}), p.ms)); }";
    e.put_code("slow", slow, 10_000, 128);
    e.put_code(
        "quick",
        "function main(p) { return { n: p.n }; }",
        10_000,
        128,
    );
    // Both slots are taken while the invocations are accepted.
    for _ in 0..2 {
        let held = e
            .invoke_waiting(
                None,
                "slow",
                json!({"ms": 1500}).as_object().unwrap().clone(),
                "guest",
                Duration::from_millis(1),
            )
            .unwrap();
        assert!(matches!(held, engine::Invoked::StillRunning { .. }));
    }
    let refused = e
        .invoke(None, "quick", Map::new(), "guest", None)
        .unwrap_err();
    assert_eq!(refused.code, ErrorCode::TooManyRequests);
    // A zero wait is OpenWhisk's blocking=false and NCP's timeout=0: acknowledged with an id
    // at once, never refused for the limit.
    let queued: Vec<String> = (0..500)
        .map(|n| {
            let params = json!({"n": n}).as_object().unwrap().clone();
            match e.invoke_waiting(None, "quick", params, "guest", Duration::ZERO) {
                Ok(engine::Invoked::StillRunning { activation_id }) => activation_id,
                other => panic!("a non-blocking invocation answered {other:?}"),
            }
        })
        .collect();
    let workers = Workers::start(e.clone(), 4);
    wait_for("all 500 to succeed", Duration::from_secs(120), || {
        e.async_invocations(
            &engine::store::AsyncFilter {
                status: Some(AsyncStatus::Success),
                action: Some("quick".into()),
                ..Default::default()
            },
            Paging::first(1),
        )
        .unwrap()
        .1 == 500
    });
    for (n, id) in queued.iter().enumerate() {
        let activation = e.activation(id).unwrap();
        assert_eq!(activation.result, json!({"n": n}));
    }
    workers.stop();
}

#[test]
fn web_traffic_has_its_own_bound_and_the_memory_budget_holds() {
    let e = engine_with(EngineOptions {
        max_concurrent_web: 1,
        memory_budget_mb: 512,
        ..common::options()
    });
    let slow = "function main(p) { return new Promise((ok) => setTimeout(() => ok({ body: 'late' }), 1000)); }";
    e.put_ncp(None, "page", Some("web"), &body(slow, 10_000, 128))
        .unwrap();
    e.put_code("big", slow, 10_000, 512);
    let busy = {
        let e = e.clone();
        std::thread::spawn(move || e.run_web(None, "page", &WebRequest::default()).unwrap())
    };
    wait_for("the web invocation to run", Duration::from_secs(5), || {
        e.running() == 1
    });
    let refused = e.run_web(None, "page", &WebRequest::default()).unwrap_err();
    assert_eq!(refused.code, ErrorCode::TooManyRequests);
    assert!(
        refused.message.contains("web-action invocations"),
        "{}",
        refused.message
    );
    // Signed callers still get in, up to the memory budget: 128 MB held + 512 MB > 512 MB.
    let refused = e
        .invoke(None, "big", Map::new(), "guest", None)
        .unwrap_err();
    assert!(
        refused.message.contains("memory budget"),
        "{}",
        refused.message
    );
    assert_eq!(busy.join().unwrap().status, 200);
    assert_eq!(
        e.invoke(None, "big", Map::new(), "guest", None)
            .unwrap()
            .status,
        ActivationStatus::Success
    );
}

#[test]
fn the_queue_is_bounded_and_ended_records_expire() {
    let e = engine_with(EngineOptions {
        max_queued: 3,
        retention: Duration::ZERO,
        ..common::options()
    });
    e.put_code("quick", "function main() { return {}; }", 1_000, 128);
    for _ in 0..3 {
        e.enqueue(None, "quick", Map::new(), "guest", Duration::from_secs(60))
            .unwrap();
    }
    let refused = e
        .enqueue(None, "quick", Map::new(), "guest", Duration::from_secs(60))
        .unwrap_err();
    assert_eq!(
        (refused.code, refused.code.status()),
        (ErrorCode::TooManyRequests, 429)
    );
    assert!(
        refused
            .message
            .starts_with("3 invocations are already waiting"),
        "{}",
        refused.message
    );
    while e.run_next_queued().unwrap() {}
    let all = |e: &Engine| {
        e.async_invocations(&Default::default(), Paging::first(10))
            .unwrap()
            .1
    };
    assert_eq!(all(&e), 3);
    std::thread::sleep(Duration::from_millis(5));
    e.purge_expired(engine::now_ms()).unwrap();
    assert_eq!(
        all(&e),
        0,
        "ended records older than the retention are gone"
    );
}

#[test]
fn a_worker_that_dies_mid_run_is_an_internal_error_and_the_engine_goes_on() {
    // A stand-in worker that reads its job and dies of SIGSEGV, as a crashing runtime would.
    let e = with_stand_in_worker("read job; kill -SEGV $$");
    let record = e.invoke(None, "any", Map::new(), "guest", None).unwrap();
    assert_eq!(record.status, ActivationStatus::InternalError);
    let error = record.result["error"].as_str().unwrap();
    assert!(
        error.contains("worker process ended unexpectedly") && error.contains("SIGSEGV"),
        "{error}"
    );
    assert_eq!(
        e.activation(&record.id).unwrap().status,
        ActivationStatus::InternalError
    );
    assert_eq!(e.running(), 0);
    // And the queue: the job fails with the reason, the worker thread goes on to the next.
    let workers = Workers::start(e.clone(), 1);
    let a = e
        .enqueue(None, "any", Map::new(), "guest", Duration::from_secs(60))
        .unwrap();
    let b = e
        .enqueue(None, "any", Map::new(), "guest", Duration::from_secs(60))
        .unwrap();
    wait_for("both to fail", Duration::from_secs(20), || {
        [&a, &b].iter().all(|q| {
            e.async_invocation(&q.request_id).unwrap().unwrap().status == AsyncStatus::Fail
        })
    });
    workers.stop();
}

#[test]
fn workers_hold_no_secret_from_the_engines_environment() {
    // The worker's environment is cleared: action code has no way to read it, and the
    // process does not hold it either. A stand-in worker prints what it was given.
    let dir = tempfile::tempdir().unwrap();
    let seen = dir.path().join("env");
    // SAFETY of the test: set before any worker starts; no other test reads this variable.
    unsafe { std::env::set_var("FNCONSOLE_TEST_CLOUD_SECRET", "s3cr3t") };
    let e = with_stand_in_worker(&format!("env > {}; read job", seen.display()));
    let _ = e.invoke(None, "any", Map::new(), "guest", None).unwrap();
    let env = std::fs::read_to_string(&seen).unwrap();
    assert!(!env.contains("s3cr3t"), "{env}");
    assert!(env.contains("FNCONSOLE_WORKER_PARENT="), "{env}");
}

#[test]
fn shutdown_waits_no_longer_than_a_runaway_deadline() {
    let e = engine_with(common::options());
    let (_, code) = RUNAWAYS[1];
    e.put_code("spin", code, 1_000, 128);
    let workers = Workers::start(e.clone(), 2);
    let queued = e
        .enqueue(None, "spin", Map::new(), "guest", Duration::from_secs(60))
        .unwrap();
    let status = || {
        e.async_invocation(&queued.request_id)
            .unwrap()
            .unwrap()
            .status
    };
    wait_for("the runaway to start", Duration::from_secs(10), || {
        status() == AsyncStatus::Running
    });
    let stopping = Instant::now();
    workers.stop();
    assert!(
        stopping.elapsed() < Duration::from_secs(3),
        "{:?}",
        stopping.elapsed()
    );
    assert_eq!(status(), AsyncStatus::Fail);
    let activation = e.activation(&queued.activation_id).unwrap();
    assert_eq!(activation.status, ActivationStatus::Timeout);
}

#[test]
fn workers_run_with_an_address_space_limit_no_core_dumps_and_a_system_call_filter() {
    let e = engine_with(common::options());
    let code = "function main() { return {}; }";
    e.put_code("idle", code, 1_000, 128);
    e.invoke(None, "idle", Map::new(), "guest", None).unwrap();
    // The worker now waits in the pool: find this process's worker children and read their
    // limits as the kernel applies them.
    let mut children = Vec::new();
    for task in std::fs::read_dir("/proc/self/task").unwrap() {
        let listed =
            std::fs::read_to_string(task.unwrap().path().join("children")).unwrap_or_default();
        children.extend(listed.split_whitespace().map(str::to_string));
    }
    let workers: Vec<String> = children
        .into_iter()
        .filter(|pid| {
            std::fs::read_to_string(format!("/proc/{pid}/cmdline"))
                .is_ok_and(|c| c.contains("engine-worker"))
        })
        .collect();
    assert!(!workers.is_empty(), "no worker process found");
    let address_space = engine::worker::WorkerOptions::default().address_space_bytes;
    let mut checked = 0;
    for pid in workers {
        let Ok(limits) = std::fs::read_to_string(format!("/proc/{pid}/limits")) else {
            continue; // it ended meanwhile (another test's worker)
        };
        checked += 1;
        // The system-call allow-list is installed (mode 2: filter) with no_new_privs.
        let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
        let field = |name: &str| {
            status
                .lines()
                .find_map(|l| l.strip_prefix(name).map(str::trim))
                .unwrap_or_default()
                .to_string()
        };
        assert_eq!(field("Seccomp:"), "2", "{status}");
        assert_eq!(field("NoNewPrivs:"), "1", "{status}");
        let row = |name: &str| {
            limits
                .lines()
                .find(|l| l.starts_with(name))
                .map(|l| l.split_whitespace().collect::<Vec<_>>().join(" "))
                .unwrap_or_default()
        };
        assert!(
            row("Max address space").contains(&format!("{address_space} {address_space} bytes")),
            "{}",
            row("Max address space")
        );
        assert!(
            row("Max core file size").contains("0 0 bytes"),
            "{}",
            row("Max core file size")
        );
    }
    assert!(checked > 0, "no worker's limits could be read");
}

#[test]
fn a_flood_of_empty_log_lines_is_capped_on_record() {
    let e = engine_with(common::options());
    // A bounded flood (200,000 stamped lines are several MB) reaches the 1 MB cap whatever the
    // machine's load; an endless one raced its 1 s limit on a busy machine.
    let code = "function main() { for (let i = 0; i < 200000; i++) console.log(); return {}; }";
    e.put_code("flood", code, 60_000, 128);
    let record = e.invoke(None, "flood", Map::new(), "guest", None).unwrap();
    assert_eq!(record.status, ActivationStatus::Success);
    assert_logs_capped(&record, 1024 * 1024 + 200);
}

#[test]
fn a_public_caller_cannot_fill_the_disk_through_recorded_parameters() {
    let e = engine_with(common::options());
    let code = "function main(p) { return { body: 'got ' + p.blob.length }; }";
    e.put_ncp(None, "echo", Some("web"), &body(code, 1_000, 128))
        .unwrap();
    let blob = "b".repeat(100_000);
    let request = WebRequest {
        method: "POST".into(),
        headers: vec![("content-type".into(), "application/json".into())],
        body: json!({ "blob": blob }).to_string().into_bytes(),
        ..Default::default()
    };
    // The action gets every byte; its activation keeps a note instead of 100 KB.
    let response = e.run_web(None, "echo", &request).unwrap();
    assert_eq!(response.body, b"got 100000");
    let (page, _) = e
        .activations(
            &Default::default(),
            Default::default(),
            Paging {
                offset: 0,
                limit: 1,
            },
        )
        .unwrap();
    let kept = page[0].params.to_string();
    assert!(kept.len() < 1024, "{kept}");
    assert!(kept.contains("at most 16384 are kept"), "{kept}");
    // A signed caller's input is kept whole, so the run can be repeated.
    let params = json!({ "blob": blob }).as_object().unwrap().clone();
    let signed = e.invoke(None, "echo", params, "guest", None).unwrap();
    assert_eq!(
        e.activation(&signed.id).unwrap().params["blob"]
            .as_str()
            .unwrap()
            .len(),
        100_000
    );
}

#[test]
fn a_sequence_ends_by_its_own_deadline_however_many_components_it_has() {
    let e = engine_with(EngineOptions {
        sequence_timeout: Duration::from_secs(1),
        ..common::options()
    });
    let nap = "function main(p) { return new Promise((ok) => setTimeout(() => ok({ n: (p.n || 0) + 1 }), 600)); }";
    e.put_code("nap", nap, 10_000, 128);
    let components: Vec<&str> = vec!["-/nap"; 5];
    e.put_ncp(
        None,
        "naps",
        Some("sequence"),
        &json!({"exec": {"kind": "sequence", "components": components}}),
    )
    .unwrap();
    let started = Instant::now();
    let record = e.invoke(None, "naps", Map::new(), "guest", None).unwrap();
    // Five components of 0.6 s each would take 3 s; the sequence stops at its 1 s.
    assert!(
        started.elapsed() < Duration::from_millis(2_000),
        "{:?}",
        started.elapsed()
    );
    assert_eq!(
        record.status,
        ActivationStatus::Timeout,
        "{:?}",
        record.result
    );
    assert!(record.components.len() < 5, "{:?}", record.components);
    assert_eq!(e.running(), 0);
}
