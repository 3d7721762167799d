//! A QuickJS runtime with an action's code loaded, which can run its `main` again: what a
//! worker keeps warm for the same action's next invocation, as OpenWhisk keeps a container.
//!
//! A sandbox is only handed back for reuse after a run that succeeded and left nothing
//! behind (no timer set, no promise job queued): a run that timed out, ran out of memory,
//! threw (at the top level or from `main`) or failed any other way throws its runtime away.

use rquickjs::{Context, Function, Object, Persistent, Runtime};
use serde_json::Value;
use std::rc::Rc;
use std::time::Instant;

use super::js::{Hooks, Run, Shared, in_use};
use super::{LiveSink, Outcome, RunOptions, RunOutput};

/// A runtime with an action's code loaded and its world set up.
pub struct Sandbox {
    // Dropped in this order: the kept JavaScript values before their context, the context
    // before its runtime (QuickJS aborts if a value outlives its runtime).
    hooks: Persistent<Object<'static>>,
    entry: Persistent<Function<'static>>,
    context: Context,
    rt: Runtime,
    shared: Rc<Shared>,
    main: String,
}

impl std::fmt::Debug for Sandbox {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Sandbox")
            .field("main", &self.main)
            .field("bytes", &self.bytes())
            .finish_non_exhaustive()
    }
}

impl Sandbox {
    /// Runs `main` of `code` in a fresh runtime. Answers the run's output and, when the run
    /// succeeded and left nothing running, the sandbox, ready for [`Sandbox::run_warm`].
    pub fn run_cold(
        code: &str,
        main: &str,
        params: &Value,
        options: &RunOptions,
        live: Option<LiveSink>,
    ) -> (RunOutput, Option<Sandbox>) {
        let shared = Shared::new(options, live);
        let rt = match Runtime::new() {
            Ok(rt) => rt,
            Err(e) => {
                let outcome =
                    Outcome::DeveloperError(format!("the JavaScript runtime could not start: {e}"));
                return (output(&shared, outcome, 0), None);
            }
        };
        limit(&rt, options);
        let clock = shared.clone();
        rt.set_interrupt_handler(Some(Box::new(move || {
            Instant::now() >= clock.deadline.get()
        })));
        let context = match Context::full(&rt) {
            Ok(context) => context,
            Err(e) => {
                let outcome =
                    Outcome::DeveloperError(format!("the JavaScript context could not start: {e}"));
                return (output(&shared, outcome, in_use(&rt)), None);
            }
        };
        let (outcome, kept) = context.with(|ctx| {
            let run = Run {
                ctx: &ctx,
                options,
                started: shared.started.get(),
                deadline: shared.deadline.get(),
            };
            let (object, entry) = match run.load(code, main, &shared) {
                Ok(loaded) => loaded,
                Err(outcome) => return (outcome, None),
            };
            let hooks = match Hooks::of(&object) {
                Ok(hooks) => hooks,
                Err(e) => return (internal(e), None),
            };
            let outcome = run.call(&hooks, &entry, main, params);
            let keep = matches!(outcome, Outcome::Success(_)) && hooks.settled();
            let kept = keep.then(|| {
                (
                    Persistent::save(&ctx, object),
                    Persistent::save(&ctx, entry),
                )
            });
            (outcome, kept)
        });
        // Measured while the context (and so the run's objects) is alive.
        let out = output(&shared, outcome, in_use(&rt));
        match kept {
            Some((hooks, entry)) if !rt.is_job_pending() => {
                let sandbox = Sandbox {
                    hooks,
                    entry,
                    context,
                    rt,
                    shared,
                    main: main.to_string(),
                };
                (out, Some(sandbox))
            }
            // The kept values go before the context and the runtime they belong to.
            kept => {
                drop(kept);
                drop(context);
                (out, None)
            }
        }
    }

    /// Runs `main` again with `params`, in the state the earlier runs left. Answers the
    /// output and, unless the run failed or left something running, the sandbox again.
    pub fn run_warm(
        self,
        params: &Value,
        options: &RunOptions,
        live: Option<LiveSink>,
    ) -> (RunOutput, Option<Sandbox>) {
        self.shared.begin(options, live);
        limit(&self.rt, options);
        let (outcome, settled) = self.context.with(|ctx| {
            let run = Run {
                ctx: &ctx,
                options,
                started: self.shared.started.get(),
                deadline: self.shared.deadline.get(),
            };
            let restored = self
                .hooks
                .clone()
                .restore(&ctx)
                .and_then(|object| Hooks::of(&object))
                .and_then(|hooks| self.entry.clone().restore(&ctx).map(|e| (hooks, e)));
            match restored {
                Ok((hooks, entry)) => {
                    let outcome = run.call(&hooks, &entry, &self.main, params);
                    let keep = matches!(outcome, Outcome::Success(_)) && hooks.settled();
                    (outcome, keep)
                }
                Err(e) => (internal(e), false),
            }
        });
        let out = output(&self.shared, outcome, in_use(&self.rt));
        let keep = settled && !self.rt.is_job_pending();
        (out, keep.then_some(self))
    }

    /// The bytes its runtime holds now: what keeping it costs.
    pub fn bytes(&self) -> u64 {
        in_use(&self.rt)
    }
}

/// The run's limits, set again before each run.
fn limit(rt: &Runtime, options: &RunOptions) {
    rt.set_memory_limit(options.memory_bytes);
    rt.set_max_stack_size(options.stack_bytes);
}

fn internal(e: rquickjs::Error) -> Outcome {
    Outcome::InternalError(format!("the action's environment was lost: {e}"))
}

fn output(shared: &Shared, outcome: Outcome, memory_used: u64) -> RunOutput {
    let (logs, logs_truncated) = shared.take_logs();
    RunOutput {
        outcome,
        logs,
        logs_truncated,
        memory_used,
        duration: shared.started.get().elapsed(),
    }
}
