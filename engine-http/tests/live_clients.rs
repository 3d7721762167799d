//! The console's clients of an engine stream a run through the `live` extension: `started`,
//! the lines as printed and `ended`; they follow by id and stop a run; a client of a cloud
//! (no extension) answers `Unsupported` before any request.

mod support;

use futures_util::StreamExt;
use providers::client::{
    ActivationStream, Client, NcpClient, NcpConfig, OpenWhiskClient, OpenWhiskConfig, Operations,
    RunStream, Transport, TransportOptions,
};
use providers::sign::Secret;
use providers::*;
use serde_json::json;
use std::time::{Duration, Instant};
use support::{OW_AUTH, serve_engine};

fn transport() -> Transport {
    Transport::new(TransportOptions {
        timeout: Duration::from_secs(20),
        read_retries: 0,
        ..Default::default()
    })
    .unwrap()
}

fn clients(url: &str) -> [Client; 2] {
    [
        Client::OpenWhisk(OpenWhiskClient::new(
            transport(),
            OpenWhiskConfig {
                endpoint: url.into(),
                namespace: "_".into(),
                auth: Secret::new(OW_AUTH),
            },
        )),
        Client::Ncp(NcpClient::new(
            transport(),
            NcpConfig {
                endpoint: url.into(),
                base_path: "/ncf/api/v2".into(),
                platform: Some("vpc".into()),
                access_key: "ncp-ak".into(),
                secret_key: Secret::new("ncp-sk"),
            },
        )),
    ]
}

fn run_of(action: ActionRef, params: serde_json::Value) -> InvocationRequest {
    InvocationRequest {
        action,
        params: params.as_object().cloned().unwrap_or_default(),
        blocking: false,
        wait_ms: None,
    }
}

/// Every event to the end, each with when it arrived.
async fn collect(mut stream: RunStream) -> Vec<(RunEvent, Instant)> {
    let mut events = Vec::new();
    while let Some(event) = stream.next().await {
        events.push((event.expect("a readable event"), Instant::now()));
    }
    events
}

fn texts(events: &[(RunEvent, Instant)]) -> Vec<&str> {
    events
        .iter()
        .filter_map(|(e, _)| match e {
            RunEvent::Log(line) => Some(line.text.as_str()),
            _ => None,
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn an_engine_client_streams_started_the_lines_and_ended() {
    let (url, _engine, _workers) = serve_engine().await;
    for cloud in clients(&url) {
        let client = cloud.with_live_extension();
        assert!(client.capabilities().has(Capability::StreamingInvoke));
        let request = run_of(
            ActionRef::in_package("demo", "slow-logger"),
            json!({"steps": 3}),
        );
        let events = collect(client.invoke_streaming(&request).await.unwrap()).await;
        let RunEvent::Started { activation_id } = &events[0].0 else {
            panic!("{}: {events:?}", client.kind());
        };
        assert_eq!(
            texts(&events),
            ["step 1 of 3", "step 2 of 3", "step 3 of 3"]
        );
        let (RunEvent::Ended(activation), ended_at) = events.last().unwrap() else {
            panic!("{}: no end: {events:?}", client.kind());
        };
        assert_eq!(&activation.id, activation_id);
        assert_eq!(activation.result, Some(json!({"done": true, "steps": 3})));
        // The first line reached the client while the run still had 0.8 s to go.
        assert!(*ended_at - events[1].1 > Duration::from_millis(600));

        // Followed again by id, once ended: the record's lines and its end.
        let again = client
            .follow_activation(&ActivationRef::id(activation_id.clone()))
            .await
            .unwrap();
        let again = collect(again).await;
        assert_eq!(texts(&again), ["step 1 of 3", "step 2 of 3", "step 3 of 3"]);
        assert!(matches!(&again.last().unwrap().0, RunEvent::Ended(a) if a.id == *activation_id));
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn an_engine_client_stops_a_run_and_a_stream_ends_with_it() {
    let (url, engine, _workers) = serve_engine().await;
    let code = "function main() { console.log('spinning'); for (;;) {} }";
    let spin = ActionSpec {
        limits: Some(ActionLimits {
            timeout_ms: 60_000,
            memory_mb: 128,
        }),
        ..ActionSpec::basic(
            ActionRef::top("spin"),
            ActionExec::source("nodejs:20", code),
        )
    };
    for cloud in clients(&url) {
        let client = cloud.with_live_extension();
        client.put_action(&spin).await.unwrap();
        let mut stream = client
            .invoke_streaming(&run_of(ActionRef::top("spin"), json!({})))
            .await
            .unwrap();
        let Some(Ok(RunEvent::Started { activation_id })) = stream.next().await else {
            panic!("{}: no start", client.kind());
        };
        assert!(matches!(stream.next().await, Some(Ok(RunEvent::Log(_)))));
        let asked = Instant::now();
        client
            .cancel_activation(&ActivationRef::id(activation_id.clone()))
            .await
            .unwrap();
        let rest = collect(stream).await;
        assert!(asked.elapsed() < Duration::from_secs(2));
        let Some((RunEvent::Ended(activation), _)) = rest.last() else {
            panic!("{}: {rest:?}", client.kind());
        };
        assert_eq!(activation.status, ActivationStatus::DeveloperError);
        assert_eq!(
            activation.result,
            Some(json!({ "error": engine::follow::STOPPED }))
        );
        assert_eq!(engine.running(), 0);
        // Stopping an ended run changes nothing; an unknown one is the provider's 404.
        client
            .cancel_activation(&ActivationRef::id(activation_id))
            .await
            .unwrap();
        let missing = client
            .cancel_activation(&ActivationRef::id("0000"))
            .await
            .unwrap_err();
        assert_eq!(missing.status, Some(404), "{missing}");
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_dropped_client_stream_frees_the_engines_follower() {
    let (url, engine, _workers) = serve_engine().await;
    let client = clients(&url)[0].clone().with_live_extension();
    let request = run_of(
        ActionRef::in_package("demo", "slow-logger"),
        json!({"steps": 5}),
    );
    let mut stream = client.invoke_streaming(&request).await.unwrap();
    assert!(matches!(
        stream.next().await,
        Some(Ok(RunEvent::Started { .. }))
    ));
    assert!(matches!(stream.next().await, Some(Ok(RunEvent::Log(_)))));
    assert_eq!(engine.followers(), 1);
    drop(stream);
    let until = Instant::now() + Duration::from_secs(5);
    while engine.followers() > 0 {
        assert!(Instant::now() < until, "the follower was not freed");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// The feed's next activation, within 10 s.
async fn next(feed: &mut ActivationStream) -> Activation {
    tokio::time::timeout(Duration::from_secs(10), feed.next())
        .await
        .expect("the feed went quiet")
        .expect("the feed goes on")
        .expect("a readable activation")
}

#[tokio::test(flavor = "multi_thread")]
async fn the_feed_shows_a_run_started_elsewhere_as_it_starts_and_ends() {
    let (url, _engine, _workers) = serve_engine().await;
    for cloud in clients(&url) {
        let watcher = cloud.clone().with_live_extension();
        let mut feed = watcher.watch_activations().await.unwrap();
        // Started by another client, the plain way (a blocking invoke).
        let request = InvocationRequest {
            blocking: true,
            wait_ms: Some(10_000),
            ..run_of(
                ActionRef::in_package("demo", "hello"),
                json!({"name": "Min"}),
            )
        };
        let InvocationResult::Finished(ran) = cloud.invoke(&request).await.unwrap() else {
            panic!("the trivial action outlived its wait");
        };
        let started = next(&mut feed).await;
        assert_eq!(
            (started.id.as_str(), started.status),
            (ran.id.as_str(), ActivationStatus::Pending)
        );
        assert_eq!(started.name.as_deref(), Some("demo/hello"));
        let ended = next(&mut feed).await;
        assert_eq!(
            (ended.id.as_str(), ended.status),
            (ran.id.as_str(), ActivationStatus::Success)
        );
        assert_eq!(ended.result, Some(json!({"greeting": "Hello, Min!"})));
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_cloud_client_has_no_live_extension_and_sends_nothing() {
    let (url, engine, _workers) = serve_engine().await;
    for client in clients(&url) {
        assert!(!client.capabilities().has(Capability::StreamingInvoke));
        let request = run_of(ActionRef::in_package("demo", "hello"), json!({}));
        let Err(error) = client.invoke_streaming(&request).await else {
            panic!("{}: streamed without the extension", client.kind());
        };
        assert_eq!(error.kind, ErrorKind::Unsupported, "{error}");
        let Err(error) = client.follow_activation(&ActivationRef::id("a1")).await else {
            panic!("{}: followed without the extension", client.kind());
        };
        assert_eq!(error.kind, ErrorKind::Unsupported);
        let error = client
            .cancel_activation(&ActivationRef::id("a1"))
            .await
            .unwrap_err();
        assert_eq!(error.kind, ErrorKind::Unsupported);
        let Err(error) = client.watch_activations().await else {
            panic!("{}: watched without the extension", client.kind());
        };
        assert_eq!(error.kind, ErrorKind::Unsupported);
    }
    // Nothing ran.
    let (runs, _) = engine
        .activations(
            &Default::default(),
            Default::default(),
            engine::store::Paging::first(10),
        )
        .unwrap();
    assert!(runs.is_empty());
}
