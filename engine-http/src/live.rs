//! The engine's `live` extension, shared by its NCP and OpenWhisk dialects: a run followed
//! over HTTP as `application/x-ndjson`, one [`RunEvent`] a line (`docs/DESIGN.md`, "The live
//! extension"). Each dialect routes and authenticates it as its other routes and answers its
//! errors in its own shape; the stream itself is the same on both.
//!
//! Each event is written as soon as the follower has it (one chunk per line, no buffering),
//! and a quiet run gets a `pending` line every [`PENDING_EVERY`] so proxies keep the
//! connection open. The body holds the engine's [`Follower`]: a client that goes away drops
//! the body, and with it the follower.

use axum::body::{Body, Bytes};
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use engine::follow::{activation_of, recorded_lines};
use engine::{Engine, EngineError, Follower, Following, LiveEvent};
use providers::{Activation, ActivationStatus, RunEvent};
use serde_json::{Map, Value};
use std::collections::VecDeque;
use std::convert::Infallible;
use std::sync::Arc;
use std::time::{Duration, Instant};

use crate::run;

/// How long a run may be quiet before a `pending` line is written.
pub(crate) const PENDING_EVERY: Duration = Duration::from_secs(15);

/// How long a stop waits for the run's end before answering without it.
pub(crate) const STOP_WAIT: Duration = Duration::from_secs(5);

/// The content type of the stream.
pub(crate) const NDJSON: &str = "application/x-ndjson";

/// A run's parameters: an empty body is none; anything but a JSON object is refused with
/// `None`, which each dialect words in its own shape.
pub(crate) fn parameters(body: &[u8]) -> Option<Map<String, Value>> {
    if body.is_empty() {
        return Some(Map::new());
    }
    match serde_json::from_slice(body) {
        Ok(Value::Object(params)) => Some(params),
        _ => None,
    }
}

/// Starts `name` at once and answers its stream from `started`.
pub(crate) async fn invoke(
    engine: Arc<Engine>,
    package: Option<String>,
    name: String,
    params: Map<String, Value>,
    subject: String,
) -> Result<Response, EngineError> {
    let starting = engine.clone();
    let (id, follower) =
        run(move || starting.invoke_following(package.as_deref(), &name, params, &subject)).await?;
    Ok(stream(engine, id, Following::Live(follower)))
}

/// Follows the activation `id`: live while it runs, its record once it has ended.
pub(crate) async fn follow(engine: Arc<Engine>, id: String) -> Result<Response, EngineError> {
    let (looking, wanted) = (engine.clone(), id.clone());
    let following = run(move || looking.follow_run(&wanted)).await?;
    Ok(stream(engine, id, following))
}

/// Stops the activation `id` and waits (at most [`STOP_WAIT`]) for its record: `Some` once
/// it has ended, `None` when it has not ended yet (it is stopping).
pub(crate) async fn cancel(
    engine: Arc<Engine>,
    id: String,
) -> Result<Option<engine::store::ActivationRecord>, EngineError> {
    let (stopping, wanted) = (engine.clone(), id.clone());
    let following = run(move || stopping.cancel(&wanted)).await?;
    let mut follower = match following {
        Following::Ended(record) => return Ok(Some(*record)),
        Following::Live(follower) => follower,
    };
    let ended = tokio::time::timeout(STOP_WAIT, async {
        while let Some(event) = follower.next().await {
            if matches!(event, LiveEvent::End { .. }) {
                break;
            }
        }
    })
    .await;
    if ended.is_err() {
        return Ok(None);
    }
    run(move || engine.activation(&id)).await.map(Some)
}

/// The NDJSON answer for `following`, starting with `started`.
fn stream(engine: Arc<Engine>, id: String, following: Following) -> Response {
    let events = Events::new(engine, id, following, PENDING_EVERY);
    let body = futures_util::stream::unfold(events, |mut events| async move {
        let event = events.next().await?;
        Some((Ok::<_, Infallible>(line(&event)), events))
    });
    ndjson(body)
}

/// Every activation from now on, as it starts (`pending`) and as it ends, one common-model
/// `Activation` a line; a blank line every [`PENDING_EVERY`] while nothing happens, so
/// proxies keep the connection.
pub(crate) fn feed(engine: &Engine) -> Response {
    let body = futures_util::stream::unfold(engine.watch_activations(), |mut feed| async move {
        let bytes = match tokio::time::timeout(PENDING_EVERY, feed.next()).await {
            Err(_) => Bytes::from_static(b"\n"),
            Ok(activation) => line(&activation?),
        };
        Some((Ok::<_, Infallible>(bytes), feed))
    });
    ndjson(body)
}

/// A streamed NDJSON answer: each chunk goes out as it comes.
fn ndjson<S>(body: S) -> Response
where
    S: futures_util::Stream<Item = Result<Bytes, Infallible>> + Send + 'static,
{
    let mut response = Body::from_stream(body).into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(NDJSON));
    // No proxy may hold lines back to fill a buffer.
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    headers.insert("x-accel-buffering", HeaderValue::from_static("no"));
    response
}

/// One event (or activation) as its line.
fn line(event: &impl serde::Serialize) -> Bytes {
    let mut bytes = serde_json::to_vec(event)
        // Run events and activations are strings, numbers and `serde_json::Value`s, whose
        // maps have string keys: serde_json fails only on other keys or a failing
        // `Serialize`, neither here.
        .expect("a run event always serialises");
    bytes.push(b'\n');
    Bytes::from(bytes)
}

/// What is left to write.
struct Events {
    engine: Arc<Engine>,
    id: String,
    queue: VecDeque<RunEvent>,
    follower: Option<Follower>,
    since: Instant,
    /// A quiet run gets a `pending` after this long.
    every: Duration,
}

impl Events {
    /// What to write for `following`: `started`, then its lines and end.
    fn new(engine: Arc<Engine>, id: String, following: Following, every: Duration) -> Self {
        let mut queue = VecDeque::from([RunEvent::Started {
            activation_id: id.clone(),
        }]);
        let follower = match following {
            Following::Live(follower) => Some(follower),
            Following::Ended(record) => {
                queue.extend(recorded_lines(&record).into_iter().map(RunEvent::Log));
                queue.push_back(RunEvent::Ended(activation_of(&record)));
                None
            }
        };
        Self {
            engine,
            id,
            queue,
            follower,
            since: Instant::now(),
            every,
        }
    }

    /// The next event; `None` after `ended`.
    async fn next(&mut self) -> Option<RunEvent> {
        if let Some(event) = self.queue.pop_front() {
            return Some(event);
        }
        let follower = self.follower.as_mut()?;
        let event = match tokio::time::timeout(self.every, follower.next()).await {
            Err(_) => {
                let waited_ms = u64::try_from(self.since.elapsed().as_millis()).unwrap_or(u64::MAX);
                return Some(RunEvent::Pending { waited_ms });
            }
            Ok(event) => event,
        };
        match event {
            Some(LiveEvent::Line(line)) => Some(RunEvent::Log(line)),
            Some(LiveEvent::End { status, result }) => {
                // Freed before the store is read: nothing more comes from it.
                self.follower = None;
                Some(RunEvent::Ended(self.ended(status, result).await))
            }
            None => {
                self.follower = None;
                None
            }
        }
    }

    /// The ended activation as recorded (stored before the end is heard), or, if the engine
    /// could not record it, what the end said.
    async fn ended(&self, status: ActivationStatus, result: Value) -> Activation {
        let (engine, id) = (self.engine.clone(), self.id.clone());
        match run(move || engine.activation(&id)).await {
            Ok(record) => activation_of(&record),
            Err(_) => Activation {
                result: Some(result),
                ..Activation::new(self.id.clone(), status)
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use engine::EngineOptions;
    use engine::worker::WorkerOptions;

    /// An engine whose worker takes its job and never answers: a run as quiet as can be,
    /// ended by its deadline.
    fn silent_engine() -> Arc<Engine> {
        let mut worker = WorkerOptions::for_program("/bin/sh");
        worker.program.args = vec!["-c".into(), "read job; exec sleep 30".into()];
        worker.grace = Duration::from_millis(50);
        let options = EngineOptions {
            worker,
            ..EngineOptions::default()
        };
        let engine = Arc::new(Engine::in_memory(options).unwrap());
        let body = serde_json::json!({"limits": {"timeout": 600, "memory": 128}, "exec": {"kind": "nodejs:20", "code": "function main() {}", "binary": false}});
        let draft = engine::validate::ncp_draft(None, &body).unwrap();
        engine.put_action(None, "quiet", draft).unwrap();
        engine
    }

    #[tokio::test(flavor = "multi_thread")]
    async fn a_quiet_run_gets_pending_lines_until_it_ends() {
        let engine = silent_engine();
        let (id, follower) = engine
            .invoke_following(None, "quiet", Map::new(), "guest")
            .unwrap();
        let every = Duration::from_millis(100);
        let mut events = Events::new(engine, id.clone(), Following::Live(follower), every);
        let mut seen = Vec::new();
        while let Some(event) = events.next().await {
            seen.push(event);
        }
        assert_eq!(seen.first(), Some(&RunEvent::Started { activation_id: id }));
        let pending: Vec<u64> = seen
            .iter()
            .filter_map(|e| match e {
                RunEvent::Pending { waited_ms } => Some(*waited_ms),
                _ => None,
            })
            .collect();
        // 0.6 s of silence (and the 50 ms grace) at one every 0.1 s.
        assert!((3..=7).contains(&pending.len()), "{seen:?}");
        assert!(pending.windows(2).all(|w| w[0] < w[1]), "{pending:?}");
        let Some(RunEvent::Ended(activation)) = seen.last() else {
            panic!("{seen:?}");
        };
        assert_eq!(activation.status, ActivationStatus::Timeout);
    }
}
