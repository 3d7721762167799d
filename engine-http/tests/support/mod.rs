//! What the dialect tests share: an engine with demo data behind the dialects, in process
//! (requests through the router's `oneshot`, for what does not depend on a socket) or on a
//! loopback port (for the console's clients, deadlines and hostile peers); its keys; and raw
//! requests signed the way each cloud's clients sign them (for what the console's own clients
//! never send: malformed bodies, bad pagination, huge payloads).
#![allow(dead_code)] // each test file uses its own part

use axum::body::Body;
use axum::http::{Method, Request, header};
use engine::worker::WorkerOptions;
use engine::{Engine, EngineOptions, Workers, demo};
use engine_http::{DialectKeys, HuaweiKeys, NcpKeys, OpenWhiskKeys, TencentKeys, router};
use providers::client::{NcpClient, NcpConfig, OpenWhiskClient, OpenWhiskConfig, Transport};
use providers::sign::{Secret, huawei, ncp, tencent_tc3};
use serde_json::Value;
use std::future::Future;
use std::sync::Arc;
use tower::ServiceExt;

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

fn transport() -> Transport {
    Transport::new(Default::default()).unwrap()
}

/// The console's NCP client for the engine listening at `url`.
pub fn ncp_client(url: &str) -> NcpClient {
    NcpClient::new(
        transport(),
        NcpConfig {
            endpoint: url.into(),
            base_path: "/api/v2".into(),
            platform: None,
            access_key: "ncp-ak".into(),
            secret_key: Secret::new("ncp-sk"),
        },
    )
}

/// The console's OpenWhisk client for the engine listening at `url`.
pub fn ow_client(url: &str) -> OpenWhiskClient {
    OpenWhiskClient::new(
        transport(),
        OpenWhiskConfig {
            endpoint: url.into(),
            namespace: "_".into(),
            auth: Secret::new(OW_AUTH),
        },
    )
}

/// The engine's defaults, with this crate's worker binary for its worker processes.
pub fn engine_options() -> EngineOptions {
    EngineOptions {
        worker: WorkerOptions::for_program(env!("CARGO_BIN_EXE_engine-http-worker")),
        ..EngineOptions::default()
    }
}

/// The engine with demo data and its workers.
fn demo_engine() -> (Arc<Engine>, Workers) {
    let engine = Arc::new(Engine::in_memory(engine_options()).unwrap());
    demo::seed_if_empty(&engine).unwrap();
    let workers = Workers::start(engine.clone(), 2);
    (engine, workers)
}

/// The engine with demo data, its dialects served on a free loopback port; its URL.
pub async fn serve() -> String {
    serve_engine().await.0
}

/// As [`serve`], also handing back the engine and its workers (for async invocations).
pub async fn serve_engine() -> (String, Arc<Engine>, Workers) {
    let (engine, workers) = demo_engine();
    let app = router(engine.clone(), Arc::new(keys()));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    (url, engine, workers)
}

/// The dialects of an engine with demo data, called in process: no socket, no port.
#[derive(Clone)]
pub struct Dialects {
    router: axum::Router,
}

impl Dialects {
    /// The router itself, for requests a [`Raw`] cannot describe (the fuzz tests' arbitrary
    /// methods and targets, which may not even form a request).
    pub fn router(&self) -> axum::Router {
        self.router.clone()
    }
}

/// The engine's dialects in process (see [`Dialects`]).
pub fn dialects() -> Dialects {
    dialects_engine().0
}

/// As [`dialects`], also handing back the engine and its workers (for async invocations).
pub fn dialects_engine() -> (Dialects, Arc<Engine>, Workers) {
    let (engine, workers) = demo_engine();
    let router = router(engine.clone(), Arc::new(keys()));
    (Dialects { router }, engine, workers)
}

/// A raw request: exactly these headers (but `Host`, which the [`Target`] sets) and body.
pub struct Raw<'a> {
    pub method: &'a str,
    pub target: &'a str,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

/// Where a raw request goes: the dialects in process, or a listening engine's URL.
pub trait Target {
    /// `host[:port]` as the engine sees it: what `Host` says, and what signatures cover.
    fn host(&self) -> String;

    /// Sends `request`, with `Host` set from [`Target::host`].
    fn send(&self, request: Raw<'_>) -> impl Future<Output = Reply> + Send;
}

impl Target for Dialects {
    fn host(&self) -> String {
        "engine.test".into()
    }

    async fn send(&self, raw: Raw<'_>) -> Reply {
        let mut request = Request::builder()
            .method(Method::from_bytes(raw.method.as_bytes()).unwrap())
            .uri(raw.target)
            .header(header::HOST, self.host());
        for (k, v) in raw.headers {
            if !k.eq_ignore_ascii_case("host") {
                request = request.header(k, v);
            }
        }
        let response = self
            .router
            .clone()
            .oneshot(request.body(Body::from(raw.body)).unwrap())
            .await
            .expect("the router answers every request");
        let status = response.status().as_u16();
        let headers = response.headers().clone();
        let bytes = axum::body::to_bytes(response.into_body(), usize::MAX)
            .await
            .unwrap_or_default();
        Reply {
            status,
            headers,
            text: String::from_utf8_lossy(&bytes).into_owned(),
        }
    }
}

/// A listening engine's URL (`http://127.0.0.1:…`).
impl Target for str {
    fn host(&self) -> String {
        self.trim_start_matches("http://").to_string()
    }

    async fn send(&self, raw: Raw<'_>) -> Reply {
        let client = reqwest::Client::new();
        let mut request = client.request(
            reqwest::Method::from_bytes(raw.method.as_bytes()).unwrap(),
            format!("{self}{}", raw.target),
        );
        for (k, v) in raw.headers {
            if !k.eq_ignore_ascii_case("host") {
                request = request.header(k, v);
            }
        }
        let response = request
            .body(raw.body)
            .send()
            .await
            .expect("the engine answered");
        Reply {
            status: response.status().as_u16(),
            headers: response.headers().clone(),
            text: response.text().await.unwrap_or_default(),
        }
    }
}

/// As `str`, for a URL kept in a `String`.
impl Target for String {
    fn host(&self) -> String {
        self.as_str().host()
    }

    fn send(&self, raw: Raw<'_>) -> impl Future<Output = Reply> + Send {
        self.as_str().send(raw)
    }
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
pub async fn call(
    to: &(impl Target + ?Sized),
    sign: Sign,
    method: &str,
    target: &str,
    body: Vec<u8>,
) -> Reply {
    call_as(to, &keys(), sign, method, target, body).await
}

/// As [`call`], signed with `k` instead (an unknown access key, a wrong secret…).
pub async fn call_as(
    to: &(impl Target + ?Sized),
    k: &DialectKeys,
    sign: Sign,
    method: &str,
    target: &str,
    body: Vec<u8>,
) -> Reply {
    let headers = signed_headers(to, k, sign, method, target, &body);
    to.send(Raw {
        method,
        target,
        headers,
        body,
    })
    .await
}

/// The headers of `method target` with `body` signed as `sign` with `k` (`Content-Type`
/// included, `Host` too where it is signed).
pub fn signed_headers(
    to: &(impl Target + ?Sized),
    k: &DialectKeys,
    sign: Sign,
    method: &str,
    target: &str,
    body: &[u8],
) -> Vec<(String, String)> {
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
        Sign::Huawei => huawei_sign(&mut headers, &to.host(), k, method, target, body),
        Sign::Tc3(action) => {
            headers.extend(tc3_headers(&to.host(), k, action, method, target, body))
        }
    }
    headers
}

/// Adds FunctionGraph's `Host`, `X-Sdk-Date` and `Authorization` to `headers`.
fn huawei_sign(
    headers: &mut Vec<(String, String)>,
    host: &str,
    k: &DialectKeys,
    method: &str,
    target: &str,
    body: &[u8],
) {
    let (path, query) = target.split_once('?').unwrap_or((target, ""));
    headers.push(("Host".into(), host.into()));
    headers.push(("X-Sdk-Date".into(), huawei::sdk_date(now_secs())));
    let query_pairs = providers::sign::encoding::parse_form(query);
    let parts = huawei::RequestParts {
        method,
        path,
        query: &query_pairs,
        headers,
        body,
    };
    let authorization = huawei::sign(parts, &k.huawei.access_key, &k.huawei.secret_key).unwrap();
    headers.push(("Authorization".into(), authorization));
}

/// SCF API 3.0's TC3 headers for `action`.
fn tc3_headers(
    host: &str,
    k: &DialectKeys,
    action: &str,
    method: &str,
    target: &str,
    body: &[u8],
) -> [(String, String); 5] {
    let query = target.split_once('?').map_or("", |(_, q)| q);
    let canonical = tencent_tc3::CanonicalRequest::new(
        method,
        query,
        &[("content-type", "application/json"), ("host", host)],
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
    [
        ("Authorization".to_string(), authorization),
        ("X-TC-Action".into(), action.into()),
        ("X-TC-Version".into(), "2018-04-16".into()),
        ("X-TC-Region".into(), k.tencent.region.clone()),
        ("X-TC-Timestamp".into(), ts.to_string()),
    ]
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
pub fn legacy_target(
    to: &(impl Target + ?Sized),
    k: &DialectKeys,
    params: &[(&str, &str)],
) -> String {
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
        host: &to.host(),
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
