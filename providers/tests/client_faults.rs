//! What a user sees when a provider misbehaves: slow, failing, malformed, truncated, huge,
//! the wrong content type, unreachable. Never a panic, always an error that says what.

mod common;

use common::*;
use providers::client::{NcpClient, NcpConfig, Operations, Transport, TransportOptions};
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
    let transport = Transport::new(TransportOptions {
        timeout,
        max_body_bytes: 8 * 1024 * 1024,
        read_retries: 2,
        backoff: Duration::from_millis(10),
    })
    .unwrap();
    NcpClient::new(
        transport,
        NcpConfig {
            endpoint: endpoint.into(),
            base_path: "/api/v2".into(),
            platform: None,
            access_key: "ak".into(),
            secret_key: Secret::new("sk"),
        },
    )
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
async fn a_slow_provider_ends_at_the_timeout_with_a_clear_message() {
    let (url, _) = raw_server(
        http("200 OK", "application/json", r#"{"content":[]}"#),
        Duration::from_secs(5),
    )
    .await;
    let error = client(&url, Duration::from_millis(500))
        .invoke(&invoke_request())
        .await
        .unwrap_err();
    assert_eq!(error.kind, ErrorKind::Timeout);
    assert_eq!(
        error.explanation,
        format!("the provider did not answer within 0.5 s ({url})")
    );
}

#[tokio::test]
async fn a_500_without_an_error_body_keeps_the_status_and_a_snippet() {
    let (url, count) = raw_server(
        http("500 Internal Server Error", "text/html", "<h1>oops</h1>"),
        Duration::ZERO,
    )
    .await;
    let error = client(&url, Duration::from_secs(5))
        .invoke(&invoke_request())
        .await
        .unwrap_err();
    assert_eq!(error.kind, ErrorKind::Provider);
    assert_eq!(error.status, Some(500));
    assert_eq!(error.provider_message.as_deref(), Some("<h1>oops</h1>"));
    // An invoke is never retried: it could run twice.
    assert_eq!(count.get(), 1);
}

#[tokio::test]
async fn reads_are_retried_on_503_but_invokes_are_not() {
    let (url, count) = raw_server(
        http("503 Service Unavailable", "application/json", "{}"),
        Duration::ZERO,
    )
    .await;
    let c = client(&url, Duration::from_secs(5));
    let error = c.list_packages().await.unwrap_err();
    assert_eq!(error.status, Some(503));
    assert_eq!(count.get(), 3, "one attempt and two retries");
    let _ = c.invoke(&invoke_request()).await.unwrap_err();
    assert_eq!(count.get(), 4, "the invoke went once");
}

#[tokio::test]
async fn malformed_json_is_an_error_not_a_panic() {
    let (url, _) = raw_server(
        http("200 OK", "application/json", r#"{"content": [ {"name": "#),
        Duration::ZERO,
    )
    .await;
    let error = client(&url, Duration::from_secs(5))
        .list_packages()
        .await
        .unwrap_err();
    assert_eq!(error.kind, ErrorKind::BadResponse);
    assert!(
        error
            .explanation
            .starts_with(&format!("{url} sent a malformed response (HTTP 200): ")),
        "{}",
        error.explanation
    );
}

#[tokio::test]
async fn a_truncated_body_is_reported() {
    let head = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 1000\r\nConnection: close\r\n\r\n{\"content\": [";
    let (url, _) = raw_server(head.as_bytes().to_vec(), Duration::ZERO).await;
    let error = client(&url, Duration::from_secs(5))
        .invoke(&invoke_request())
        .await
        .unwrap_err();
    assert_eq!(error.kind, ErrorKind::BadResponse, "{error}");
    assert!(
        error
            .explanation
            .starts_with(&format!("{url} broke off its response")),
        "{}",
        error.explanation
    );
}

#[tokio::test]
async fn a_huge_body_is_refused_by_its_length_or_while_reading() {
    let declared = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 9000000\r\nConnection: close\r\n\r\n{";
    let (url, _) = raw_server(declared.as_bytes().to_vec(), Duration::ZERO).await;
    let error = client(&url, Duration::from_secs(5))
        .invoke(&invoke_request())
        .await
        .unwrap_err();
    assert_eq!(
        error.explanation,
        format!("{url} sent a response larger than 8 MB; it was not read")
    );

    // Chunked, with no length announced: the cap applies while reading.
    let mut body = b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n".to_vec();
    let chunk = vec![b' '; 1024 * 1024];
    for _ in 0..9 {
        body.extend_from_slice(format!("{:x}\r\n", chunk.len()).as_bytes());
        body.extend_from_slice(&chunk);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(b"0\r\n\r\n");
    let (url, _) = raw_server(body, Duration::ZERO).await;
    let error = client(&url, Duration::from_secs(5))
        .invoke(&invoke_request())
        .await
        .unwrap_err();
    assert_eq!(
        error.explanation,
        format!("{url} sent a response larger than 8 MB; it was not read")
    );
}

#[tokio::test]
async fn the_wrong_content_type_is_named() {
    let (url, _) = raw_server(
        http("200 OK", "text/html; charset=utf-8", "<html></html>"),
        Duration::ZERO,
    )
    .await;
    let error = client(&url, Duration::from_secs(5))
        .list_packages()
        .await
        .unwrap_err();
    assert_eq!(error.kind, ErrorKind::BadResponse);
    assert_eq!(
        error.explanation,
        format!("{url} answered text/html; charset=utf-8 where JSON was expected (HTTP 200)")
    );
}

#[tokio::test]
async fn an_unreachable_endpoint_is_named_and_no_url_with_a_signature_leaks() {
    // A port nothing listens on.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    drop(listener);
    let error = client(&url, Duration::from_secs(5))
        .list_packages()
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
        .list_packages()
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
