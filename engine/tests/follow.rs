//! Following a run live: lines reach a follower while the activation runs, a late follower
//! gets the earlier lines first, one after the end gets the record; stopping a run; the log
//! cap holds for followers too.

mod common;

use common::PutNcp;
use engine::follow::{STOPPED, recorded_lines};
use engine::{Engine, Follower, Following, LiveEvent};
use providers::ActivationStatus;
use serde_json::{Map, Value, json};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// An engine with the demo actions, at most `max_concurrent` runs at a time.
fn engine_running(max_concurrent: usize) -> Arc<Engine> {
    let options = engine::EngineOptions {
        max_concurrent,
        ..common::options()
    };
    let e = Arc::new(Engine::in_memory(options).unwrap());
    engine::demo::seed_if_empty(&e).unwrap();
    e
}

fn engine() -> Arc<Engine> {
    engine_running(common::options().max_concurrent)
}

/// Starts `package/name` with `params` (a JSON object) as the guest, followed.
fn start(e: &Arc<Engine>, package: Option<&str>, name: &str, params: Value) -> (String, Follower) {
    let params = params.as_object().cloned().unwrap_or_default();
    e.invoke_following(package, name, params, "guest").unwrap()
}

/// Starts the demo's slow logger, which prints `steps` lines ("step 1 of 4"…), followed.
fn slow_logger(e: &Arc<Engine>, steps: u64) -> (String, Follower) {
    start(e, Some("demo"), "slow-logger", json!({ "steps": steps }))
}

/// Puts `code` as the unpackaged action `name` with a limit of `timeout_ms`.
fn put_code(e: &Engine, name: &str, code: &str, timeout_ms: u64) {
    e.put_ncp(None, name, None, &common::ncp_body(code, timeout_ms, 128))
        .unwrap();
}

/// The text of the follower's next event, if it is a line.
fn next_line(follower: &mut Follower) -> Option<String> {
    follower
        .blocking_next()
        .as_ref()
        .and_then(text)
        .map(str::to_string)
}

fn text(event: &LiveEvent) -> Option<&str> {
    match event {
        LiveEvent::Line(line) => Some(line.text.as_str()),
        LiveEvent::End { .. } => None,
    }
}

#[test]
fn the_first_line_of_the_slow_demo_reaches_a_follower_while_it_still_runs() {
    let e = engine();
    let (id, mut follower) = slow_logger(&e, 4);
    let first = follower.blocking_next().expect("a first event");
    assert_eq!(text(&first), Some("step 1 of 4"));
    // Still running: not recorded, and followable.
    assert!(e.activation(&id).is_err(), "recorded before its end");
    assert!(e.follow(&id).is_some());
    let rest: Vec<LiveEvent> = follower.iter().collect();
    let lines: Vec<&str> = rest.iter().filter_map(text).collect();
    assert_eq!(lines, ["step 2 of 4", "step 3 of 4", "step 4 of 4"]);
    assert_eq!(
        rest.last(),
        Some(&LiveEvent::End {
            status: ActivationStatus::Success,
            result: json!({"done": true, "steps": 4}),
        })
    );
    assert_eq!(e.activation(&id).unwrap().logs.len(), 4);
}

#[test]
fn a_late_follower_gets_the_earlier_lines_first_then_the_live_ones() {
    let e = engine();
    let (id, mut early) = slow_logger(&e, 4);
    // Wait until two lines were printed, then join.
    assert_eq!(next_line(&mut early).as_deref(), Some("step 1 of 4"));
    assert_eq!(next_line(&mut early).as_deref(), Some("step 2 of 4"));
    let late = match e.follow_run(&id).unwrap() {
        Following::Live(f) => f,
        Following::Ended(_) => panic!("it runs for another second"),
    };
    let events: Vec<LiveEvent> = late.iter().collect();
    let lines: Vec<&str> = events.iter().filter_map(text).collect();
    assert_eq!(
        lines,
        ["step 1 of 4", "step 2 of 4", "step 3 of 4", "step 4 of 4"]
    );
    assert!(matches!(
        events.last(),
        Some(LiveEvent::End {
            status: ActivationStatus::Success,
            ..
        })
    ));
}

#[test]
fn a_follower_after_the_end_gets_the_record_and_its_lines() {
    let e = engine();
    let (id, follower) = start(&e, Some("demo"), "hello", json!({"name": "Kim"}));
    assert!(
        follower
            .iter()
            .last()
            .is_some_and(|ev| matches!(ev, LiveEvent::End { .. }))
    );
    let Following::Ended(record) = e.follow_run(&id).unwrap() else {
        panic!("it has ended");
    };
    assert_eq!(record.result, json!({"greeting": "Hello, Kim!"}));
    let lines = recorded_lines(&record);
    assert_eq!(lines.len(), 1);
    assert_eq!(lines[0].text, "greeting Kim from the fnconsole demo");
    // Its own stamp, read back to the millisecond (the record's times are the engine's).
    assert!(
        (lines[0].ts_ms - record.start_ms).abs() < 5_000,
        "{lines:?} {record:?}"
    );
    assert_eq!(
        engine::runtime::FormattedLine::formatted(&lines[0]),
        record.logs[0]
    );
    // Nothing is left behind for the ended run.
    assert_eq!((e.followers(), e.followed_runs()), (0, 0));
    let unknown = e
        .follow_run("0123456789abcdef0123456789abcdef")
        .unwrap_err();
    assert_eq!(unknown.code, engine::ErrorCode::ActivationNotFound);
}

#[test]
fn cancel_ends_an_endless_loop_at_once_and_records_it_as_stopped() {
    let e = engine();
    let code = "function main() { console.log('looping'); for (;;) {} }";
    put_code(&e, "spin", code, 60_000);
    let (id, mut follower) = start(&e, None, "spin", json!({}));
    assert_eq!(next_line(&mut follower).as_deref(), Some("looping"));
    let asked = Instant::now();
    let Following::Live(stopping) = e.cancel(&id).unwrap() else {
        panic!("it was running");
    };
    let end = stopping.iter().last().expect("the end");
    let took = asked.elapsed();
    assert!(took < Duration::from_secs(2), "stopping took {took:?}");
    let stopped = json!({ "error": STOPPED });
    assert_eq!(
        end,
        LiveEvent::End {
            status: ActivationStatus::DeveloperError,
            result: stopped.clone(),
        }
    );
    // The first follower hears the same end.
    assert!(matches!(
        follower.iter().last(),
        Some(LiveEvent::End { .. })
    ));
    let record = e.activation(&id).unwrap();
    assert_eq!(
        (record.status, &record.result),
        (ActivationStatus::DeveloperError, &stopped)
    );
    assert_eq!(record.logs.len(), 1, "{:?}", record.logs);
    // Its slot is given back, and stopping it again changes nothing.
    assert_eq!(e.running(), 0);
    assert!(matches!(e.cancel(&id).unwrap(), Following::Ended(_)));
    assert_eq!(e.activation(&id).unwrap().result, stopped);
}

#[test]
fn a_stopped_sequence_ends_in_the_component_that_runs() {
    let e = engine();
    let code = "async function main() { console.log('waiting'); await new Promise(() => {}); }";
    put_code(&e, "wait", code, 60_000);
    let seq = json!({"exec": {"kind": "sequence", "components": ["-/wait", "-/wait"]}});
    e.put_ncp(None, "twice", Some("sequence"), &seq).unwrap();
    let (id, mut follower) = start(&e, None, "twice", json!({}));
    assert_eq!(next_line(&mut follower).as_deref(), Some("waiting"));
    e.cancel(&id).unwrap();
    let end = follower.iter().last();
    assert!(
        matches!(&end, Some(LiveEvent::End { status: ActivationStatus::DeveloperError, result }) if result["error"] == STOPPED),
        "{end:?}"
    );
    let record = e.activation(&id).unwrap();
    assert_eq!(record.components.len(), 1, "the second component never ran");
}

#[test]
fn followers_see_the_log_cap_and_its_notice_as_the_record_does() {
    let e = engine();
    let code = "function main() { const l = 'x'.repeat(1000); for (let i = 0; i < 5000; i++) console.log(l); return {}; }";
    put_code(&e, "chatty", code, 10_000);
    let (id, follower) = start(&e, None, "chatty", json!({}));
    let events: Vec<LiveEvent> = follower.iter().collect();
    let lines: Vec<&str> = events.iter().filter_map(text).collect();
    let bytes: usize = lines.iter().map(|l| l.len()).sum();
    assert!(bytes <= 1024 * 1024, "{bytes} bytes reached the follower");
    let last = lines.last().copied().unwrap_or_default();
    assert!(last.starts_with(engine::runtime::LOG_TRUNCATED), "{last:?}");
    let record = e.activation(&id).unwrap();
    assert_eq!(
        record.logs.len(),
        lines.len(),
        "the follower saw what was kept"
    );
}

#[test]
fn a_dropped_follower_is_freed_and_the_run_goes_on() {
    let e = engine();
    let (id, follower) = slow_logger(&e, 2);
    assert_eq!(e.followers(), 1);
    drop(follower);
    assert_eq!(e.followers(), 0);
    let until = Instant::now() + Duration::from_secs(10);
    while e.activation(&id).is_err() {
        assert!(Instant::now() < until, "the run did not end");
        std::thread::sleep(Duration::from_millis(50));
    }
    assert_eq!(e.activation(&id).unwrap().status, ActivationStatus::Success);
}

#[test]
fn invoking_an_unknown_action_to_follow_fails_before_anything_runs() {
    let e = engine();
    let error = e
        .invoke_following(Some("demo"), "nope", Map::new(), "guest")
        .unwrap_err();
    assert_eq!(error.code, engine::ErrorCode::ActionNotFound);
    assert_eq!((e.followers(), e.followed_runs()), (0, 0));
}

#[test]
fn the_feed_announces_every_activation_as_it_starts_and_as_it_ends() {
    let e = engine();
    let mut feed = e.watch_activations();
    let (id, follower) = start(&e, Some("demo"), "hello-loud", json!({"name": "Ko"}));
    assert!(follower.iter().last().is_some());
    let mut seen = Vec::new();
    for _ in 0..6 {
        let a = feed.blocking_next().expect("the engine is alive");
        seen.push((a.name.clone().unwrap_or_default(), a.status));
        if a.id == id && a.status != ActivationStatus::Pending {
            assert_eq!(a.result, Some(json!({"greeting": "HELLO, KO!"})));
        }
    }
    use ActivationStatus::{Pending, Success};
    assert_eq!(
        seen,
        [
            ("demo/hello-loud".to_string(), Pending),
            ("demo/hello".to_string(), Pending),
            ("demo/hello".to_string(), Success),
            ("demo/shout".to_string(), Pending),
            ("demo/shout".to_string(), Success),
            ("demo/hello-loud".to_string(), Success),
        ]
    );
}

#[test]
fn invoke_and_follow_is_admitted_like_any_signed_run() {
    let e = engine_running(1);
    let (_, first) = slow_logger(&e, 2);
    let refused = e
        .invoke_following(Some("demo"), "hello", Map::new(), "guest")
        .unwrap_err();
    assert_eq!(
        refused.code,
        engine::ErrorCode::TooManyRequests,
        "{refused}"
    );
    assert!(first.iter().last().is_some());
    // Its slot is given back at its end.
    let (_, again) = start(&e, Some("demo"), "hello", json!({}));
    assert!(again.iter().last().is_some());
}
