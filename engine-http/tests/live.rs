//! The `live` extension over a real socket, raw: its credentials are checked like its
//! siblings', it streams NDJSON as the run prints, follows by id, stops a run, and a client
//! that goes away frees its follower.

mod support;

use providers::RunEvent;
use serde_json::{Value, json};
use std::time::{Duration, Instant};
use support::{Sign, call, call_as, keys, serve_engine, signed_headers};

const OW: &str = "/api/v1/namespaces/_/live";
const NCP: &str = "/api/v2/live";

/// A streaming response being read line by line, each event with when it arrived.
struct Lines {
    response: reqwest::Response,
    buffer: Vec<u8>,
}

impl Lines {
    async fn open(url: &str, sign: Sign, method: &str, target: &str, body: &str) -> Self {
        let headers = signed_headers(url, &keys(), sign, method, target, body.as_bytes());
        let mut request = reqwest::Client::new().request(
            reqwest::Method::from_bytes(method.as_bytes()).unwrap(),
            format!("{url}{target}"),
        );
        for (k, v) in headers {
            request = request.header(k, v);
        }
        let response = request.body(body.to_string()).send().await.unwrap();
        assert_eq!(response.status(), 200, "{target}");
        assert_eq!(
            response.headers()["content-type"],
            "application/x-ndjson",
            "{target}"
        );
        Self {
            response,
            buffer: Vec::new(),
        }
    }

    /// The next event, or `None` when the body ends.
    async fn next(&mut self) -> Option<(RunEvent, Instant)> {
        loop {
            if let Some(end) = self.buffer.iter().position(|&b| b == b'\n') {
                let line: Vec<u8> = self.buffer.drain(..=end).collect();
                let event = serde_json::from_slice(&line)
                    .unwrap_or_else(|e| panic!("not a run event ({e}): {line:?}"));
                return Some((event, Instant::now()));
            }
            let chunk = tokio::time::timeout(Duration::from_secs(20), self.response.chunk())
                .await
                .expect("the stream went quiet")
                .unwrap()?;
            self.buffer.extend_from_slice(&chunk);
        }
    }

    async fn rest(mut self) -> Vec<(RunEvent, Instant)> {
        let mut events = Vec::new();
        while let Some(event) = self.next().await {
            events.push(event);
        }
        events
    }
}

fn log_text(event: &RunEvent) -> Option<&str> {
    match event {
        RunEvent::Log(line) => Some(&line.text),
        _ => None,
    }
}

fn started_id(event: &RunEvent) -> String {
    match event {
        RunEvent::Started { activation_id } => activation_id.clone(),
        other => panic!("the stream must start with `started`, not {other:?}"),
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn the_live_routes_refuse_missing_and_wrong_credentials_like_their_siblings() {
    let (url, _engine, _workers) = serve_engine().await;
    let mut wrong = keys();
    wrong.openwhisk.auth =
        providers::sign::Secret::new("23bc46b1-71f6-4ed5-8c54-816aa4f8c502:nope");
    wrong.ncp.secret_key = providers::sign::Secret::new("not-the-key");
    let routes = [
        ("POST", format!("{OW}/actions/demo/hello"), Sign::OpenWhisk),
        ("GET", format!("{OW}/activations/abc"), Sign::OpenWhisk),
        ("DELETE", format!("{OW}/activations/abc"), Sign::OpenWhisk),
        (
            "POST",
            format!("{NCP}/packages/demo/actions/hello"),
            Sign::Ncp,
        ),
        ("GET", format!("{NCP}/activations/abc"), Sign::Ncp),
        ("DELETE", format!("/ncf{NCP}/activations/abc"), Sign::Ncp),
        ("GET", format!("{OW}/activations"), Sign::OpenWhisk),
        ("GET", format!("{NCP}/activations"), Sign::Ncp),
    ];
    for (method, target, sign) in routes {
        let none = call(&url, Sign::None, method, &target, Vec::new()).await;
        assert_eq!(
            none.status, 401,
            "{method} {target} unsigned: {}",
            none.text
        );
        let bad = call_as(&url, &wrong, sign, method, &target, Vec::new()).await;
        assert_eq!(bad.status, 401, "{method} {target} wrong key: {}", bad.text);
        // The same refusal its siblings give, in the cloud's shape.
        let sibling = match sign {
            Sign::Ncp => "/api/v2/packages",
            _ => "/api/v1/namespaces/_/packages",
        };
        let reference = call_as(&url, &wrong, sign, "GET", sibling, Vec::new()).await;
        let strip = |v: Value| match v {
            Value::Object(mut m) => {
                m.remove("code"); // OpenWhisk's is a fresh transaction id
                Value::Object(m)
            }
            other => other,
        };
        assert_eq!(strip(bad.json()), strip(reference.json()), "{target}");
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn invoke_and_follow_streams_each_line_as_printed_then_the_activation() {
    let (url, _engine, _workers) = serve_engine().await;
    let body = r#"{"steps": 3}"#;
    for (sign, target) in [
        (Sign::OpenWhisk, format!("{OW}/actions/demo/slow-logger")),
        (
            Sign::Ncp,
            format!("{NCP}/packages/demo/actions/slow-logger"),
        ),
    ] {
        let asked = Instant::now();
        let mut lines = Lines::open(&url, sign, "POST", &target, body).await;
        let (first, started_at) = lines.next().await.unwrap();
        let id = started_id(&first);
        assert!(
            started_at - asked < Duration::from_millis(500),
            "{target}: slow start"
        );
        let events = lines.rest().await;
        let logs: Vec<(&str, Instant)> = events
            .iter()
            .filter_map(|(e, at)| log_text(e).map(|t| (t, *at)))
            .collect();
        let texts: Vec<&str> = logs.iter().map(|(t, _)| *t).collect();
        assert_eq!(
            texts,
            ["step 1 of 3", "step 2 of 3", "step 3 of 3"],
            "{target}"
        );
        let (RunEvent::Ended(activation), ended_at) = events.last().unwrap() else {
            panic!("{target}: the stream must end with `ended`: {events:?}");
        };
        // The first line came while the run still had two 0.4 s waits ahead of it.
        let ahead = *ended_at - logs[0].1;
        assert!(
            ahead > Duration::from_millis(600),
            "{target}: first line only {ahead:?} before the end"
        );
        assert_eq!(activation.id, id);
        assert_eq!(activation.status, providers::ActivationStatus::Success);
        assert_eq!(activation.result, Some(json!({"done": true, "steps": 3})));
        assert_eq!(activation.name.as_deref(), Some("demo/slow-logger"));
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn an_ended_activation_is_followed_from_its_record_and_an_unknown_one_is_404() {
    let (url, _engine, _workers) = serve_engine().await;
    let target = format!("{OW}/actions/demo/hello");
    let lines = Lines::open(&url, Sign::OpenWhisk, "POST", &target, r#"{"name":"Lee"}"#).await;
    let events = lines.rest().await;
    let id = started_id(&events[0].0);
    for (sign, target) in [
        (Sign::OpenWhisk, format!("{OW}/activations/{id}")),
        (Sign::Ncp, format!("{NCP}/activations/{id}")),
    ] {
        let again = Lines::open(&url, sign, "GET", &target, "")
            .await
            .rest()
            .await;
        let kinds: Vec<RunEvent> = again.into_iter().map(|(e, _)| e).collect();
        assert_eq!(started_id(&kinds[0]), id);
        assert_eq!(
            log_text(&kinds[1]),
            Some("greeting Lee from the fnconsole demo")
        );
        assert!(
            matches!(&kinds[2], RunEvent::Ended(a) if a.result == Some(json!({"greeting": "Hello, Lee!"})))
        );
        assert_eq!(kinds.len(), 3);
    }
    let missing = call(
        &url,
        Sign::OpenWhisk,
        "GET",
        &format!("{OW}/activations/0000"),
        Vec::new(),
    )
    .await;
    assert_eq!(missing.status, 404, "{}", missing.text);
    let missing = call(
        &url,
        Sign::Ncp,
        "GET",
        &format!("{NCP}/activations/0000"),
        Vec::new(),
    )
    .await;
    assert_eq!(missing.status, 404, "{}", missing.text);
    assert_eq!(missing.json()["error"]["errorCode"], "80401");
    let unknown = call(
        &url,
        Sign::Ncp,
        "POST",
        &format!("{NCP}/packages/demo/actions/nope"),
        Vec::new(),
    )
    .await;
    assert_eq!(
        unknown.json()["error"]["errorCode"],
        "80301",
        "{}",
        unknown.text
    );
    let bad = call(&url, Sign::OpenWhisk, "POST", &target, b"[1]".to_vec()).await;
    assert_eq!(bad.status, 400, "{}", bad.text);
}

#[tokio::test(flavor = "multi_thread")]
async fn delete_stops_a_run_and_its_followers_get_the_end() {
    let (url, engine, _workers) = serve_engine().await;
    let spin = json!({"exec": {"kind": "nodejs:20", "code": "function main() { console.log('spinning'); for (;;) {} }"}, "limits": {"timeout": 60000}});
    let put = call(
        &url,
        Sign::OpenWhisk,
        "PUT",
        "/api/v1/namespaces/_/actions/spin",
        spin.to_string().into_bytes(),
    )
    .await;
    assert_eq!(put.status, 200, "{}", put.text);
    for (sign, base) in [(Sign::OpenWhisk, OW), (Sign::Ncp, NCP)] {
        let run = match sign {
            Sign::Ncp => format!("{base}/packages/-/actions/spin"),
            _ => format!("{base}/actions/spin"),
        };
        let mut lines = Lines::open(&url, sign, "POST", &run, "").await;
        let id = started_id(&lines.next().await.unwrap().0);
        assert_eq!(log_text(&lines.next().await.unwrap().0), Some("spinning"));
        let asked = Instant::now();
        let stopped = call(
            &url,
            sign,
            "DELETE",
            &format!("{base}/activations/{id}"),
            Vec::new(),
        )
        .await;
        assert_eq!(stopped.status, 200, "{}", stopped.text);
        assert!(
            asked.elapsed() < Duration::from_secs(2),
            "stopping took {:?}",
            asked.elapsed()
        );
        let answer = stopped.json();
        let response = match sign {
            Sign::Ncp => &answer["content"]["response"],
            _ => &answer["response"],
        };
        assert_eq!(response["status"], "action developer error", "{answer}");
        assert_eq!(response["result"]["error"], engine::follow::STOPPED);
        let rest = lines.rest().await;
        assert!(
            matches!(&rest.last().unwrap().0, RunEvent::Ended(a) if a.status == providers::ActivationStatus::DeveloperError)
        );
        assert_eq!(engine.running(), 0);
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_client_that_disconnects_frees_its_follower_and_the_run_goes_on() {
    let (url, engine, _workers) = serve_engine().await;
    let target = format!("{OW}/actions/demo/slow-logger");
    let mut lines = Lines::open(&url, Sign::OpenWhisk, "POST", &target, r#"{"steps": 5}"#).await;
    let id = started_id(&lines.next().await.unwrap().0);
    assert_eq!(
        log_text(&lines.next().await.unwrap().0),
        Some("step 1 of 5")
    );
    assert_eq!(engine.followers(), 1);
    drop(lines);
    // The server notices at its next write (the next line, 0.4 s later).
    let until = Instant::now() + Duration::from_secs(5);
    while engine.followers() > 0 {
        assert!(Instant::now() < until, "the follower was not freed");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let until = Instant::now() + Duration::from_secs(10);
    let record = loop {
        if let Ok(record) = engine.activation(&id) {
            break record;
        }
        assert!(Instant::now() < until, "the run did not end");
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    assert_eq!(record.status, providers::ActivationStatus::Success);
    assert_eq!(record.logs.len(), 5);
}
