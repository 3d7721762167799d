//! Waiting and not waiting: blocking invocations with a bounded wait, and the worker pool
//! that drains the durable queue of asynchronous invocations.

use providers::AsyncStatus;
use serde_json::{Map, Value};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread::JoinHandle;
use std::time::Duration;

use crate::engine::{Engine, new_id, now_ms};
use crate::error::EngineError;
use crate::store::{ActivationRecord, AsyncFilter, AsyncRecord};

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

impl Engine {
    /// Runs an action, waiting at most `wait` for it to end. Past the wait the caller gets
    /// the activation id and the run goes on in the background.
    pub fn invoke_waiting(
        self: &Arc<Self>,
        package: &str,
        name: &str,
        params: Map<String, Value>,
        subject: &str,
        wait: Duration,
    ) -> Result<Invoked, EngineError> {
        // Looked up here, once: an unknown action fails fast rather than after the wait.
        let action = self.action(package, name)?;
        let id = new_id();
        let (tx, rx) = std::sync::mpsc::channel();
        let engine = self.clone();
        let (subject, run_id) = (subject.to_string(), id.clone());
        std::thread::Builder::new()
            .name(format!("invoke-{id}"))
            .spawn(move || {
                let result = engine.invoke_action(&run_id, &action, params, &subject, None);
                // The caller may have stopped waiting; the activation is stored either way.
                let _ = tx.send(result);
            })
            .map_err(|e| EngineError::internal(format!("cannot start the invocation: {e}")))?;
        match rx.recv_timeout(wait) {
            Ok(result) => result.map(Invoked::Finished),
            Err(_) => Ok(Invoked::StillRunning { activation_id: id }),
        }
    }

    /// Accepts an asynchronous invocation: written to the queue before this returns, so it
    /// survives a crash. `max_wait` is how long it may wait before being discarded.
    pub fn enqueue(
        &self,
        package: &str,
        name: &str,
        params: Map<String, Value>,
        subject: &str,
        max_wait: Duration,
    ) -> Result<String, EngineError> {
        self.action(package, name)?;
        let now = now_ms();
        let record = AsyncRecord {
            request_id: new_id(),
            package: package.into(),
            action: name.into(),
            params: Value::Object(params),
            subject: subject.into(),
            status: AsyncStatus::Wait,
            error_code: 0,
            error_message: String::new(),
            enqueued_ms: now,
            deadline_ms: now + max_wait.as_millis() as i64,
            start_ms: None,
            end_ms: None,
            activation_id: None,
        };
        self.store().enqueue(&record)?;
        self.wake.1.notify_one();
        Ok(record.request_id)
    }

    /// Runs the oldest waiting invocation, if any; answers whether one ran.
    pub fn run_next_queued(&self) -> Result<bool, EngineError> {
        let Some(job) = self.store().claim_next(now_ms())? else {
            return Ok(false);
        };
        let params = job.params.as_object().cloned().unwrap_or_default();
        let (status, code, message, activation) =
            match self.invoke(&job.package, &job.action, params, &job.subject, None) {
                Ok(a) if a.status == "success" => {
                    (AsyncStatus::Success, 0, String::new(), Some(a.id))
                }
                Ok(a) => {
                    let message = a
                        .result
                        .get("error")
                        .map(|e| {
                            e.as_str()
                                .map(str::to_string)
                                .unwrap_or_else(|| e.to_string())
                        })
                        .unwrap_or_else(|| a.status.clone());
                    (AsyncStatus::Fail, a.status_code(), message, Some(a.id))
                }
                Err(e) => (
                    AsyncStatus::Fail,
                    i64::from(e.code.number()),
                    e.message,
                    None,
                ),
            };
        self.store().finish_async(
            &job.request_id,
            status,
            code,
            &message,
            activation.as_deref(),
            now_ms(),
        )?;
        Ok(true)
    }

    /// One asynchronous invocation.
    pub fn async_invocation(&self, request_id: &str) -> Result<Option<AsyncRecord>, EngineError> {
        self.store().async_invocation(request_id)
    }

    /// A page of asynchronous invocations (newest first) and the total.
    pub fn async_invocations(
        &self,
        filter: &AsyncFilter,
        offset: u64,
        limit: u64,
    ) -> Result<(Vec<AsyncRecord>, u64), EngineError> {
        self.store().async_invocations(filter, offset, limit)
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
                    .spawn(move || {
                        // The first worker also applies the retention period, hourly.
                        let mut next_purge = std::time::Instant::now();
                        while !stop.load(Ordering::Relaxed) {
                            if i == 0 && std::time::Instant::now() >= next_purge {
                                match engine.purge_expired(now_ms()) {
                                    Ok(0) => {}
                                    Ok(n) => tracing::info!(removed = n, "expired activations removed"),
                                    Err(e) => tracing::error!(error = %e, "expired activations could not be removed"),
                                }
                                next_purge += Duration::from_secs(3600);
                            }
                            match engine.run_next_queued() {
                                Ok(true) => continue,
                                Ok(false) => {}
                                Err(e) => tracing::error!(error = %e, "the queue could not be read"),
                            }
                            // Sleep until woken by an enqueue, or briefly, to notice deadlines.
                            let guard = engine.wake.0.lock().unwrap_or_else(|p| p.into_inner());
                            let _ = engine.wake.1.wait_timeout(guard, Duration::from_millis(200));
                        }
                    })
                    .ok()
            })
            .collect();
        Self {
            stop,
            handles,
            engine,
        }
    }

    /// Stops taking new work and waits for running invocations to end.
    pub fn stop(self) {
        self.stop.store(true, Ordering::Relaxed);
        self.engine.wake.1.notify_all();
        for handle in self.handles {
            let _ = handle.join();
        }
    }
}
