//! The JavaScript runtime: entry points, results, errors, limits and the sandbox.

use engine::runtime::{FormattedLine, LOG_TRUNCATED, Outcome, RunOptions, Stream, run};
use serde_json::{Value, json};
use std::time::{Duration, Instant};

fn opts() -> RunOptions {
    RunOptions::for_limits(2_000, 128)
}

fn go(code: &str, params: Value) -> engine::runtime::RunOutput {
    run(code, "main", &params, &opts(), None)
}

#[test]
fn a_plain_main_gets_params_and_returns_an_object() {
    let out = go(
        "function main(p) { return { greeting: `hello ${p.name}` }; }",
        json!({"name": "네이버"}),
    );
    assert_eq!(
        out.outcome,
        Outcome::Success(json!({"greeting": "hello 네이버"}))
    );
    assert!(out.memory_used > 0);
}

#[test]
fn memory_used_is_what_the_run_holds_when_it_ends() {
    let small = go("function main() { return { ok: true }; }", json!({}));
    let big = go(
        "function main() { globalThis.keep = new Array(1000000).fill(1.5); return { n: keep.length }; }",
        json!({}),
    );
    assert_eq!(big.outcome, Outcome::Success(json!({"n": 1000000})));
    // A million values of 16 bytes each are held by the run's context when it ends.
    assert!(
        big.memory_used > small.memory_used + 10_000_000,
        "{} bytes vs {} for a trivial run",
        big.memory_used,
        small.memory_used
    );
}

#[test]
fn async_main_exports_main_and_a_custom_entry_point_work() {
    let out = go(
        "async function main(p) { await null; return { n: p.n + 1 }; }",
        json!({"n": 1}),
    );
    assert_eq!(out.outcome, Outcome::Success(json!({"n": 2})));
    let out = go("exports.main = (p) => ({ via: 'exports' });", json!({}));
    assert_eq!(out.outcome, Outcome::Success(json!({"via": "exports"})));
    let out = run(
        "function handler() { return { via: 'handler' }; }",
        "handler",
        &json!({}),
        &opts(),
        None,
    );
    assert_eq!(out.outcome, Outcome::Success(json!({"via": "handler"})));
    let out = go(
        "module.exports = () => ({ via: 'module.exports' });",
        json!({}),
    );
    assert_eq!(
        out.outcome,
        Outcome::Success(json!({"via": "module.exports"}))
    );
}

#[test]
fn timers_drive_async_actions() {
    let code = "function main() { return new Promise((ok) => { console.log('waiting'); setTimeout(() => { console.log('done'); ok({ waited: true }); }, 50); }); }";
    let started = Instant::now();
    let out = go(code, json!({}));
    assert_eq!(out.outcome, Outcome::Success(json!({"waited": true})));
    assert!(started.elapsed() >= Duration::from_millis(50));
    let texts: Vec<_> = out.logs.iter().map(|l| l.text.as_str()).collect();
    assert_eq!(texts, ["waiting", "done"]);
}

#[test]
fn console_lines_are_captured_with_stream_and_time() {
    let out = go(
        "function main() { console.log('a', 1, {b: 2}); console.error('bad'); console.warn('w'); return {}; }",
        json!({}),
    );
    let lines: Vec<_> = out
        .logs
        .iter()
        .map(|l| (l.stream, l.text.as_str()))
        .collect();
    assert_eq!(
        lines,
        [
            (Stream::Stdout, "a 1 {\"b\":2}"),
            (Stream::Stderr, "bad"),
            (Stream::Stderr, "w")
        ]
    );
    assert!(out.logs[0].ts_ms > 1_700_000_000_000);
    assert!(
        out.logs[0].formatted().ends_with("Z stdout: a 1 {\"b\":2}"),
        "{}",
        out.logs[0].formatted()
    );
}

#[test]
fn results_that_are_not_objects_are_refused_with_a_clear_message() {
    for (code, said) in [
        (
            "function main() { return 42; }",
            "`main` returned a number; it must return a JSON object",
        ),
        (
            "function main() { return [1]; }",
            "`main` returned an array; it must return a JSON object",
        ),
        (
            "function main() { return null; }",
            "`main` returned null; it must return a JSON object",
        ),
        (
            "function main() {}",
            "`main` returned undefined; it must return a JSON object, for example {} or {\"payload\": …}",
        ),
    ] {
        assert_eq!(
            go(code, json!({})).outcome,
            Outcome::DeveloperError(said.into()),
            "{code}"
        );
    }
}

#[test]
fn thrown_errors_and_rejections_are_application_errors() {
    let out = go("function main() { throw new Error('boom'); }", json!({}));
    assert_eq!(
        out.outcome,
        Outcome::ApplicationError(json!({"error": "Error: boom"}))
    );
    let out = go(
        "async function main() { throw new TypeError('nope'); }",
        json!({}),
    );
    assert_eq!(
        out.outcome,
        Outcome::ApplicationError(json!({"error": "TypeError: nope"}))
    );
    let out = go(
        "function main() { return Promise.reject({ code: 7 }); }",
        json!({}),
    );
    assert_eq!(
        out.outcome,
        Outcome::ApplicationError(json!({"error": "{\"code\":7}"}))
    );
}

#[test]
fn broken_code_and_a_missing_main_are_developer_errors() {
    let Outcome::DeveloperError(m) = go("function main( {", json!({})).outcome else {
        panic!()
    };
    assert!(
        m.starts_with("the action's code could not be loaded: SyntaxError"),
        "{m}"
    );
    let out = go("function other() { return {}; }", json!({}));
    assert_eq!(
        out.outcome,
        Outcome::DeveloperError("the action has no function `main`: define `function main(params)` or set `exports.main`".into())
    );
}

#[test]
fn an_endless_loop_ends_at_the_deadline() {
    let options = RunOptions::for_limits(500, 128);
    let started = Instant::now();
    let out = run(
        "function main() { while (true) {} }",
        "main",
        &json!({}),
        &options,
        None,
    );
    assert_eq!(out.outcome, Outcome::Timeout);
    let took = started.elapsed();
    assert!(
        took >= Duration::from_millis(500) && took < Duration::from_secs(3),
        "{took:?}"
    );
}

#[test]
fn a_never_settling_promise_ends_at_the_deadline() {
    let options = RunOptions::for_limits(500, 128);
    let out = run(
        "function main() { return new Promise(() => {}); }",
        "main",
        &json!({}),
        &options,
        None,
    );
    assert_eq!(out.outcome, Outcome::Timeout);
    assert!(out.duration >= Duration::from_millis(500));
}

#[test]
fn an_allocation_bomb_is_out_of_memory_and_the_host_goes_on() {
    let code = "function main() { const a = []; while (true) { a.push('x'.repeat(1 << 20) + a.length); } }";
    // A generous deadline: filling 128 MB in a debug build on a busy machine can take seconds,
    // and this test is about memory, not time.
    let out = run(
        code,
        "main",
        &json!({}),
        &RunOptions::for_limits(60_000, 128),
        None,
    );
    assert_eq!(
        out.outcome,
        Outcome::DeveloperError("out of memory: the action used more than its 128 MB limit".into())
    );
    // The next run is unaffected.
    assert_eq!(
        go("function main() { return { ok: true }; }", json!({})).outcome,
        Outcome::Success(json!({"ok": true}))
    );
}

#[test]
fn deep_recursion_is_a_stack_overflow_not_a_crash() {
    let outcome = go(
        "function f(n) { return f(n + 1) + 1; } function main() { return { v: f(0) }; }",
        json!({}),
    )
    .outcome;
    let Outcome::DeveloperError(m) = outcome else {
        panic!("{outcome:?}")
    };
    assert!(m.contains("stack overflow"), "{m}");
}

#[test]
fn logs_past_the_limit_are_truncated_with_a_visible_notice() {
    let mut options = opts();
    // Ten lines of ten characters, each kept with its 33-byte time and stream prefix.
    options.max_log_bytes = 10 * (10 + engine::runtime::LINE_OVERHEAD);
    let out = run(
        "function main() { for (let i = 0; i < 50; i++) console.log('0123456789'); return {}; }",
        "main",
        &json!({}),
        &options,
        None,
    );
    assert!(out.logs_truncated);
    assert_eq!(out.logs.len(), 11, "ten lines fit, then the notice");
    assert!(
        out.logs[10].text.starts_with(LOG_TRUNCATED),
        "{}",
        out.logs[10].text
    );
    assert_eq!(out.outcome, Outcome::Success(json!({})));
}

#[test]
fn a_result_past_the_limit_is_refused() {
    let out = go(
        "function main() { return { big: 'x'.repeat(2 * 1024 * 1024) }; }",
        json!({}),
    );
    let Outcome::DeveloperError(m) = out.outcome else {
        panic!()
    };
    assert!(
        m.starts_with("the result is 2097162 bytes; at most 1048576 bytes are allowed"),
        "{m}"
    );
}

#[test]
fn the_sandbox_has_no_require_file_system_network_or_process() {
    let code = r#"function main() {
        return {
            require: typeof require, process: typeof process, fetch: typeof fetch,
            xhr: typeof XMLHttpRequest, std: typeof std, os: typeof os, deno: typeof Deno,
            importFails: (() => { try { new Function('return import("fs")')(); return 'maybe'; } catch (e) { return 'no'; } })(),
        };
    }"#;
    let Outcome::Success(seen) = go(code, json!({})).outcome else {
        panic!()
    };
    for key in ["require", "process", "fetch", "xhr", "std", "os", "deno"] {
        assert_eq!(seen[key], "undefined", "{key} must not exist");
    }
    let out = go("function main() { require('fs'); return {}; }", json!({}));
    assert_eq!(
        out.outcome,
        Outcome::ApplicationError(json!({"error": "ReferenceError: require is not defined"}))
    );
    // A dynamic import has no loader to resolve it.
    let out = go(
        "async function main() { await import('fs'); return {}; }",
        json!({}),
    );
    assert!(
        matches!(out.outcome, Outcome::ApplicationError(_)),
        "{:?}",
        out.outcome
    );
}

#[test]
fn live_subscribers_see_lines_as_they_are_written() {
    let (tx, rx) = std::sync::mpsc::channel();
    let code = "function main() { console.log('one'); return new Promise((ok) => setTimeout(() => { console.log('two'); ok({}); }, 20)); }";
    let out = run(
        code,
        "main",
        &json!({}),
        &opts(),
        Some(Box::new(move |l: &engine::runtime::LogLine| {
            let _ = tx.send(l.clone());
        })),
    );
    assert_eq!(out.outcome, Outcome::Success(json!({})));
    let got: Vec<String> = rx.try_iter().map(|l| l.text).collect();
    assert_eq!(got, ["one", "two"]);
}

#[test]
fn a_flood_of_empty_lines_ends_at_the_log_limit() {
    let out = run(
        "function main() { for (;;) console.log(); }",
        "main",
        &json!({}),
        &RunOptions::for_limits(1_000, 128),
        None,
    );
    assert_eq!(out.outcome, Outcome::Timeout);
    assert!(out.logs_truncated);
    let kept: usize = out.logs.iter().map(|l| l.formatted().len()).sum();
    assert!(kept <= 1024 * 1024 + 200, "{kept} bytes of logs kept");
    assert!(
        out.logs.len() <= 1024 * 1024 / engine::runtime::LINE_OVERHEAD + 1,
        "{} lines",
        out.logs.len()
    );
    assert!(out.logs.last().unwrap().text.starts_with(LOG_TRUNCATED));
}

#[test]
fn replacing_built_ins_does_not_undo_the_caps() {
    // The hooks took JSON.stringify and String.prototype.slice before this code ran.
    let out = go(
        "JSON.stringify = () => 'x'.repeat(4e6); String.prototype.slice = function () { return this; }; function main() { throw { code: 1 }; }",
        json!({}),
    );
    let Outcome::ApplicationError(error) = out.outcome else {
        panic!("{:?}", out.outcome)
    };
    assert_eq!(error, json!({"error": "{\"code\":1}"}));
    let out = go(
        "String.prototype.slice = function () { return this; }; function main() { console.log('y'.repeat(3e6)); return {}; }",
        json!({}),
    );
    assert!(out.logs_truncated);
    assert!(out.logs.iter().all(|l| l.text.len() < 1024 * 1024));
}

#[test]
fn an_action_that_says_out_of_memory_is_not_taken_at_its_word() {
    let out = go(
        "function main() { throw new Error('out of memory'); }",
        json!({}),
    );
    assert_eq!(
        out.outcome,
        Outcome::ApplicationError(json!({"error": "Error: out of memory"}))
    );
}
