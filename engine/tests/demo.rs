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
