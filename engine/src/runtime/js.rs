//! One sandboxed run of an action's `main`.

use rquickjs::promise::PromiseState;
use rquickjs::{CatchResultExt, CaughtError, Ctx, Function, Object, Runtime, Value as JsValue};
use serde_json::{Value, json};
use std::cell::{Cell, RefCell};
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

pub(super) struct Logs {
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

/// Runs `main` of `code` with `params`, within `options`, in a fresh runtime that is thrown
/// away after. Log lines are also sent to `live` as they are written.
///
/// The deadline is enforced by QuickJS's interrupt handler, which only fires where QuickJS
/// polls it; code that loops inside a built-in can outlast it. The engine therefore runs this
/// in a worker process that it kills at the deadline (see [`crate::worker`]), where a runtime
/// may also be kept warm for the same action's next run ([`super::Sandbox`]).
pub fn run(
    code: &str,
    main: &str,
    params: &Value,
    options: &RunOptions,
    live: Option<LiveSink>,
) -> RunOutput {
    super::Sandbox::run_cold(code, main, params, options, live).0
}

/// The bytes QuickJS's allocator holds for `rt` now (it keeps no peak).
pub(super) fn in_use(rt: &Runtime) -> u64 {
    u64::try_from(rt.memory_usage().malloc_size).unwrap_or(0)
}

/// What one run shares with the functions the prelude calls back: its logs, its start
/// (`now`) and its deadline (the interrupt handler). Replaced at the start of each run of a
/// warm runtime.
pub(super) struct Shared {
    pub(super) logs: RefCell<Logs>,
    pub(super) started: Cell<Instant>,
    pub(super) deadline: Cell<Instant>,
}

impl Shared {
    pub(super) fn new(options: &RunOptions, live: Option<LiveSink>) -> Rc<Self> {
        let started = Instant::now();
        Rc::new(Self {
            logs: RefCell::new(Logs::new(options.max_log_bytes, live)),
            started: Cell::new(started),
            deadline: Cell::new(started + options.deadline),
        })
    }

    /// Starts a new run: empty logs, the clock and the deadline from now.
    pub(super) fn begin(&self, options: &RunOptions, live: Option<LiveSink>) {
        let started = Instant::now();
        *self.logs.borrow_mut() = Logs::new(options.max_log_bytes, live);
        self.started.set(started);
        self.deadline.set(started + options.deadline);
    }

    /// The run's lines, whether they were cut, and its sink dropped.
    pub(super) fn take_logs(&self) -> (Vec<LogLine>, bool) {
        let mut logs = self.logs.borrow_mut();
        logs.live = None;
        (std::mem::take(&mut logs.lines), logs.truncated)
    }
}

impl Logs {
    fn new(max: usize, live: Option<LiveSink>) -> Self {
        Self {
            lines: Vec::new(),
            bytes: 0,
            truncated: false,
            max,
            live,
        }
    }
}

/// What the prelude hands the host.
pub(super) struct Hooks<'js> {
    next_due: Function<'js>,
    run_timer: Function<'js>,
    describe: Function<'js>,
    encode: Function<'js>,
    reset: Function<'js>,
}

impl<'js> Hooks<'js> {
    /// The hooks in the object the prelude answered.
    pub(super) fn of(hooks: &Object<'js>) -> rquickjs::Result<Self> {
        Ok(Self {
            next_due: hooks.get("nextDue")?,
            run_timer: hooks.get("runTimer")?,
            describe: hooks.get("describe")?,
            encode: hooks.get("encode")?,
            reset: hooks.get("reset")?,
        })
    }

    /// Whether no timer the run set is left to run (the timer list is emptied either way):
    /// one condition for keeping the runtime for the next run.
    pub(super) fn settled(&self) -> bool {
        let due: f64 = self.next_due.call(()).unwrap_or(0.0);
        let cleared = self.reset.call::<_, ()>(()).is_ok();
        due < 0.0 && cleared
    }
}

/// One run's context and limits.
pub(super) struct Run<'a, 'js> {
    pub(super) ctx: &'a Ctx<'js>,
    pub(super) options: &'a RunOptions,
    pub(super) started: Instant,
    pub(super) deadline: Instant,
}

impl<'js> Run<'_, 'js> {
    /// Defines the action's world and runs its code's top level: the prelude's hooks and the
    /// action's entry point, or how loading ended.
    pub(super) fn load(
        &self,
        code: &str,
        main: &str,
        shared: &Rc<Shared>,
    ) -> Result<(Object<'js>, Function<'js>), Outcome> {
        let ctx = self.ctx;
        let installed = self
            .install(shared)
            .and_then(|object| Hooks::of(&object).map(|hooks| (object, hooks)));
        let (object, hooks) = installed.map_err(|e| {
            Outcome::DeveloperError(format!("the action's environment could not be set up: {e}"))
        })?;
        if let Err(caught) = ctx.eval::<(), _>(code).catch(ctx) {
            return Err(self.failed(&hooks, caught, Phase::Load));
        }
        let Some(entry) = find_main(&ctx.globals(), main) else {
            return Err(Outcome::DeveloperError(format!(
                "the action has no function `{main}`: define `function {main}(params)` or set `exports.{main}`"
            )));
        };
        Ok((object, entry))
    }

    /// Calls `entry` with `params` and settles what it returns.
    pub(super) fn call(
        &self,
        hooks: &Hooks<'js>,
        entry: &Function<'js>,
        main: &str,
        params: &Value,
    ) -> Outcome {
        let ctx = self.ctx;
        let args = match ctx.json_parse(params.to_string()) {
            Ok(v) => v,
            Err(e) => {
                return Outcome::DeveloperError(format!("the parameters could not be passed: {e}"));
            }
        };
        let returned: JsValue = match entry.call((args,)).catch(ctx) {
            Ok(v) => v,
            Err(caught) => return self.failed(hooks, caught, Phase::Run),
        };
        let value = match returned.as_promise().cloned() {
            Some(promise) => match self.settle(hooks, promise) {
                Ok(v) => v,
                Err(outcome) => return outcome,
            },
            None => returned,
        };
        self.result(hooks, main, value)
    }

    /// Installs the prelude; answers its hooks object. `now` and `log` read the run in
    /// progress from `shared`, so a warm runtime's next run gets its own clock and logs.
    fn install(&self, shared: &Rc<Shared>) -> rquickjs::Result<Object<'js>> {
        let ctx = self.ctx;
        let clock = shared.clone();
        let now = Function::new(ctx.clone(), move || {
            clock.started.get().elapsed().as_secs_f64() * 1000.0
        })?;
        let sink = shared.clone();
        let log = Function::new(ctx.clone(), move |stream: i32, text: String| {
            let stream = if stream == 0 {
                Stream::Stdout
            } else {
                Stream::Stderr
            };
            sink.logs.borrow_mut().push(stream, text);
        })?;
        let setup: Function = ctx.eval(PRELUDE)?;
        let max_log = self.options.max_log_bytes as f64;
        setup.call((now, log, max_log))
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
