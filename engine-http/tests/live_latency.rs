//! Measured: from an action's `console.log` in its worker to the event at an HTTP follower on
//! loopback (the `live` extension through the console's own client), median of 50, beside a
//! trivial invocation's own time in the same run. The figures go to `docs/BENCHMARKS.md`;
//! the test holds the issue's budget (≤ 20 ms for a line) for the engine's part of the path.

mod support;

use axum::serve::ListenerExt;
use engine::{Engine, Workers};
use futures_util::StreamExt;
use providers::client::{Client, Operations};
use providers::*;
use std::sync::Arc;
use std::time::{Instant, SystemTime, UNIX_EPOCH};
use support::{OW_AUTH, engine_options, keys};

const RUNS: usize = 50;

fn client(url: &str) -> Client {
    Client::OpenWhisk(support::ow_client_with(url, OW_AUTH)).with_live_extension()
}

/// The engine with demo data behind its dialects on loopback, its sockets with Nagle's
/// algorithm on (the default) or off (`TCP_NODELAY`).
async fn serve(nodelay: bool) -> (String, Arc<Engine>, Workers) {
    let engine = Arc::new(Engine::in_memory(engine_options()).unwrap());
    engine::demo::seed_if_empty(&engine).unwrap();
    let workers = Workers::start(engine.clone(), 1);
    let app = engine_http::router(engine.clone(), Arc::new(keys()));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let listener = listener.tap_io(move |tcp| {
        let _ = tcp.set_nodelay(nodelay);
    });
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    (url, engine, workers)
}

fn now_us() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_micros() as i64)
        .unwrap_or(0)
}

fn median(mut values: Vec<f64>) -> f64 {
    values.sort_by(f64::total_cmp);
    values[values.len() / 2]
}

fn hello(blocking: bool) -> InvocationRequest {
    InvocationRequest {
        action: ActionRef::in_package("demo", "hello"),
        params: serde_json::from_str(r#"{"name": "Kim"}"#).unwrap(),
        blocking,
        wait_ms: Some(10_000),
    }
}

/// Each run's `console.log` → `log` event at this client, ms (the line's stamp is the
/// worker's clock in whole ms, so each figure is late by under 1 ms); and → `ended`.
async fn streamed(client: &Client) -> (Vec<f64>, Vec<f64>) {
    let (mut to_line, mut to_end) = (Vec::new(), Vec::new());
    for _ in 0..RUNS {
        let asked = Instant::now();
        let mut stream = client.invoke_streaming(&hello(false)).await.unwrap();
        while let Some(event) = stream.next().await {
            match event.unwrap() {
                RunEvent::Log(line) => to_line.push((now_us() - line.ts_ms * 1000) as f64 / 1e3),
                RunEvent::Ended(_) => to_end.push(asked.elapsed().as_secs_f64() * 1e3),
                _ => {}
            }
        }
    }
    (to_line, to_end)
}

/// Each blocking invocation's round trip, and the engine's own duration of it, ms.
async fn blocking(client: &Client) -> (Vec<f64>, Vec<f64>) {
    let (mut round_trip, mut engine) = (Vec::new(), Vec::new());
    for _ in 0..RUNS {
        let asked = Instant::now();
        let InvocationResult::Finished(activation) = client.invoke(&hello(true)).await.unwrap()
        else {
            panic!("the trivial action outlived its wait");
        };
        round_trip.push(asked.elapsed().as_secs_f64() * 1e3);
        engine.push(activation.duration_ms.unwrap_or(0) as f64);
    }
    (round_trip, engine)
}

fn p90(mut values: Vec<f64>) -> f64 {
    values.sort_by(f64::total_cmp);
    values[values.len() * 9 / 10]
}

/// One round on a server with `nodelay` as given: the line's median (printed with the rest).
async fn round(nodelay: bool) -> f64 {
    let (url, _engine, _workers) = serve(nodelay).await;
    let client = client(&url);
    // Warm: the first run starts a worker process.
    blocking(&client).await;
    let (to_line, to_end) = streamed(&client).await;
    let (round_trip, engine_ms) = blocking(&client).await;
    assert_eq!((to_line.len(), to_end.len()), (RUNS, RUNS));
    let line = median(to_line.clone());
    println!("live extension, TCP_NODELAY {nodelay}, median of {RUNS} on loopback:");
    println!(
        "  console.log -> `log` event at the client: {line:.1} ms (p90 {:.1} ms)",
        p90(to_line)
    );
    println!(
        "  invoke_streaming -> `ended`:              {:.2} ms",
        median(to_end)
    );
    println!(
        "  blocking invoke round trip:              {:.2} ms",
        median(round_trip)
    );
    println!(
        "  the engine's own duration of it:         {:.0} ms",
        median(engine_ms)
    );
    line
}

#[tokio::test(flavor = "multi_thread")]
async fn a_log_line_reaches_an_http_follower_within_the_budget() {
    // With Nagle's algorithm each small line waits for the previous one's delayed ACK
    // (~40 ms on Linux): the figure that says why the listener must set TCP_NODELAY.
    round(false).await;
    let line = round(true).await;
    assert!(
        line <= 20.0,
        "median {line} ms from console.log to the follower"
    );
}
