//! Demo data for a fresh data directory, so every page has something to show.

use providers::ActionKind;
use serde_json::{Map, Value, json};
use std::time::Duration;

use crate::draft::{ActionDraft, ActionPath, Code, Limits, Run};
use crate::engine::Engine;
use crate::error::EngineError;
use crate::store::Scope;

fn action(kind: ActionKind, code: &str, description: &str) -> ActionDraft {
    ActionDraft {
        kind,
        description: Some(description.into()),
        run: Run::Code(Code {
            runtime: "nodejs:20".into(),
            code: code.into(),
            binary: false,
            main: Some("main".into()),
            image_uri: None,
            parameters: Map::new(),
            limits: Limits {
                timeout_ms: 60_000,
                memory_mb: 128,
            },
            vpc: None,
            raw_http: None,
            custom_options: None,
        }),
    }
}

fn demo(name: &str) -> ActionPath {
    ActionPath {
        package: Some("demo".into()),
        name: name.into(),
    }
}

const HELLO: &str = r#"function main(params) {
  const name = params.name || 'World';
  console.log(`greeting ${name} from ${params.place}`);
  return { greeting: `Hello, ${name}!` };
}"#;

const SHOUT: &str = r#"function main(params) {
  return { greeting: String(params.greeting || '').toUpperCase() };
}"#;

const SLOW_LOGGER: &str = r#"async function main(params) {
  const steps = params.steps || 5;
  for (let i = 1; i <= steps; i++) {
    console.log(`step ${i} of ${steps}`);
    await new Promise((resolve) => setTimeout(resolve, 400));
  }
  return { done: true, steps };
}"#;

const FAIL: &str = r#"function main(params) {
  console.error('about to fail on purpose');
  throw new Error(params.reason || 'this demo action always fails');
}"#;

/// At the top level (SCF's `default` namespace, FunctionGraph's `default` package), so those
/// dialects' default connections have a function with runs to show.
const GREET: &str = r#"function main(params) {
  if (params.fail) {
    console.error(`refusing to greet ${params.name}`);
    throw new Error(`cannot greet ${params.name}: ${params.fail}`);
  }
  console.log(`greeting ${params.name || 'you'}`);
  return { greeting: `Hello, ${params.name || 'you'}!` };
}"#;

/// Public (a web action needs no credentials), so everything a caller sends is escaped before
/// it reaches the HTML: otherwise `?name=<script>…` runs a script on the engine's origin.
const WEB: &str = r#"const ENTITIES = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
function escapeHtml(value) {
  return String(value).replace(/[&<>"']/g, (c) => ENTITIES[c]);
}
function main(params) {
  const name = escapeHtml(params.name || 'visitor');
  const method = escapeHtml(params.__ow_method);
  return {
    statusCode: 200,
    headers: { 'Content-Type': 'text/html; charset=utf-8' },
    body: `<h1>Hello, ${name}</h1><p>Method: ${method}</p>`,
  };
}"#;

/// Seeds the demo package when the engine holds no action yet; answers whether it did.
pub fn seed_if_empty(engine: &Engine) -> Result<bool, EngineError> {
    if !engine.actions(&Scope::All)?.is_empty() {
        return Ok(false);
    }
    let defaults: Map<String, Value> = json!({"place": "the fnconsole demo"})
        .as_object()
        .cloned()
        .unwrap_or_default();
    engine.put_package(
        "demo",
        Some("Demo actions of the embedded engine"),
        &defaults,
    )?;
    let basic = ActionKind::Basic;
    let actions = [
        (
            "hello",
            action(basic, HELLO, "Greets by name (try {\"name\": \"Kim\"})"),
        ),
        ("shout", action(basic, SHOUT, "Upper-cases a greeting")),
        (
            "slow-logger",
            action(basic, SLOW_LOGGER, "Logs a line every 0.4 s for about 2 s"),
        ),
        (
            "always-fails",
            action(basic, FAIL, "Throws an error, to show a failed activation"),
        ),
        (
            "hello-loud",
            ActionDraft {
                kind: ActionKind::Sequence,
                description: Some("hello, then shout".into()),
                run: Run::Sequence(vec![demo("hello"), demo("shout")]),
            },
        ),
        (
            "web-hello",
            action(ActionKind::Web, WEB, "A web action answering HTML"),
        ),
    ];
    for (name, draft) in actions {
        engine.put_action(Some("demo"), name, draft)?;
    }
    Ok(true)
}

/// What the console's first start adds to the seeded demo (call it when
/// [`seed_if_empty`] seeded, before the queue's workers start): a top-level `greet` (SCF's
/// `default` namespace and FunctionGraph's `default` package are the engine's top level, so
/// those dialects' default connections have a function) and the runs a fresh console shows,
/// enqueued as asynchronous invocations that the queue's workers run for real once they
/// start: successes, failures, and a slow one still running when the console first opens.
/// One is given no time to wait, so the queue discards it as it discards any invocation that
/// waited past its deadline (`store::queue`'s `claim_next`): a real DISCARD with its error.
/// A few milliseconds: inserts, and the wait for that one deadline to pass.
pub fn first_runs(engine: &Engine) -> Result<(), EngineError> {
    let greet = action(
        ActionKind::Basic,
        GREET,
        "Greets by name; fails when given {\"fail\": \"why\"}",
    );
    engine.put_action(None, "greet", greet)?;
    let params = |v: Value| v.as_object().cloned().unwrap_or_default();
    let subject = engine.options().namespace.clone();
    engine.enqueue(
        None,
        "greet",
        params(json!({"name": "Too late"})),
        &subject,
        Duration::ZERO,
    )?;
    let runs = [
        (None, "greet", json!({"name": "Kim"})),
        (None, "greet", json!({"name": "Lee"})),
        (
            None,
            "greet",
            json!({"name": "Park", "fail": "a demo failure"}),
        ),
        (Some("demo"), "hello", json!({"name": "Kim"})),
        (Some("demo"), "hello-loud", json!({"name": "Lee"})),
        (
            Some("demo"),
            "always-fails",
            json!({"reason": "a demo failure"}),
        ),
        (Some("demo"), "slow-logger", json!({"steps": 10})),
    ];
    for (package, name, p) in runs {
        engine.enqueue(package, name, params(p), &subject, DEMO_MAX_WAIT)?;
    }
    // The deadline of the one above is "now"; it passes within the millisecond, before the
    // workers (started after seeding) first look at the queue.
    std::thread::sleep(Duration::from_millis(2));
    Ok(())
}

/// How long a demo run may wait for a worker (FunctionGraph's default for asynchronous ones).
const DEMO_MAX_WAIT: Duration = Duration::from_secs(6 * 3600);
