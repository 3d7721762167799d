//! The HTTP plumbing every client shares: one pooled `reqwest` client, a per-request timeout,
//! a cap on response bodies, retries with backoff for idempotent reads only, and errors that
//! say which endpoint failed and never carry a URL (Tencent's legacy URLs hold the secret id
//! and signature).

use reqwest::Method;
use serde::de::DeserializeOwned;
use std::sync::Arc;
use std::time::Duration;

use crate::model::{ErrorKind, ProviderError};

/// Transport settings, the same for every connection.
#[derive(Debug, Clone, Copy)]
pub struct TransportOptions {
    /// How long one request may take, connect to last body byte.
    pub timeout: Duration,
    /// The largest response body accepted.
    pub max_body_bytes: usize,
    /// Extra attempts for idempotent reads (never for invokes or writes).
    pub read_retries: u32,
    /// First backoff; doubled each retry.
    pub backoff: Duration,
}

impl Default for TransportOptions {
    fn default() -> Self {
        Self {
            timeout: Duration::from_secs(70),
            max_body_bytes: 8 * 1024 * 1024,
            read_retries: 2,
            backoff: Duration::from_millis(200),
        }
    }
}

/// The longest `Retry-After` an idempotent read waits for before its retry; a provider that
/// asks for a longer pause gets its answer passed on (with when to try again), so a page does
/// not hang on it.
pub const MAX_RETRY_AFTER: Duration = Duration::from_secs(5);

/// A request ready to send: signed, with exactly the bytes that were signed.
#[derive(Debug, Clone)]
pub struct PreparedRequest {
    /// Method.
    pub method: Method,
    /// Full URL.
    pub url: String,
    /// Headers (values as signed).
    pub headers: Vec<(String, String)>,
    /// Body bytes.
    pub body: Vec<u8>,
    /// Whether a retry can do no harm (reads).
    pub idempotent: bool,
}

/// A response with its body read in full (within the cap).
#[derive(Debug, Clone)]
pub struct RawResponse {
    /// HTTP status.
    pub status: u16,
    /// `Content-Type`, when sent.
    pub content_type: Option<String>,
    /// The body.
    pub body: Vec<u8>,
    /// `ETag`, when sent.
    pub etag: Option<String>,
    /// FunctionGraph's `X-Cff-Invoke-Summary` (a run's duration, billing and memory), when sent.
    pub invoke_summary: Option<String>,
    /// `Retry-After` in seconds (a 429 or 503 asking for a pause), when sent as a number.
    pub retry_after: Option<Duration>,
}

/// The shared HTTP client. Cheap to clone: the connection pool is shared.
#[derive(Debug, Clone)]
pub struct Transport {
    http: reqwest::Client,
    options: TransportOptions,
    connection: Option<Arc<str>>,
}

impl Transport {
    /// A transport with its own pool.
    pub fn new(options: TransportOptions) -> Result<Self, ProviderError> {
        let http = reqwest::Client::builder()
            .user_agent(concat!("fnconsole/", env!("CARGO_PKG_VERSION")))
            .connect_timeout(options.timeout.min(Duration::from_secs(10)))
            .build()
            .map_err(|e| {
                ProviderError::new(
                    ErrorKind::Config,
                    format!("cannot set up the HTTP client: {e}"),
                )
            })?;
        Ok(Self {
            http,
            options,
            connection: None,
        })
    }

    /// The same pool, naming `connection` in the traces of every call made through it.
    pub fn for_connection(&self, connection: &str) -> Self {
        Self {
            connection: Some(connection.into()),
            ..self.clone()
        }
    }

    /// The options in force.
    pub fn options(&self) -> TransportOptions {
        self.options
    }

    /// The pooled HTTP client, for a response read as it arrives (`follow`).
    pub(crate) fn http(&self) -> &reqwest::Client {
        &self.http
    }

    /// The connection named in traces, if any.
    pub(crate) fn connection(&self) -> Option<&str> {
        self.connection.as_deref()
    }

    /// Sends the request `build` makes; `endpoint` names the target in errors. `build` is
    /// called before each attempt so a retry carries a fresh signature; when it fails, nothing
    /// is sent and its error is the answer.
    pub async fn send(
        &self,
        endpoint: &str,
        mut build: impl FnMut() -> Result<PreparedRequest, ProviderError>,
    ) -> Result<RawResponse, ProviderError> {
        let mut attempt = 0;
        loop {
            let request = build()?;
            let idempotent = request.idempotent;
            let result = self.send_once(endpoint, request).await;
            let (retryable, asked) = match &result {
                Ok(response) => (
                    matches!(response.status, 429 | 502 | 503 | 504),
                    response.retry_after,
                ),
                Err(error) => (
                    matches!(error.kind, ErrorKind::Network | ErrorKind::Timeout),
                    None,
                ),
            };
            if !(idempotent && retryable && attempt < self.options.read_retries) {
                return result;
            }
            // The provider's own pause when it names one (within reason), else backoff;
            // saturating, so no retry count can overflow it.
            let backoff = self
                .options
                .backoff
                .saturating_mul(2u32.saturating_pow(attempt));
            let delay = match asked {
                Some(asked) if asked > MAX_RETRY_AFTER => return result,
                Some(asked) => asked.max(backoff),
                None => backoff,
            };
            tracing::debug!(endpoint, attempt, ?delay, "retrying an idempotent read");
            tokio::time::sleep(delay).await;
            attempt += 1;
        }
    }

    async fn send_once(
        &self,
        endpoint: &str,
        request: PreparedRequest,
    ) -> Result<RawResponse, ProviderError> {
        let mut builder = self
            .http
            .request(request.method, &request.url)
            .timeout(self.options.timeout);
        for (name, value) in &request.headers {
            builder = builder.header(name, value);
        }
        if !request.body.is_empty() {
            builder = builder.body(request.body);
        }
        let mut response = builder
            .send()
            .await
            .map_err(|e| self.transport_error(endpoint, e))?;
        let status = response.status().as_u16();
        let header = |name| {
            let value = response.headers().get(name)?.to_str().ok();
            value.map(str::to_string)
        };
        let content_type = header(reqwest::header::CONTENT_TYPE);
        let etag = header(reqwest::header::ETAG);
        let invoke_summary = header(reqwest::header::HeaderName::from_static(
            crate::wire::huawei::INVOKE_SUMMARY,
        ));
        // Only the delta-seconds form; an HTTP date is rare from APIs and read as "not said".
        let retry_after = header(reqwest::header::RETRY_AFTER)
            .and_then(|v| v.trim().parse::<u64>().ok())
            .map(Duration::from_secs);
        if let Some(length) = response.content_length()
            && length > self.options.max_body_bytes as u64
        {
            return Err(self.too_large(endpoint));
        }
        let mut body = Vec::new();
        while let Some(chunk) = response
            .chunk()
            .await
            .map_err(|e| self.transport_error(endpoint, e))?
        {
            if body.len() + chunk.len() > self.options.max_body_bytes {
                return Err(self.too_large(endpoint));
            }
            body.extend_from_slice(&chunk);
        }
        Ok(RawResponse {
            status,
            content_type,
            body,
            etag,
            invoke_summary,
            retry_after,
        })
    }

    fn too_large(&self, endpoint: &str) -> ProviderError {
        ProviderError::new(
            ErrorKind::BadResponse,
            format!(
                "{endpoint} sent a response larger than {} MB; it was not read",
                self.options.max_body_bytes / (1024 * 1024)
            ),
        )
    }

    pub(crate) fn transport_error(&self, endpoint: &str, error: reqwest::Error) -> ProviderError {
        if error.is_timeout() {
            return ProviderError::new(
                ErrorKind::Timeout,
                format!(
                    "the provider did not answer within {} s ({endpoint})",
                    self.options.timeout.as_secs_f64()
                ),
            );
        }
        // The URL is dropped: a signed query string must not reach a log or the browser.
        let error = error.without_url();
        let mut detail = error.to_string();
        let mut source = std::error::Error::source(&error);
        while let Some(cause) = source {
            detail.push_str(": ");
            detail.push_str(&cause.to_string());
            source = cause.source();
        }
        if error.is_connect() {
            ProviderError::new(
                ErrorKind::Network,
                format!("cannot connect to {endpoint}: {detail}"),
            )
        } else if error.is_body() || error.is_decode() {
            ProviderError::new(
                ErrorKind::BadResponse,
                format!("{endpoint} broke off its response: {detail}"),
            )
        } else {
            ProviderError::new(
                ErrorKind::Network,
                format!("request to {endpoint} failed: {detail}"),
            )
        }
    }
}

impl RawResponse {
    /// Whether the status is 2xx.
    pub fn is_success(&self) -> bool {
        (200..300).contains(&self.status)
    }

    /// Parses the body as JSON of type `T`, refusing a non-JSON content type.
    pub fn json<T: DeserializeOwned>(&self, endpoint: &str) -> Result<T, ProviderError> {
        if let Some(content_type) = &self.content_type
            && !content_type.to_ascii_lowercase().contains("json")
        {
            return Err(ProviderError::new(
                ErrorKind::BadResponse,
                format!(
                    "{endpoint} answered {content_type} where JSON was expected (HTTP {})",
                    self.status
                ),
            ));
        }
        serde_json::from_slice(&self.body).map_err(|e| {
            ProviderError::new(
                ErrorKind::BadResponse,
                format!(
                    "{endpoint} sent a malformed response (HTTP {}): {e}",
                    self.status
                ),
            )
        })
    }

    /// For an API whose errors come with a non-2xx status: `None` on success, else what
    /// `read` makes of the body as the API's error body `B` (`None` when it is not one).
    pub(crate) fn error_body<B: DeserializeOwned>(
        &self,
        read: impl FnOnce(Option<B>) -> ProviderError,
    ) -> Option<ProviderError> {
        if self.is_success() {
            return None;
        }
        Some(read(serde_json::from_slice(&self.body).ok()))
    }

    /// An error status without the error body `provider` writes: the status and a snippet.
    pub(crate) fn unexplained(&self, provider: &str) -> ProviderError {
        ProviderError::from_provider(
            self.status,
            None,
            Some(self.snippet()),
            format!(
                "{provider} answered HTTP {} without an error body",
                self.status
            ),
        )
    }

    /// The body as text for an error message, shortened.
    pub fn snippet(&self) -> String {
        let text = String::from_utf8_lossy(&self.body);
        let mut s: String = text.chars().take(200).collect();
        if text.chars().count() > 200 {
            s.push('…');
        }
        s
    }
}

/// Current time, Unix milliseconds.
pub(crate) fn now_ms() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis() as u64)
        .unwrap_or(0)
}
