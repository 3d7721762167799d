//! Following a run live on an fnconsole engine: the `live` extension of its NCP and OpenWhisk
//! dialects (`docs/DESIGN.md`, "The live extension"). The engine answers
//! `application/x-ndjson`, one [`RunEvent`] a line — `started`, each `log` as printed,
//! `pending` while quiet, `ended` with the activation — and this module reads those lines as
//! a [`RunStream`]. Clouds have no such endpoint: their clients answer `Unsupported`.

use futures_core::Stream;
use serde::de::DeserializeOwned;
use std::pin::Pin;
use std::time::Duration;

use super::request::{Api, Request};
use super::transport::{RawResponse, Transport, now_ms};
use crate::model::{
    ActionRef, Activation, ActivationRef, Capabilities, Capability, ErrorKind, InvocationRequest,
    ProviderError, RunEvent,
};
use crate::sign::encoding::quote;
use reqwest::Method;

/// What a run streams, event by event, ending after [`RunEvent::Ended`] (or at an error).
/// Dropping it closes the connection, which frees the engine's follower.
pub type RunStream = Pin<Box<dyn Stream<Item = Result<RunEvent, ProviderError>> + Send>>;

/// Every activation on the engine from now on, as it starts (status `Pending`) and as it
/// ends; it lasts until dropped (or an error, which ends it).
pub type ActivationStream = Pin<Box<dyn Stream<Item = Result<Activation, ProviderError>> + Send>>;

/// Where the extension lives under a dialect's base path (`/api/v2`, `/api/v1/namespaces/_`).
const LIVE: &str = "/live";

/// The largest event accepted: an `ended` line carries a result and logs of 1 MB each.
const MAX_EVENT_BYTES: usize = 8 * 1024 * 1024;

/// The engine writes `pending` every 15 s while a run is quiet: three missed mean the stream
/// is gone even though the socket did not say so.
const IDLE_LIMIT: Duration = Duration::from_secs(45);

/// The capabilities of a client of `kind`, with [`Capability::StreamingInvoke`] when its
/// endpoint is an fnconsole engine.
/// (in [`Capability::ALL`]'s order, as the console shows them).
pub(crate) fn with_live(offered: Capabilities, live: bool) -> Capabilities {
    Capability::ALL
        .into_iter()
        .filter(|&c| offered.has(c) || (live && c == Capability::StreamingInvoke))
        .collect()
}

/// What the extension needs of a client whose endpoint may be an fnconsole engine (NCP's
/// and OpenWhisk's): each dialect puts it under its own base, signed its own way.
pub(crate) trait LiveClient: Sync {
    /// How its API signs and writes errors.
    type Api: Api + Sync;
    /// The provider, for messages.
    const PROVIDER: &'static str;
    /// Whether the endpoint is an fnconsole engine.
    fn is_live(&self) -> bool;
    /// Its transport.
    fn transport(&self) -> &Transport;
    /// Its API.
    fn api(&self) -> &Self::Api;
    /// A request to `path` under the dialect's base.
    fn live_request(&self, operation: &'static str, method: Method, path: &str) -> Request;
    /// An action's path under the base (`/actions/…`, `/packages/…/actions/…`).
    fn live_action_path(action: &ActionRef) -> String;

    /// A request to `LIVE` + `path`, refused before anything is sent when the endpoint is not
    /// an engine's.
    fn live(
        &self,
        operation: &'static str,
        method: Method,
        path: &str,
    ) -> Result<Request, ProviderError> {
        if !self.is_live() {
            return Err(ProviderError::new(
                ErrorKind::Unsupported,
                format!(
                    "{} does not offer {} (only an fnconsole engine streams a run live)",
                    Self::PROVIDER,
                    Capability::StreamingInvoke.describe()
                ),
            ));
        }
        Ok(self.live_request(operation, method, &format!("{LIVE}{path}")))
    }
}

/// `POST …/live/{action}`: runs at once and streams the run.
pub(crate) async fn invoke_streaming<C: LiveClient>(
    client: &C,
    request: &InvocationRequest,
) -> Result<RunStream, ProviderError> {
    let path = C::live_action_path(&request.action);
    let call = client
        .live("invoke_streaming", Method::POST, &path)?
        .json(&request.params)?;
    open(client.transport(), client.api(), call).await
}

/// `GET …/live/activations/{id}`: follows a run.
pub(crate) async fn follow_activation<C: LiveClient>(
    client: &C,
    activation: &ActivationRef,
) -> Result<RunStream, ProviderError> {
    let path = format!("/activations/{}", quote(&activation.id));
    let call = client.live("follow_activation", Method::GET, &path)?;
    open(client.transport(), client.api(), call).await
}

/// `DELETE …/live/activations/{id}`: stops a run.
pub(crate) async fn cancel_activation<C: LiveClient>(
    client: &C,
    activation: &ActivationRef,
) -> Result<(), ProviderError> {
    let path = format!("/activations/{}", quote(&activation.id));
    let call = client.live("cancel_activation", Method::DELETE, &path)?;
    client
        .transport()
        .call(client.api(), call)
        .await
        .map(|_| ())
}

/// `GET …/live/activations`: the activation feed.
pub(crate) async fn watch_activations<C: LiveClient>(
    client: &C,
) -> Result<ActivationStream, ProviderError> {
    let call = client.live("watch_activations", Method::GET, "/activations")?;
    open_feed(client.transport(), client.api(), call).await
}

/// Sends `request` (signed as `api` signs) and answers its events as they arrive. An error
/// status is the provider's error, read as `api` reads its errors.
pub(crate) async fn open<A: Api>(
    transport: &Transport,
    api: &A,
    request: Request,
) -> Result<RunStream, ProviderError> {
    let ends = Ends {
        last: RunEvent::is_end,
        closed: "closed the stream before the run ended",
    };
    Ok(Box::pin(lines(transport, api, request, ends).await?))
}

/// As [`open`], for the engine's activation feed.
pub(crate) async fn open_feed<A: Api>(
    transport: &Transport,
    api: &A,
    request: Request,
) -> Result<ActivationStream, ProviderError> {
    let ends = Ends {
        last: |_: &Activation| false,
        closed: "closed the activation feed",
    };
    Ok(Box::pin(lines(transport, api, request, ends).await?))
}

/// How a stream of `T` ends: after the item `last` says is the last, or when the engine
/// closes it (an error saying `closed`).
struct Ends<T> {
    last: fn(&T) -> bool,
    closed: &'static str,
}

/// The NDJSON lines of the answer to `request`, read as `T`s as they arrive.
async fn lines<A: Api, T: DeserializeOwned + Send + 'static>(
    transport: &Transport,
    api: &A,
    request: Request,
    ends: Ends<T>,
) -> Result<impl Stream<Item = Result<T, ProviderError>> + Send + 'static, ProviderError> {
    let endpoint = api.endpoint().to_string();
    let response = send(transport, api, request).await?;
    let reader = Reader {
        response,
        buffer: Vec::new(),
        endpoint,
        transport: transport.clone(),
        ends,
        done: false,
    };
    Ok(futures_util::stream::unfold(
        reader,
        |mut reader| async move { reader.next_item().await.map(|item| (item, reader)) },
    ))
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
        etag: None,
        invoke_summary: None,
        retry_after: None,
    })
}

/// The NDJSON body being read.
struct Reader<T> {
    response: reqwest::Response,
    buffer: Vec<u8>,
    endpoint: String,
    transport: Transport,
    ends: Ends<T>,
    done: bool,
}

impl<T: DeserializeOwned> Reader<T> {
    /// The next item; `None` after the last or after an error (which is answered once).
    async fn next_item(&mut self) -> Option<Result<T, ProviderError>> {
        if self.done {
            return None;
        }
        let item = self.read().await;
        self.done = !item.as_ref().is_ok_and(|i| !(self.ends.last)(i));
        Some(item)
    }

    async fn read(&mut self) -> Result<T, ProviderError> {
        loop {
            if let Some(end) = self.buffer.iter().position(|&b| b == b'\n') {
                let line: Vec<u8> = self.buffer.drain(..=end).collect();
                let line = line.trim_ascii();
                // A blank line is the feed's keep-alive.
                if line.is_empty() {
                    continue;
                }
                return serde_json::from_slice(line)
                    .map_err(|e| self.broken(format!("sent a line it cannot be read as ({e})")));
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
                Ok(Ok(None)) => return Err(self.broken(self.ends.closed)),
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

/// What a client of the engine's extension writes once for NCP and OpenWhisk alike: its
/// constructors (`new`, `with_live_extension`) and its [`LiveClient`] impl, from its `live`
/// flag, `transport`, `config`, `request` and `action_path`. Used where `LiveClient`,
/// `Transport`, `Request`, `Method` and `ActionRef` are in scope.
macro_rules! live_client {
    ($client:ident, $api:ty, $provider:literal) => {
        impl $client {
            /// A client over a shared transport.
            pub fn new(transport: Transport, config: $api) -> Self {
                Self {
                    transport,
                    config,
                    live: false,
                }
            }

            /// The same client for an endpoint that is an fnconsole engine: it also streams
            /// runs live ([`Capability::StreamingInvoke`], the engine's `live` extension).
            pub fn with_live_extension(self) -> Self {
                Self { live: true, ..self }
            }
        }

        impl LiveClient for $client {
            type Api = $api;
            const PROVIDER: &'static str = $provider;

            fn is_live(&self) -> bool {
                self.live
            }

            fn transport(&self) -> &Transport {
                &self.transport
            }

            fn api(&self) -> &$api {
                &self.config
            }

            fn live_request(&self, operation: &'static str, method: Method, path: &str) -> Request {
                self.request(operation, method, path)
            }

            fn live_action_path(action: &ActionRef) -> String {
                Self::action_path(action)
            }
        }
    };
}

/// Inside a [`LiveClient`]'s `impl Operations`: its capabilities (with `StreamingInvoke`
/// when live) and the four live operations, each handed to this module.
macro_rules! live_operations {
    () => {
        fn capabilities(&self) -> Capabilities {
            follow::with_live(capabilities_of(self.kind()), self.live)
        }

        /// The engine's `live` extension ([`follow`]): runs at once, streams the run.
        async fn invoke_streaming(
            &self,
            request: &InvocationRequest,
        ) -> Result<RunStream, ProviderError> {
            follow::invoke_streaming(self, request).await
        }

        async fn follow_activation(
            &self,
            activation: &ActivationRef,
        ) -> Result<RunStream, ProviderError> {
            follow::follow_activation(self, activation).await
        }

        async fn watch_activations(&self) -> Result<ActivationStream, ProviderError> {
            follow::watch_activations(self).await
        }

        async fn cancel_activation(&self, activation: &ActivationRef) -> Result<(), ProviderError> {
            follow::cancel_activation(self, activation).await
        }
    };
}

pub(crate) use {live_client, live_operations};
