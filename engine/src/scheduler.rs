//! Waiting and not waiting: blocking invocations with a bounded wait, and the worker pool
//! that drains the durable queue of asynchronous invocations.

use providers::{ActivationStatus, AsyncStatus};
use serde_json::{Map, Value};
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::RecvTimeoutError;
use std::thread::JoinHandle;
use std::time::Duration;

use crate::engine::{Engine, Unrun, new_id, now_ms, panic_message};
use crate::error::{EngineError, ErrorCode};
use crate::slots::Caller;
use crate::store::{ActivationRecord, AsyncFilter, AsyncRecord, Paging};

/// What a blocking invocation answered.
#[derive(Debug, Clone, PartialEq)]
pub enum Invoked {
    /// It ended within the wait.
    Finished(ActivationRecord),
    /// The wait ran out; the run goes on under this activation id.
    StillRunning {
        /// The activation id to follow.
        activation_id: String,
    },
}

/// How long a non-blocking invocation may wait in the queue for a slot before it is
/// discarded: far past any backlog the queue bound allows.
const NON_BLOCKING_MAX_WAIT: Duration = Duration::from_secs(24 * 3600);

/// An accepted asynchronous or non-blocking invocation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Queued {
    /// The request id (FunctionGraph's and SCF's handle on it).
    pub request_id: String,
    /// The activation id it will be recorded under (OpenWhisk's and NCP's handle on it).
    pub activation_id: String,
}

impl Engine {
    /// Runs an action, waiting at most `wait` for it to end. Past the wait the caller gets
    /// the activation id and the run goes on in the background. Refused with 429 when the
    /// engine runs as much as it may.
    ///
    /// A zero wait is a non-blocking invocation (OpenWhisk's `blocking=false`, NCP's
    /// `timeout=0`): it is written to the durable queue and runs when a slot is free, so it
    /// is never refused for being over the concurrency limit and survives a restart.
    pub fn invoke_waiting(
        self: &Arc<Self>,
        package: Option<&str>,
        name: &str,
        params: Map<String, Value>,
        subject: &str,
        wait: Duration,
    ) -> Result<Invoked, EngineError> {
        if wait.is_zero() {
            let queued = self.enqueue(package, name, params, subject, NON_BLOCKING_MAX_WAIT)?;
            return Ok(Invoked::StillRunning {
                activation_id: queued.activation_id,
            });
        }
        let (tx, rx) = std::sync::mpsc::channel();
        let id = self.start_invocation(package, name, params, subject, move |result| {
            // The caller may have stopped waiting; the activation is stored either way.
            let _ = tx.send(result);
        })?;
        match rx.recv_timeout(wait) {
            Ok(result) => result.map(Invoked::Finished),
            Err(RecvTimeoutError::Timeout) => Ok(Invoked::StillRunning { activation_id: id }),
            Err(RecvTimeoutError::Disconnected) => Err(EngineError::internal(format!(
                "the invocation {id} stopped without an answer"
            ))),
        }
    }

    /// Starts a blocking invocation on one of the engine's runner threads and answers its
    /// activation id at once; `done` is called with its record when it ends (whether or not
    /// anyone still waits). The action is looked up and the invocation admitted here, so an
    /// unknown action or a full engine is answered at once (404, 429). The caller waits as
    /// it likes: [`Engine::invoke_waiting`] with a timed receive, the HTTP dialects on an
    /// async channel with a timer, neither holding a thread of its own.
    pub fn start_invocation(
        self: &Arc<Self>,
        package: Option<&str>,
        name: &str,
        params: Map<String, Value>,
        subject: &str,
        done: impl FnOnce(Result<ActivationRecord, EngineError>) + Send + 'static,
    ) -> Result<String, EngineError> {
        let action = self.action(package, name)?;
        let slot = self.admit(Caller::Signed, &action)?;
        let id = new_id();
        let engine = self.clone();
        let (subject, run_id) = (subject.to_string(), id.clone());
        // The run carries on the caller's span (a dialect's request).
        let span = tracing::Span::current();
        self.runners
            .submit(Box::new(move || {
                let _entered = span.enter();
                done(engine.invoke_action(&run_id, &action, params, &subject, None, slot));
            }))
            .map_err(|e| EngineError::internal(format!("cannot start the invocation: {e}")))?;
        Ok(id)
    }

    /// Accepts an asynchronous (or non-blocking) invocation: written to the queue before this
    /// returns, so it survives a crash, and run by the queue's workers as slots free up.
    /// `max_wait` is how long it may wait before being discarded. Refused with 429 when the
    /// queue already holds [`crate::EngineOptions::max_queued`] waiting invocations.
    pub fn enqueue(
        &self,
        package: Option<&str>,
        name: &str,
        params: Map<String, Value>,
        subject: &str,
        max_wait: Duration,
    ) -> Result<Queued, EngineError> {
        self.action(package, name)?;
        let now = now_ms();
        let max_wait_ms = i64::try_from(max_wait.as_millis()).unwrap_or(i64::MAX);
        let record = AsyncRecord {
            request_id: new_id(),
            package: package.map(str::to_string),
            action: name.into(),
            params: Value::Object(params),
            subject: subject.into(),
            status: AsyncStatus::Wait,
            error_code: 0,
            error_message: String::new(),
            enqueued_ms: now,
            deadline_ms: now.saturating_add(max_wait_ms),
            start_ms: None,
            end_ms: None,
            activation_id: Some(new_id()),
        };
        let max = self.options().max_queued;
        if let Err(waiting) = self.store().enqueue(&record, max)? {
            return Err(EngineError::new(
                ErrorCode::TooManyRequests,
                format!(
                    "{waiting} invocations are already waiting in the queue, the most allowed; try again later"
                ),
            ));
        }
        self.wake.1.notify_one();
        Ok(Queued {
            request_id: record.request_id,
            activation_id: record.activation_id.unwrap_or_default(),
        })
    }

    /// Runs the oldest waiting invocation, if any; answers whether there was one. One that
    /// cannot be admitted yet goes back to the queue in its place, and this waits briefly for
    /// a slot; it is never failed for it.
    pub fn run_next_queued(&self) -> Result<bool, EngineError> {
        let Some(job) = self.store().claim_next(now_ms())? else {
            return Ok(false);
        };
        let activation_id = job.activation_id.clone().unwrap_or_else(new_id);
        let _queued = tracing::info_span!("queued", request = %job.request_id).entered();
        let params = job.params.as_object().cloned().unwrap_or_default();
        let action = match self.action(job.package.as_deref(), &job.action) {
            Ok(action) => action,
            Err(e) => {
                self.finish(&job, Err(e))?;
                return Ok(true);
            }
        };
        let slot = match self.admit(Caller::Signed, &action) {
            Ok(slot) => slot,
            Err(e) if e.code == ErrorCode::TooManyRequests => {
                self.store().requeue(&job.request_id)?;
                self.wait_for_slot(Duration::from_millis(200));
                return Ok(true);
            }
            Err(e) => {
                self.finish(&job, Err(e))?;
                return Ok(true);
            }
        };
        let run = || self.invoke_action(&activation_id, &action, params, &job.subject, None, slot);
        let result = catch_unwind(AssertUnwindSafe(run)).unwrap_or_else(|panic| {
            Err(EngineError::internal(format!(
                "the engine failed while running this invocation: {}",
                panic_message(&*panic)
            )))
        });
        self.finish(&job, result)?;
        Ok(true)
    }

    /// Records how a queued invocation ended. One that never got to run is still recorded
    /// as an activation under its id, so whoever was handed the id finds why.
    fn finish(
        &self,
        job: &AsyncRecord,
        result: Result<ActivationRecord, EngineError>,
    ) -> Result<(), EngineError> {
        let (status, code, message, activation) = match result {
            Ok(a) if a.status.is_success() => (AsyncStatus::Success, 0, String::new(), a.id),
            Ok(a) => {
                let message = a
                    .error_text()
                    .unwrap_or_else(|| a.status.as_str().to_string());
                (AsyncStatus::Fail, a.status_code(), message, a.id)
            }
            Err(e) => {
                let id = job.activation_id.clone().unwrap_or_else(new_id);
                let status = match e.code {
                    ErrorCode::Internal => ActivationStatus::InternalError,
                    _ => ActivationStatus::DeveloperError,
                };
                let what = Unrun {
                    id: &id,
                    package: job.package.as_deref(),
                    action: &job.action,
                    subject: &job.subject,
                    params: job.params.clone(),
                };
                let record = self.unrun(what, status, &e.message);
                self.insert_activation(&record)?;
                (AsyncStatus::Fail, i64::from(e.code.number()), e.message, id)
            }
        };
        self.store().finish_async(
            &job.request_id,
            status,
            code,
            &message,
            Some(&activation),
            now_ms(),
        )
    }

    /// One asynchronous invocation.
    pub fn async_invocation(&self, request_id: &str) -> Result<Option<AsyncRecord>, EngineError> {
        self.store().async_invocation(request_id)
    }

    /// A page of asynchronous invocations (newest first) and the total.
    pub fn async_invocations(
        &self,
        filter: &AsyncFilter,
        page: Paging,
    ) -> Result<(Vec<AsyncRecord>, u64), EngineError> {
        self.store().async_invocations(filter, page)
    }
}

/// The pool of threads draining the queue; its size bounds asynchronous concurrency.
#[derive(Debug)]
pub struct Workers {
    stop: Arc<AtomicBool>,
    handles: Vec<JoinHandle<()>>,
    engine: Arc<Engine>,
}

impl Workers {
    /// Starts `count` workers.
    pub fn start(engine: Arc<Engine>, count: usize) -> Self {
        let stop = Arc::new(AtomicBool::new(false));
        let handles = (0..count.max(1))
            .filter_map(|i| {
                let (engine, stop) = (engine.clone(), stop.clone());
                std::thread::Builder::new()
                    .name(format!("engine-worker-{i}"))
                    .spawn(move || drain(&engine, &stop, i == 0))
                    .ok()
            })
            .collect();
        Self {
            stop,
            handles,
            engine,
        }
    }

    /// Stops taking new work and waits for running invocations to end (each ends by its
    /// deadline: its worker process is killed past it).
    pub fn stop(self) {
        self.stop.store(true, Ordering::Relaxed);
        self.engine.wake.1.notify_all();
        for handle in self.handles {
            let _ = handle.join();
        }
    }
}

/// One queue worker's loop. The first also applies the retention period, hourly. A panic in
/// one round is logged and the loop goes on.
fn drain(engine: &Engine, stop: &AtomicBool, purges: bool) {
    let mut next_purge = std::time::Instant::now();
    while !stop.load(Ordering::Relaxed) {
        if purges && std::time::Instant::now() >= next_purge {
            match engine.purge_expired(now_ms()) {
                Ok(0) => {}
                Ok(n) => tracing::info!(
                    removed = n,
                    "expired activations and asynchronous records removed"
                ),
                Err(e) => tracing::error!(error = %e, "expired records could not be removed"),
            }
            next_purge += Duration::from_secs(3600);
        }
        match catch_unwind(AssertUnwindSafe(|| engine.run_next_queued())) {
            Ok(Ok(true)) => continue,
            Ok(Ok(false)) => {}
            Ok(Err(e)) => tracing::error!(error = %e, "the queue could not be read"),
            Err(panic) => tracing::error!(
                "a queue worker recovered from a panic: {}",
                panic_message(&*panic)
            ),
        }
        // Sleep until woken by an enqueue, or briefly, to notice deadlines.
        let guard = engine.wake.0.lock().unwrap_or_else(|p| p.into_inner());
        let _ = engine
            .wake
            .1
            .wait_timeout(guard, Duration::from_millis(200));
    }
}
