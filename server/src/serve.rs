//! Serving a router on a listener with the limits a public address needs: a deadline for a
//! request's head, a bound on open connections, and a graceful stop.
//!
//! `axum::serve` has neither limit: a caller who opens connections and never finishes their
//! headers (slowloris) would hold file descriptors until the process runs out, and then the
//! engine could not even open the pipes of a new worker. This is the same loop with hyper's
//! header-read timeout and a connection semaphore.

use axum::Router;
use axum::extract::ConnectInfo;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::server::graceful::GracefulShutdown;
use hyper_util::service::TowerToHyperService;
use std::future::Future;
use std::sync::Arc;
use std::time::Duration;
use tokio::net::TcpListener;
use tokio::sync::Semaphore;

/// The limits of one listener.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// A connection whose request head has not arrived by then is closed.
    pub header_read: Duration,
    /// Connections open at once; past it, new ones are closed at once.
    pub max_connections: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            header_read: Duration::from_secs(10),
            max_connections: 1024,
        }
    }
}

/// Serves `app` on `listener` until `shutdown` resolves, then lets the requests in flight
/// finish.
pub async fn serve(
    listener: TcpListener,
    app: Router,
    shutdown: impl Future<Output = ()>,
    limits: Limits,
) {
    let open = Arc::new(Semaphore::new(limits.max_connections));
    let graceful = GracefulShutdown::new();
    let mut http = hyper::server::conn::http1::Builder::new();
    http.timer(TokioTimer::new())
        .header_read_timeout(limits.header_read);
    tokio::pin!(shutdown);
    loop {
        let (stream, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                Err(error) => {
                    // Out of file descriptors, most often: wait a moment instead of spinning.
                    tracing::warn!(%error, "a connection could not be accepted");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        let Ok(permit) = open.clone().try_acquire_owned() else {
            tracing::warn!(%peer, limit = limits.max_connections, "too many open connections; one was closed");
            drop(stream);
            continue;
        };
        // Streamed runs write one small line at a time; Nagle's algorithm would hold each
        // back ~40 ms waiting for the previous one's ACK (measured in docs/BENCHMARKS.md).
        if let Err(error) = stream.set_nodelay(true) {
            tracing::debug!(%error, %peer, "TCP_NODELAY could not be set");
        }
        // The peer's address, for the audit log and the sign-in limit per address
        // (`axum::extract::ConnectInfo`).
        let app = tower::Layer::layer(&axum::Extension(ConnectInfo(peer)), app.clone());
        let service = TowerToHyperService::new(app);
        let connection = http.serve_connection(TokioIo::new(stream), service);
        let connection = graceful.watch(connection);
        tokio::spawn(async move {
            let _ = connection.await;
            drop(permit);
        });
    }
    drop(listener);
    graceful.shutdown().await;
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::routing::get;
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    use tokio::net::TcpStream;

    async fn start(limits: Limits) -> (std::net::SocketAddr, tokio::sync::oneshot::Sender<()>) {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let app = Router::new().route("/", get(|| async { "ok" }));
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        tokio::spawn(serve(
            listener,
            app,
            async move {
                let _ = stopped.await;
            },
            limits,
        ));
        (addr, stop)
    }

    /// Reads until the server closes the connection; what it sent.
    async fn until_closed(stream: &mut TcpStream, within: Duration) -> Option<String> {
        let mut seen = Vec::new();
        let read = tokio::time::timeout(within, stream.read_to_end(&mut seen)).await;
        read.ok()
            .map(|_| String::from_utf8_lossy(&seen).into_owned())
    }

    #[tokio::test]
    async fn a_connection_that_never_finishes_its_head_is_closed() {
        let (addr, _stop) = start(Limits {
            header_read: Duration::from_millis(300),
            max_connections: 8,
        })
        .await;
        let mut slow = TcpStream::connect(addr).await.unwrap();
        slow.write_all(b"GET / HTTP/1.1\r\nHost: x\r\n")
            .await
            .unwrap();
        // Closed by the server (with a 408 or nothing), well before the test gives up.
        assert!(
            until_closed(&mut slow, Duration::from_secs(5))
                .await
                .is_some()
        );
        // A whole request is served as usual.
        let mut fine = TcpStream::connect(addr).await.unwrap();
        fine.write_all(b"GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
            .await
            .unwrap();
        let said = until_closed(&mut fine, Duration::from_secs(5))
            .await
            .unwrap();
        assert!(
            said.starts_with("HTTP/1.1 200") && said.ends_with("ok"),
            "{said}"
        );
    }

    #[tokio::test]
    async fn connections_past_the_bound_are_closed_and_the_rest_still_served() {
        let (addr, _stop) = start(Limits {
            header_read: Duration::from_secs(30),
            max_connections: 2,
        })
        .await;
        let mut held = Vec::new();
        for _ in 0..2 {
            let mut s = TcpStream::connect(addr).await.unwrap();
            s.write_all(b"GET / HTTP/1.1\r\nHost: x\r\n").await.unwrap();
            held.push(s);
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
        let mut third = TcpStream::connect(addr).await.unwrap();
        let _ = third
            .write_all(b"GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
            .await;
        let said = until_closed(&mut third, Duration::from_secs(5)).await;
        assert_eq!(said.as_deref(), Some(""), "closed without an answer");
        drop(held);
        tokio::time::sleep(Duration::from_millis(100)).await;
        let mut later = TcpStream::connect(addr).await.unwrap();
        later
            .write_all(b"GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
            .await
            .unwrap();
        let said = until_closed(&mut later, Duration::from_secs(5))
            .await
            .unwrap();
        assert!(said.starts_with("HTTP/1.1 200"), "{said}");
    }
}
