//! The fake providers the client tests talk to: one loopback server that records every request
//! it receives and answers with the test's function, which verifies each signature with the
//! same halves the engine uses and answers as the provider's docs say.
#![allow(dead_code)]

use axum::Router;
use axum::body::Bytes;
use axum::http::{HeaderMap, Method, Uri};
use axum::response::Response;
use providers::client::{Transport, TransportOptions};
use providers::sign::encoding::{parse_form, unquote};
use serde_json::{Value, json};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// One request as the fake received it.
#[derive(Debug, Clone)]
pub struct Received {
    /// Method.
    pub method: Method,
    /// Path and query as received.
    pub uri: Uri,
    /// Headers.
    pub headers: HeaderMap,
    /// Body bytes.
    pub body: Bytes,
}

impl Received {
    /// Path and query exactly as received.
    pub fn target(&self) -> String {
        self.uri
            .path_and_query()
            .map(|pq| pq.as_str().to_string())
            .unwrap_or_default()
    }

    /// `METHOD target`, for assertions on what was sent.
    pub fn line(&self) -> String {
        format!("{} {}", self.method, self.target())
    }

    /// The query, decoded, in order.
    pub fn query(&self) -> Vec<(String, String)> {
        parse_form(self.uri.query().unwrap_or(""))
    }

    /// Every value of query parameter `key`, in order.
    pub fn query_values(&self, key: &str) -> Vec<String> {
        self.query()
            .into_iter()
            .filter(|(k, _)| k == key)
            .map(|(_, v)| v)
            .collect()
    }

    /// A header by name, as text.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    /// Every header as `(name, value)`.
    pub fn header_list(&self) -> Vec<(String, String)> {
        self.headers
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_str().unwrap_or("").to_string()))
            .collect()
    }

    /// The decoded path after `prefix`, split at `/` (`["packages", "p", "actions"]`).
    pub fn segments(&self, prefix: &str) -> Vec<String> {
        let path = unquote(self.uri.path());
        path.strip_prefix(prefix)
            .unwrap_or(&path)
            .trim_matches('/')
            .split('/')
            .map(str::to_string)
            .collect()
    }

    /// The body as JSON (`{}` when it is empty or not JSON).
    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap_or(json!({}))
    }
}

/// What a fake received, in order.
#[derive(Clone, Default)]
pub struct Fake {
    received: Arc<Mutex<Vec<Received>>>,
}

impl Fake {
    /// Every request so far.
    pub fn received(&self) -> Vec<Received> {
        self.received.lock().unwrap().clone()
    }

    /// `METHOD target` of every request so far.
    pub fn lines(&self) -> Vec<String> {
        self.received().iter().map(Received::line).collect()
    }

    /// The last request.
    pub fn last(&self) -> Received {
        self.received().pop().expect("the fake received a request")
    }
}

/// Serves a fake provider that answers each request with `answer`; returns its
/// `http://127.0.0.1:PORT` and what it receives.
pub async fn fake_provider(
    answer: impl Fn(&Received) -> Response + Send + Sync + 'static,
) -> (String, Fake) {
    let fake = Fake::default();
    let recorder = fake.clone();
    let answer = Arc::new(answer);
    let handler = move |method: Method, uri: Uri, headers: HeaderMap, body: Bytes| {
        let (recorder, answer) = (recorder.clone(), answer.clone());
        async move {
            let request = Received {
                method,
                uri,
                headers,
                body,
            };
            recorder.received.lock().unwrap().push(request.clone());
            answer(&request)
        }
    };
    (serve(Router::new().fallback(handler)).await, fake)
}

/// Serves `router` on a free loopback port; returns `http://127.0.0.1:PORT`.
pub async fn serve(router: Router) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        axum::serve(listener, router).await.unwrap();
    });
    format!("http://{addr}")
}

/// A transport with short timeouts and fast retries for tests.
pub fn transport() -> Transport {
    transport_with(Duration::from_secs(5))
}

/// As [`transport`], with its own timeout.
pub fn transport_with(timeout: Duration) -> Transport {
    Transport::new(TransportOptions {
        timeout,
        max_body_bytes: 8 * 1024 * 1024,
        read_retries: 2,
        backoff: Duration::from_millis(10),
    })
    .unwrap()
}

/// Now, Unix milliseconds.
pub fn now_ms() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_millis() as u64
}

/// Counts requests, for retry tests.
#[derive(Clone, Default)]
pub struct Counter(pub Arc<AtomicUsize>);

impl Counter {
    pub fn bump(&self) -> usize {
        self.0.fetch_add(1, Ordering::SeqCst) + 1
    }
    pub fn get(&self) -> usize {
        self.0.load(Ordering::SeqCst)
    }
}
