//! The demo data: seeded once, and every demo action does what its description says.

mod common;

use engine::{Engine, demo};
use providers::ActivationStatus;
use serde_json::{Map, json};

#[test]
fn a_fresh_engine_gets_demo_actions_that_work_and_a_second_seed_does_nothing() {
    let e = Engine::in_memory(common::options()).unwrap();
    assert!(demo::seed_if_empty(&e).unwrap());
    assert!(!demo::seed_if_empty(&e).unwrap());
    let names: Vec<String> = e
        .actions(&engine::store::Scope::of(Some("demo")))
        .unwrap()
        .into_iter()
        .map(|a| a.name)
        .collect();
    assert_eq!(
        names,
        [
            "always-fails",
            "hello",
            "hello-loud",
            "shout",
            "slow-logger",
            "web-hello"
        ]
    );

    let hello = e
        .invoke(
            Some("demo"),
            "hello",
            json!({"name": "Kim"}).as_object().cloned().unwrap(),
            "guest",
            None,
        )
        .unwrap();
    assert_eq!(hello.result, json!({"greeting": "Hello, Kim!"}));
    assert!(
        hello.logs[0].ends_with("greeting Kim from the fnconsole demo"),
        "package defaults apply: {:?}",
        hello.logs
    );
    let loud = e
        .invoke(Some("demo"), "hello-loud", Map::new(), "guest", None)
        .unwrap();
    assert_eq!(loud.result, json!({"greeting": "HELLO, WORLD!"}));
    let failed = e
        .invoke(Some("demo"), "always-fails", Map::new(), "guest", None)
        .unwrap();
    assert_eq!(failed.status, ActivationStatus::ApplicationError);
    let slow = e
        .invoke(
            Some("demo"),
            "slow-logger",
            json!({"steps": 2}).as_object().cloned().unwrap(),
            "guest",
            None,
        )
        .unwrap();
    assert_eq!(
        (slow.result.clone(), slow.logs.len()),
        (json!({"done": true, "steps": 2}), 2)
    );
    assert!(slow.duration_ms >= 800);
}

#[test]
fn the_first_start_runs_demo_invocations_for_real_including_a_fail_and_a_discard() {
    use engine::store::{AsyncFilter, Paging};
    use providers::AsyncStatus;
    let e = std::sync::Arc::new(Engine::in_memory(common::options()).unwrap());
    assert!(demo::seed_if_empty(&e).unwrap());
    demo::first_runs(&e).unwrap();
    let workers = engine::Workers::start(e.clone(), 4);
    let all = || {
        e.async_invocations(
            &AsyncFilter::default(),
            Paging {
                offset: 0,
                limit: 100,
            },
        )
        .unwrap()
        .0
    };
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    while all()
        .iter()
        .any(|r| matches!(r.status, AsyncStatus::Wait | AsyncStatus::Running))
    {
        assert!(
            std::time::Instant::now() < deadline,
            "the demo runs did not end: {:?}",
            all()
        );
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    workers.stop();
    let records = all();
    let with = |status| {
        records
            .iter()
            .filter(|r| r.status == status)
            .collect::<Vec<_>>()
    };
    assert_eq!(with(AsyncStatus::Success).len(), 5, "{records:?}");
    let failed = with(AsyncStatus::Fail);
    assert_eq!(failed.len(), 2, "{records:?}");
    assert!(
        failed.iter().any(|r| r
            .error_message
            .contains("cannot greet Park: a demo failure")),
        "{failed:?}"
    );
    let discarded = with(AsyncStatus::Discard);
    assert_eq!(discarded.len(), 1, "{records:?}");
    assert_eq!(
        discarded[0].error_message,
        "the invocation waited past its deadline and was not run"
    );
    // Each run that ran is an activation too, for the activations and logs pages.
    let runs = e
        .activations(
            &Default::default(),
            Default::default(),
            Paging {
                offset: 0,
                limit: 100,
            },
        )
        .unwrap();
    assert!(runs.0.len() >= 7, "{:?}", runs.0.len());
    // A second start seeds and runs nothing.
    assert!(!demo::seed_if_empty(&e).unwrap());
    assert_eq!(all().len(), 8);
}
