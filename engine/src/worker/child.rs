//! The worker process's side: read a job, run it, report its lines and its end, repeat.

use std::cell::RefCell;
use std::io::{BufRead, BufWriter, Write};
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::process::ExitCode;
use std::rc::Rc;

use super::confine::{confine, warm_limits};
use super::protocol::{Done, Event, Job};
use super::warm::WarmCache;
use crate::engine::panic_message;
use crate::runtime::{LogLine, Outcome, Sandbox};

type Out = Rc<RefCell<BufWriter<std::io::StdoutLock<'static>>>>;

/// Runs as a worker until stdin closes: what the worker subcommand calls. Exits non-zero
/// when it cannot confine itself or talk to the engine.
pub fn serve() -> ExitCode {
    if let Err(message) = confine() {
        eprintln!("fnconsole worker: {message}");
        return ExitCode::from(70);
    }
    let out: Out = Rc::new(RefCell::new(BufWriter::new(std::io::stdout().lock())));
    let mut warm = WarmCache::new(warm_limits());
    for line in std::io::stdin().lock().lines() {
        let Ok(line) = line else { break };
        let done = match serde_json::from_str::<Job>(&line) {
            Ok(job) => catch_unwind(AssertUnwindSafe(|| run(&job, &out, &mut warm)))
                .unwrap_or_else(|panic| {
                    internal(format!(
                        "the engine failed while running the action: {}",
                        panic_message(&*panic)
                    ))
                }),
            Err(e) => internal(format!("the worker could not read its job: {e}")),
        };
        let retire = done.retire;
        if send(&out, &Event::Done(done)).is_err() || retire {
            break;
        }
    }
    ExitCode::SUCCESS
}

/// Runs `job` in the warm runtime kept for its action version, or in a fresh one; keeps the
/// runtime after for the next job of the same version when the run allows it.
fn run(job: &Job, out: &Out, warm: &mut WarmCache) -> Done {
    let sink = out.clone();
    let live = Box::new(move |line: &LogLine| {
        // A failed write means the engine is gone; the run ends soon and so does the loop.
        let _ = send(&sink, &Event::Line(line.clone()));
    });
    let (output, sandbox, was_warm) = match warm.take(job) {
        Some(sandbox) => {
            let (output, sandbox) = sandbox.run_warm(&job.params, &job.options, Some(live));
            (output, sandbox, true)
        }
        None => {
            let (output, sandbox) =
                Sandbox::run_cold(&job.code, &job.main, &job.params, &job.options, Some(live));
            (output, sandbox, false)
        }
    };
    if let Some(sandbox) = sandbox {
        warm.keep(job, sandbox, output.memory_used);
    }
    // Memory the action allocated may stay with this process; a fresh one gives it back.
    let retire =
        matches!(&output.outcome, Outcome::DeveloperError(m) if m.starts_with("out of memory"));
    Done {
        outcome: output.outcome,
        logs_truncated: output.logs_truncated,
        memory_used: output.memory_used,
        duration_us: output.duration.as_micros() as u64,
        retire,
        warm: was_warm,
    }
}

fn internal(message: String) -> Done {
    Done {
        outcome: Outcome::InternalError(message),
        logs_truncated: false,
        memory_used: 0,
        duration_us: 0,
        retire: true,
        warm: false,
    }
}

fn send(out: &Out, event: &Event) -> std::io::Result<()> {
    let mut out = out.borrow_mut();
    serde_json::to_writer(&mut *out, event)?;
    out.write_all(b"\n")?;
    out.flush()
}
