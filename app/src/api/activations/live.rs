//! Live mode: the engine's activation feed (or, on a cloud, the server's follower of the
//! connection, [`super::hub`]) relayed to the browser as NDJSON, one
//! [`LiveLine`] a line, each activation as it starts (pending) and again as it ends, filtered
//! by the view's action and status. The browser drops the response to stop; the server then
//! drops the feed.

use leptos::prelude::*;
use leptos::server_fn::codec::{ByteStream, Json, Streaming};
use providers::{ActionRef, Activation, ActivationStatus};
use serde::{Deserialize, Serialize};

use super::StatusFilter;
use crate::errors::AppError;

/// One line of the live stream.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum LiveLine {
    /// The feed broke (the engine went away, say): the stream ends after this line.
    Failed {
        /// Why.
        error: AppError,
    },
    /// An activation that started or ended, as a summary (no result, logs or input).
    Activation(Activation),
}

/// Whether the live view of `action` and `status` shows `a`: the action must match, and
/// with a status filter only ended activations are shown (a pending one's outcome is not
/// known yet).
pub fn keeps_live(
    a: &Activation,
    action: Option<&ActionRef>,
    status: Option<StatusFilter>,
) -> bool {
    let action_kept =
        action.is_none_or(|want| a.name.as_deref().map(ActionRef::parse).as_ref() == Some(want));
    let status_kept =
        status.is_none_or(|s| a.status != ActivationStatus::Pending && s.keeps(a.status));
    action_kept && status_kept
}

/// Why `client` cannot watch its activations, when it cannot. The engine's connections
/// relay its feed; a cloud that lists activations is followed by the server's hub; one that
/// lists none has no live mode.
#[cfg(feature = "ssr")]
pub(super) fn cannot_watch(client: &providers::client::Client) -> Option<String> {
    use providers::Capability::{Activations, StreamingInvoke};
    use providers::client::Operations;
    let capabilities = client.capabilities();
    (!capabilities.has(StreamingInvoke) && !capabilities.has(Activations)).then(|| {
        format!(
            "{} does not list activations, so there is no live mode here.",
            client.kind()
        )
    })
}

/// Streams `connection`'s new activations as they start and end, those `action` and
/// `status` keep. An error before the feed opens is the function's error; one after is a
/// [`LiveLine::Failed`] line.
#[server(endpoint = "watch_activations", input = Json, output = Streaming)]
pub async fn watch_activations(
    connection: Option<String>,
    action: Option<ActionRef>,
    status: Option<StatusFilter>,
) -> Result<ByteStream<AppError>, AppError> {
    use futures::StreamExt;
    use providers::client::Operations;
    super::super::guard::guard(<WatchActivations as leptos::server_fn::ServerFn>::PATH)?;
    let c = super::super::backend::connection(connection.as_deref())?;
    let client = super::super::backend::client(&c)?;
    if let Some(why) = cannot_watch(client) {
        return Err(AppError::Unsupported(why));
    }
    tracing::info!(connection = %c.summary.id, "live activations");
    let feed = if client
        .capabilities()
        .has(providers::Capability::StreamingInvoke)
    {
        client.watch_activations().await?
    } else {
        super::hub::watch(&c.summary.id, client)
    };
    let lines = feed
        .filter_map(move |item| {
            let line = match item {
                Ok(a) if keeps_live(&a, action.as_ref(), status) => {
                    Some(LiveLine::Activation(super::backend::summary(a)))
                }
                Ok(_) => None,
                Err(e) => Some(LiveLine::Failed { error: e.into() }),
            };
            std::future::ready(line)
        })
        .map(|line| Ok::<_, AppError>(crate::ndjson::line(&line)));
    Ok(ByteStream::new(lines))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn activation(name: &str, status: ActivationStatus) -> Activation {
        serde_json::from_value(serde_json::json!({ "id": "a1", "name": name, "status": status }))
            .expect("a minimal activation")
    }

    #[test]
    fn the_live_view_keeps_what_the_table_would() {
        let demo = ActionRef::in_package("demo", "hello");
        let running = activation("demo/hello", ActivationStatus::Pending);
        let failed = activation("demo/hello", ActivationStatus::ApplicationError);
        let other = activation("demo/other", ActivationStatus::Success);
        assert!(keeps_live(&running, None, None));
        assert!(keeps_live(&running, Some(&demo), None));
        assert!(!keeps_live(&other, Some(&demo), None));
        assert!(
            !keeps_live(&running, None, Some(StatusFilter::Failure)),
            "outcome unknown yet"
        );
        assert!(keeps_live(
            &failed,
            Some(&demo),
            Some(StatusFilter::Failure)
        ));
        assert!(!keeps_live(&other, None, Some(StatusFilter::Failure)));
    }

    #[test]
    fn each_line_reads_back_as_itself() {
        let lines = [
            LiveLine::Activation(activation("demo/hello", ActivationStatus::Success)),
            LiveLine::Failed {
                error: AppError::Transport("gone".into()),
            },
        ];
        for line in lines {
            let text = serde_json::to_string(&line).unwrap();
            assert_eq!(
                serde_json::from_str::<LiveLine>(&text).unwrap(),
                line,
                "{text}"
            );
        }
    }
}
