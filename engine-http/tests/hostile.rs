//! Hostile input over HTTP: an anonymous caller of a public web action cannot hang the
//! engine, and every non-blocking invocation is recorded under the id it was given.

mod support;

use serde_json::json;
use std::time::{Duration, Instant};
use support::{Sign, call, serve_engine};

/// A web action that calls a built-in on the caller's JSON: `{"length": 9e15}` would keep a
/// QuickJS built-in looping in C, past any interrupt.
const LOOKUP: &str =
    "function main(p) { return { body: String(Array.prototype.includes.call(p, 'x')) }; }";

#[tokio::test(flavor = "multi_thread")]
async fn an_anonymous_caller_cannot_hang_a_public_web_action() {
    let (url, engine, _workers) = serve_engine().await;
    let action = json!({
        "exec": {"kind": "nodejs:20", "code": LOOKUP},
        "limits": {"timeout": 1000, "memory": 128},
        "annotations": [{"key": "web-export", "value": true}],
    });
    let put = call(
        &url,
        Sign::OpenWhisk,
        "PUT",
        "/api/v1/namespaces/_/actions/lookup",
        action.to_string().into_bytes(),
    )
    .await;
    assert_eq!(put.status, 200, "{}", put.text);
    let client = reqwest::Client::new();
    let hang = || {
        client
            .post(format!("{url}/api/v1/web/guest/default/lookup.json"))
            .header("content-type", "application/json")
            .body(r#"{"length": 9e15}"#)
            .send()
    };
    // Three at once, then three more: each ends by its deadline, the slots come back.
    for _ in 0..2 {
        let started = Instant::now();
        let replies = futures_join(vec![hang(), hang(), hang()]).await;
        for reply in replies {
            let reply = reply.unwrap();
            assert_eq!(reply.status(), 502);
            let body: serde_json::Value = reply.json().await.unwrap();
            assert_eq!(
                body["error"],
                "The action exceeded its time limit of 1000 milliseconds."
            );
        }
        assert!(
            started.elapsed() < Duration::from_secs(3),
            "{:?}",
            started.elapsed()
        );
    }
    assert_eq!(engine.running(), 0);
    // Signed callers are served as before.
    let ran = call(
        &url,
        Sign::OpenWhisk,
        "POST",
        "/api/v1/namespaces/_/actions/demo/hello?blocking=true&result=true",
        br#"{"name":"Ada"}"#.to_vec(),
    )
    .await;
    assert_eq!(ran.json(), json!({"greeting": "Hello, Ada!"}));
}

#[tokio::test(flavor = "multi_thread")]
async fn non_blocking_invocations_are_all_recorded_under_the_ids_they_were_given() {
    let (url, engine, _workers) = serve_engine().await;
    let mut ids = Vec::new();
    for n in 0..40 {
        let target = if n % 2 == 0 {
            "/api/v1/namespaces/_/actions/demo/hello".to_string()
        } else {
            "/api/v2/packages/demo/actions/hello?timeout=0".to_string()
        };
        let sign = if n % 2 == 0 {
            Sign::OpenWhisk
        } else {
            Sign::Ncp
        };
        let reply = call(
            &url,
            sign,
            "POST",
            &target,
            json!({"name": format!("n{n}")}).to_string().into_bytes(),
        )
        .await;
        assert!(
            reply.status == 202 || reply.status == 200,
            "{} {}",
            reply.status,
            reply.text
        );
        // OpenWhisk answers {activationId}; NCP wraps it in {content}.
        let body = reply.json();
        let id = body["activationId"]
            .as_str()
            .or(body["content"]["activationId"].as_str())
            .unwrap_or_else(|| panic!("no activation id in {body}"))
            .to_string();
        ids.push((n, id));
    }
    let until = Instant::now() + Duration::from_secs(30);
    for (n, id) in ids {
        let record = loop {
            match engine.activation(&id) {
                Ok(r) => break r,
                Err(_) if Instant::now() < until => {
                    tokio::time::sleep(Duration::from_millis(20)).await
                }
                Err(e) => panic!("activation {id} of invocation {n} never appeared: {e}"),
            }
        };
        assert_eq!(record.result, json!({"greeting": format!("Hello, n{n}!")}));
    }
}

async fn futures_join<F>(futures: Vec<F>) -> Vec<F::Output>
where
    F: std::future::Future + Send + 'static,
    F::Output: Send + 'static,
{
    let handles: Vec<_> = futures.into_iter().map(tokio::spawn).collect();
    let mut out = Vec::new();
    for h in handles {
        out.push(h.await.unwrap());
    }
    out
}
