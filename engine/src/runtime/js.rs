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

/// The bytes a kept line costs besides its text: `2024-01-01T00:00:00.123Z stdout: `.
pub const LINE_OVERHEAD: usize = 33;

/// The bytes a kept line with `text` counts against the log limit.
pub fn line_cost(text: &str) -> usize {
    LINE_OVERHEAD + text.len()
}

/// What a thrown value that could not even be described is taken for.
const OUT_OF_MEMORY_DESCRIBING: &str =
    "InternalError: out of memory while describing the thrown value";

/// The notice that ends an error message cut at the result limit.
pub const ERROR_TRUNCATED: &str = "[the error was truncated at the result limit of";

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
        // A line is kept as `{time} {stream}: {text}`, so that is what counts: an empty line
        // is not free, and a flood of them ends at the limit like one long line does.
        let cost = line_cost(&text);
        if self.bytes + cost > self.max {
            self.truncated = true;
            let notice = LogLine {
                ts_ms: now_ms(),
                stream: Stream::Stderr,
                text: format!("{LOG_TRUNCATED} of {} bytes.", self.max),
            };
            self.emit(notice);
            return;
        }
        self.bytes += cost;
        self.emit(LogLine {
            ts_ms: now_ms(),
            stream,
            text,
        });
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
///
/// The deadline is enforced by QuickJS's interrupt handler, which only fires where QuickJS
/// polls it; code that loops inside a built-in can outlast it. The engine therefore runs this
/// in a worker process that it kills at the deadline (see [`crate::worker`]).
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
            match Context::full(&rt) {
                Err(e) => (
                    Outcome::DeveloperError(format!("the JavaScript context could not start: {e}")),
                    in_use(&rt),
                ),
                Ok(context) => {
                    let outcome = context.with(|ctx| {
                        let run = Run {
                            ctx: &ctx,
                            options,
                            started,
                            deadline,
                        };
                        run.execute(code, main, params, &logs)
                    });
                    // Measured while the context (and so the run's objects) is alive: once it
                    // is dropped, QuickJS has freed them and only its own baseline is left.
                    (outcome, in_use(&rt))
                }
            }
        }
    };

    let logs = Rc::try_unwrap(logs)
        .map(RefCell::into_inner)
        .unwrap_or_else(|rc| {
            // The context is gone, so no closure still holds the log; taking the lines covers
            // the impossible case without a panic.
            let mut l = rc.borrow_mut();
            Logs {
                lines: std::mem::take(&mut l.lines),
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

/// The bytes QuickJS's allocator holds for `rt` now (it keeps no peak).
fn in_use(rt: &Runtime) -> u64 {
    u64::try_from(rt.memory_usage().malloc_size).unwrap_or(0)
}

/// What the prelude hands the host.
struct Hooks<'js> {
    next_due: Function<'js>,
    run_timer: Function<'js>,
    describe: Function<'js>,
    encode: Function<'js>,
}

/// One run's context and limits.
struct Run<'a, 'js> {
    ctx: &'a Ctx<'js>,
    options: &'a RunOptions,
    started: Instant,
    deadline: Instant,
}

impl<'js> Run<'_, 'js> {
    fn execute(&self, code: &str, main: &str, params: &Value, logs: &Rc<RefCell<Logs>>) -> Outcome {
        let ctx = self.ctx;
        let hooks = match self.install(logs) {
            Ok(hooks) => hooks,
            Err(e) => {
                return Outcome::DeveloperError(format!(
                    "the action's environment could not be set up: {e}"
                ));
            }
        };
        let global = ctx.globals();
        if let Err(caught) = ctx.eval::<(), _>(code).catch(ctx) {
            return self.failed(&hooks, caught, Phase::Load);
        }
        let Some(entry) = find_main(&global, main) else {
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
            Err(caught) => return self.failed(&hooks, caught, Phase::Run),
        };
        let value = match returned.as_promise().cloned() {
            Some(promise) => match self.settle(&hooks, promise) {
                Ok(v) => v,
                Err(outcome) => return outcome,
            },
            None => returned,
        };
        self.result(&hooks, main, value)
    }

    /// Defines the action's world and takes the prelude's hooks.
    fn install(&self, logs: &Rc<RefCell<Logs>>) -> rquickjs::Result<Hooks<'js>> {
        let ctx = self.ctx;
        let started = self.started;
        let sink = logs.clone();
        let now = Function::new(ctx.clone(), move || {
            started.elapsed().as_secs_f64() * 1000.0
        })?;
        let log = Function::new(ctx.clone(), move |stream: i32, text: String| {
            let stream = if stream == 0 {
                Stream::Stdout
            } else {
                Stream::Stderr
            };
            sink.borrow_mut().push(stream, text);
        })?;
        let setup: Function = ctx.eval(PRELUDE)?;
        let max_log = self.options.max_log_bytes as f64;
        let hooks: Object = setup.call((now, log, max_log))?;
        Ok(Hooks {
            next_due: hooks.get("nextDue")?,
            run_timer: hooks.get("runTimer")?,
            describe: hooks.get("describe")?,
            encode: hooks.get("encode")?,
        })
    }

    /// Drives the job queue and the timers until `promise` settles or the deadline passes.
    fn settle(
        &self,
        hooks: &Hooks<'js>,
        promise: rquickjs::Promise<'js>,
    ) -> Result<JsValue<'js>, Outcome> {
        let ctx = self.ctx;
        loop {
            match promise.state() {
                PromiseState::Resolved => {
                    return promise
                        .result::<JsValue>()
                        .and_then(Result::ok)
                        .ok_or_else(|| {
                            Outcome::DeveloperError(
                                "the promise resolved but its value could not be read".into(),
                            )
                        });
                }
                PromiseState::Rejected => {
                    return Err(match promise.result::<JsValue>() {
                        Some(Err(e)) => match Err::<(), _>(e).catch(ctx) {
                            Err(caught) => self.failed(hooks, caught, Phase::Run),
                            Ok(()) => rejected(),
                        },
                        _ => rejected(),
                    });
                }
                PromiseState::Pending => {}
            }
            if Instant::now() >= self.deadline {
                return Err(Outcome::Timeout);
            }
            if ctx.execute_pending_job() {
                continue;
            }
            let due: f64 = hooks.next_due.call(()).unwrap_or(-1.0);
            // No job and no timer: nothing can settle the promise. Like the clouds, the run
            // ends at its deadline. The prelude keeps `due` finite; a value that is not is
            // treated as never due rather than trusted.
            let due_at = if due.is_finite() && due >= 0.0 {
                Duration::try_from_secs_f64(due / 1000.0)
                    .ok()
                    .and_then(|d| self.started.checked_add(d))
            } else {
                None
            };
            match due_at {
                Some(at) if at < self.deadline => {
                    std::thread::sleep(at.saturating_duration_since(Instant::now()));
                    if let Err(caught) = hooks.run_timer.call::<_, ()>(()).catch(ctx) {
                        return Err(self.failed(hooks, caught, Phase::Run));
                    }
                }
                _ => {
                    std::thread::sleep(self.deadline.saturating_duration_since(Instant::now()));
                    return Err(Outcome::Timeout);
                }
            }
        }
    }

    /// The value `main` produced, checked: a JSON object within the result limit.
    fn result(&self, hooks: &Hooks<'js>, main: &str, value: JsValue<'js>) -> Outcome {
        let ctx = self.ctx;
        if value.is_undefined() {
            return Outcome::DeveloperError(format!(
                "`{main}` returned undefined; it must return a JSON object, for example {{}} or {{\"payload\": …}}"
            ));
        }
        let max = self.options.max_result_bytes;
        let encoded: JsValue = match hooks.encode.call((value, max as f64)).catch(ctx) {
            Ok(v) => v,
            Err(caught) => return self.failed(hooks, caught, Phase::Run),
        };
        if let Some(units) = encoded.as_number() {
            // Past the limit in UTF-16 units, so past it in UTF-8 bytes: not copied out.
            return too_big(units as u64, max);
        }
        let Some(text) = encoded.as_string().and_then(|s| s.to_string().ok()) else {
            return Outcome::DeveloperError(format!(
                "`{main}` returned a value with no JSON form; it must return a JSON object"
            ));
        };
        if text.len() > max {
            return too_big(text.len() as u64, max);
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

    /// How a thrown value or engine error ends the run.
    fn failed(&self, hooks: &Hooks<'js>, caught: CaughtError<'js>, phase: Phase) -> Outcome {
        if Instant::now() >= self.deadline {
            return Outcome::Timeout;
        }
        let message = self.describe(hooks, caught);
        // QuickJS's own words, not any message that mentions memory: an action that throws
        // "out of memory" itself is an application error like any other.
        if message == "InternalError: out of memory"
            || message.starts_with(OUT_OF_MEMORY_DESCRIBING)
            || message.contains("Allocation failed")
        {
            return Outcome::DeveloperError(format!(
                "out of memory: the action used more than its {} MB limit",
                self.options.memory_bytes / (1024 * 1024)
            ));
        }
        if message.contains("stack overflow")
            || message.contains("Maximum call stack size exceeded")
        {
            return Outcome::DeveloperError(format!(
                "{}: stack overflow (too deep a recursion)",
                phase.as_str()
            ));
        }
        match phase {
            Phase::Load => {
                Outcome::DeveloperError(format!("the action's code could not be loaded: {message}"))
            }
            Phase::Run => Outcome::ApplicationError(json!({ "error": message })),
        }
    }

    /// A readable message for an exception or thrown value, cut at the result limit with a
    /// visible notice. The prelude clips it before it is copied out of JavaScript.
    fn describe(&self, hooks: &Hooks<'js>, caught: CaughtError<'js>) -> String {
        let max = self.options.max_result_bytes;
        let thrown = match caught {
            CaughtError::Exception(e) => e.into_value(),
            CaughtError::Value(v) => v,
            CaughtError::Error(e) => return clip_error(e.to_string(), max),
        };
        let text: Option<String> = hooks
            .describe
            .call((thrown, max as f64))
            .ok()
            .and_then(|s: rquickjs::String| s.to_string().ok());
        match text {
            Some(text) => clip_error(text, max),
            // Describing it failed too: nearly always because memory ran out.
            None => OUT_OF_MEMORY_DESCRIBING.into(),
        }
    }
}

#[derive(Clone, Copy)]
enum Phase {
    Load,
    Run,
}

impl Phase {
    fn as_str(self) -> &'static str {
        match self {
            Phase::Load => "load",
            Phase::Run => "run",
        }
    }
}

fn rejected() -> Outcome {
    Outcome::ApplicationError(json!({"error": "the promise was rejected"}))
}

fn too_big(bytes: u64, max: usize) -> Outcome {
    Outcome::DeveloperError(format!(
        "the result is {bytes} bytes; at most {max} bytes are allowed"
    ))
}

/// `text` if it fits in `max` bytes; else its start and the truncation notice, within `max`.
fn clip_error(text: String, max: usize) -> String {
    if text.len() <= max {
        return text;
    }
    let notice = format!(" {ERROR_TRUNCATED} {max} bytes]");
    let mut end = max.saturating_sub(notice.len());
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    let mut clipped = text;
    clipped.truncate(end);
    clipped.push_str(&notice);
    clipped
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
fn find_main<'js>(global: &Object<'js>, main: &str) -> Option<Function<'js>> {
    if let Ok(f) = global.get::<_, Function>(main) {
        return Some(f);
    }
    let module: Object = global.get("module").ok()?;
    let exports: JsValue = module.get("exports").ok()?;
    if let Some(obj) = exports.as_object()
        && let Ok(f) = obj.get::<_, Function>(main)
    {
        return Some(f);
    }
    exports.as_function().cloned()
}
