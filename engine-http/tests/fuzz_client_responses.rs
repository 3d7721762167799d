//! Fuzzing the console's clients with what a provider might answer: each client talks to the
//! engine through a tampering proxy that forwards the request, takes the engine's real
//! answer (so every operation's true shape is the starting point) and damages it — a few
//! JSON nodes replaced by hostile values (integer edges, wrong types, huge arrays), keys
//! removed, or the status changed. Every call must end in a value or a `ProviderError` that
//! says something; none may panic.
//!
//! Bounded for `make test`; a long run: `PROPTEST_CASES=5000 cargo test -p engine-http --test
//! fuzz_client_responses` (docs/RELIABILITY.md).

#[path = "../../providers/tests/common/fuzz.rs"]
mod fuzz;
mod support;

use axum::body::Body;
use axum::extract::Request;
use axum::response::Response;
use fuzz::{Edit, LeafSwap, cases, edits, leaf_values, mutate, mutate_leaves};
use proptest::prelude::*;
use proptest::test_runner::{TestCaseError, TestRunner};
use providers::client::{
    Client, HuaweiAuth, HuaweiClient, HuaweiConfig, Operations, TencentClient, TencentConfig,
    Transport, TransportOptions,
};
use providers::sign::Secret;
use providers::*;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tower::ServiceExt;

/// How the proxy damages the next answer.
#[derive(Debug, Clone, Default)]
struct Damage {
    /// Hostile values in place of some leaves (the shape kept).
    leaves: Vec<(usize, LeafSwap)>,
    /// Structural damage: nodes replaced, keys dropped, arrays grown.
    edits: Vec<(usize, Edit)>,
    status: Option<u16>,
}

/// The engine's dialects behind a proxy that applies the current [`Damage`]; its URL.
async fn tampering_proxy(damage: Arc<Mutex<Damage>>) -> (String, support::Dialects) {
    let (dialects, _engine, workers) = support::dialects_engine();
    // The workers live as long as the test process.
    std::mem::forget(workers);
    let router = dialects.router();
    let proxy = axum::Router::new().fallback(move |request: Request| {
        let (router, damage) = (router.clone(), damage.lock().unwrap().clone());
        async move {
            let answer = router
                .oneshot(request)
                .await
                .expect("the router is infallible");
            tamper(answer, &damage).await
        }
    });
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, proxy).await.unwrap() });
    (url, dialects)
}

async fn tamper(answer: Response, damage: &Damage) -> Response {
    let (mut parts, body) = answer.into_parts();
    let bytes = axum::body::to_bytes(body, 64 * 1024 * 1024)
        .await
        .unwrap_or_default();
    let bytes = match serde_json::from_slice::<serde_json::Value>(&bytes) {
        Ok(json) => mutate(&mutate_leaves(&json, &damage.leaves), &damage.edits)
            .to_string()
            .into_bytes(),
        Err(_) => bytes.to_vec(),
    };
    if let Some(status) = damage
        .status
        .and_then(|s| axum::http::StatusCode::from_u16(s).ok())
    {
        parts.status = status;
    }
    parts.headers.remove(axum::http::header::CONTENT_LENGTH);
    Response::from_parts(parts, Body::from(bytes))
}

fn transport() -> Transport {
    Transport::new(TransportOptions {
        timeout: Duration::from_secs(20),
        read_retries: 0,
        ..TransportOptions::default()
    })
    .unwrap()
}

/// The console's four clients of the engine at `url`.
fn clients(url: &str) -> Vec<Client> {
    let huawei = HuaweiClient::new(
        transport(),
        HuaweiConfig {
            endpoint: url.into(),
            project_id: "p".into(),
            region: "local".into(),
            auth: HuaweiAuth::AkSk {
                access_key: "hw-ak".into(),
                secret_key: Secret::new("hw-sk"),
            },
        },
    );
    let tencent = TencentClient::new(
        transport(),
        TencentConfig {
            endpoint: url.into(),
            legacy_endpoint: url.into(),
            region: "ap-guangzhou".into(),
            namespace: "demo".into(),
            secret_id: "tc-id".into(),
            secret_key: Secret::new("tc-key"),
        },
    );
    vec![
        Client::Ncp(support::ncp_client(url)),
        Client::OpenWhisk(support::ow_client(url)),
        Client::Huawei(huawei),
        Client::Tencent(tencent),
    ]
}

const OPERATIONS: usize = 8;

/// Calls operation `op` of `client`: whether it answered, or the error's text.
async fn call(client: &Client, op: usize, activation: &str) -> Result<(), String> {
    let hello = ActionRef {
        package: Some("demo".into()),
        name: "hello".into(),
    };
    let page = PageRequest::first(20);
    let outcome = match op {
        0 => client
            .list_actions(&ActionQuery::default(), &page)
            .await
            .map(drop),
        1 => client.get_action(&hello).await.map(drop),
        2 => client.list_packages(&page).await.map(drop),
        3 => client
            .invoke(&InvocationRequest {
                action: hello.clone(),
                params: serde_json::Map::new(),
                blocking: true,
                wait_ms: None,
            })
            .await
            .map(drop),
        4 => client
            .list_activations(&ActivationQuery::default(), &page)
            .await
            .map(drop),
        5 => client
            .get_activation(&ActivationRef {
                id: activation.into(),
                action: Some(hello),
            })
            .await
            .map(drop),
        6 => client
            .list_async_invocations(
                &AsyncInvocationQuery {
                    action: Some(hello),
                    ..AsyncInvocationQuery::default()
                },
                &page,
            )
            .await
            .map(drop),
        _ => client
            .function_logs(&LogQuery::default(), &page)
            .await
            .map(drop),
    };
    match outcome {
        Ok(()) => Ok(()),
        Err(e) if e.to_string().trim().is_empty() => {
            Err(format!("an error that says nothing: {e:?}"))
        }
        Err(_) => Err(String::new()),
    }
}

#[test]
fn every_client_survives_damaged_answers_from_its_provider() {
    // Deep strategies and futures in a debug build: a thread with room.
    std::thread::Builder::new()
        .stack_size(64 * 1024 * 1024)
        .spawn(fuzz_the_clients)
        .unwrap()
        .join()
        .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
}

fn fuzz_the_clients() {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let damage = Arc::new(Mutex::new(Damage::default()));
    let (url, _dialects) = runtime.block_on(tampering_proxy(damage.clone()));
    let clients = clients(&url);
    // A real activation for `get_activation`, read while nothing is damaged.
    let activation = runtime
        .block_on(clients[1].invoke(&InvocationRequest {
            action: ActionRef {
                package: Some("demo".into()),
                name: "hello".into(),
            },
            params: serde_json::Map::new(),
            blocking: true,
            wait_ms: None,
        }))
        .expect("an undamaged invoke works");
    let activation_id = match activation {
        InvocationResult::Finished(a) => a.id,
        InvocationResult::Accepted { id } => id,
    };
    // The operations each client offers, as they answer undamaged: only those are fuzzed
    // (the rest answer `Unsupported` before sending anything).
    let offered: Vec<(usize, usize)> = (0..clients.len())
        .flat_map(|c| (0..OPERATIONS).map(move |op| (c, op)))
        .filter(|&(c, op)| {
            runtime
                .block_on(call(&clients[c], op, &activation_id))
                .is_ok()
        })
        .collect();
    for c in 0..clients.len() {
        assert!(
            offered.iter().filter(|(k, _)| *k == c).count() >= 2,
            "client {c} offers {offered:?}"
        );
    }
    let status = prop_oneof![
        6 => Just(None),
        1 => prop::sample::select(vec![200u16, 201, 202, 204, 301, 400, 401, 404, 409, 412, 429, 500, 502, 503])
            .prop_map(Some),
    ];
    let structural = prop_oneof![3 => Just(Vec::new()), 1 => edits()];
    let strategy = (
        prop::sample::select(offered),
        leaf_values(),
        structural,
        status,
    );
    let (errors, answered) = (std::cell::Cell::new(0u32), std::cell::Cell::new(0u32));
    // Per client and operation: (read as a value, refused), for the report.
    let tally: std::cell::RefCell<std::collections::BTreeMap<(usize, usize), (u32, u32)>> =
        Default::default();
    let mut runner = TestRunner::new(cases(300));
    let outcome = runner.run(&strategy, |((c, op), leaves, edits, status)| {
        *damage.lock().unwrap() = Damage {
            leaves,
            edits,
            status,
        };
        let outcome = runtime.block_on(call(&clients[c], op, &activation_id));
        let mut tally = tally.borrow_mut();
        let entry = tally.entry((c, op)).or_default();
        match outcome {
            Ok(()) => {
                answered.set(answered.get() + 1);
                entry.0 += 1;
            }
            Err(why) if why.is_empty() => {
                errors.set(errors.get() + 1);
                entry.1 += 1;
            }
            Err(why) => {
                return Err(TestCaseError::fail(format!(
                    "client {c}, operation {op}: {why}"
                )));
            }
        }
        Ok(())
    });
    eprintln!(
        "damaged answers: {} still read as values, {} refused with an error; by (client, operation): {:?}",
        answered.get(),
        errors.get(),
        tally.borrow()
    );
    if let Err(failure) = outcome {
        panic!("{failure}");
    }
}
