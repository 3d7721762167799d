//! Bounded waits, the asynchronous queue through every status, and durability across a
//! SIGKILL.

mod common;

use common::PutNcp;

use engine::store::{AsyncFilter, Paging};
use engine::{Engine, EngineOptions, ErrorCode, Invoked, Workers};
use providers::ActivationStatus;
use providers::AsyncStatus;
use serde_json::{Map, Value, json};
use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// An NCP body for `code`, with these tests' limits.
fn body(code: &str) -> Value {
    common::ncp_body(code, 10_000, 128)
}

const SLOW: &str =
    "function main(p) { return new Promise((ok) => setTimeout(() => ok({ slept: p.ms }), p.ms)); }";

fn params(v: Value) -> Map<String, Value> {
    v.as_object().unwrap().clone()
}

/// Queues `name` with `params`, allowed to wait `wait`; its request id.
fn enqueue(e: &Engine, name: &str, params: Map<String, Value>, wait: Duration) -> String {
    e.enqueue(None, name, params, "guest", wait)
        .unwrap()
        .request_id
}

/// The status of the asynchronous invocation `id`, which must exist.
fn status(e: &Engine, id: &str) -> AsyncStatus {
    e.async_invocation(id).unwrap().expect("stored").status
}

/// How many asynchronous invocations `filter` keeps.
fn count(e: &Engine, filter: AsyncFilter) -> u64 {
    e.async_invocations(&filter, Paging::first(10)).unwrap().1
}

fn wait_for(mut done: impl FnMut() -> bool) {
    let until = Instant::now() + Duration::from_secs(10);
    while !done() {
        assert!(Instant::now() < until, "timed out waiting");
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[test]
fn a_blocking_invocation_past_its_wait_returns_the_activation_id_and_goes_on() {
    let e = Arc::new(Engine::in_memory(common::options()).unwrap());
    e.put_code("slow", SLOW, 10_000, 128);
    let Invoked::Finished(done) = e
        .invoke_waiting(
            None,
            "slow",
            params(json!({"ms": 10})),
            "guest",
            Duration::from_secs(5),
        )
        .unwrap()
    else {
        panic!()
    };
    assert_eq!(done.result, json!({"slept": 10}));
    let r = e
        .invoke_waiting(
            None,
            "slow",
            params(json!({"ms": 600})),
            "guest",
            Duration::from_millis(50),
        )
        .unwrap();
    let Invoked::StillRunning { activation_id } = r else {
        panic!("{r:?}")
    };
    assert_eq!(activation_id.len(), 32);
    wait_for(|| e.activation(&activation_id).is_ok());
    assert_eq!(
        e.activation(&activation_id).unwrap().result,
        json!({"slept": 600})
    );
    let error = e
        .invoke_waiting(None, "nope", Map::new(), "guest", Duration::from_secs(1))
        .unwrap_err();
    assert_eq!(error.code, ErrorCode::ActionNotFound);
}

#[test]
fn asynchronous_invocations_move_through_every_status() {
    let e = Arc::new(Engine::in_memory(common::options()).unwrap());
    e.put_code("slow", SLOW, 10_000, 128);
    e.put_code(
        "fail",
        "function main() { throw new Error('broken'); }",
        10_000,
        128,
    );

    let minute = Duration::from_secs(60);
    let ok = enqueue(&e, "slow", params(json!({"ms": 300})), minute);
    let bad = enqueue(&e, "fail", Map::new(), minute);
    let late = enqueue(&e, "slow", params(json!({"ms": 1})), Duration::ZERO);
    assert_eq!(status(&e, &ok), AsyncStatus::Wait);
    std::thread::sleep(Duration::from_millis(5));

    let workers = Workers::start(e.clone(), 2);
    wait_for(|| status(&e, &ok) == AsyncStatus::Running);
    wait_for(|| status(&e, &ok) == AsyncStatus::Success);
    wait_for(|| status(&e, &bad) == AsyncStatus::Fail);
    workers.stop();

    let done = e.async_invocation(&ok).unwrap().unwrap();
    assert_eq!(
        e.activation(done.activation_id.as_deref().unwrap())
            .unwrap()
            .result,
        json!({"slept": 300})
    );
    let failed = e.async_invocation(&bad).unwrap().unwrap();
    assert_eq!(
        (failed.error_code, failed.error_message.as_str()),
        (1, "Error: broken")
    );
    let discarded = e.async_invocation(&late).unwrap().unwrap();
    assert_eq!(discarded.status, AsyncStatus::Discard);
    assert_eq!(
        discarded.error_message,
        "the invocation waited past its deadline and was not run"
    );

    let (page, total) = e
        .async_invocations(
            &AsyncFilter {
                status: Some(AsyncStatus::Fail),
                ..Default::default()
            },
            Paging::first(10),
        )
        .unwrap();
    assert_eq!((page.len(), total), (1, 1));
    let slow = AsyncFilter {
        action: Some("slow".into()),
        ..Default::default()
    };
    assert_eq!(count(&e, slow), 2);
    assert_eq!(
        e.enqueue(None, "nope", Map::new(), "guest", Duration::from_secs(1))
            .unwrap_err()
            .code,
        ErrorCode::ActionNotFound
    );
}

/// Runs in two roles: as the test, it starts itself as a child process that accepts
/// invocations and runs some of them, SIGKILLs it, and checks that nothing acknowledged was
/// lost; as the child (`ENGINE_CRASH_DB` set), it does the accepting.
#[test]
fn nothing_acknowledged_is_lost_when_the_process_is_killed() {
    if let Ok(db) = std::env::var("ENGINE_CRASH_DB") {
        accept_until_killed(std::path::Path::new(&db));
    }
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("engine.db");
    let acknowledged = acknowledged_then_killed(&db);
    assert_eq!(acknowledged.len(), 6);

    let e = Arc::new(Engine::open(&db, common::options()).unwrap());
    let statuses: Vec<AsyncStatus> = acknowledged.iter().map(|id| status(&e, id)).collect();
    let with = |wanted: AsyncStatus| statuses.iter().filter(|s| **s == wanted).count();
    assert_eq!(with(AsyncStatus::Fail), 2, "{statuses:?}");
    assert_eq!(with(AsyncStatus::Wait), 4, "{statuses:?}");
    let interrupted = acknowledged
        .iter()
        .map(|id| e.async_invocation(id).unwrap().unwrap())
        .find(|r| r.status == AsyncStatus::Fail)
        .unwrap();
    assert_eq!(
        interrupted.error_message,
        "the engine stopped while this invocation was running; it did not complete"
    );

    // The waiting ones run after the restart (made quick so the test is).
    let quick = body("function main() { return { after: 'restart' }; }");
    e.put_ncp(None, "slow", None, &quick).unwrap();
    let workers = Workers::start(e.clone(), 4);
    wait_for(|| {
        acknowledged
            .iter()
            .all(|id| status(&e, id) != AsyncStatus::Wait)
    });
    workers.stop();
    let succeeded = acknowledged
        .iter()
        .filter(|id| status(&e, id) == AsyncStatus::Success)
        .count();
    assert_eq!(succeeded, 4);
}

/// The child's part: accepts six slow invocations (printing `ACK {id}` for each), says
/// `READY` once two run, and waits to be killed.
fn accept_until_killed(db: &std::path::Path) -> ! {
    let e = Arc::new(Engine::open(db, common::options()).unwrap());
    e.put_code("slow", SLOW, 10_000, 128);
    let _workers = Workers::start(e.clone(), 2);
    for _ in 0..6 {
        let ten_minutes = Duration::from_secs(600);
        let id = enqueue(&e, "slow", params(json!({"ms": 5000})), ten_minutes);
        println!("ACK {id}");
    }
    let running = || AsyncFilter {
        status: Some(AsyncStatus::Running),
        ..Default::default()
    };
    wait_for(|| count(&e, running()) == 2);
    println!("READY");
    loop {
        std::thread::sleep(Duration::from_secs(60));
    }
}

/// Starts the child on `db`, reads what it acknowledged until it is `READY`, and SIGKILLs it.
fn acknowledged_then_killed(db: &std::path::Path) -> Vec<String> {
    let mut child = Command::new(std::env::current_exe().unwrap())
        .args([
            "--exact",
            "nothing_acknowledged_is_lost_when_the_process_is_killed",
            "--nocapture",
            "--test-threads=1",
        ])
        .env("ENGINE_CRASH_DB", db)
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut acknowledged = Vec::new();
    for line in BufReader::new(child.stdout.take().unwrap()).lines() {
        let line = line.unwrap();
        // libtest prints "test name ... " without a newline first, so look inside the line.
        if let Some(at) = line.find("ACK ") {
            acknowledged.push(line[at + 4..].trim().to_string());
        }
        if line.contains("READY") {
            break;
        }
    }
    child.kill().unwrap(); // SIGKILL on Unix: no clean-up runs.
    child.wait().unwrap();
    acknowledged
}

#[test]
fn a_follower_sees_lines_while_the_activation_runs_then_its_end() {
    use engine::LiveEvent;
    let e = Arc::new(Engine::in_memory(common::options()).unwrap());
    e.put_ncp(None, "talk", None, &body("async function main() { for (const w of ['one', 'two', 'three']) { console.log(w); await new Promise((r) => setTimeout(r, 300)); } return { said: 3 }; }")).unwrap();
    let Invoked::StillRunning { activation_id } = e
        .invoke_waiting(None, "talk", Map::new(), "guest", Duration::from_millis(50))
        .unwrap()
    else {
        panic!()
    };
    let follower = e.follow(&activation_id).expect("it is running");
    let events: Vec<LiveEvent> = follower.iter().collect();
    let lines: Vec<&str> = events
        .iter()
        .filter_map(|ev| match ev {
            LiveEvent::Line(l) => Some(l.text.as_str()),
            _ => None,
        })
        .collect();
    assert!(
        !lines.is_empty() && lines.iter().all(|l| ["one", "two", "three"].contains(l)),
        "{lines:?}"
    );
    assert_eq!(lines.last(), Some(&"three"));
    assert_eq!(
        events.last(),
        Some(&LiveEvent::End {
            status: ActivationStatus::Success,
            result: json!({"said": 3})
        })
    );
    // Once ended it is read from the store, not followed.
    assert!(e.follow(&activation_id).is_none());
    assert_eq!(e.activation(&activation_id).unwrap().logs.len(), 3);
}

#[test]
fn concurrency_is_bounded_per_namespace() {
    let e = Arc::new(
        Engine::in_memory(EngineOptions {
            max_concurrent: 2,
            ..common::options()
        })
        .unwrap(),
    );
    e.put_code("slow", SLOW, 10_000, 128);
    for _ in 0..2 {
        let r = e
            .invoke_waiting(
                None,
                "slow",
                params(json!({"ms": 2000})),
                "guest",
                Duration::from_millis(10),
            )
            .unwrap();
        assert!(matches!(r, Invoked::StillRunning { .. }));
    }
    let refused = e
        .invoke(None, "slow", params(json!({"ms": 1})), "guest", None)
        .unwrap_err();
    assert_eq!(
        (refused.code, refused.code.status()),
        (ErrorCode::TooManyRequests, 429)
    );
    assert_eq!(
        refused.message,
        "2 invocations are already running in this namespace, the most allowed; try again shortly"
    );
    wait_for(|| {
        e.invoke(None, "slow", params(json!({"ms": 1})), "guest", None)
            .is_ok()
    });
}

#[test]
fn workers_apply_the_retention_period() {
    let e = Arc::new(
        Engine::in_memory(EngineOptions {
            retention: Duration::ZERO,
            ..common::options()
        })
        .unwrap(),
    );
    e.put_code("quick", "function main() { return {}; }", 10_000, 128);
    let id = e
        .invoke(None, "quick", Map::new(), "guest", None)
        .unwrap()
        .id;
    std::thread::sleep(Duration::from_millis(5));
    let workers = Workers::start(e.clone(), 1);
    wait_for(|| e.activation(&id).is_err());
    workers.stop();
}
