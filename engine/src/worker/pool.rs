//! The engine's side: start workers, hand each a job, follow it, kill it at the deadline.

use std::io::{BufWriter, Write};
use std::os::unix::process::CommandExt;
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc::Sender;
use std::sync::{Mutex, MutexGuard};
use std::time::{Duration, Instant};

use super::WorkerOptions;
use super::confine::{ADDRESS_SPACE_ENV, PARENT_ENV, WARM_BYTES_ENV, WARM_RUNTIMES_ENV};
use super::lines::{Lines, Next};
use super::protocol::{Done, Event, Job};
use crate::follow::{STOPPED, StopSwitch};
use crate::runtime::{LOG_TRUNCATED, LogLine, Outcome, RunOptions, RunOutput, line_cost};
use serde_json::Value;

/// Worker processes, started on demand and reused; at most `max_idle` wait between jobs.
#[derive(Debug)]
pub struct WorkerPool {
    options: WorkerOptions,
    idle: Mutex<Vec<Worker>>,
    spawner: Spawner,
    started: AtomicU64,
    killed: AtomicU64,
    warm: AtomicU64,
}

/// Counts since the pool was made.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WorkerStats {
    /// Worker processes started.
    pub started: u64,
    /// Worker processes killed because a job overran its deadline.
    pub killed: u64,
    /// Workers waiting for a job now.
    pub idle: usize,
    /// Jobs a warm runtime ran.
    pub warm_runs: u64,
}

#[derive(Debug)]
struct Worker {
    child: Child,
    stdin: BufWriter<ChildStdin>,
    lines: Lines,
}

impl Drop for Worker {
    fn drop(&mut self) {
        // Idle or overrunning alike: SIGKILL needs no cooperation, and waiting reaps it.
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl WorkerPool {
    /// A pool that starts workers as `options` say; none is started yet.
    pub fn new(options: WorkerOptions) -> Self {
        Self {
            spawner: Spawner::start(options.clone()),
            options,
            idle: Mutex::new(Vec::new()),
            started: AtomicU64::new(0),
            killed: AtomicU64::new(0),
            warm: AtomicU64::new(0),
        }
    }

    /// Counts since the pool was made.
    pub fn stats(&self) -> WorkerStats {
        WorkerStats {
            started: self.started.load(Ordering::Relaxed),
            killed: self.killed.load(Ordering::Relaxed),
            idle: self.idle().len(),
            warm_runs: self.warm.load(Ordering::Relaxed),
        }
    }

    /// Runs `main` of `code` in a worker, as [`crate::runtime::run`] would in this process,
    /// handing each console line to `live` as it arrives.
    pub fn run(
        &self,
        code: &str,
        main: &str,
        params: &Value,
        options: &RunOptions,
        live: &mut dyn FnMut(&LogLine),
    ) -> RunOutput {
        let job = Job {
            code: code.to_string(),
            main: main.to_string(),
            params: params.clone(),
            options: *options,
            warm: None,
        };
        self.run_job(&job, None, live)
    }

    /// Runs `job` in a worker, handing each console line to `live` as it arrives. Always
    /// answers by the job's deadline plus the grace: a worker that has not reported by then
    /// is killed and the run is a timeout, with the lines it wrote so far.
    ///
    /// `stop`, when given, can kill the worker while the job runs: the run then ends at once
    /// as stopped from the console (a developer error, like a timeout), with its lines so far.
    pub(crate) fn run_job(
        &self,
        job: &Job,
        stop: Option<&StopSwitch>,
        live: &mut dyn FnMut(&LogLine),
    ) -> RunOutput {
        let sent = Instant::now();
        let mut worker = match self.dispatch(job) {
            Ok(worker) => worker,
            Err(e) => return failure(format!("no worker process could run the action: {e}")),
        };
        if let Some(stop) = stop
            && !stop.arm(worker.child.id())
        {
            // Stopped before it was handed out: this worker is killed, not reused.
            drop(worker);
            return stopped(Vec::new(), sent.elapsed());
        }
        let hard_stop = Instant::now() + job.options.deadline + self.options.grace;
        let mut logs = Vec::new();
        // The limit and its truncation notice.
        let log_budget = job.options.max_log_bytes + line_cost(LOG_TRUNCATED) + 32;
        let mut log_bytes = 0;
        let end = loop {
            match worker.lines.next(hard_stop) {
                Next::Line(line) => match serde_json::from_slice::<Event>(&line) {
                    Ok(Event::Line(line)) => {
                        // The worker stops at the limit itself; this holds if it does not.
                        log_bytes += line_cost(&line.text);
                        if log_bytes <= log_budget {
                            live(&line);
                            logs.push(line);
                        }
                    }
                    Ok(Event::Done(done)) => break End::Done(done),
                    Err(e) => break End::Unreadable(e.to_string()),
                },
                Next::Closed(why) => break End::Closed(why),
                Next::TimedOut => break End::TimedOut,
            }
        };
        // Disarmed before the worker is reused, killed or reaped, so `stop` never signals a
        // pid that is no longer this worker's.
        let was_stopped = stop.is_some_and(StopSwitch::disarm);
        let ran = Ran {
            logs,
            sent,
            deadline: job.options.deadline,
        };
        self.settle(worker, end, was_stopped, ran)
    }

    /// What the run's end makes of its worker (reused, or killed) and of its output.
    fn settle(&self, mut worker: Worker, end: End, was_stopped: bool, ran: Ran) -> RunOutput {
        let logs = ran.logs;
        match end {
            End::Done(done) => {
                if done.warm {
                    self.warm.fetch_add(1, Ordering::Relaxed);
                }
                // One that finished as it was stopped may have been killed: never reused.
                if !done.retire && !was_stopped {
                    self.check_in(worker);
                }
                finished(done, logs)
            }
            // Dropping the worker kills and reaps it.
            _ if was_stopped => stopped(logs, ran.sent.elapsed()),
            End::Unreadable(e) => with_logs(
                failure(format!(
                    "the worker process answered something unreadable: {e}"
                )),
                logs,
            ),
            End::Closed(why) => {
                // Killed first, so waiting cannot hang on a worker that only closed stdout.
                let _ = worker.child.kill();
                let status = worker.child.wait().map(|s| s.to_string());
                let status = status.unwrap_or_else(|e| format!("status unknown: {e}"));
                tracing::warn!(%status, "a worker process stopped mid-job: {why}");
                with_logs(
                    failure(format!(
                        "the action's worker process ended unexpectedly ({status}); it may have exhausted the memory it is allowed"
                    )),
                    logs,
                )
            }
            End::TimedOut => {
                // Dropping the worker kills it: the CPU is given back at once.
                drop(worker);
                self.killed.fetch_add(1, Ordering::Relaxed);
                let truncated = logs
                    .last()
                    .is_some_and(|l: &LogLine| l.text.starts_with(LOG_TRUNCATED));
                RunOutput {
                    outcome: Outcome::Timeout,
                    logs,
                    logs_truncated: truncated,
                    memory_used: 0,
                    duration: ran.sent.elapsed().min(ran.deadline),
                }
            }
        }
    }

    /// Sends `job` to an idle worker, or to a new one when there is none or the idle one is
    /// gone.
    fn dispatch(&self, job: &Job) -> std::io::Result<Worker> {
        let line = serde_json::to_vec(job).map_err(std::io::Error::other)?;
        if let Some(mut worker) = self.check_out()
            && worker.send(&line).is_ok()
        {
            return Ok(worker);
        }
        let mut worker = self.start()?;
        worker.send(&line)?;
        Ok(worker)
    }

    fn check_out(&self) -> Option<Worker> {
        self.idle().pop()
    }

    fn check_in(&self, worker: Worker) {
        let mut idle = self.idle();
        if idle.len() < self.options.max_idle {
            idle.push(worker);
        }
    }

    fn idle(&self) -> MutexGuard<'_, Vec<Worker>> {
        // A list of processes cannot be left half-updated by a panic elsewhere.
        self.idle.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn start(&self) -> std::io::Result<Worker> {
        let mut child = self.spawner.spawn()?;
        self.started.fetch_add(1, Ordering::Relaxed);
        let (Some(stdin), Some(stdout)) = (child.stdin.take(), child.stdout.take()) else {
            let _ = child.kill();
            let _ = child.wait();
            return Err(std::io::Error::other("the worker's pipes were not set up"));
        };
        Ok(Worker {
            child,
            stdin: BufWriter::new(stdin),
            lines: Lines::new(stdout),
        })
    }
}

impl Worker {
    fn send(&mut self, line: &[u8]) -> std::io::Result<()> {
        self.stdin.write_all(line)?;
        self.stdin.write_all(b"\n")?;
        self.stdin.flush()
    }
}

/// How a job's reading ended.
enum End {
    /// The worker reported the job's end.
    Done(Done),
    /// It wrote something that is not the protocol.
    Unreadable(String),
    /// It closed its output (it exited, or was killed).
    Closed(String),
    /// The deadline and grace passed first.
    TimedOut,
}

/// What a job produced until it ended.
struct Ran {
    logs: Vec<LogLine>,
    sent: Instant,
    deadline: Duration,
}

fn finished(done: Done, logs: Vec<LogLine>) -> RunOutput {
    RunOutput {
        outcome: done.outcome,
        logs,
        logs_truncated: done.logs_truncated,
        memory_used: done.memory_used,
        duration: Duration::from_micros(done.duration_us),
    }
}

/// A run stopped from the console: its worker was killed.
fn stopped(logs: Vec<LogLine>, ran: Duration) -> RunOutput {
    RunOutput {
        outcome: Outcome::DeveloperError(STOPPED.into()),
        logs,
        logs_truncated: false,
        memory_used: 0,
        duration: ran,
    }
}

fn failure(message: String) -> RunOutput {
    RunOutput {
        outcome: Outcome::InternalError(message),
        logs: Vec::new(),
        logs_truncated: false,
        memory_used: 0,
        duration: Duration::ZERO,
    }
}

fn with_logs(mut output: RunOutput, logs: Vec<LogLine>) -> RunOutput {
    output.logs = logs;
    output
}

/// Starts worker processes from one long-lived thread. A worker asks to be killed when its
/// parent goes (`PR_SET_PDEATHSIG`), and Linux means the parent *thread*: a worker started
/// from an invocation's short-lived thread would die with it while idle in the pool.
#[derive(Debug)]
struct Spawner {
    requests: Mutex<Sender<Sender<std::io::Result<Child>>>>,
}

impl Spawner {
    fn start(options: WorkerOptions) -> Self {
        let (requests, incoming) = std::sync::mpsc::channel::<Sender<std::io::Result<Child>>>();
        let started = std::thread::Builder::new()
            .name("engine-worker-spawner".into())
            .spawn(move || {
                // Ends when the pool, holding the only sender, is dropped.
                for reply in incoming {
                    let _ = reply.send(spawn(&options));
                }
            });
        if let Err(e) = started {
            // Every spawn then fails with a clear error instead of the engine not starting.
            tracing::error!(error = %e, "the worker spawner thread could not start");
        }
        Self {
            requests: Mutex::new(requests),
        }
    }

    fn spawn(&self) -> std::io::Result<Child> {
        let (reply, answer) = std::sync::mpsc::channel();
        let gone = || std::io::Error::other("the worker spawner thread is not running");
        self.requests
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .send(reply)
            .map_err(|_| gone())?;
        answer.recv().map_err(|_| gone())?
    }
}

fn worker_name(program: &super::WorkerProgram) -> std::ffi::OsString {
    let exe = std::env::current_exe().ok();
    match program.program.as_os_str() == "/proc/self/exe" {
        true => exe.map_or_else(|| "fnconsole".into(), |p| p.into_os_string()),
        false => program.program.clone().into_os_string(),
    }
}

fn spawn(options: &WorkerOptions) -> std::io::Result<Child> {
    let program = &options.program;
    Command::new(&program.program)
        // Named as the engine's binary in `ps`, not as /proc/self/exe.
        .arg0(worker_name(program))
        .args(&program.args)
        // Nothing of the engine's environment (cloud keys among it) reaches action code.
        .env_clear()
        .env(PARENT_ENV, std::process::id().to_string())
        .env(ADDRESS_SPACE_ENV, options.address_space_bytes.to_string())
        .env(WARM_RUNTIMES_ENV, options.warm.runtimes.to_string())
        .env(WARM_BYTES_ENV, options.warm.bytes.to_string())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .map_err(|e| {
            std::io::Error::new(
                e.kind(),
                format!("cannot start {}: {e}", program.program.display()),
            )
        })
}
