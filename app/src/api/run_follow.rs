//! The server's half of a run: invoke, then follow the run until it ends, as a stream of
//! [`RunUpdate`]s. Compiled into the server only.
//!
//! A connection that streams (`StreamingInvoke`, the engine's) relays its events. Any other
//! is invoked blocking, with the wait the user gave: a run that ends within it becomes
//! `Started`, its log lines and `Ended`; one that outlives it (NCP's `timeout`, OpenWhisk's
//! 202) is followed here with `get_activation` and a bounded backoff, `Pending` after each
//! read that finds it running, until it ends or the action's time limit and a margin pass.
//!
//! Nothing is spawned: the stream drives the work, so a browser that goes away (the response
//! dropped) ends the following with it.

use futures::channel::mpsc;
use futures::{SinkExt, Stream, StreamExt};
use providers::client::{Client, Operations, RunStream};
use providers::{
    ActionRef, Activation, ActivationRef, ActivationStatus, Capability, ErrorKind,
    InvocationRequest, InvocationResult, ProviderError, RunEvent,
};
use std::time::Duration;
use tokio::time::{Instant, sleep};

use super::run::{RerunInput, RunInput, RunSetup, RunUpdate};
use super::run_lines::parse_line;
use crate::context::server::ConnectionClient;
use crate::errors::AppError;

/// The first pause before reading a run that goes on, ms; each next one is half as long
/// again (in whole ms, as tokio's timers count), up to [`LONGEST_PAUSE_MS`].
pub(crate) const FIRST_PAUSE_MS: u64 = 250;
/// The longest pause between two reads, ms.
pub(crate) const LONGEST_PAUSE_MS: u64 = 5_000;
/// How long past the action's time limit the server keeps following: a queued run waits for
/// a slot first, and a provider records the end a little after it.
pub(crate) const MARGIN: Duration = Duration::from_secs(30);

/// The pauses between reads: 250 ms, 375 ms, … growing by half up to 5 s, then 5 s on.
#[derive(Debug, Clone)]
pub(crate) struct Backoff {
    next_ms: u64,
    longest_ms: u64,
}

impl Default for Backoff {
    fn default() -> Self {
        Self::between(FIRST_PAUSE_MS, LONGEST_PAUSE_MS)
    }
}

impl Backoff {
    /// Pauses from `first_ms`, each half as long again, up to `longest_ms`.
    pub(crate) fn between(first_ms: u64, longest_ms: u64) -> Self {
        Self {
            next_ms: first_ms,
            longest_ms,
        }
    }

    /// The next pause.
    pub(crate) fn pause(&mut self) -> Duration {
        let pause = self.next_ms;
        self.next_ms = (pause + pause / 2).min(self.longest_ms);
        Duration::from_millis(pause)
    }
}

/// Why the work on a run stopped early.
pub(crate) enum Halt {
    /// It failed: the browser is told why.
    Failed(AppError),
    /// Nobody listens any more.
    Gone,
}

impl From<ProviderError> for Halt {
    fn from(error: ProviderError) -> Self {
        Self::Failed(error.into())
    }
}

/// Where a run's updates go.
pub(crate) type Updates = mpsc::Sender<RunUpdate>;

/// Sends `update`, or says nobody listens.
pub(crate) async fn send(tx: &mut Updates, update: RunUpdate) -> Result<(), Halt> {
    tx.send(update).await.map_err(|_| Halt::Gone)
}

/// The run of `input` on `client`, as the updates the browser receives.
pub(crate) fn start(client: Client, input: RunInput) -> impl Stream<Item = RunUpdate> {
    let request = InvocationRequest {
        action: input.action,
        params: input.params,
        blocking: true,
        wait_ms: input.timeout_ms,
    };
    let (mut tx, rx) = mpsc::channel(16);
    let work = async move {
        if let Err(Halt::Failed(error)) = drive(&client, &request, &mut tx).await {
            // The last word; if nobody listens any more there is nobody to tell.
            let _ = send(&mut tx, RunUpdate::Failed { error }).await;
        }
    };
    // The work is polled by whoever reads the stream, as part of it: dropped with it.
    let work = futures::stream::once(work).filter_map(|()| std::future::ready(None));
    futures::stream::select(rx, work)
}

/// How long a run may be followed: the action's time limit (the longest a provider allows
/// when it does not say) and [`MARGIN`].
async fn give_up_after(client: &Client, action: &ActionRef) -> Duration {
    let limit = if client.capabilities().has(Capability::ActionsRead) {
        client
            .get_action(action)
            .await
            .ok()
            .and_then(|spec| spec.limits)
            .map(|l| l.timeout_ms)
    } else {
        None
    };
    let limit = limit.unwrap_or(*providers::rules::TIMEOUT_RANGE.end());
    Duration::from_millis(limit) + MARGIN
}

/// Runs `request` and sends what happens until the run ends.
async fn drive(client: &Client, request: &InvocationRequest, tx: &mut Updates) -> Result<(), Halt> {
    if client.capabilities().has(Capability::StreamingInvoke) {
        let events = client.invoke_streaming(request).await?;
        return relay(events, client, &request.action, tx).await;
    }
    match client.invoke(request).await? {
        InvocationResult::Finished(activation) => ended(activation, tx).await,
        InvocationResult::Accepted { id } => {
            send(
                tx,
                RunUpdate::Event(RunEvent::Started {
                    activation_id: id.clone(),
                }),
            )
            .await?;
            follow_by_reading(client, &request.action, id, tx).await
        }
    }
}

/// Relays a streaming run's events as they come. Should the stream break before the end
/// (the engine restarted, the network failed), the run goes on: it is followed by reading.
async fn relay(
    mut events: RunStream,
    client: &Client,
    action: &ActionRef,
    tx: &mut Updates,
) -> Result<(), Halt> {
    let mut id = None;
    let broken = loop {
        match events.next().await {
            Some(Ok(event)) => {
                if let RunEvent::Started { activation_id } = &event {
                    id = Some(activation_id.clone());
                }
                let end = event.is_end();
                send(tx, RunUpdate::Event(event)).await?;
                if end {
                    return Ok(());
                }
            }
            Some(Err(e)) => break e,
            None => {
                break ProviderError::new(
                    ErrorKind::BadResponse,
                    "the engine's stream of the run ended before the run did",
                );
            }
        }
    };
    match id {
        Some(id) => {
            tracing::warn!(error = %broken, activation = %id, "a run's stream broke; following it by reading");
            follow_by_reading(client, action, id, tx).await
        }
        None => Err(broken.into()),
    }
}

/// Follows activation `id` with `get_activation` until it ends (then sends it with its
/// lines) or it is time to give up.
async fn follow_by_reading(
    client: &Client,
    action: &ActionRef,
    id: String,
    tx: &mut Updates,
) -> Result<(), Halt> {
    // Only a run that is followed needs its action's limit: asked here, not before every run.
    let give_up = give_up_after(client, action).await;
    let at = ActivationRef::of(action.clone(), id.clone());
    match follow(|| client.get_activation(&at), give_up, tx).await? {
        Followed::Ended(activation) => ended(activation, tx).await,
        Followed::GaveUp { waited_ms } => {
            let gave_up = RunUpdate::GaveUp {
                activation_id: id,
                waited_ms,
            };
            send(tx, gave_up).await
        }
    }
}

/// Sends an ended run as the stream tells one: started, its lines, its end.
async fn ended(activation: Activation, tx: &mut Updates) -> Result<(), Halt> {
    for event in finished_events(activation) {
        send(tx, RunUpdate::Event(event)).await?;
    }
    Ok(())
}

/// An ended activation as events: `Started`, each log line, `Ended`.
pub(crate) fn finished_events(activation: Activation) -> Vec<RunEvent> {
    let fallback = activation.start_ms.unwrap_or_else(now_ms);
    let mut events = vec![RunEvent::Started {
        activation_id: activation.id.clone(),
    }];
    events.extend(
        activation
            .logs
            .iter()
            .flatten()
            .map(|line| RunEvent::Log(parse_line(line, fallback))),
    );
    events.push(RunEvent::Ended(activation));
    events
}

fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
}

/// How following a run ended.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Followed {
    /// It ended.
    Ended(Activation),
    /// It had not ended when the time to give up came.
    GaveUp {
        /// How long it was followed, ms.
        waited_ms: u64,
    },
}

/// Reads the run with `read` after each [`Backoff`] pause until it has ended, sending
/// `Pending` after each read that finds it still running, and gives up rather than pause
/// past `give_up`. Not found yet, a provider failing (5xx), a timeout or a network error is
/// "still running": the next read may work. Any other error ends the following.
pub(crate) async fn follow<F, Fut>(
    mut read: F,
    give_up: Duration,
    tx: &mut Updates,
) -> Result<Followed, Halt>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<Activation, ProviderError>>,
{
    let start = Instant::now();
    let mut backoff = Backoff::default();
    loop {
        let pause = backoff.pause();
        if start.elapsed() + pause > give_up {
            return Ok(Followed::GaveUp {
                waited_ms: millis(start.elapsed()),
            });
        }
        sleep(pause).await;
        match read().await {
            Ok(activation) if activation.status != ActivationStatus::Pending => {
                return Ok(Followed::Ended(activation));
            }
            Ok(_) => {}
            Err(e) if may_pass(&e) => {
                tracing::debug!(error = %e, "a followed run is not readable yet");
            }
            Err(e) => return Err(e.into()),
        }
        let waited_ms = millis(start.elapsed());
        send(tx, RunUpdate::Event(RunEvent::Pending { waited_ms })).await?;
    }
}

/// Whether a failed read says nothing about the run: it may not be recorded yet, or the
/// provider or the network failed this once.
fn may_pass(error: &ProviderError) -> bool {
    matches!(
        error.kind,
        ErrorKind::NotFound | ErrorKind::Provider | ErrorKind::Timeout | ErrorKind::Network
    )
}

fn millis(d: Duration) -> u64 {
    u64::try_from(d.as_millis()).unwrap_or(u64::MAX)
}

/// What the run panel needs first (see [`RunSetup`]).
pub(crate) async fn setup(
    c: &ConnectionClient,
    action: &ActionRef,
    rerun: Option<String>,
) -> Result<RunSetup, AppError> {
    let client = match &c.client {
        Ok(client) => client,
        Err(e) => {
            return Ok(RunSetup {
                cannot_invoke: Some(e.explanation.clone()),
                can_stop: false,
                limits: None,
                rerun: None,
                provider: c.summary.provider.to_string(),
            });
        }
    };
    let capabilities = client.capabilities();
    let cannot_invoke = (!capabilities.has(Capability::Invoke)).then(|| {
        format!(
            "{} connections cannot run actions from the console.",
            c.summary.provider
        )
    });
    let limits = if capabilities.has(Capability::ActionsRead) {
        client.get_action(action).await.ok().and_then(|s| s.limits)
    } else {
        None
    };
    let rerun = match rerun {
        // An activation that cannot be read leaves the form usable, saying why it is empty.
        Some(id) => Some(match recorded_input(client, action, &id).await {
            Ok(input) => input,
            Err(e) => RerunInput {
                note: Some(format!("Activation {id} could not be read: {e}")),
                activation_id: id,
                params: None,
            },
        }),
        None => None,
    };
    Ok(RunSetup {
        cannot_invoke,
        can_stop: capabilities.has(Capability::StreamingInvoke),
        limits,
        rerun,
        provider: c.summary.provider.to_string(),
    })
}

/// The input activation `id` ran with, where the provider records it.
async fn recorded_input(
    client: &Client,
    action: &ActionRef,
    id: &str,
) -> Result<RerunInput, AppError> {
    let activation = client
        .get_activation(&ActivationRef::of(action.clone(), id))
        .await?;
    let params = recorded_params(&activation);
    let note = params.is_none().then(|| {
        format!(
            "{} does not give the console an activation's input: enter the parameters.",
            client.kind()
        )
    });
    Ok(RerunInput {
        activation_id: id.to_string(),
        params,
        note,
    })
}

/// The input an activation recorded, when its provider gave it (the engine's OpenWhisk
/// dialect does) and it is an object, as parameters are.
fn recorded_params(activation: &Activation) -> Option<serde_json::Map<String, serde_json::Value>> {
    match activation.params()? {
        serde_json::Value::Object(params) => Some(params.clone()),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::cell::RefCell;
    use std::rc::Rc;

    /// Built from JSON, as a provider's answer is: fields the model gains later stay unset.
    fn activation(status: ActivationStatus) -> Activation {
        serde_json::from_value(serde_json::json!({
            "id": "a1",
            "name": "demo/slow",
            "start_ms": 1_000,
            "end_ms": 3_000,
            "duration_ms": 2_000,
            "status": status,
            "result": {"done": true},
            "logs": ["1970-01-01T00:00:01.500Z stdout: step 1", "no stamp"],
        }))
        .expect("an activation")
    }

    fn not_found() -> ProviderError {
        ProviderError::new(ErrorKind::NotFound, "no such activation yet")
    }

    /// Follows with `answers` (one per read, the last repeated), recording when each read
    /// happened (ms after the start) and every update sent.
    async fn follow_with(
        answers: Vec<Result<Activation, ProviderError>>,
        give_up: Duration,
    ) -> (Result<Followed, Halt>, Vec<u64>, Vec<RunUpdate>) {
        let start = Instant::now();
        let reads = Rc::new(RefCell::new(Vec::new()));
        let (mut tx, mut rx) = mpsc::channel(1_000);
        let read = || {
            let mut reads = reads.borrow_mut();
            reads.push(millis(start.elapsed()));
            let answer = answers[(reads.len() - 1).min(answers.len() - 1)].clone();
            std::future::ready(answer)
        };
        let followed = follow(read, give_up, &mut tx).await;
        drop(tx);
        let mut updates = Vec::new();
        while let Some(update) = rx.next().await {
            updates.push(update);
        }
        let reads = reads.borrow().clone();
        (followed, reads, updates)
    }

    #[test]
    fn the_pauses_grow_by_half_up_to_five_seconds() {
        let mut backoff = Backoff::default();
        let pauses: Vec<u128> = (0..10).map(|_| backoff.pause().as_millis()).collect();
        assert_eq!(
            pauses,
            [250, 375, 562, 843, 1264, 1896, 2844, 4266, 5000, 5000]
        );
    }

    #[tokio::test(start_paused = true)]
    async fn a_run_is_read_after_each_pause_until_it_ends() {
        let answers = vec![
            Err(not_found()),
            Ok(activation(ActivationStatus::Pending)),
            Err(ProviderError::new(ErrorKind::Network, "connection reset")),
            Ok(activation(ActivationStatus::Success)),
        ];
        let (followed, reads, updates) = follow_with(answers, Duration::from_secs(60)).await;
        assert!(
            matches!(followed, Ok(Followed::Ended(a)) if a.status == ActivationStatus::Success)
        );
        assert_eq!(reads, [250, 625, 1187, 2030]);
        let pending: Vec<_> = updates
            .iter()
            .map(|u| match u {
                RunUpdate::Event(RunEvent::Pending { waited_ms }) => *waited_ms,
                other => panic!("only Pending while following, got {other:?}"),
            })
            .collect();
        assert_eq!(pending, [250, 625, 1187]);
    }

    #[tokio::test(start_paused = true)]
    async fn following_gives_up_rather_than_pause_past_the_limit() {
        let (followed, reads, updates) =
            follow_with(vec![Err(not_found())], Duration::from_secs(20)).await;
        // 250, 625, 1187, 2030, 3294, 5190, 8034, 12300, 17300; the next (22300) is too late.
        assert_eq!(reads.len(), 9);
        assert_eq!(reads.last(), Some(&17_300));
        assert!(matches!(
            followed,
            Ok(Followed::GaveUp { waited_ms: 17_300 })
        ));
        assert_eq!(updates.len(), 9);
    }

    #[tokio::test(start_paused = true)]
    async fn a_refusal_ends_the_following_at_once() {
        let refused = ProviderError::new(ErrorKind::Auth, "the key was refused");
        let (followed, reads, _) = follow_with(vec![Err(refused)], Duration::from_secs(60)).await;
        assert_eq!(reads, [250]);
        assert!(
            matches!(followed, Err(Halt::Failed(AppError::Provider(e))) if e.kind == ErrorKind::Auth)
        );
    }

    #[tokio::test(start_paused = true)]
    async fn a_listener_that_left_ends_the_following() {
        let (mut tx, rx) = mpsc::channel(0);
        drop(rx);
        let reads = RefCell::new(0);
        let read = || {
            *reads.borrow_mut() += 1;
            std::future::ready(Err(not_found()))
        };
        let followed = follow(read, Duration::from_secs(60), &mut tx).await;
        assert!(matches!(followed, Err(Halt::Gone)));
        assert_eq!(*reads.borrow(), 1);
    }

    #[test]
    fn recorded_input_is_an_object_or_nothing() {
        let with = |params: Option<serde_json::Value>| Activation {
            extras: providers::ActivationExtras {
                params,
                ..Default::default()
            }
            .boxed(),
            ..Activation::new("a1", providers::ActivationStatus::Success)
        };
        let kim = with(Some(serde_json::json!({"name": "Kim"})));
        assert_eq!(recorded_params(&kim).unwrap()["name"], "Kim");
        assert_eq!(recorded_params(&with(Some(serde_json::json!([1])))), None);
        assert_eq!(recorded_params(&with(None)), None);
    }

    #[test]
    fn an_ended_run_is_told_as_started_lines_ended() {
        let events = finished_events(activation(ActivationStatus::Success));
        assert_eq!(events.len(), 4);
        assert_eq!(
            events[0],
            RunEvent::Started {
                activation_id: "a1".into()
            }
        );
        let RunEvent::Log(first) = &events[1] else {
            panic!("a log line second")
        };
        assert_eq!((first.ts_ms, first.text.as_str()), (1_500, "step 1"));
        // A line without a stamp is shown at the run's start.
        let RunEvent::Log(second) = &events[2] else {
            panic!("a log line third")
        };
        assert_eq!((second.ts_ms, second.text.as_str()), (1_000, "no stamp"));
        assert!(events[3].is_end());
    }
}
