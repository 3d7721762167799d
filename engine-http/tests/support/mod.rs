//! What the dialect tests share: an engine with demo data behind the dialects on a loopback
//! port, its keys, and raw requests signed the way each cloud's clients sign them (for what
//! the console's own clients never send: malformed bodies, bad pagination, huge payloads).
#![allow(dead_code)] // each test file uses its own part

use engine::worker::WorkerOptions;
use engine::{Engine, EngineOptions, Workers, demo};
use engine_http::{DialectKeys, HuaweiKeys, NcpKeys, OpenWhiskKeys, TencentKeys, router};
use providers::sign::{Secret, huawei, ncp, tencent_tc3};
use serde_json::Value;
use std::sync::Arc;

pub const OW_AUTH: &str = "23bc46b1-71f6-4ed5-8c54-816aa4f8c502:owkey";

pub fn keys() -> DialectKeys {
    DialectKeys {
        namespace: "guest".into(),
        ncp: NcpKeys {
            access_key: "ncp-ak".into(),
            secret_key: Secret::new("ncp-sk"),
        },
        openwhisk: OpenWhiskKeys {
            auth: Secret::new(OW_AUTH),
        },
        huawei: HuaweiKeys {
            project_id: "p".into(),
            access_key: "hw-ak".into(),
            secret_key: Secret::new("hw-sk"),
            auth_token: Some(Secret::new("hw-iam-token")),
        },
        tencent: TencentKeys {
            secret_id: "tc-id".into(),
            secret_key: Secret::new("tc-key"),
            region: "ap-guangzhou".into(),
        },
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
    call_as(url, &keys(), sign, method, target, body).await
}

/// As [`call`], signed with `k` instead (an unknown access key, a wrong secret…).
pub async fn call_as(
    url: &str,
    k: &DialectKeys,
    sign: Sign,
    method: &str,
    target: &str,
    body: Vec<u8>,
) -> Reply {
    let headers = signed_headers(url, k, sign, method, target, &body);
    send(url, method, target, headers, body).await
}

/// The headers of `method target` with `body` signed as `sign` with `k` (`Content-Type`
/// included, `Host` too where it is signed).
pub fn signed_headers(
    url: &str,
    k: &DialectKeys,
    sign: Sign,
    method: &str,
    target: &str,
    body: &[u8],
) -> Vec<(String, String)> {
    let host = url.trim_start_matches("http://").to_string();
    let (path, query) = target.split_once('?').unwrap_or((target, ""));
    let mut headers: Vec<(String, String)> =
        vec![("Content-Type".into(), "application/json".into())];
    match sign {
        Sign::None => {}
        Sign::Ncp => {
            let signed = ncp::sign(
                method,
                target,
                engine::now_ms() as u64,
                &k.ncp.access_key,
                &k.ncp.secret_key,
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
            let encoded =
                base64::engine::general_purpose::STANDARD.encode(k.openwhisk.auth.expose());
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
                body,
            };
            let authorization =
                huawei::sign(parts, &k.huawei.access_key, &k.huawei.secret_key).unwrap();
            headers.push(("Authorization".into(), authorization));
        }
        Sign::Tc3(action) => {
            let canonical = tencent_tc3::CanonicalRequest::new(
                method,
                query,
                &[("content-type", "application/json"), ("host", &host)],
                body,
            );
            let ts = now_secs();
            let authorization = tencent_tc3::sign(
                &canonical,
                ts,
                "scf",
                &k.tencent.secret_id,
                &k.tencent.secret_key,
            );
            headers.extend([
                ("Authorization".to_string(), authorization),
                ("X-TC-Action".into(), action.into()),
                ("X-TC-Version".into(), "2018-04-16".into()),
                ("X-TC-Region".into(), k.tencent.region.clone()),
                ("X-TC-Timestamp".into(), ts.to_string()),
            ]);
        }
    }
    headers
}

/// Sends `method target` with exactly `headers` (but `Host`, which the client sets) and `body`.
pub async fn send(
    url: &str,
    method: &str,
    target: &str,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
) -> Reply {
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

/// Sends only the head of `method target`: `headers` and a `Content-Length` announcing
/// `length` bytes of body that never come. The reply (status and body) when the engine
/// answers within `wait` without the body; `None` when it is still waiting for it.
pub async fn send_head_only(
    url: &str,
    method: &str,
    target: &str,
    headers: &[(String, String)],
    length: usize,
    wait: std::time::Duration,
) -> Option<(u16, String)> {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let host = url.trim_start_matches("http://");
    let mut stream = tokio::net::TcpStream::connect(host).await.unwrap();
    let mut head = format!("{method} {target} HTTP/1.1\r\nHost: {host}\r\n");
    for (k, v) in headers {
        if !k.eq_ignore_ascii_case("host") && !k.eq_ignore_ascii_case("content-length") {
            head.push_str(&format!("{k}: {v}\r\n"));
        }
    }
    head.push_str(&format!("Content-Length: {length}\r\n\r\n"));
    stream.write_all(head.as_bytes()).await.unwrap();
    let read = async {
        let mut received = Vec::new();
        let mut chunk = [0u8; 4096];
        loop {
            let n = stream.read(&mut chunk).await.unwrap_or(0);
            if n == 0 {
                break;
            }
            received.extend_from_slice(&chunk[..n]);
            let text = String::from_utf8_lossy(&received).to_string();
            if let Some((head, body)) = text.split_once("\r\n\r\n") {
                let length = head
                    .lines()
                    .find_map(|l| {
                        let (k, v) = l.split_once(':')?;
                        k.eq_ignore_ascii_case("content-length")
                            .then(|| v.trim().parse::<usize>().ok())?
                    })
                    .unwrap_or(0);
                if body.len() >= length {
                    break;
                }
            }
        }
        String::from_utf8_lossy(&received).to_string()
    };
    let text = tokio::time::timeout(wait, read).await.ok()?;
    let (head, body) = text.split_once("\r\n\r\n")?;
    let status = head.split(' ').nth(1)?.parse().ok()?;
    Some((status, body.to_string()))
}

/// `/v2/index.php?…` with `params` and the legacy API's common parameters, signed with
/// HmacSHA256 as `qcloudapi-sdk-python` signs a GET, with the keys `k`.
pub fn legacy_target(url: &str, k: &DialectKeys, params: &[(&str, &str)]) -> String {
    use providers::sign::tencent_legacy::{KeyStyle, SignatureMethod, StringToSign};
    let ts = now_secs().to_string();
    let mut all: Vec<(String, String)> = params
        .iter()
        .chain(&[
            ("Nonce", "4242"),
            ("Region", k.tencent.region.as_str()),
            ("SecretId", k.tencent.secret_id.as_str()),
            ("SignatureMethod", "HmacSHA256"),
            ("Timestamp", ts.as_str()),
        ])
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    let signature = StringToSign {
        method: "GET",
        host: url.trim_start_matches("http://"),
        path: "/v2/index.php",
        params: &all,
        key_style: KeyStyle::DotsForUnderscores,
    }
    .sign(SignatureMethod::HmacSha256, &k.tencent.secret_key);
    all.push(("Signature".into(), signature));
    let query: Vec<String> = all
        .iter()
        .map(|(k, v)| format!("{k}={}", providers::sign::encoding::quote(v)))
        .collect();
    format!("/v2/index.php?{}", query.join("&"))
}

/// A body just past the 1 MB limit, itself valid JSON.
pub fn oversized_body() -> Vec<u8> {
    let filler = "x".repeat(engine_http::MAX_BODY_BYTES);
    serde_json::to_vec(&serde_json::json!({ "filler": filler })).unwrap()
}
