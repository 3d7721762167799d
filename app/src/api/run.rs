//! Server functions of the run panel: run an action and stream what happens to it, stop a
//! run, and what the panel needs before the first run (whether the connection can invoke,
//! the action's limits, the input of a run to repeat).
//!
//! A run is one streaming response ([`run_action`]): NDJSON, one [`RunUpdate`] a line, written
//! as each thing happens. The browser never polls; where the provider only answers with an
//! activation id, the server follows it (`run_follow`).

use leptos::prelude::*;
use leptos::server_fn::codec::{ByteStream, Json, Streaming};
use providers::{ActionLimits, ActionRef, RunEvent};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use std::ops::RangeInclusive;

use crate::errors::AppError;

/// The provider's blocking wait a run may ask for, ms: NCP's run `timeout` (0–60,000) and
/// OpenWhisk's longest blocking wait. Past it the provider answers with the activation id.
pub const WAIT_RANGE: RangeInclusive<u64> = 0..=60_000;

/// What the run panel sends to run an action.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RunInput {
    /// The connection (`None`: the first configured).
    pub connection: Option<String>,
    /// The action.
    pub action: ActionRef,
    /// Its runtime parameters.
    pub params: Map<String, Value>,
    /// How long the provider waits for the result before answering with the activation id,
    /// ms, in [`WAIT_RANGE`]; `None`: the provider's own default.
    pub timeout_ms: Option<u64>,
}

/// One line of a run's stream: something that happened to the run, or why the server
/// stopped following it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum RunUpdate {
    /// A run event, as the provider (or the server following it) saw it.
    Event(RunEvent),
    /// The run outlived the action's time limit and a margin: the server stopped asking. The
    /// run may still end; its activation is kept by the provider under this id.
    GaveUp {
        /// The activation followed.
        activation_id: String,
        /// How long it was followed, ms.
        waited_ms: u64,
    },
    /// The run could not be started or followed.
    Failed {
        /// Why.
        error: AppError,
    },
}

/// A recorded input to run again (`?rerun=<activation id>`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RerunInput {
    /// The activation it comes from.
    pub activation_id: String,
    /// Its input parameters, where the provider records them.
    pub params: Option<Map<String, Value>>,
    /// Why they are not there, when they are not.
    pub note: Option<String>,
}

/// What the run panel needs before the first run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RunSetup {
    /// Why this connection cannot run actions, when it cannot.
    pub cannot_invoke: Option<String>,
    /// Whether "Stop" can end a run on it (the engine's connections), not only stop following.
    pub can_stop: bool,
    /// The action's limits, where the provider gives them (its memory is shown with a run).
    pub limits: Option<ActionLimits>,
    /// The input of the run named by `?rerun=`, when one was.
    pub rerun: Option<RerunInput>,
    /// The provider's name, to say which one does not report a run's billing or memory.
    pub provider: String,
}

/// Parses the parameters field: empty is `{}`, anything else must be a JSON object. The
/// error says where the JSON breaks, or what was given instead of an object.
pub fn parse_params(text: &str) -> Result<Map<String, Value>, AppError> {
    if text.trim().is_empty() {
        return Ok(Map::new());
    }
    match serde_json::from_str::<Value>(text) {
        Ok(Value::Object(map)) => Ok(map),
        Ok(other) => Err(AppError::invalid(
            "params",
            format!(
                "Parameters must be a JSON object such as {{\"name\": \"Kim\"}}, not {}.",
                kind_of(&other)
            ),
        )),
        Err(e) => Err(AppError::invalid(
            "params",
            format!(
                "Not valid JSON at line {}, column {}: {}.",
                e.line(),
                e.column(),
                without_position(&e.to_string())
            ),
        )),
    }
}

/// serde_json's message without its trailing " at line L column C" (said once, first).
fn without_position(message: &str) -> &str {
    message
        .rsplit_once(" at line ")
        .map_or(message, |(head, _)| head)
}

fn kind_of(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// Parses the timeout field: empty is the provider's default, else whole ms in
/// [`WAIT_RANGE`].
pub fn parse_timeout(text: &str) -> Result<Option<u64>, AppError> {
    let text = text.trim();
    if text.is_empty() {
        return Ok(None);
    }
    let refused = || {
        AppError::invalid(
            "timeout_ms",
            "The timeout is whole milliseconds from 0 to 60,000 (empty: the provider's default).",
        )
    };
    let ms: u64 = text.parse().map_err(|_| refused())?;
    check_timeout(Some(ms)).map_err(|_| refused())?;
    Ok(Some(ms))
}

/// Refuses a timeout outside [`WAIT_RANGE`] (the server checks again what the form checked).
pub fn check_timeout(timeout_ms: Option<u64>) -> Result<(), AppError> {
    match timeout_ms {
        Some(ms) if !WAIT_RANGE.contains(&ms) => Err(AppError::invalid(
            "timeout_ms",
            "The timeout must be 0 to 60,000 ms.",
        )),
        _ => Ok(()),
    }
}

/// Runs the action and streams the run as NDJSON, one [`RunUpdate`] a line, each written as
/// it happens. An error before the run starts is the function's error; one after it is a
/// [`RunUpdate::Failed`] line (a stream cannot change its status once it has begun).
/// Bytes, not text: a chunk may end inside a character, so the browser decodes whole lines.
#[server(endpoint = "run_action", input = Json, output = Streaming)]
pub async fn run_action(run: RunInput) -> Result<ByteStream<AppError>, AppError> {
    super::guard::guard(<RunAction as leptos::server_fn::ServerFn>::PATH)?;
    check_timeout(run.timeout_ms)?;
    let c = super::backend::connection(run.connection.as_deref())?;
    let client = super::backend::client(&c)?.clone();
    tracing::info!(connection = %c.summary.id, action = %run.action, "run");
    let updates = super::run_follow::start(client, run);
    Ok(ByteStream::new(futures::StreamExt::map(
        updates,
        |update| Ok::<_, AppError>(crate::ndjson::line(&update)),
    )))
}

/// Stops a running activation where the connection can (the engine's): the run ends, and
/// whoever follows it receives its end.
#[server(endpoint = "stop_run")]
pub async fn stop_run(
    connection: Option<String>,
    package: Option<String>,
    name: String,
    activation_id: String,
) -> Result<(), AppError> {
    use providers::client::Operations;
    super::guard::guard(<StopRun as leptos::server_fn::ServerFn>::PATH)?;
    let c = super::backend::connection(connection.as_deref())?;
    let activation = providers::ActivationRef::of(ActionRef { package, name }, activation_id);
    tracing::info!(connection = %c.summary.id, activation = %activation.id, "stop run");
    Ok(super::backend::client(&c)?
        .cancel_activation(&activation)
        .await?)
}

/// What the run panel needs first: whether the connection can run actions, whether a run can
/// be stopped there, the action's limits, and the input of `rerun` (an activation id) if
/// given.
#[server(endpoint = "get_run_setup")]
pub async fn get_run_setup(
    connection: Option<String>,
    package: Option<String>,
    name: String,
    rerun: Option<String>,
) -> Result<RunSetup, AppError> {
    super::guard::guard(<GetRunSetup as leptos::server_fn::ServerFn>::PATH)?;
    let c = super::backend::connection(connection.as_deref())?;
    let action = ActionRef { package, name };
    super::run_follow::setup(&c, &action, rerun.filter(|r| !r.trim().is_empty())).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parameters_are_a_json_object_or_nothing() {
        assert_eq!(parse_params("  ").unwrap(), Map::new());
        let map = parse_params(r#"{"name": "Kim", "n": 2}"#).unwrap();
        assert_eq!(map["name"], "Kim");
        let array = parse_params("[1]").unwrap_err();
        assert_eq!(array.field(), Some("params"));
        assert!(array.to_string().contains("not an array"), "{array}");
    }

    #[test]
    fn broken_json_says_where() {
        let error = parse_params("{\n  \"name\": \"Kim\",\n}").unwrap_err();
        assert_eq!(error.field(), Some("params"));
        let message = error.to_string();
        assert!(
            message.starts_with("Not valid JSON at line 3, column 1: "),
            "{message}"
        );
        assert!(
            !message.contains(" at line 3 column"),
            "said twice: {message}"
        );
    }

    #[test]
    fn the_timeout_is_empty_or_whole_ms_up_to_a_minute() {
        assert_eq!(parse_timeout("").unwrap(), None);
        assert_eq!(parse_timeout(" 1500 ").unwrap(), Some(1500));
        assert_eq!(parse_timeout("0").unwrap(), Some(0));
        assert_eq!(parse_timeout("60000").unwrap(), Some(60_000));
        for bad in ["60001", "-1", "1.5", "soon"] {
            let error = parse_timeout(bad).unwrap_err();
            assert_eq!(error.field(), Some("timeout_ms"), "{bad}");
        }
        assert!(check_timeout(Some(60_001)).is_err());
    }

    #[test]
    fn each_update_reads_back_as_itself() {
        let updates = [
            RunUpdate::Event(RunEvent::Started {
                activation_id: "a1".into(),
            }),
            RunUpdate::Event(RunEvent::Pending { waited_ms: 250 }),
            RunUpdate::GaveUp {
                activation_id: "a1".into(),
                waited_ms: 90_000,
            },
            RunUpdate::Failed {
                error: AppError::invalid("timeout_ms", "too long"),
            },
        ];
        for update in updates {
            let line = serde_json::to_string(&update).unwrap();
            assert_eq!(
                serde_json::from_str::<RunUpdate>(&line).unwrap(),
                update,
                "{line}"
            );
        }
    }
}
