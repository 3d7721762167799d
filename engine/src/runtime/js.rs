//! One sandboxed run of an action's `main`.

use rquickjs::promise::PromiseState;
use rquickjs::{
    CatchResultExt, CaughtError, Context, Ctx, Function, Object, Runtime, Value as JsValue,
};
use serde_json::{Value, json};
use std::cell::RefCell;
use std::rc::Rc;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use super::prelude::PRELUDE;
use super::{LiveSink, LogLine, Outcome, RunOptions, RunOutput, Stream};

/// The notice that ends truncated logs (OpenWhisk's wording).
pub const LOG_TRUNCATED: &str =
    "Logs were truncated because the total bytes size exceeds the limit";

struct Logs {
    lines: Vec<LogLine>,
    bytes: usize,
    truncated: bool,
    max: usize,
    live: Option<LiveSink>,
}

impl Logs {
    fn push(&mut self, stream: Stream, text: String) {
        if self.truncated {
            return;
        }
        let line = LogLine {
            ts_ms: now_ms(),
            stream,
            text,
        };
        if self.bytes + line.text.len() > self.max {
            self.truncated = true;
            let notice = LogLine {
                ts_ms: now_ms(),
                stream: Stream::Stderr,
                text: format!("{LOG_TRUNCATED} of {} bytes.", self.max),
            };
            self.emit(notice);
            return;
        }
        self.bytes += line.text.len();
        self.emit(line);
    }

    fn emit(&mut self, line: LogLine) {
        if let Some(live) = &mut self.live {
            live(&line);
        }
        self.lines.push(line);
    }
}

fn now_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or(0)
}

/// Runs `main` of `code` with `params`, within `options`. Log lines are also sent to `live`
/// as they are written.
pub fn run(
    code: &str,
    main: &str,
    params: &Value,
    options: &RunOptions,
    live: Option<LiveSink>,
) -> RunOutput {
    let started = Instant::now();
    let deadline = started + options.deadline;
    let logs = Rc::new(RefCell::new(Logs {
        lines: Vec::new(),
        bytes: 0,
        truncated: false,
        max: options.max_log_bytes,
        live,
    }));

    let (outcome, memory_used) = match Runtime::new() {
        Err(e) => (
            Outcome::DeveloperError(format!("the JavaScript runtime could not start: {e}")),
            0,
        ),
        Ok(rt) => {
            rt.set_memory_limit(options.memory_bytes);
            rt.set_max_stack_size(options.stack_bytes);
            rt.set_interrupt_handler(Some(Box::new(move || Instant::now() >= deadline)));
            let outcome = match Context::full(&rt) {
                Err(e) => {
                    Outcome::DeveloperError(format!("the JavaScript context could not start: {e}"))
                }
                Ok(context) => context.with(|ctx| {
                    execute(&ctx, code, main, params, options, started, deadline, &logs)
                }),
            };
            (outcome, rt.memory_usage().memory_used_size.max(0) as u64)
        }
    };

    let logs = Rc::try_unwrap(logs)
        .map(RefCell::into_inner)
        .unwrap_or_else(|rc| {
            // The context is gone, so no closure still holds the log; cloning covers the
            // impossible case without a panic.
            let l = rc.borrow();
            Logs {
                lines: l.lines.clone(),
                bytes: l.bytes,
                truncated: l.truncated,
                max: l.max,
                live: None,
            }
        });
    RunOutput {
        outcome,
        logs: logs.lines,
        logs_truncated: logs.truncated,
        memory_used,
        duration: started.elapsed(),
    }
}

#[allow(clippy::too_many_arguments)]
fn execute<'js>(
    ctx: &Ctx<'js>,
    code: &str,
    main: &str,
    params: &Value,
    options: &RunOptions,
    started: Instant,
    deadline: Instant,
    logs: &Rc<RefCell<Logs>>,
) -> Outcome {
    let global = ctx.globals();
    let sink = logs.clone();
    let installed = (|| -> rquickjs::Result<()> {
        global.set(
            "__now",
            Function::new(ctx.clone(), move || {
                started.elapsed().as_secs_f64() * 1000.0
            })?,
        )?;
        global.set(
            "__log",
            Function::new(ctx.clone(), move |stream: i32, text: String| {
                let stream = if stream == 0 {
                    Stream::Stdout
                } else {
                    Stream::Stderr
                };
                sink.borrow_mut().push(stream, text);
            })?,
        )?;
        ctx.eval::<(), _>(PRELUDE)
    })();
    if let Err(e) = installed {
        return Outcome::DeveloperError(format!(
            "the action's environment could not be set up: {e}"
        ));
    }

    let failed = |caught: CaughtError<'js>, what: &str| -> Outcome {
        if Instant::now() >= deadline {
            return Outcome::Timeout;
        }
        let message = describe(ctx, caught);
        if message.contains("out of memory") || message.contains("Allocation failed") {
            return Outcome::DeveloperError(format!(
                "out of memory: the action used more than its {} MB limit",
                options.memory_bytes / (1024 * 1024)
            ));
        }
        if message.contains("stack overflow")
            || message.contains("Maximum call stack size exceeded")
        {
            return Outcome::DeveloperError(format!(
                "{what}: stack overflow (too deep a recursion)"
            ));
        }
        match what {
            "load" => {
                Outcome::DeveloperError(format!("the action's code could not be loaded: {message}"))
            }
            _ => Outcome::ApplicationError(json!({ "error": message })),
        }
    };

    if let Err(caught) = ctx.eval::<(), _>(code).catch(ctx) {
        return failed(caught, "load");
    }
    let Some(entry) = find_main(ctx, &global, main) else {
        return Outcome::DeveloperError(format!(
            "the action has no function `{main}`: define `function {main}(params)` or set `exports.{main}`"
        ));
    };
    let args = match ctx.json_parse(params.to_string()) {
        Ok(v) => v,
        Err(e) => {
            return Outcome::DeveloperError(format!("the parameters could not be passed: {e}"));
        }
    };
    let returned: JsValue = match entry.call((args,)).catch(ctx) {
        Ok(v) => v,
        Err(caught) => return failed(caught, "run"),
    };

    let value = if let Some(promise) = returned.as_promise().cloned() {
        let next_due: Function = match global.get("__nextDue") {
            Ok(f) => f,
            Err(e) => return Outcome::DeveloperError(format!("timers are unavailable: {e}")),
        };
        let run_timer: Function = match global.get("__runTimer") {
            Ok(f) => f,
            Err(e) => return Outcome::DeveloperError(format!("timers are unavailable: {e}")),
        };
        loop {
            match promise.state() {
                PromiseState::Resolved => match promise.result::<JsValue>() {
                    Some(Ok(v)) => break v,
                    _ => {
                        return Outcome::DeveloperError(
                            "the promise resolved but its value could not be read".into(),
                        );
                    }
                },
                PromiseState::Rejected => {
                    return match promise.result::<JsValue>() {
                        Some(Err(e)) => failed(Err::<(), _>(e).catch(ctx).unwrap_err(), "run"),
                        _ => {
                            Outcome::ApplicationError(json!({"error": "the promise was rejected"}))
                        }
                    };
                }
                PromiseState::Pending => {}
            }
            if Instant::now() >= deadline {
                return Outcome::Timeout;
            }
            if ctx.execute_pending_job() {
                continue;
            }
            let due: f64 = next_due.call(()).unwrap_or(-1.0);
            if due < 0.0 {
                // No job and no timer: nothing can settle the promise. Like the clouds, the
                // run ends at its deadline.
                std::thread::sleep(deadline.saturating_duration_since(Instant::now()));
                return Outcome::Timeout;
            }
            let due_at = started + Duration::from_secs_f64(due / 1000.0);
            if due_at >= deadline {
                std::thread::sleep(deadline.saturating_duration_since(Instant::now()));
                return Outcome::Timeout;
            }
            std::thread::sleep(due_at.saturating_duration_since(Instant::now()));
            if let Err(caught) = run_timer.call::<_, ()>(()).catch(ctx) {
                return failed(caught, "run");
            }
        }
    } else {
        returned
    };

    if value.is_undefined() {
        return Outcome::DeveloperError(format!(
            "`{main}` returned undefined; it must return a JSON object, for example {{}} or {{\"payload\": …}}"
        ));
    }
    let text = match ctx.json_stringify(value) {
        Ok(Some(s)) => match s.to_string() {
            Ok(s) => s,
            Err(e) => return Outcome::DeveloperError(format!("the result could not be read: {e}")),
        },
        Ok(None) => {
            return Outcome::DeveloperError(format!(
                "`{main}` returned a value with no JSON form; it must return a JSON object"
            ));
        }
        Err(caught) => return failed(Err::<(), _>(caught).catch(ctx).unwrap_err(), "run"),
    };
    if text.len() > options.max_result_bytes {
        return Outcome::DeveloperError(format!(
            "the result is {} bytes; at most {} bytes are allowed",
            text.len(),
            options.max_result_bytes
        ));
    }
    match serde_json::from_str::<Value>(&text) {
        Ok(v @ Value::Object(_)) => Outcome::Success(v),
        Ok(other) => Outcome::DeveloperError(format!(
            "`{main}` returned {}; it must return a JSON object",
            kind_of(&other)
        )),
        Err(e) => Outcome::DeveloperError(format!("the result is not valid JSON: {e}")),
    }
}

fn kind_of(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// `main` as a global function, `exports.main`, or `module.exports` itself.
fn find_main<'js>(ctx: &Ctx<'js>, global: &Object<'js>, main: &str) -> Option<Function<'js>> {
    let _ = ctx;
    if let Ok(f) = global.get::<_, Function>(main) {
        return Some(f);
    }
    let module: Object = global.get("module").ok()?;
    let exports: JsValue = module.get("exports").ok()?;
    if let Some(obj) = exports.as_object() {
        if let Ok(f) = obj.get::<_, Function>(main) {
            return Some(f);
        }
    }
    exports.as_function().cloned()
}

/// A readable message for an exception or thrown value.
fn describe<'js>(ctx: &Ctx<'js>, caught: CaughtError<'js>) -> String {
    match caught {
        CaughtError::Exception(e) => {
            let message = e.message().unwrap_or_default();
            let name: Option<String> = e.get("name").ok();
            match name {
                Some(n) if !n.is_empty() => format!("{n}: {message}"),
                _ => message,
            }
        }
        CaughtError::Value(v) => match ctx.json_stringify(v.clone()) {
            Ok(Some(s)) => s.to_string().unwrap_or_default(),
            _ => format!("{v:?}"),
        },
        CaughtError::Error(e) => e.to_string(),
    }
}
