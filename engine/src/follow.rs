//! Running activations as their followers see them: the lines printed so far, the end when
//! it comes, and the switch that stops the run.
//!
//! Each running activation has one [`Run`], made when it starts and dropped from the table at
//! its end. Its lines are kept (within the log cap the worker pool enforces, so a run holds
//! at most about 1 MB), so a follower that arrives late reads them from the first, then waits
//! for more. Waiting is a `tokio::sync::watch` version bumped at each change: a follower
//! sleeps until something happened (async in the dialects, parked on a thread in tests), never
//! polls, and a slow one cannot make the run wait or lose a line.

use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::task::{Context, Poll, Wake, Waker};

use providers::ActivationStatus;
use serde_json::Value;
use tokio::sync::watch;

use crate::engine::{Engine, new_id};
use crate::error::{EngineError, ErrorCode};
use crate::runtime::{LogLine, Stream};
use crate::slots::Caller;
use crate::store::{ActivationRecord, action_path};

/// What a follower of a running activation receives.
#[derive(Debug, Clone, PartialEq)]
pub enum LiveEvent {
    /// A console line, as written.
    Line(LogLine),
    /// The end: status and result (the record is stored before this is sent).
    End {
        /// How it ended.
        status: ActivationStatus,
        /// The result object.
        result: Value,
    },
}

/// What following an activation by id found.
#[derive(Debug)]
pub enum Following {
    /// It runs: its lines so far, then the live ones, then its end.
    Live(Follower),
    /// It has ended: its record.
    Ended(Box<ActivationRecord>),
}

/// The message a stopped activation's result carries.
pub const STOPPED: &str = "The activation was stopped from the console.";

impl Engine {
    /// Runs an action at once on a thread of its own and follows it from its first line:
    /// answers the activation id and the follower, or why it could not start (no such
    /// action; 429 when the engine runs as much as it may). Dropping the follower stops
    /// following; the run goes on.
    pub fn invoke_following(
        self: &Arc<Self>,
        package: Option<&str>,
        name: &str,
        params: serde_json::Map<String, Value>,
        subject: &str,
    ) -> Result<(String, Follower), EngineError> {
        let action = self.action(package, name)?;
        let slot = self.admit(Caller::Signed, &action)?;
        let id = new_id();
        // Made before the thread starts, so the follower sees every line.
        let follower = self.runs.follower(self.runs.start(&id));
        let (engine, subject, run_id) = (self.clone(), subject.to_string(), id.clone());
        let span = tracing::Span::current();
        let started = std::thread::Builder::new()
            .name(format!("invoke-{id}"))
            .spawn(move || {
                let _entered = span.enter();
                // Recorded either way; whoever follows hears the end.
                let _ = engine.invoke_action(&run_id, &action, params, &subject, None, slot);
            });
        if let Err(e) = started {
            let message = format!("cannot start the invocation: {e}");
            self.runs.end(
                &id,
                LiveEvent::End {
                    status: ActivationStatus::InternalError,
                    result: serde_json::json!({ "error": message }),
                },
            );
            return Err(EngineError::internal(message));
        }
        Ok((id, follower))
    }

    /// Follows an activation by id: live while it runs, its record once it has ended; 404
    /// (`ActivationNotFound`) when there is neither (never existed, expired, or still waiting
    /// in the asynchronous queue).
    pub fn follow_run(&self, activation_id: &str) -> Result<Following, EngineError> {
        if let Some(follower) = self.follow(activation_id) {
            return Ok(Following::Live(follower));
        }
        // The record is stored before the run leaves the table, so one of the two holds it
        // unless it had not started at the first look and has since (looked at once more).
        if let Some(record) = self.store().activation(activation_id)? {
            return Ok(Following::Ended(Box::new(record)));
        }
        self.follow(activation_id)
            .map(Following::Live)
            .ok_or_else(|| not_running(activation_id))
    }

    /// Stops a running activation: its worker process is killed at once, it is recorded as
    /// a developer error whose result says [`STOPPED`], and its followers get the end. A
    /// sequence stops in the component that runs. Answers what [`Engine::follow_run`] does,
    /// so the caller can wait for the end; one that has already ended is left as it was.
    pub fn cancel(&self, activation_id: &str) -> Result<Following, EngineError> {
        if let Some(run) = self.runs.get(activation_id) {
            tracing::info!(activation = activation_id, "stopped from the console");
            run.stop.stop();
            return Ok(Following::Live(self.runs.follower(run)));
        }
        self.follow_run(activation_id)
    }

    /// Followers alive now, over every running activation (each HTTP stream holds one).
    pub fn followers(&self) -> usize {
        self.runs.follower_count()
    }

    /// Activations running now that can be followed.
    pub fn followed_runs(&self) -> usize {
        self.runs.running()
    }
}

fn not_running(id: &str) -> EngineError {
    EngineError::new(
        ErrorCode::ActivationNotFound,
        format!("there is no activation {id}, running or recorded"),
    )
}

/// An activation in the common model, as a follower's end carries it.
pub fn activation_of(record: &ActivationRecord) -> providers::Activation {
    providers::Activation {
        id: record.id.clone(),
        name: Some(action_path(record.package.as_deref(), &record.action))
            .map(|p| p.trim_start_matches("-/").to_string()),
        namespace: Some(record.namespace.clone()),
        subject: Some(record.subject.clone()),
        start_ms: Some(record.start_ms),
        end_ms: Some(record.end_ms),
        duration_ms: Some(record.duration_ms),
        status: record.status,
        result: Some(record.result.clone()),
        logs: Some(record.logs.clone()),
    }
}

/// A recorded activation's console lines, as they were written (a sequence's logs are its
/// components' ids, not lines: none).
pub fn recorded_lines(record: &ActivationRecord) -> Vec<LogLine> {
    if !record.components.is_empty() {
        return Vec::new();
    }
    record
        .logs
        .iter()
        .map(|formatted| {
            parse_line(formatted).unwrap_or_else(|| LogLine {
                ts_ms: record.start_ms,
                stream: Stream::Stdout,
                text: formatted.clone(),
            })
        })
        .collect()
}

/// `2024-01-01T00:00:00.123Z stdout: text` (as [`crate::runtime::FormattedLine`] writes it).
fn parse_line(formatted: &str) -> Option<LogLine> {
    let (stamp, rest) = formatted.split_once(' ')?;
    let (seconds, millis) = stamp.strip_suffix('Z')?.split_once('.')?;
    let ts_ms = crate::time::parse_utc(seconds, 'T')? + millis.parse::<i64>().ok()?;
    let (stream, text) = match rest.split_once(": ")? {
        ("stdout", text) => (Stream::Stdout, text),
        ("stderr", text) => (Stream::Stderr, text),
        _ => return None,
    };
    Some(LogLine {
        ts_ms,
        stream,
        text: text.to_string(),
    })
}

/// Locks a mutex, keeping on after a panic elsewhere: every update below is one assignment
/// or push, which a panic cannot leave half-done.
fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

/// The running activations, by id.
#[derive(Debug, Default)]
pub(crate) struct Runs {
    table: Mutex<HashMap<String, Arc<Run>>>,
    /// Followers alive now, over every run (so a test can see one is freed).
    followers: Arc<AtomicUsize>,
}

impl Runs {
    /// The run of `id`, made now if it is not running yet (an invoke-and-follow makes it
    /// before the run's thread starts, so its follower misses nothing).
    pub(crate) fn start(&self, id: &str) -> Arc<Run> {
        lock(&self.table)
            .entry(id.to_string())
            .or_insert_with(|| Arc::new(Run::new()))
            .clone()
    }

    /// The run of `id`, if it is running.
    pub(crate) fn get(&self, id: &str) -> Option<Arc<Run>> {
        lock(&self.table).get(id).cloned()
    }

    /// Ends the run of `id`: its followers get `end`, and it leaves the table.
    pub(crate) fn end(&self, id: &str, end: LiveEvent) {
        if let Some(run) = lock(&self.table).remove(id) {
            run.end(end);
        }
    }

    /// A follower of `run`, from its first line.
    pub(crate) fn follower(&self, run: Arc<Run>) -> Follower {
        self.followers.fetch_add(1, Ordering::Relaxed);
        Follower {
            changes: run.changed.subscribe(),
            run,
            next: 0,
            finished: false,
            count: self.followers.clone(),
        }
    }

    /// Followers alive now.
    pub(crate) fn follower_count(&self) -> usize {
        self.followers.load(Ordering::Relaxed)
    }

    /// How many activations run now.
    pub(crate) fn running(&self) -> usize {
        lock(&self.table).len()
    }
}

/// One running activation.
#[derive(Debug)]
pub(crate) struct Run {
    state: Mutex<RunState>,
    changed: watch::Sender<u64>,
    /// Stops the worker running it.
    pub(crate) stop: StopSwitch,
}

#[derive(Debug, Default)]
struct RunState {
    lines: Vec<LogLine>,
    end: Option<LiveEvent>,
}

impl Run {
    fn new() -> Self {
        Self {
            state: Mutex::new(RunState::default()),
            changed: watch::Sender::new(0),
            stop: StopSwitch::default(),
        }
    }

    /// A line as printed (already within the log cap).
    pub(crate) fn line(&self, line: &LogLine) {
        lock(&self.state).lines.push(line.clone());
        self.changed.send_modify(|v| *v += 1);
    }

    fn end(&self, end: LiveEvent) {
        lock(&self.state).end = Some(end);
        self.changed.send_modify(|v| *v += 1);
    }
}

/// One follower of a running activation. Dropping it frees it.
#[derive(Debug)]
pub struct Follower {
    run: Arc<Run>,
    changes: watch::Receiver<u64>,
    next: usize,
    finished: bool,
    count: Arc<AtomicUsize>,
}

impl Drop for Follower {
    fn drop(&mut self) {
        self.count.fetch_sub(1, Ordering::Relaxed);
    }
}

impl Follower {
    /// The next line, or the end; `None` after the end.
    pub async fn next(&mut self) -> Option<LiveEvent> {
        loop {
            if let Some(event) = self.ready() {
                return event;
            }
            // The sender lives in the run this follower holds, so this cannot fail; if it
            // somehow did, stopping is the honest answer.
            if self.changes.changed().await.is_err() {
                return None;
            }
        }
    }

    /// As [`Follower::next`], waiting on this thread.
    pub fn blocking_next(&mut self) -> Option<LiveEvent> {
        block_on(self.next())
    }

    /// Every event to the end, waiting on this thread.
    pub fn iter(mut self) -> impl Iterator<Item = LiveEvent> {
        std::iter::from_fn(move || self.blocking_next())
    }

    /// What is there without waiting: `Some(event)`, `Some(None)` past the end, or `None`.
    fn ready(&mut self) -> Option<Option<LiveEvent>> {
        if self.finished {
            return Some(None);
        }
        // Marked seen before reading, so a change after the read wakes the next wait.
        self.changes.borrow_and_update();
        let state = lock(&self.run.state);
        if let Some(line) = state.lines.get(self.next) {
            self.next += 1;
            return Some(Some(LiveEvent::Line(line.clone())));
        }
        let end = state.end.clone()?;
        self.finished = true;
        Some(Some(end))
    }
}

/// The kill switch of a run: the worker process running it, while it runs.
#[derive(Debug, Default)]
pub(crate) struct StopSwitch {
    state: Mutex<Switch>,
}

#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
enum Switch {
    #[default]
    Idle,
    /// This worker process runs the job.
    Armed(u32),
    Stopped,
}

impl StopSwitch {
    /// The job runs in process `pid` now; `false` when the run was stopped already (the
    /// caller kills the worker itself).
    pub(crate) fn arm(&self, pid: u32) -> bool {
        let mut state = lock(&self.state);
        if *state == Switch::Stopped {
            return false;
        }
        *state = Switch::Armed(pid);
        true
    }

    /// The job has ended (its worker is about to be reused, killed or reaped: its pid must
    /// not be signalled past this); answers whether it was stopped.
    pub(crate) fn disarm(&self) -> bool {
        let mut state = lock(&self.state);
        if *state == Switch::Stopped {
            return true;
        }
        *state = Switch::Idle;
        false
    }

    /// Stops the run: kills the worker running it now, and any it is handed next.
    pub(crate) fn stop(&self) {
        let mut state = lock(&self.state);
        if let Switch::Armed(pid) = *state {
            // The process is not reaped while armed (disarm comes first, under this lock),
            // so the pid is still this worker's.
            let pid = i32::try_from(pid)
                .ok()
                .and_then(rustix::process::Pid::from_raw);
            if let Some(pid) = pid {
                let _ = rustix::process::kill_process(pid, rustix::process::Signal::KILL);
            }
        }
        *state = Switch::Stopped;
    }
}

/// Runs a future to its end on this thread, parking between polls (the follower's futures
/// need no runtime: a watch channel wakes them).
fn block_on<F: Future>(future: F) -> F::Output {
    struct Unpark(std::thread::Thread);
    impl Wake for Unpark {
        fn wake(self: Arc<Self>) {
            self.0.unpark();
        }
    }
    let waker = Waker::from(Arc::new(Unpark(std::thread::current())));
    let mut cx = Context::from_waker(&waker);
    let mut future = std::pin::pin!(future);
    loop {
        if let Poll::Ready(output) = future.as_mut().poll(&mut cx) {
            return output;
        }
        std::thread::park();
    }
}
