//! Following a run live on an fnconsole engine: the `live` extension of its NCP and OpenWhisk
//! dialects (`docs/DESIGN.md`, "The live extension"). The engine answers
//! `application/x-ndjson`, one [`RunEvent`] a line — `started`, each `log` as printed,
//! `pending` while quiet, `ended` with the activation — and this module reads those lines as
//! a [`RunStream`]. Clouds have no such endpoint: their clients answer `Unsupported`.

use futures_core::Stream;
use std::pin::Pin;
use std::time::Duration;

use super::request::{Api, Request};
use super::transport::{RawResponse, Transport, now_ms};
use crate::model::{Capabilities, Capability, ErrorKind, ProviderError, RunEvent};

/// What a run streams, event by event, ending after [`RunEvent::Ended`] (or at an error).
/// Dropping it closes the connection, which frees the engine's follower.
pub type RunStream = Pin<Box<dyn Stream<Item = Result<RunEvent, ProviderError>> + Send>>;

/// Where the extension lives under a dialect's base path (`/api/v2`, `/api/v1/namespaces/_`).
pub(crate) const LIVE: &str = "/live";

/// The largest event accepted: an `ended` line carries a result and logs of 1 MB each.
const MAX_EVENT_BYTES: usize = 8 * 1024 * 1024;

/// The engine writes `pending` every 15 s while a run is quiet: three missed mean the stream
/// is gone even though the socket did not say so.
const IDLE_LIMIT: Duration = Duration::from_secs(45);

/// The capabilities of a client of `kind`, with [`Capability::StreamingInvoke`] when its
/// endpoint is an fnconsole engine.
pub(crate) fn with_live(mut offered: Capabilities, live: bool) -> Capabilities {
    if live && !offered.has(Capability::StreamingInvoke) {
        offered.0.push(Capability::StreamingInvoke);
    }
    offered
}

/// Refuses the extension on a connection that is not an engine's, before any request.
pub(crate) fn require_live(live: bool, provider: &str) -> Result<(), ProviderError> {
    if live {
        return Ok(());
    }
    Err(ProviderError::new(
        ErrorKind::Unsupported,
        format!(
            "{provider} does not offer {} (only an fnconsole engine streams a run live)",
            Capability::StreamingInvoke.describe()
        ),
    ))
}

/// Sends `request` (signed as `api` signs) and answers its events as they arrive. An error
/// status is the provider's error, read as `api` reads its errors.
pub(crate) async fn open<A: Api>(
    transport: &Transport,
    api: &A,
    request: Request,
) -> Result<RunStream, ProviderError> {
    let endpoint = api.endpoint().to_string();
    let response = send(transport, api, request).await?;
    let reader = Reader {
        response,
        buffer: Vec::new(),
        endpoint,
        transport: transport.clone(),
        done: false,
    };
    Ok(Box::pin(futures_util::stream::unfold(
        reader,
        |mut reader| async move { reader.next_event().await.map(|event| (event, reader)) },
    )))
}

/// Signs and sends once (a stream is never retried: an invocation must not run twice).
async fn send<A: Api>(
    transport: &Transport,
    api: &A,
    mut request: Request,
) -> Result<reqwest::Response, ProviderError> {
    let endpoint = api.endpoint();
    request.header("Accept", "application/x-ndjson");
    api.sign(&mut request, now_ms())?;
    let url = format!(
        "{}{}",
        endpoint.trim_end_matches('/'),
        request.target(A::QUERY)
    );
    let mut builder = transport.http().request(request.method.clone(), url);
    for (name, value) in &request.headers {
        builder = builder.header(name, value);
    }
    if !request.body.is_empty() {
        builder = builder.body(request.body);
    }
    // The head must come within the usual timeout; the body then lasts as long as the run.
    let response = tokio::time::timeout(transport.options().timeout, builder.send())
        .await
        .map_err(|_| {
            ProviderError::new(
                ErrorKind::Timeout,
                format!(
                    "the engine did not start answering within {} s ({endpoint})",
                    transport.options().timeout.as_secs_f64()
                ),
            )
        })?
        .map_err(|e| transport.transport_error(endpoint, e))?;
    if response.status().is_success() {
        return Ok(response);
    }
    let raw = read_error(transport, endpoint, response).await?;
    Err(api
        .error_from(&raw)
        .unwrap_or_else(|| raw.unexplained(A::KIND.config_name())))
}

/// An error answer, read in full within the transport's cap.
async fn read_error(
    transport: &Transport,
    endpoint: &str,
    mut response: reqwest::Response,
) -> Result<RawResponse, ProviderError> {
    let status = response.status().as_u16();
    let content_type = response
        .headers()
        .get(reqwest::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .map(str::to_string);
    let mut body = Vec::new();
    while let Some(chunk) = response
        .chunk()
        .await
        .map_err(|e| transport.transport_error(endpoint, e))?
    {
        body.extend_from_slice(&chunk);
        if body.len() > transport.options().max_body_bytes {
            break;
        }
    }
    Ok(RawResponse {
        status,
        content_type,
        body,
    })
}

/// The NDJSON body being read.
struct Reader {
    response: reqwest::Response,
    buffer: Vec<u8>,
    endpoint: String,
    transport: Transport,
    done: bool,
}

impl Reader {
    /// The next event; `None` after the end or after an error (which is answered once).
    async fn next_event(&mut self) -> Option<Result<RunEvent, ProviderError>> {
        if self.done {
            return None;
        }
        let event = self.read().await;
        self.done = !event.as_ref().is_ok_and(|e| !e.is_end());
        Some(event)
    }

    async fn read(&mut self) -> Result<RunEvent, ProviderError> {
        loop {
            if let Some(end) = self.buffer.iter().position(|&b| b == b'\n') {
                let line: Vec<u8> = self.buffer.drain(..=end).collect();
                let line = line.trim_ascii();
                if line.is_empty() {
                    continue;
                }
                return serde_json::from_slice(line).map_err(|e| {
                    self.broken(format!("sent a line that is not a run event ({e})"))
                });
            }
            if self.buffer.len() > MAX_EVENT_BYTES {
                return Err(self.broken(format!(
                    "sent an event longer than {} MB",
                    MAX_EVENT_BYTES / (1024 * 1024)
                )));
            }
            let chunk = tokio::time::timeout(IDLE_LIMIT, self.response.chunk()).await;
            match chunk {
                Err(_) => {
                    return Err(ProviderError::new(
                        ErrorKind::Timeout,
                        format!(
                            "{} sent nothing for {} s while following the run",
                            self.endpoint,
                            IDLE_LIMIT.as_secs()
                        ),
                    ));
                }
                Ok(Err(e)) => return Err(self.transport.transport_error(&self.endpoint, e)),
                Ok(Ok(None)) => return Err(self.broken("closed the stream before the run ended")),
                Ok(Ok(Some(chunk))) => self.buffer.extend_from_slice(&chunk),
            }
        }
    }

    fn broken(&self, what: impl std::fmt::Display) -> ProviderError {
        ProviderError::new(ErrorKind::BadResponse, format!("{} {what}", self.endpoint))
    }
}

impl super::Client {
    /// The same client for an endpoint that is an fnconsole engine (embedded or `fnconsole
    /// engine` elsewhere): its NCP and OpenWhisk dialects stream runs live; the other dialects
    /// have no such extension and are returned as they were.
    pub fn with_live_extension(self) -> Self {
        use super::Client;
        match self {
            Client::Ncp(c) => Client::Ncp(c.with_live_extension()),
            Client::OpenWhisk(c) => Client::OpenWhisk(c.with_live_extension()),
            other => other,
        }
    }
}
