//! What the dialect tests share: an engine with demo data behind the dialects on a loopback
//! port, its keys, and raw requests signed the way each cloud's clients sign them (for what
//! the console's own clients never send: malformed bodies, bad pagination, huge payloads).
#![allow(dead_code)] // each test file uses its own part

use engine::worker::WorkerOptions;
use engine::{Engine, EngineOptions, Workers, demo};
use engine_http::{DialectKeys, router};
use providers::sign::{Secret, huawei, ncp, tencent_tc3};
use serde_json::Value;
use std::sync::Arc;

pub const OW_AUTH: &str = "23bc46b1-71f6-4ed5-8c54-816aa4f8c502:owkey";

pub fn keys() -> DialectKeys {
    DialectKeys {
        namespace: "guest".into(),
        ncp_access_key: "ncp-ak".into(),
        ncp_secret_key: Secret::new("ncp-sk"),
        openwhisk_auth: Secret::new(OW_AUTH),
        huawei_project_id: "p".into(),
        huawei_access_key: "hw-ak".into(),
        huawei_secret_key: Secret::new("hw-sk"),
        huawei_auth_token: Some(Secret::new("hw-iam-token")),
        tencent_secret_id: "tc-id".into(),
        tencent_secret_key: Secret::new("tc-key"),
        tencent_region: "ap-guangzhou".into(),
    }
}

/// The engine's defaults, with this crate's worker binary for its worker processes.
pub fn engine_options() -> EngineOptions {
    EngineOptions {
        worker: WorkerOptions::for_program(env!("CARGO_BIN_EXE_engine-http-worker")),
        ..EngineOptions::default()
    }
}

/// The engine with demo data, its dialects served on a free loopback port; its URL.
pub async fn serve() -> String {
    serve_engine().await.0
}

/// As [`serve`], also handing back the engine and its workers (for async invocations).
pub async fn serve_engine() -> (String, Arc<Engine>, Workers) {
    let engine = Arc::new(Engine::in_memory(engine_options()).unwrap());
    demo::seed_if_empty(&engine).unwrap();
    let workers = Workers::start(engine.clone(), 2);
    let app = router(engine.clone(), Arc::new(keys()));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    (url, engine, workers)
}

/// What came back.
#[derive(Debug)]
pub struct Reply {
    pub status: u16,
    pub headers: reqwest::header::HeaderMap,
    pub text: String,
}

impl Reply {
    /// The body as JSON (panics with the text when it is not).
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.text)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {:?}", self.text))
    }
}

fn now_secs() -> i64 {
    engine::now_ms() / 1000
}

/// Which cloud's signature a raw request carries.
#[derive(Debug, Clone, Copy)]
pub enum Sign {
    None,
    Ncp,
    OpenWhisk,
    Huawei,
    /// TC3 with this `X-TC-Action`.
    Tc3(&'static str),
}

/// Sends `method target` with `body`, signed as `sign` with the engine's keys.
pub async fn call(url: &str, sign: Sign, method: &str, target: &str, body: Vec<u8>) -> Reply {
    let host = url.trim_start_matches("http://").to_string();
    let (path, query) = target.split_once('?').unwrap_or((target, ""));
    let mut headers: Vec<(String, String)> =
        vec![("Content-Type".into(), "application/json".into())];
    // Signed with exactly the keys the engine was given.
    let k = keys();
    match sign {
        Sign::None => {}
        Sign::Ncp => {
            let signed = ncp::sign(
                method,
                target,
                engine::now_ms() as u64,
                &k.ncp_access_key,
                &k.ncp_secret_key,
            );
            headers.extend(
                signed
                    .headers
                    .iter()
                    .map(|(k, v)| (k.to_string(), v.clone())),
            );
        }
        Sign::OpenWhisk => {
            use base64::Engine as _;
            let encoded = base64::engine::general_purpose::STANDARD.encode(OW_AUTH);
            headers.push(("Authorization".into(), format!("Basic {encoded}")));
        }
        Sign::Huawei => {
            headers.push(("Host".into(), host.clone()));
            headers.push(("X-Sdk-Date".into(), huawei::sdk_date(now_secs())));
            let query_pairs = providers::sign::encoding::parse_form(query);
            let parts = huawei::RequestParts {
                method,
                path,
                query: &query_pairs,
                headers: &headers,
                body: &body,
            };
            let authorization =
                huawei::sign(parts, &k.huawei_access_key, &k.huawei_secret_key).unwrap();
            headers.push(("Authorization".into(), authorization));
        }
        Sign::Tc3(action) => {
            let canonical = tencent_tc3::CanonicalRequest::new(
                method,
                query,
                &[("content-type", "application/json"), ("host", &host)],
                &body,
            );
            let ts = now_secs();
            let authorization = tencent_tc3::sign(
                &canonical,
                ts,
                "scf",
                &k.tencent_secret_id,
                &k.tencent_secret_key,
            );
            headers.extend([
                ("Authorization".to_string(), authorization),
                ("X-TC-Action".into(), action.into()),
                ("X-TC-Version".into(), "2018-04-16".into()),
                ("X-TC-Region".into(), k.tencent_region.clone()),
                ("X-TC-Timestamp".into(), ts.to_string()),
            ]);
        }
    }
    let client = reqwest::Client::new();
    let mut request = client.request(
        reqwest::Method::from_bytes(method.as_bytes()).unwrap(),
        format!("{url}{target}"),
    );
    for (k, v) in headers {
        if !k.eq_ignore_ascii_case("host") {
            request = request.header(k, v);
        }
    }
    let response = request
        .body(body)
        .send()
        .await
        .expect("the engine answered");
    Reply {
        status: response.status().as_u16(),
        headers: response.headers().clone(),
        text: response.text().await.unwrap_or_default(),
    }
}

/// A body just past the 1 MB limit, itself valid JSON.
pub fn oversized_body() -> Vec<u8> {
    let filler = "x".repeat(engine_http::MAX_BODY_BYTES);
    serde_json::to_vec(&serde_json::json!({ "filler": filler })).unwrap()
}
