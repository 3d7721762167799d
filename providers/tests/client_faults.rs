//! What a user sees when a provider misbehaves: slow, failing, malformed, truncated, huge,
//! the wrong content type, unreachable. Never a panic, always an error that says what.

mod common;

use common::*;
use providers::client::{NcpClient, NcpConfig, Operations};
use providers::sign::Secret;
use providers::*;
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

/// A server that answers every connection with `response` (raw bytes), then closes; counts
/// requests.
async fn raw_server(response: Vec<u8>, delay: Duration) -> (String, Counter) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let counter = Counter::default();
    let c = counter.clone();
    tokio::spawn(async move {
        loop {
            let Ok((mut socket, _)) = listener.accept().await else {
                return;
            };
            let response = response.clone();
            let c = c.clone();
            tokio::spawn(async move {
                let mut buf = vec![0u8; 16 * 1024];
                let _ = socket.read(&mut buf).await;
                c.bump();
                tokio::time::sleep(delay).await;
                let _ = socket.write_all(&response).await;
                let _ = socket.shutdown().await;
            });
        }
    });
    (url, counter)
}

fn http(status: &str, content_type: &str, body: &str) -> Vec<u8> {
    format!("HTTP/1.1 {status}\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}", body.len()).into_bytes()
}

fn client(endpoint: &str, timeout: Duration) -> NcpClient {
    NcpClient::new(
        transport_with(timeout),
        NcpConfig {
            endpoint: endpoint.into(),
            base_path: "/api/v2".into(),
            platform: None,
            access_key: "ak".into(),
            secret_key: Secret::new("sk"),
        },
    )
}

/// A client of a server that answers `response` at once, and its request count.
async fn answering(response: Vec<u8>) -> (NcpClient, Counter) {
    let (url, count) = raw_server(response, Duration::ZERO).await;
    (client(&url, Duration::from_secs(5)), count)
}

fn invoke_request() -> InvocationRequest {
    InvocationRequest {
        action: ActionRef::top("a"),
        params: Default::default(),
        blocking: true,
        wait_ms: None,
    }
}

#[tokio::test]
async fn a_500_without_an_error_body_keeps_the_status_and_a_snippet() {
    let (client, count) = answering(http(
        "500 Internal Server Error",
        "text/html",
        "<h1>oops</h1>",
    ))
    .await;
    let error = client.invoke(&invoke_request()).await.unwrap_err();
    assert_eq!(error.kind, ErrorKind::Provider);
    assert_eq!(error.status, Some(500));
    assert_eq!(error.provider_message.as_deref(), Some("<h1>oops</h1>"));
    // An invoke is never retried: it could run twice.
    assert_eq!(count.get(), 1);
}

#[tokio::test]
async fn reads_are_retried_on_503_but_invokes_are_not() {
    let (c, count) = answering(http("503 Service Unavailable", "application/json", "{}")).await;
    let error = c.list_packages(&PageRequest::first(10)).await.unwrap_err();
    assert_eq!(error.status, Some(503));
    assert_eq!(count.get(), 3, "one attempt and two retries");
    let _ = c.invoke(&invoke_request()).await.unwrap_err();
    assert_eq!(count.get(), 4, "the invoke went once");
}

/// Which call meets the fault.
#[derive(Clone, Copy)]
enum Call {
    /// `list_packages`, an idempotent read.
    Read,
    /// `invoke`, never retried.
    Invoke,
}

/// What the explanation must say; `{url}` stands for the fake's address.
enum Says {
    Exactly(&'static str),
    StartsWith(&'static str),
}

/// One way a provider misbehaves, and the error a user must see.
struct Fault {
    what: &'static str,
    answer: Vec<u8>,
    delay: Duration,
    timeout: Duration,
    call: Call,
    kind: ErrorKind,
    says: Says,
}

fn chunked_body_past_the_cap() -> Vec<u8> {
    let mut body = b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n".to_vec();
    let chunk = vec![b' '; 1024 * 1024];
    for _ in 0..9 {
        body.extend_from_slice(format!("{:x}\r\n", chunk.len()).as_bytes());
        body.extend_from_slice(&chunk);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(b"0\r\n\r\n");
    body
}

fn faults() -> Vec<Fault> {
    let quick = Duration::from_secs(5);
    let head = |length: usize| {
        format!(
            "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {length}\r\nConnection: close\r\n\r\n"
        )
    };
    vec![
        Fault {
            what: "a slow provider ends at the timeout",
            answer: http("200 OK", "application/json", r#"{"content":[]}"#),
            delay: Duration::from_secs(5),
            timeout: Duration::from_millis(500),
            call: Call::Invoke,
            kind: ErrorKind::Timeout,
            says: Says::Exactly("the provider did not answer within 0.5 s ({url})"),
        },
        Fault {
            what: "malformed JSON is an error, not a panic",
            answer: http("200 OK", "application/json", r#"{"content": [ {"name": "#),
            delay: Duration::ZERO,
            timeout: quick,
            call: Call::Read,
            kind: ErrorKind::BadResponse,
            says: Says::StartsWith("{url} sent a malformed response (HTTP 200): "),
        },
        Fault {
            what: "a truncated body is reported",
            answer: format!("{}{{\"content\": [", head(1000)).into_bytes(),
            delay: Duration::ZERO,
            timeout: quick,
            call: Call::Invoke,
            kind: ErrorKind::BadResponse,
            says: Says::StartsWith("{url} broke off its response"),
        },
        Fault {
            what: "a huge body is refused by its length",
            answer: format!("{}{{", head(9_000_000)).into_bytes(),
            delay: Duration::ZERO,
            timeout: quick,
            call: Call::Invoke,
            kind: ErrorKind::BadResponse,
            says: Says::Exactly("{url} sent a response larger than 8 MB; it was not read"),
        },
        Fault {
            what: "a huge chunked body, its length not announced, is refused while reading",
            answer: chunked_body_past_the_cap(),
            delay: Duration::ZERO,
            timeout: quick,
            call: Call::Invoke,
            kind: ErrorKind::BadResponse,
            says: Says::Exactly("{url} sent a response larger than 8 MB; it was not read"),
        },
        Fault {
            what: "the wrong content type is named",
            answer: http("200 OK", "text/html; charset=utf-8", "<html></html>"),
            delay: Duration::ZERO,
            timeout: quick,
            call: Call::Read,
            kind: ErrorKind::BadResponse,
            says: Says::Exactly(
                "{url} answered text/html; charset=utf-8 where JSON was expected (HTTP 200)",
            ),
        },
    ]
}

#[tokio::test]
async fn each_misbehaviour_is_an_error_that_says_what() {
    for fault in faults() {
        let (url, _) = raw_server(fault.answer, fault.delay).await;
        let client = client(&url, fault.timeout);
        let error = match fault.call {
            Call::Read => client
                .list_packages(&PageRequest::first(10))
                .await
                .map(drop),
            Call::Invoke => client.invoke(&invoke_request()).await.map(drop),
        }
        .expect_err(fault.what);
        assert_eq!(error.kind, fault.kind, "{}: {error}", fault.what);
        let said = &error.explanation;
        match fault.says {
            Says::Exactly(text) => assert_eq!(said, &text.replace("{url}", &url), "{}", fault.what),
            Says::StartsWith(text) => assert!(
                said.starts_with(&text.replace("{url}", &url)),
                "{}: {said}",
                fault.what
            ),
        }
    }
}

#[tokio::test]
async fn an_unreachable_endpoint_is_named_and_no_url_with_a_signature_leaks() {
    // A port nothing listens on.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    drop(listener);
    let error = client(&url, Duration::from_secs(5))
        .list_packages(&PageRequest::first(10))
        .await
        .unwrap_err();
    assert_eq!(error.kind, ErrorKind::Network);
    assert!(
        error
            .explanation
            .starts_with(&format!("cannot connect to {url}: ")),
        "{}",
        error.explanation
    );
    assert!(
        !error.explanation.contains("/api/v2"),
        "the request URL is not in the message"
    );
}

#[tokio::test]
async fn an_unknown_host_is_named() {
    let url = "http://fnconsole-test.invalid";
    let error = client(url, Duration::from_secs(10))
        .list_packages(&PageRequest::first(10))
        .await
        .unwrap_err();
    assert_eq!(error.kind, ErrorKind::Network, "{error}");
    assert!(
        error
            .explanation
            .starts_with("cannot connect to http://fnconsole-test.invalid: "),
        "{}",
        error.explanation
    );
}
