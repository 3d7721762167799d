//! Asking every connection at once, each with a deadline, and streaming each answer as it
//! comes: the timeline and the overview both read their connections this way. Server only.

use futures::stream::{FuturesUnordered, Stream, StreamExt};
use leptos::server_fn::codec::ByteStream;
use serde::Serialize;
use std::time::Duration;
use tokio::time::Instant;

use super::{ConnectionPart, PartError};
use crate::context::server::{ConnectionClient, ConnectionClients, ConnectionDirectory};
use crate::errors::AppError;

/// How long past its deadline a connection's work may run before it is cut off: the
/// sources stop themselves at the deadline and keep what they read; this only bounds one
/// that does not.
const GRACE: Duration = Duration::from_millis(150);

/// Now, epoch ms.
pub(crate) fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as i64)
}

/// Every configured connection in configuration order, or only `only`.
pub(crate) fn connections(only: Option<&str>) -> Result<Vec<ConnectionClient>, AppError> {
    let missing = |what: &str| AppError::Misconfigured(format!("the {what} was not provided"));
    let directory = leptos::prelude::use_context::<ConnectionDirectory>()
        .ok_or_else(|| missing("connection directory"))?;
    let clients = leptos::prelude::use_context::<ConnectionClients>()
        .ok_or_else(|| missing("connections' clients"))?;
    let wanted = |id: &str| only.is_none_or(|o| o == id);
    let found: Vec<ConnectionClient> = directory
        .0
        .iter()
        .filter(|s| wanted(&s.id))
        .filter_map(|s| clients.get(&s.id).cloned())
        .collect();
    match only {
        Some(id) if found.is_empty() => Err(AppError::UnknownConnection(id.into())),
        _ => Ok(found),
    }
}

/// Asks every connection with `ask` at once; each answer is streamed as it comes, in the
/// order they come. `ask` gets the deadline so it can stop in time with what it has; one
/// still working a moment past it is cut off as [`PartError::Late`].
pub(crate) fn fan_out<T, F, Fut>(
    connections: Vec<ConnectionClient>,
    deadline: Duration,
    ask: F,
) -> impl Stream<Item = ConnectionPart<T>> + Send + 'static
where
    T: Send + 'static,
    F: Fn(ConnectionClient, Instant) -> Fut,
    Fut: Future<Output = Result<T, PartError>> + Send + 'static,
{
    let started = Instant::now();
    let until = started + deadline;
    let deadline_ms = deadline.as_millis() as u64;
    connections
        .into_iter()
        .map(|c| {
            let connection = c.summary.clone();
            let work = ask(c, until);
            async move {
                let answer = tokio::time::timeout_at(until + GRACE, work)
                    .await
                    .unwrap_or(Err(PartError::Late { deadline_ms }));
                if let Err(error) = &answer {
                    tracing::warn!(connection = %connection.id, %error, "a connection's part failed");
                }
                ConnectionPart {
                    connection,
                    elapsed_ms: started.elapsed().as_millis() as u64,
                    answer,
                }
            }
        })
        .collect::<FuturesUnordered<_>>()
}

/// The parts as an NDJSON response, one line each, written as each comes.
pub(crate) fn ndjson<T: Serialize + Send + 'static>(
    parts: impl Stream<Item = ConnectionPart<T>> + Send + 'static,
) -> ByteStream<AppError> {
    ByteStream::new(parts.map(|part| {
        let mut line = serde_json::to_string(&part).map_err(|e| {
            AppError::Misconfigured(format!("a connection's part did not serialise: {e}"))
        })?;
        line.push('\n');
        Ok::<_, AppError>(line)
    }))
}

/// What `work` answers, or `None` when `until` comes first.
pub(crate) async fn before<T>(until: Instant, work: impl Future<Output = T>) -> Option<T> {
    tokio::time::timeout_at(until, work).await.ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::timeline::backend::{Search, gather};
    use crate::api::timeline::{TimelineAnswer, TimelineView};
    use providers::client::{
        Client, OpenWhiskClient, OpenWhiskConfig, Transport, TransportOptions,
    };
    use providers::{ConnectionSummary, ProviderKind};
    use std::io::{Read, Write};
    use std::net::TcpListener;

    /// An address that accepts connections and never answers.
    fn black_hole() -> String {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let address = listener.local_addr().unwrap();
        std::thread::spawn(move || {
            let mut held = Vec::new();
            for stream in listener.incoming().flatten() {
                held.push(stream);
            }
        });
        format!("http://{address}")
    }

    /// An OpenWhisk API that has no activations, answering at once.
    fn empty_openwhisk() -> String {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let address = listener.local_addr().unwrap();
        std::thread::spawn(move || {
            for mut stream in listener.incoming().flatten() {
                let mut buf = [0_u8; 4096];
                let n = stream.read(&mut buf).unwrap_or(0);
                let request = String::from_utf8_lossy(&buf[..n]);
                let body = if request.contains("count=true") {
                    r#"{"activations":0}"#
                } else {
                    "[]"
                };
                let _ = write!(
                    stream,
                    "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
                    body.len()
                );
            }
        });
        format!("http://{address}")
    }

    fn openwhisk(id: &str, endpoint: String) -> ConnectionClient {
        let transport = Transport::new(TransportOptions::default()).unwrap();
        let config = OpenWhiskConfig {
            endpoint,
            namespace: "_".into(),
            auth: providers::sign::Secret::new("uuid:key"),
        };
        ConnectionClient {
            summary: ConnectionSummary {
                id: id.into(),
                name: id.into(),
                provider: ProviderKind::Openwhisk,
                local: false,
            },
            client: Ok(Client::OpenWhisk(OpenWhiskClient::new(transport, config))),
        }
    }

    #[tokio::test(flavor = "current_thread")]
    async fn a_connection_that_never_answers_holds_no_other_back_and_says_why() {
        let connections = vec![
            openwhisk("stuck", black_hole()),
            openwhisk("fast-1", empty_openwhisk()),
            openwhisk("fast-2", empty_openwhisk()),
        ];
        let view = TimelineView {
            deadline_ms: 600,
            ..Default::default()
        };
        let search = Search::of(&view, now_ms());
        let started = std::time::Instant::now();
        let parts: Vec<(ConnectionPart<TimelineAnswer>, Duration)> =
            fan_out(connections, Duration::from_millis(600), move |c, until| {
                let search = search.clone();
                async move { gather(&c, &search, until).await }
            })
            .map(|part| (part, started.elapsed()))
            .collect()
            .await;
        let order: Vec<&str> = parts
            .iter()
            .map(|(p, _)| p.connection.id.as_str())
            .collect();
        assert_eq!(
            order.last(),
            Some(&"stuck"),
            "the stuck one comes last: {order:?}"
        );
        for (part, at) in &parts[..2] {
            assert!(part.answer.is_ok(), "{:?}", part.answer);
            assert!(
                *at < Duration::from_millis(500),
                "{} came at {at:?}",
                part.connection.id
            );
        }
        let (stuck, at) = &parts[2];
        assert_eq!(stuck.answer, Err(PartError::Late { deadline_ms: 600 }));
        assert!(
            *at >= Duration::from_millis(600)
                && *at < Duration::from_millis(600) + GRACE + Duration::from_millis(200),
            "{at:?}"
        );
    }
}
