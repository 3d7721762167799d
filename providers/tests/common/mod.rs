//! Fake provider servers for the client tests: axum on a loopback port, verifying each
//! request's signature with the same halves the engine uses, answering as the docs say.
#![allow(dead_code)]

use axum::Router;
use axum::http::{HeaderMap, Uri};
use providers::client::{Transport, TransportOptions};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

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
    Transport::new(TransportOptions {
        timeout: Duration::from_secs(5),
        max_body_bytes: 8 * 1024 * 1024,
        read_retries: 2,
        backoff: Duration::from_millis(10),
    })
    .unwrap()
}

/// A header by name, as text.
pub fn header<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers.get(name).and_then(|v| v.to_str().ok())
}

/// Path and query exactly as received.
pub fn target(uri: &Uri) -> String {
    uri.path_and_query()
        .map(|pq| pq.as_str().to_string())
        .unwrap_or_default()
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
