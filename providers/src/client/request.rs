//! The one request path every client takes: a [`Request`] in the terms all four providers
//! share, signed by the provider's [`Api`] before each attempt, sent by the [`Transport`] and
//! read back through the same [`Api`]'s idea of an error. A client says only what differs:
//! which path and parameters, how its API signs, how it writes its errors.

use reqwest::Method;
use serde::Serialize;
use serde::de::DeserializeOwned;
use tracing::Instrument;

use super::transport::{PreparedRequest, RawResponse, Transport, now_ms};
use crate::model::{ErrorKind, ProviderError, ProviderKind};
use crate::sign::encoding::{encode_form, quote};

/// How an API writes its query string.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum QueryEncoding {
    /// `application/x-www-form-urlencoded`: a space is `+` (NCP, OpenWhisk, SCF's legacy API).
    Form,
    /// RFC 3986: a space is `%20` (FunctionGraph, whose signature encodes the query so).
    Percent,
}

impl QueryEncoding {
    fn encode(self, pairs: &[(String, String)]) -> String {
        match self {
            Self::Form => encode_form(pairs.iter().map(|(k, v)| (k.as_str(), v.as_str()))),
            Self::Percent => pairs
                .iter()
                .map(|(k, v)| format!("{}={}", quote(k), quote(v)))
                .collect::<Vec<_>>()
                .join("&"),
        }
    }
}

/// A request before it is signed: what the client asks, not yet how the provider wants it
/// authenticated.
#[derive(Debug, Clone)]
pub(crate) struct Request {
    /// What the console is doing (`list_actions`), for traces.
    pub(crate) operation: &'static str,
    /// Method.
    pub(crate) method: Method,
    /// The path after the endpoint, percent-encoded as sent.
    pub(crate) path: String,
    /// Query parameters, decoded, in the order sent.
    pub(crate) query: Vec<(String, String)>,
    /// Headers, as sent and signed.
    pub(crate) headers: Vec<(String, String)>,
    /// Body bytes.
    pub(crate) body: Vec<u8>,
    idempotent: bool,
    also_accepted: Option<u16>,
}

impl Request {
    /// A request with no query, headers or body; reads (`GET`) count as idempotent.
    pub(crate) fn new(operation: &'static str, method: Method, path: impl Into<String>) -> Self {
        Self {
            operation,
            idempotent: method == Method::GET,
            method,
            path: path.into(),
            query: Vec::new(),
            headers: Vec::new(),
            body: Vec::new(),
            also_accepted: None,
        }
    }

    /// Adds a query parameter.
    pub(crate) fn query(mut self, key: &str, value: impl ToString) -> Self {
        self.query.push((key.to_string(), value.to_string()));
        self
    }

    /// Adds a query parameter when there is a value.
    pub(crate) fn query_opt(self, key: &str, value: Option<impl ToString>) -> Self {
        match value {
            Some(value) => self.query(key, value),
            None => self,
        }
    }

    /// Sets the body to `body` as JSON. A body that does not serialise is an error: an empty
    /// body is never sent in its place.
    pub(crate) fn json(mut self, body: &impl Serialize) -> Result<Self, ProviderError> {
        self.body = serde_json::to_vec(body).map_err(|e| {
            ProviderError::new(
                ErrorKind::Request,
                format!("the request body could not be written as JSON: {e}; nothing was sent"),
            )
        })?;
        Ok(self)
    }

    /// Says whether a retry can do no harm (SCF reads by `POST`).
    pub(crate) fn idempotent(mut self, idempotent: bool) -> Self {
        self.idempotent = idempotent;
        self
    }

    /// A status outside 2xx whose body is an answer, not an error (OpenWhisk's 502 carries a
    /// failed activation).
    pub(crate) fn accepting(mut self, status: u16) -> Self {
        self.also_accepted = Some(status);
        self
    }

    /// Adds a header.
    /// `If-Match: revision` when there is one: the write happens only over that revision.
    pub(crate) fn if_match(mut self, revision: Option<&str>) -> Self {
        if let Some(revision) = revision {
            self.header("If-Match", revision);
        }
        self
    }

    pub(crate) fn header(&mut self, name: &str, value: impl Into<String>) {
        self.headers.push((name.to_string(), value.into()));
    }

    /// Path and query as they go on the wire.
    pub(crate) fn target(&self, encoding: QueryEncoding) -> String {
        let query = encoding.encode(&self.query);
        if query.is_empty() {
            self.path.clone()
        } else {
            format!("{}?{query}", self.path)
        }
    }
}

/// What one provider API adds to the common path: where it is, how it signs, how it writes
/// its errors.
pub(crate) trait Api {
    /// The provider, for traces.
    const KIND: ProviderKind;
    /// How its query strings are written.
    const QUERY: QueryEncoding = QueryEncoding::Form;

    /// Scheme and host (and port): it names the target in errors, where a full URL, which may
    /// carry a signature, never goes.
    fn endpoint(&self) -> &str;

    /// Authenticates `request` as of `now_ms` (Unix milliseconds), adding the headers or
    /// parameters the API wants on every request. Called before each attempt; when it fails,
    /// nothing is sent.
    fn sign(&self, request: &mut Request, now_ms: u64) -> Result<(), ProviderError>;

    /// The provider's error in `response`, or `None` when it answered.
    fn error_from(&self, response: &RawResponse) -> Option<ProviderError>;
}

/// A failure to sign, named as such: the request is never sent unsigned.
pub(crate) fn signing_error(error: impl std::fmt::Display) -> ProviderError {
    ProviderError::new(
        ErrorKind::Request,
        format!("the request could not be signed: {error}; nothing was sent"),
    )
}

impl Transport {
    /// Signs `request` for `api`, sends it (retrying idempotent reads), and answers the
    /// response, or the provider's error in it.
    pub(crate) async fn call<A: Api>(
        &self,
        api: &A,
        request: Request,
    ) -> Result<RawResponse, ProviderError> {
        let endpoint = api.endpoint();
        let span = tracing::info_span!(
            "provider_call",
            connection = self.connection(),
            provider = A::KIND.config_name(),
            operation = request.operation,
            status = tracing::field::Empty,
        );
        let also_accepted = request.also_accepted;
        let response = self
            .send(endpoint, || {
                let mut signed = request.clone();
                api.sign(&mut signed, now_ms())?;
                Ok(PreparedRequest {
                    url: format!(
                        "{}{}",
                        endpoint.trim_end_matches('/'),
                        signed.target(A::QUERY)
                    ),
                    method: signed.method,
                    headers: signed.headers,
                    body: signed.body,
                    idempotent: signed.idempotent,
                })
            })
            .instrument(span.clone())
            .await
            .inspect_err(|error| {
                span.in_scope(|| tracing::debug!(kind = ?error.kind, "provider call failed"))
            })?;
        span.record("status", response.status);
        if also_accepted == Some(response.status) {
            return Ok(response);
        }
        match api.error_from(&response) {
            Some(mut error) => {
                // A pause the provider asked for (and was not waited out): say when to retry.
                if let Some(after) = response.retry_after {
                    error.explanation.push_str(&format!(
                        "; the provider asks to retry after {} s",
                        after.as_secs()
                    ));
                }
                Err(error)
            }
            None => Ok(response),
        }
    }

    /// As [`call_json`](Self::call_json), with the response's `ETag`.
    pub(crate) async fn call_tagged<A: Api, T: DeserializeOwned>(
        &self,
        api: &A,
        request: Request,
    ) -> Result<(T, Option<String>), ProviderError> {
        let response = self.call(api, request).await?;
        Ok((response.json(api.endpoint())?, response.etag))
    }

    /// As [`call`](Self::call), then reads the body as JSON of type `T`.
    pub(crate) async fn call_json<A: Api, T: DeserializeOwned>(
        &self,
        api: &A,
        request: Request,
    ) -> Result<T, ProviderError> {
        self.call(api, request).await?.json(api.endpoint())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A value whose serialisation fails, as a map with a non-string key does in JSON.
    struct Unwritable;

    impl Serialize for Unwritable {
        fn serialize<S: serde::Serializer>(&self, _: S) -> Result<S::Ok, S::Error> {
            Err(serde::ser::Error::custom("this value cannot be written"))
        }
    }

    #[test]
    fn a_body_that_does_not_serialise_is_a_named_error_not_an_empty_body() {
        let error = Request::new("put_action", Method::PUT, "/x")
            .json(&Unwritable)
            .unwrap_err();
        assert_eq!(error.kind, ErrorKind::Request);
        assert_eq!(
            error.explanation,
            "the request body could not be written as JSON: this value cannot be written; \
             nothing was sent"
        );
    }

    #[test]
    fn queries_are_written_as_each_api_signs_them() {
        let request = Request::new("list", Method::GET, "/p")
            .query("startTime", "2024-01-01 00:00:00")
            .query("id", "a+b");
        assert_eq!(
            request.target(QueryEncoding::Form),
            "/p?startTime=2024-01-01+00%3A00%3A00&id=a%2Bb"
        );
        assert_eq!(
            request.target(QueryEncoding::Percent),
            "/p?startTime=2024-01-01%2000%3A00%3A00&id=a%2Bb"
        );
        assert_eq!(
            Request::new("list", Method::GET, "/p").target(QueryEncoding::Form),
            "/p"
        );
    }
}
