//! The engine as a library: put-action rules with their codes, invocations, activations,
//! sequences, precedence, listing and retention.

mod common;

use common::PutNcp;

use engine::store::{ActivationFilter, ActivationOrder, Order, Paging, Scope};
use engine::{Engine, ErrorCode, billed};
use providers::ActivationStatus;
use serde_json::{Map, Value, json};

fn engine() -> Engine {
    Engine::in_memory(common::options()).unwrap()
}

/// An NCP body for `code`, with these tests' limits.
fn body(code: &str) -> Value {
    common::ncp_body(code, 5_000, 128)
}

fn params(v: Value) -> Map<String, Value> {
    v.as_object().unwrap().clone()
}

fn code_of(result: Result<impl std::fmt::Debug, engine::EngineError>) -> (ErrorCode, String) {
    let e = result.unwrap_err();
    (e.code, e.message)
}

#[test]
fn every_put_action_rule_answers_its_code_and_names_the_field() {
    let e = engine();
    let cases: Vec<(Result<_, _>, ErrorCode, &str)> = vec![
        (e.put_ncp(None, "-bad", None, &body("")), ErrorCode::ActionInvalidName, "actionName \"-bad\" is not allowed: use 1 to 50 letters, digits, '-' or '_', not starting with '-'"),
        (e.put_ncp(None, &"x".repeat(51), None, &body("")), ErrorCode::ActionInvalidName, ""),
        (e.put_ncp(None, "a", Some("cron"), &body("")), ErrorCode::ActionInvalidType, "type \"cron\" is not allowed: use basic, web, sequence or sequence-web"),
        (e.put_ncp(None, "a", None, &json!([1])), ErrorCode::ActionBodyInvalidType, "the request body must be a JSON object"),
        (e.put_ncp(None, "a", None, &json!({"exec": {"kind": "nodejs:20", "code": "", "binary": false}})), ErrorCode::ActionBodyMissingField, "limits.timeout is required"),
        (e.put_ncp(None, "a", None, &json!({"limits": {"timeout": 499, "memory": 128}, "exec": {"kind": "nodejs:20", "code": "", "binary": false}})), ErrorCode::ActionBodyInvalidValue, "limits.timeout is 499; it must be 500 to 300,000 ms"),
        (e.put_ncp(None, "a", None, &json!({"limits": {"timeout": 300001, "memory": 128}, "exec": {"kind": "nodejs:20", "code": "", "binary": false}})), ErrorCode::ActionBodyInvalidValue, "limits.timeout is 300001; it must be 500 to 300,000 ms"),
        (e.put_ncp(None, "a", None, &json!({"limits": {"timeout": 500, "memory": 100}, "exec": {"kind": "nodejs:20", "code": "", "binary": false}})), ErrorCode::ActionBodyInvalidValue, "limits.memory is 100; it must be 128, 256, 512 or 1024 MB"),
        (e.put_ncp(None, "a", None, &json!({"limits": {"timeout": "5s", "memory": 128}, "exec": {"kind": "nodejs:20", "code": "", "binary": false}})), ErrorCode::ActionBodyInvalidType, "limits.timeout must be a whole number"),
        (e.put_ncp(None, "a", None, &json!({"limits": {"timeout": 500, "memory": 128}, "exec": {"kind": "python:3", "code": "", "binary": false}})), ErrorCode::ActionBodyInvalidValue, "exec.kind \"python:3\" cannot run here; the engine runs nodejs:16, nodejs:18, nodejs:20, nodejs:22 (any nodejs:* kind runs on the embedded QuickJS engine)"),
        (e.put_ncp(None, "a", None, &json!({"limits": {"timeout": 500, "memory": 128}, "exec": {"kind": "nodejs:20", "binary": false}})), ErrorCode::ActionBodyMissingField, "exec.code is required"),
        (e.put_ncp(None, "a", None, &json!({"description": "d".repeat(3001), "limits": {"timeout": 500, "memory": 128}, "exec": {"kind": "nodejs:20", "code": "", "binary": false}})), ErrorCode::ActionBodyInvalidValue, "description is 3001 bytes; at most 3000 are allowed"),
        (e.put_ncp(None, "a", None, &json!({"raw-http": true, "limits": {"timeout": 500, "memory": 128}, "exec": {"kind": "nodejs:20", "code": "", "binary": false}})), ErrorCode::ActionBodyInvalidValue, "raw-http and custom-options apply to web actions only"),
        (e.put_ncp(None, "s", Some("sequence"), &json!({"exec": {"kind": "sequence", "components": ["-/missing"]}})), ErrorCode::ActionBodyInvalidValue, "exec.components entry \"-/missing\" does not exist"),
    ];
    for (result, code, message) in cases {
        let (got_code, got_message) = code_of(result);
        assert_eq!(got_code, code, "{got_message}");
        if !message.is_empty() {
            assert_eq!(got_message, message);
        }
    }
    assert_eq!(ErrorCode::ActionBodyInvalidValue.number(), 80307);
    assert_eq!(ErrorCode::ActionBodyInvalidValue.status(), 400);
}

#[test]
fn types_never_change_and_names_are_unique() {
    let e = engine();
    e.put_code("hello", "function main(){return {}}", 5_000, 128);
    let (code, message) = code_of(e.put_ncp(None, "hello", Some("web"), &body("")));
    assert_eq!(
        (code, message.as_str()),
        (
            ErrorCode::ActionTypeMismatch,
            "action -/hello is basic; an action's type cannot change to web"
        )
    );
    e.put_package("tools", None, &Map::new()).unwrap();
    assert_eq!(ErrorCode::ResourceNameConflict.number(), 80011);
    let (code, _) = code_of(e.put_ncp(None, "tools", None, &body("")));
    assert_eq!(code, ErrorCode::ResourceNameConflict);
}

#[test]
fn names_are_unique_per_level_not_across_packages() {
    let e = engine();
    // Actions in different packages (and at the top level) may share a name, whichever
    // came first.
    e.put_ncp(Some("demo"), "hello", None, &body("")).unwrap();
    e.put_code("hello", "", 5_000, 128);
    e.put_ncp(Some("tools"), "hello", None, &body("")).unwrap();
    let names: Vec<_> = e
        .actions(&Scope::All)
        .unwrap()
        .into_iter()
        .map(|a| engine::store::action_path(a.package.as_deref(), &a.name))
        .collect();
    assert_eq!(names, ["-/hello", "demo/hello", "tools/hello"]);
    // At the top level a package and an action cannot share one, either way round: a
    // package that exists only through its actions counts.
    let (code, _) = code_of(e.put_ncp(None, "demo", None, &body("")));
    assert_eq!(code, ErrorCode::ResourceNameConflict);
    let (code, message) = code_of(e.put_package("hello", None, &Map::new()));
    assert_eq!(
        (code, message.as_str()),
        (
            ErrorCode::ResourceNameConflict,
            "the name \"hello\" is already used by an action"
        )
    );
    // An action inside a package may be named as a package.
    e.put_ncp(Some("tools"), "demo", None, &body("")).unwrap();
}

#[test]
fn at_most_500_actions() {
    let e = engine();
    for i in 0..500 {
        e.put_code(&format!("a{i}"), "", 5_000, 128);
    }
    let (code, message) = code_of(e.put_ncp(None, "one-more", None, &body("")));
    assert_eq!(
        (code, code.number(), code.status()),
        (ErrorCode::ActionCountExceed, 80308, 422)
    );
    assert_eq!(
        message,
        "the namespace already holds 500 actions, the most allowed"
    );
    // Updating an existing one is still allowed.
    e.put_code("a1", "function main(){return {}}", 5_000, 128);
}

#[test]
fn an_invocation_is_recorded_with_input_logs_and_billing() {
    let e = engine();
    e.put_code(
        "hello",
        "function main(p) { console.log('hi', p.name); return { greeting: 'hello ' + p.name }; }",
        5_000,
        128,
    );
    let a = e
        .invoke(None, "hello", params(json!({"name": "kim"})), "guest", None)
        .unwrap();
    assert_eq!(a.id.len(), 32);
    assert!(a.id.chars().all(|c| c.is_ascii_hexdigit()));
    assert_eq!(a.status, ActivationStatus::Success);
    assert_eq!(a.result, json!({"greeting": "hello kim"}));
    assert_eq!(a.params, json!({"name": "kim"}));
    assert!(a.logs[0].ends_with("stdout: hi kim"), "{:?}", a.logs);
    assert_eq!(a.billed_ms, billed(a.duration_ms));
    assert_eq!(e.activation(&a.id).unwrap(), a);
    assert_eq!(
        (billed(0), billed(1), billed(100), billed(101)),
        (100, 100, 100, 200)
    );
}

#[test]
fn parameters_follow_runtime_over_action_over_package() {
    let e = engine();
    e.put_package(
        "pkg",
        None,
        &params(json!({"a": "package", "b": "package", "c": "package"})),
    )
    .unwrap();
    let mut b = body("function main(p) { return p; }");
    b["parameters"] = json!({"b": "action", "c": "action"});
    e.put_ncp(Some("pkg"), "echo", None, &b).unwrap();
    let a = e
        .invoke(
            Some("pkg"),
            "echo",
            params(json!({"c": "runtime"})),
            "guest",
            None,
        )
        .unwrap();
    assert_eq!(
        a.result,
        json!({"a": "package", "b": "action", "c": "runtime"})
    );
}

#[test]
fn sequences_chain_outputs_and_stop_at_the_first_failure() {
    let e = engine();
    e.put_code(
        "double",
        "function main(p) { return { n: p.n * 2 }; }",
        5_000,
        128,
    );
    e.put_code(
        "inc",
        "function main(p) { return { n: p.n + 1 }; }",
        5_000,
        128,
    );
    e.put_code(
        "fail",
        "function main() { throw new Error('stop'); }",
        5_000,
        128,
    );
    e.put_ncp(
        None,
        "calc",
        Some("sequence"),
        &json!({"exec": {"kind": "sequence", "components": ["-/double", "-/inc", "-/double"]}}),
    )
    .unwrap();
    let a = e
        .invoke(None, "calc", params(json!({"n": 3})), "guest", None)
        .unwrap();
    assert_eq!(a.result, json!({"n": 14}));
    assert_eq!(a.components.len(), 3);
    for id in &a.components {
        assert_eq!(e.activation(id).unwrap().status, ActivationStatus::Success);
    }

    e.put_ncp(
        None,
        "broken",
        Some("sequence"),
        &json!({"exec": {"kind": "sequence", "components": ["-/double", "-/fail", "-/inc"]}}),
    )
    .unwrap();
    let a = e
        .invoke(None, "broken", params(json!({"n": 1})), "guest", None)
        .unwrap();
    assert_eq!(a.status, ActivationStatus::ApplicationError);
    assert_eq!(a.result, json!({"error": "Error: stop"}));
    assert_eq!(a.components.len(), 2, "the third never ran");

    let components: Vec<String> = (0..51).map(|_| "-/inc".to_string()).collect();
    let (code, message) = code_of(e.put_ncp(
        None,
        "long",
        Some("sequence"),
        &json!({"exec": {"kind": "sequence", "components": components}}),
    ));
    assert_eq!(
        (code, message.as_str()),
        (
            ErrorCode::ActionBodyInvalidValue,
            "exec.components has 51 entries; a sequence needs 1 to 50"
        )
    );
}

#[test]
fn failures_are_recorded_with_their_status() {
    let e = engine();
    let mut slow = body("function main() { while (true) {} }");
    slow["limits"]["timeout"] = json!(500);
    e.put_ncp(None, "slow", None, &slow).unwrap();
    let a = e.invoke(None, "slow", Map::new(), "guest", None).unwrap();
    assert_eq!(a.status, ActivationStatus::Timeout);
    assert_eq!(
        a.result,
        json!({"error": "The action exceeded its time limit of 500 milliseconds."})
    );
    e.put_code("bad", "function main() { return 1; }", 5_000, 128);
    let a = e.invoke(None, "bad", Map::new(), "guest", None).unwrap();
    assert_eq!(a.status, ActivationStatus::DeveloperError);
    assert_eq!(a.status_code(), 2);
    let (code, _) = code_of(e.invoke(None, "nope", Map::new(), "guest", None));
    assert_eq!((code.number(), code.status()), (80301, 404));
}

#[test]
fn binary_code_is_base64_of_the_source() {
    use base64::Engine as _;
    let e = engine();
    let encoded = base64::engine::general_purpose::STANDARD
        .encode("function main() { return { from: 'binary' }; }");
    e.put_ncp(None, "bin", None, &json!({"limits": {"timeout": 5000, "memory": 128}, "exec": {"kind": "nodejs:20", "code": encoded, "binary": true}})).unwrap();
    assert_eq!(
        e.invoke(None, "bin", Map::new(), "guest", None)
            .unwrap()
            .result,
        json!({"from": "binary"})
    );
    let (code, _) = code_of(e.put_ncp(None, "bin2", None, &json!({"limits": {"timeout": 5000, "memory": 128}, "exec": {"kind": "nodejs:20", "code": "not base64!", "binary": true}})));
    assert_eq!(code, ErrorCode::ActionBodyInvalidValue);
}

#[test]
fn listings_page_with_totals_and_order_and_old_activations_expire() {
    let e = engine();
    e.put_code("a", "function main(p) { let s = ''; for (let i = 0; i < p.n * 1000; i++) s += 'x'; return { len: s.length }; }", 5_000, 128);
    e.put_code("b", "function main() { return {}; }", 5_000, 128);
    for n in 0..5 {
        e.invoke(None, "a", params(json!({"n": n})), "guest", None)
            .unwrap();
    }
    e.invoke(None, "b", Map::new(), "guest", None).unwrap();
    let only_a = ActivationFilter {
        action: Some("a".into()),
        ..Default::default()
    };
    let (page, total) = e
        .activations(&only_a, Order::default(), Paging::first(2))
        .unwrap();
    assert_eq!((page.len(), total), (2, 5));
    assert!(page[0].start_ms >= page[1].start_ms, "newest first");
    let (all, total) = e
        .activations(
            &ActivationFilter::default(),
            Order {
                by: ActivationOrder::Memory,
                ascending: true,
            },
            Paging::first(100),
        )
        .unwrap();
    assert_eq!(total, 6);
    assert!(all.windows(2).all(|w| w[0].memory_used <= w[1].memory_used));
    let (_, total) = e
        .activations(
            &ActivationFilter {
                since_ms: Some(engine::now_ms() + 60_000),
                ..Default::default()
            },
            Order::default(),
            Paging::first(10),
        )
        .unwrap();
    assert_eq!(total, 0);

    let in_31_days = engine::now_ms() + 31 * 24 * 3600 * 1000;
    assert_eq!(e.purge_expired(engine::now_ms()).unwrap(), 0);
    assert_eq!(e.purge_expired(in_31_days).unwrap(), 6);
}

#[test]
fn actions_and_activations_survive_a_restart() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("engine.db");
    let id = {
        let e = Engine::open(&path, common::options()).unwrap();
        e.put_code(
            "keep",
            "function main() { return { kept: true }; }",
            5_000,
            128,
        );
        e.invoke(None, "keep", Map::new(), "guest", None)
            .unwrap()
            .id
    };
    let e = Engine::open(&path, common::options()).unwrap();
    assert_eq!(e.activation(&id).unwrap().result, json!({"kept": true}));
    assert_eq!(e.actions(&Scope::All).unwrap().len(), 1);
}

#[test]
fn packages_are_read_and_deleted_only_when_empty() {
    let e = engine();
    let mut params = Map::new();
    params.insert("greeting".into(), json!("hi"));
    e.put_package("tools", Some("handy"), &params).unwrap();
    e.put_ncp(Some("tools"), "t1", None, &body("")).unwrap();
    let p = e.package("tools").unwrap();
    assert_eq!(
        (p.description.as_deref(), p.parameters, p.actions),
        (Some("handy"), params, vec!["t1".to_string()])
    );

    let refused = e.delete_package("tools").unwrap_err();
    assert_eq!(refused.code, ErrorCode::PackageNotEmpty);
    assert!(refused.message.contains("1 action"), "{}", refused.message);
    assert!(
        e.action(Some("tools"), "t1").is_ok(),
        "a refused delete loses nothing"
    );

    e.delete_action(Some("tools"), "t1").unwrap();
    e.delete_package("tools").unwrap();
    assert_eq!(
        e.package("tools").unwrap_err().code,
        ErrorCode::PackageNotFound
    );
    assert_eq!(
        e.delete_package("tools").unwrap_err().code,
        ErrorCode::PackageNotFound
    );
}

#[test]
fn paging_past_i64_lists_nothing_rather_than_everything() {
    let e = engine();
    e.put_ncp(None, "a", None, &json!({"limits": {"timeout": 1000, "memory": 128}, "exec": {"kind": "nodejs:20", "code": "function main() { return {}; }", "binary": false}})).unwrap();
    e.invoke(None, "a", Default::default(), "guest", None)
        .unwrap();
    let filter = ActivationFilter::default();
    // Before, `u64::MAX as i64` was -1: SQLite's "no limit" and "no offset".
    let (page, total) = e
        .activations(
            &filter,
            Order::default(),
            Paging {
                offset: u64::MAX,
                limit: 10,
            },
        )
        .unwrap();
    assert_eq!((page.len(), total), (0, 1));
    let (page, _) = e
        .activations(&filter, Order::default(), Paging::first(u64::MAX))
        .unwrap();
    assert_eq!(page.len(), 1);
}
