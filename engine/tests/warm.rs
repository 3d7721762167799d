//! Warm runtimes, as OpenWhisk's warm containers: a global set by one invocation is seen by
//! the same action's next one, never by another action, package or namespace, never after
//! the action is saved again, and never after a run that timed out, ran out of memory or
//! threw. Every limit still holds on a warm runtime.

mod common;

use common::PutNcp;
use engine::{Engine, EngineOptions};
use providers::ActivationStatus;
use serde_json::{Value, json};

/// Counts its own runs in a global; `hang`, `oom`, `fail`, `huge` and `chatty` make a run
/// time out, run out of memory, throw, return too much or log too much.
const COUNTER: &str = r#"
let n = 0;
function main(p) {
  n += 1;
  if (p.hang) { while (true) {} }
  if (p.oom) { const a = []; while (true) a.push(new Array(100000).fill(n)); }
  if (p.fail) throw new Error('failed on purpose');
  if (p.huge) return { s: 'x'.repeat(2 * 1024 * 1024) };
  if (p.chatty) for (let i = 0; i < 12000; i++) console.log('line ' + i + ' '.repeat(100));
  return { n };
}
"#;

struct Put<'a>(&'a Engine);

impl PutNcp for Put<'_> {
    fn engine(&self) -> &Engine {
        self.0
    }
}

fn engine_in(namespace: &str) -> Engine {
    Engine::in_memory(EngineOptions {
        namespace: namespace.into(),
        ..common::options()
    })
    .unwrap()
}

fn put(engine: &Engine, package: Option<&str>, name: &str) {
    if let Some(p) = package {
        let _ = engine.put_package(p, None, &Default::default());
    }
    Put(engine)
        .put_ncp(package, name, None, &common::ncp_body(COUNTER, 5_000, 128))
        .unwrap();
}

/// One invocation: its status and result.
fn call(
    engine: &Engine,
    package: Option<&str>,
    name: &str,
    params: Value,
) -> (ActivationStatus, Value) {
    let params = params.as_object().cloned().unwrap_or_default();
    let r = engine.invoke(package, name, params, "test", None).unwrap();
    (r.status, r.result)
}

fn count(engine: &Engine, package: Option<&str>, name: &str) -> Value {
    let (status, result) = call(engine, package, name, json!({}));
    assert_eq!(status, ActivationStatus::Success, "{result}");
    result["n"].clone()
}

#[test]
fn a_global_is_seen_by_the_same_actions_next_run_and_by_nothing_else() {
    let engine = engine_in("guest");
    put(&engine, None, "count");
    assert_eq!(count(&engine, None, "count"), 1);
    assert_eq!(count(&engine, None, "count"), 2);
    assert_eq!(count(&engine, None, "count"), 3);
    assert!(engine.worker_stats().warm_runs >= 2);
    // Another action with the same code, the same name in a package, another namespace.
    put(&engine, None, "count2");
    assert_eq!(count(&engine, None, "count2"), 1);
    put(&engine, Some("pkg"), "count");
    assert_eq!(count(&engine, Some("pkg"), "count"), 1);
    let other = engine_in("other");
    put(&other, None, "count");
    assert_eq!(count(&other, None, "count"), 1);
    // Each keeps its own.
    assert_eq!(count(&engine, None, "count"), 4);
    assert_eq!(count(&engine, Some("pkg"), "count"), 2);
    // Saved again (the same code): a fresh runtime.
    put(&engine, None, "count");
    assert_eq!(count(&engine, None, "count"), 1);
    // Deleted and made again: fresh too.
    engine.delete_action(None, "count2").unwrap();
    put(&engine, None, "count2");
    assert_eq!(count(&engine, None, "count2"), 1);
}

#[test]
fn a_timeout_an_out_of_memory_or_a_throw_throws_the_runtime_away() {
    let engine = engine_in("guest");
    put(&engine, None, "count");
    for (params, status) in [
        (json!({"hang": true}), ActivationStatus::Timeout),
        (json!({"oom": true}), ActivationStatus::DeveloperError),
        (json!({"fail": true}), ActivationStatus::ApplicationError),
    ] {
        assert_eq!(count(&engine, None, "count"), 1);
        assert_eq!(count(&engine, None, "count"), 2);
        let (got, result) = call(&engine, None, "count", params.clone());
        assert_eq!(got, status, "{params}: {result}");
        // The next run starts afresh.
        assert_eq!(count(&engine, None, "count"), 1, "after {params}");
        // Start the next round from a fresh runtime too.
        let (got, _) = call(&engine, None, "count", json!({"fail": true}));
        assert_eq!(got, ActivationStatus::ApplicationError);
    }
}

#[test]
fn the_result_and_log_limits_hold_on_a_warm_runtime() {
    let engine = engine_in("guest");
    put(&engine, None, "count");
    assert_eq!(count(&engine, None, "count"), 1);
    assert_eq!(count(&engine, None, "count"), 2);
    let (status, result) = call(&engine, None, "count", json!({"huge": true}));
    assert_eq!(status, ActivationStatus::DeveloperError);
    assert!(
        result["error"]
            .as_str()
            .unwrap()
            .contains("at most 1048576 bytes"),
        "{result}"
    );
    assert_eq!(count(&engine, None, "count"), 1);
    assert_eq!(count(&engine, None, "count"), 2);
    let params = json!({"chatty": true}).as_object().cloned().unwrap();
    let r = engine.invoke(None, "count", params, "test", None).unwrap();
    assert_eq!(r.status, ActivationStatus::Success);
    assert_eq!(r.result["n"], 3, "a run that logs a lot is still warm");
    let last = r.logs.last().unwrap();
    assert!(last.contains(engine::runtime::LOG_TRUNCATED), "{last}");
    // The next run's logs start empty.
    let r = engine
        .invoke(None, "count", Default::default(), "test", None)
        .unwrap();
    assert_eq!((r.result["n"].clone(), r.logs.len()), (json!(4), 0));
}
