//! Running activations as their followers see them: the lines printed so far, the end when
//! it comes, and the switch that stops the run.
//!
//! Each running activation has one [`Run`], made when it starts and dropped from the table at
//! its end. Its lines are kept (within the log cap the worker pool enforces, so a run holds
//! at most about 1 MB), so a follower that arrives late reads them from the first, then waits
//! for more. Waiting is a `tokio::sync::watch` version bumped at each change: a follower
//! sleeps until something happened (async in the dialects, parked on a thread in tests), never
//! polls, and a slow one cannot make the run wait or lose a line.

mod feed;
mod record;
mod run;
mod stop;

pub(crate) use feed::Feed;
pub use feed::{ActivationFeed, FEED_CAPACITY};
pub use record::{activation_of, recorded_lines};
pub use run::Follower;
pub(crate) use run::{Run, Runs, block_on};
pub(crate) use stop::StopSwitch;

use providers::ActivationStatus;
use serde_json::Value;
use std::sync::{Arc, Mutex, MutexGuard};

use crate::engine::{Engine, new_id};
use crate::error::{EngineError, ErrorCode};
use crate::runtime::LogLine;
use crate::slots::Caller;
use crate::store::ActivationRecord;

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

    /// Every activation from now on, as it starts (status `pending`) and as it ends: the
    /// live mode of an activations list.
    pub fn watch_activations(&self) -> ActivationFeed {
        self.feed.watch()
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

/// Locks a mutex, keeping on after a panic elsewhere: every update below is one assignment
/// or push, which a panic cannot leave half-done.
pub(crate) fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}
