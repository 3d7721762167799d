//! Fuzzing each dialect's router: random methods, paths (built from each cloud's routes with
//! random segments), queries, headers and bodies, signed with the dialect's keys most of the
//! time (so requests get past the credentials into the handlers), through `oneshot`. Nothing
//! may panic, and every answer that is not a success is an error in that cloud's own shape:
//! NCP's `{"error": {errorCode, message}}`, OpenWhisk's `{"error", "code"}`, FunctionGraph's
//! `{error_code, error_msg}`, SCF API 3.0's `{"Response": {"Error", "RequestId"}}` (and its
//! legacy API's `{code, message, codeDesc}`).
//!
//! Bounded for `make test`; a long run: `PROPTEST_CASES=5000 cargo test -p engine-http --test
//! fuzz_dialects -- --nocapture` (docs/RELIABILITY.md).

#[path = "../../providers/tests/common/fuzz.rs"]
mod fuzz;
mod support;

use axum::body::Body;
use axum::http::{Method, Request};
use fuzz::{any_json, cases, edits, mutate, nasty_text};
use proptest::prelude::*;
use proptest::test_runner::{TestCaseError, TestRunner};
use providers::sign::encoding::{encode_form, quote};
use providers::wire::{huawei as hw, ncp as nw, openwhisk as ow, tencent as tw};
use serde_json::{Value, json};
use std::collections::BTreeMap;
use std::sync::Mutex;
use std::time::Duration;
use support::{Sign, Target, keys, signed_headers};
use tower::ServiceExt;

/// Which API a request is aimed at, and so which error shape it must get back.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Dialect {
    Ncp,
    OpenWhisk,
    Web,
    FunctionGraph,
    Scf,
    ScfLegacy,
}

impl Dialect {
    fn sign(self, action: &'static str) -> Sign {
        match self {
            Self::Ncp => Sign::Ncp,
            Self::OpenWhisk => Sign::OpenWhisk,
            Self::Web => Sign::None,
            Self::FunctionGraph => Sign::Huawei,
            Self::Scf => Sign::Tc3(action),
            Self::ScfLegacy => Sign::None,
        }
    }
}

/// One generated request.
#[derive(Debug, Clone)]
struct Case {
    dialect: Dialect,
    method: String,
    target: String,
    /// `None`: unsigned; `Some(true)`: signed as its dialect signs; `Some(false)`: signed as
    /// another dialect would.
    signed: Option<bool>,
    action: &'static str,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

/// A path segment: a name the demo data has (so handlers find things), or anything, encoded.
fn segment() -> impl Strategy<Value = String> {
    prop_oneof![
        8 => prop::sample::select(vec![
            "demo", "default", "-", "_", "guest", "hello", "greet", "hello-loud", "slow",
            "web-hello", "sequence", "nope", "logs", "result", "0123456789abcdef0123456789abcdef",
        ]).prop_map(str::to_string),
        2 => nasty_text().prop_map(|s| quote(&s)),
        1 => "[a-zA-Z0-9._~:@!$&'()*+,;=-]{0,12}",
    ]
}

fn query() -> impl Strategy<Value = String> {
    let key = prop_oneof![
        prop::sample::select(vec![
            "pageNo",
            "pageSize",
            "start",
            "end",
            "limit",
            "skip",
            "since",
            "upto",
            "name",
            "count",
            "docs",
            "blocking",
            "result",
            "timeout",
            "marker",
            "maxitems",
            "status",
            "platform",
            "overwrite",
            "Action",
            "Offset",
            "Limit",
            "functionName",
            "namespace",
            "startTime",
            "endTime",
            "order",
            "orderby",
            "SecretId",
            "Signature",
            "Timestamp",
            "request_id",
            "query_begin_time",
            "query_end_time",
        ])
        .prop_map(str::to_string),
        nasty_text(),
    ];
    prop_oneof![
        3 => prop::collection::vec((key, nasty_text()), 0..5)
            .prop_map(|pairs| encode_form(pairs.iter().map(|(k, v)| (k.as_str(), v.as_str())))),
        1 => "[a-zA-Z0-9=&%+._-]{0,20}",
    ]
}

fn ncp_path() -> impl Strategy<Value = String> {
    let base = prop::sample::select(vec!["/api/v2", "/ncf/api/v2"]);
    let tail = prop_oneof![
        Just("/packages".to_string()),
        segment().prop_map(|p| format!("/packages/{p}")),
        segment().prop_map(|p| format!("/packages/{p}/actions")),
        (segment(), segment()).prop_map(|(p, a)| format!("/packages/{p}/actions/{a}")),
        (segment(), segment()).prop_map(|(p, a)| format!("/packages/{p}/actions/{a}/activations")),
        (segment(), segment(), segment())
            .prop_map(|(p, a, i)| format!("/packages/{p}/actions/{a}/activations/{i}")),
        Just("/activations".to_string()),
        segment().prop_map(|i| format!("/activations/{i}")),
        (segment(), segment()).prop_map(|(p, a)| format!("/live/packages/{p}/actions/{a}")),
        segment().prop_map(|i| format!("/live/activations/{i}")),
        segment().prop_map(|x| format!("/{x}")),
    ];
    (base, tail).prop_map(|(b, t)| b.to_string() + &t)
}

fn openwhisk_path() -> impl Strategy<Value = String> {
    let ns = prop_oneof![Just("_".to_string()), Just("guest".to_string()), segment()];
    let tail = prop_oneof![
        Just("/actions".to_string()),
        segment().prop_map(|a| format!("/actions/{a}")),
        (segment(), segment()).prop_map(|(p, a)| format!("/actions/{p}/{a}")),
        Just("/packages".to_string()),
        segment().prop_map(|p| format!("/packages/{p}")),
        Just("/activations".to_string()),
        segment().prop_map(|i| format!("/activations/{i}")),
        (segment(), segment()).prop_map(|(i, part)| format!("/activations/{i}/{part}")),
        (segment(), segment()).prop_map(|(p, a)| format!("/live/actions/{p}/{a}")),
        segment().prop_map(|i| format!("/live/activations/{i}")),
        segment().prop_map(|x| format!("/{x}/{x}/{x}")),
    ];
    (ns, tail).prop_map(|(n, t)| format!("/api/v1/namespaces/{n}{t}"))
}

fn web_path() -> impl Strategy<Value = String> {
    let ext = prop::sample::select(vec!["", ".http", ".json", ".html", ".text", ".svg", ".zip"]);
    (segment(), segment(), segment(), ext)
        .prop_map(|(n, p, a, e)| format!("/api/v1/web/{n}/{p}/{a}{e}"))
}

fn functiongraph_path() -> impl Strategy<Value = String> {
    let urn = prop_oneof![
        (segment(), segment())
            .prop_map(|(p, f)| format!("urn:fss:local:p:function:{p}:{f}:latest")),
        segment(),
    ];
    let project = prop_oneof![3 => Just("p".to_string()), 1 => segment()];
    let tail = prop_oneof![
        Just("/functions".to_string()),
        urn.clone()
            .prop_map(|u| format!("/functions/{u}/invocations")),
        urn.clone()
            .prop_map(|u| format!("/functions/{u}/invocations-async")),
        urn.prop_map(|u| format!("/functions/{u}/async-invocations")),
        segment().prop_map(|x| format!("/{x}")),
    ];
    (project, tail).prop_map(|(p, t)| format!("/v2/{p}/fgs{t}"))
}

/// Valid bodies of each API, the starting points for mutation.
fn valid_bodies() -> Vec<Value> {
    vec![
        json!({"exec": {"kind": "nodejs:20", "code": "function main(p){return p}", "binary": false}, "limits": {"timeout": 1000, "memory": 128}}),
        json!({"exec": {"kind": "sequence", "components": ["/guest/demo/hello", "/guest/demo/hello-loud"]}}),
        json!({"description": "a package", "parameters": {"a": 1}}),
        json!({"parameters": [{"key": "a", "value": 1}], "annotations": [{"key": "web-export", "value": true}]}),
        json!({"name": "Kim", "place": "Seoul"}),
        json!({"FunctionName": "hello", "Namespace": "demo", "ClientContext": "{\"name\":\"Kim\"}", "InvocationType": "RequestResponse"}),
        json!({"FunctionName": "hello", "Namespace": "demo", "InvocationType": "Event"}),
        json!({"Namespace": "demo", "Offset": 0, "Limit": 20, "Order": "ASC", "Orderby": "FunctionName"}),
        json!({"FunctionName": "hello", "Namespace": "demo", "Offset": 0, "Limit": 10, "StartTime": "2026-12-01 00:00:00", "EndTime": "2026-12-02 00:00:00", "Filter": {"RetCode": "not0"}}),
    ]
}

fn body() -> impl Strategy<Value = Vec<u8>> {
    let bases = valid_bodies();
    prop_oneof![
        2 => Just(Vec::new()),
        4 => (0..bases.len(), edits()).prop_map(move |(i, e)| mutate(&bases[i], &e).to_string().into_bytes()),
        2 => any_json().prop_map(|v| v.to_string().into_bytes()),
        1 => prop::collection::vec(any::<u8>(), 0..64),
    ]
}

fn headers() -> impl Strategy<Value = Vec<(String, String)>> {
    let pair = prop_oneof![
        nasty_text().prop_map(|v| ("If-Match".to_string(), v)),
        Just(("If-Match".to_string(), "\"1\"".to_string())),
        prop::sample::select(vec![
            "text/plain",
            "application/x-www-form-urlencoded",
            "",
            "application/json; charset=utf-8"
        ])
        .prop_map(|v| ("Content-Type".to_string(), v.to_string())),
        nasty_text().prop_map(|v| ("X-TC-Version".to_string(), v)),
        nasty_text().prop_map(|v| ("X-TC-Region".to_string(), v)),
        nasty_text().prop_map(|v| ("X-Auth-Token".to_string(), v)),
        nasty_text().prop_map(|v| ("Accept".to_string(), v)),
        ("[a-zA-Z-]{1,12}", nasty_text()),
    ];
    prop::collection::vec(pair, 0..3)
}

fn case() -> impl Strategy<Value = Case> {
    let method = prop_oneof![
        8 => prop::sample::select(vec!["GET", "POST", "PUT", "DELETE"]).prop_map(str::to_string),
        2 => prop::sample::select(vec!["PATCH", "HEAD", "OPTIONS"]).prop_map(str::to_string),
        1 => "[A-Z]{1,8}",
    ];
    let path = prop_oneof![
        ncp_path().boxed().prop_map(|p| (Dialect::Ncp, p)),
        openwhisk_path()
            .boxed()
            .prop_map(|p| (Dialect::OpenWhisk, p)),
        web_path().boxed().prop_map(|p| (Dialect::Web, p)),
        functiongraph_path()
            .boxed()
            .prop_map(|p| (Dialect::FunctionGraph, p)),
        Just((Dialect::Scf, "/".to_string())),
        Just((Dialect::ScfLegacy, "/v2/index.php".to_string())),
    ];
    let signed = prop_oneof![6 => Just(Some(true)), 1 => Just(Some(false)), 1 => Just(None)];
    let action = prop::sample::select(vec![
        "ListFunctions",
        "Invoke",
        "GetFunctionLogs",
        "DeleteFunction",
        "",
    ]);
    (
        method.boxed(),
        path.boxed(),
        query().boxed(),
        signed,
        action,
        headers().boxed(),
        body().boxed(),
    )
        .prop_map(
            |(method, (dialect, path), query, signed, action, headers, body)| Case {
                dialect,
                target: if query.is_empty() {
                    path
                } else {
                    format!("{path}?{query}")
                },
                method,
                signed,
                action,
                headers,
                body,
            },
        )
}

/// What a case answered: status, content type, body (`None` when a stream did not end in
/// time, as the live feed never does).
struct Answer {
    status: u16,
    content_type: String,
    body: Option<Vec<u8>>,
}

async fn send(router: &axum::Router, dialects: &support::Dialects, case: &Case) -> Option<Answer> {
    let mut all = match case.signed {
        None => vec![],
        Some(own) => {
            let sign = if own {
                case.dialect.sign(case.action)
            } else {
                match case.dialect {
                    Dialect::Ncp => Sign::OpenWhisk,
                    _ => Sign::Ncp,
                }
            };
            signed_headers(
                dialects,
                &keys(),
                sign,
                &case.method,
                &case.target,
                &case.body,
            )
        }
    };
    all.extend(case.headers.iter().cloned());
    let mut request = Request::builder()
        .method(Method::from_bytes(case.method.as_bytes()).ok()?)
        .uri(&case.target)
        .header("host", dialects.host());
    for (name, value) in &all {
        if !name.eq_ignore_ascii_case("host") {
            request = request.header(name, value);
        }
    }
    // A name or value that is no header, or a target that is no URI, never reaches the
    // router (hyper refuses it first): nothing to test here.
    let request = request.body(Body::from(case.body.clone())).ok()?;
    let response = tokio::time::timeout(Duration::from_secs(90), router.clone().oneshot(request))
        .await
        .expect("the router answers within 90 s")
        .expect("the router's error type is Infallible");
    let status = response.status().as_u16();
    let content_type = response
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_string();
    let body = tokio::time::timeout(
        Duration::from_secs(3),
        axum::body::to_bytes(response.into_body(), 64 * 1024 * 1024),
    )
    .await
    .ok()
    .map(|read| read.expect("a dialect's body is readable").to_vec());
    Some(Answer {
        status,
        content_type,
        body,
    })
}

/// Whether `answer` is a success or an error in `dialect`'s shape; why not, when not.
fn well_formed(case: &Case, answer: &Answer) -> Result<(), String> {
    let success = (200..300).contains(&answer.status);
    let Some(body) = &answer.body else {
        // Only a success may stream on (the live extension's feed).
        return if success && answer.content_type.starts_with("application/x-ndjson") {
            Ok(())
        } else {
            Err(format!("{} whose body did not end", answer.status))
        };
    };
    if case.method == "HEAD" {
        return Ok(()); // no body, by HTTP's rules
    }
    let json: Result<Value, _> = serde_json::from_slice(body);
    let text = String::from_utf8_lossy(body);
    if answer.content_type.starts_with("application/json") && json.is_err() {
        return Err(format!("{} says JSON but is not: {text:?}", answer.status));
    }
    let shaped = |ok: bool, shape: &str| {
        if ok {
            Ok(())
        } else {
            Err(format!("{} is not {shape}: {text:?}", answer.status))
        }
    };
    match case.dialect {
        Dialect::Scf => {
            let value = json.map_err(|_| format!("{} is not JSON: {text:?}", answer.status))?;
            let response = &value["Response"];
            if answer.status != 200 {
                return Err(format!(
                    "SCF answers 200 with an error inside, not {}",
                    answer.status
                ));
            }
            if response.get("Error").is_some() {
                shaped(
                    serde_json::from_value::<tw::ErrorResponse>(response.clone()).is_ok(),
                    "SCF's Response.Error",
                )
            } else {
                shaped(
                    response["RequestId"].is_string(),
                    "SCF's Response with a RequestId",
                )
            }
        }
        Dialect::ScfLegacy => {
            let value = json.map_err(|_| format!("{} is not JSON: {text:?}", answer.status))?;
            shaped(
                serde_json::from_value::<tw::LegacyLogsResponse>(value).is_ok(),
                "the legacy API's {code, message, codeDesc}",
            )
        }
        _ if success => Ok(()),
        Dialect::Ncp => shaped(
            json.is_ok_and(|v| serde_json::from_value::<nw::ErrorBody>(v).is_ok()),
            "NCP's error",
        ),
        Dialect::OpenWhisk | Dialect::Web => shaped(
            json.is_ok_and(|v| serde_json::from_value::<ow::ErrorBody>(v).is_ok()),
            "OpenWhisk's error",
        ),
        Dialect::FunctionGraph => shaped(
            json.is_ok_and(|v| serde_json::from_value::<hw::ErrorBody>(v).is_ok()),
            "FunctionGraph's error",
        ),
    }
}

#[test]
fn every_dialect_answers_random_requests_in_its_own_shape() {
    // The strategy's nested combinators are deep in a debug build: a thread with room.
    std::thread::Builder::new()
        .stack_size(64 * 1024 * 1024)
        .spawn(fuzz_the_dialects)
        .unwrap()
        .join()
        .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
}

fn fuzz_the_dialects() {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let (dialects, _engine, _workers) = support::dialects_engine();
    let router = dialects.router();
    // What came back, per dialect and status, for the report (`--nocapture`).
    let seen: Mutex<BTreeMap<(Dialect, u16), u32>> = Mutex::default();
    let mut runner = TestRunner::new(cases(400));
    let outcome = runner.run(&case(), |case| {
        let Some(answer) = runtime.block_on(send(&router, &dialects, &case)) else {
            return Ok(());
        };
        *seen
            .lock()
            .unwrap()
            .entry((case.dialect, answer.status))
            .or_default() += 1;
        well_formed(&case, &answer).map_err(|why| {
            TestCaseError::fail(format!(
                "{} {} ({:?}): {why}",
                case.method, case.target, case.dialect
            ))
        })
    });
    eprintln!("answers by dialect and status: {:?}", seen.lock().unwrap());
    if let Err(failure) = outcome {
        panic!("{failure}");
    }
}

/// What the fuzzer found, kept as plain tests so they stay fixed.
mod found {
    use super::*;

    /// `PUT /` (any method but POST) was axum's bare 405 with an empty body; SCF clients
    /// read every answer as `{"Response": …}`.
    #[tokio::test]
    async fn scf_answers_a_method_it_does_not_serve_in_its_envelope() {
        let dialects = support::dialects();
        for method in ["GET", "PUT", "DELETE", "PATCH"] {
            let reply = support::call(
                &dialects,
                Sign::Tc3("ListFunctions"),
                method,
                "/",
                b"{}".to_vec(),
            )
            .await;
            assert_eq!(reply.status, 200, "{method}: {}", reply.text);
            let body = reply.json();
            assert_eq!(
                body["Response"]["Error"]["Code"], "UnsupportedProtocol",
                "{method}: {body}"
            );
            assert!(body["Response"]["RequestId"].is_string(), "{body}");
        }
    }
}

mod found_paths {
    use super::*;

    /// Paths no route matched (a web action's address without the action, a dialect's base
    /// alone) were axum's bare 404 with an empty body.
    #[tokio::test]
    async fn a_path_no_route_matches_is_a_404_in_the_shape_its_prefix_names() {
        let dialects = support::dialects();
        let cases: [(&str, &str); 6] = [
            ("/api/v1/web/demo/demo/", "/error"),
            ("/api/v1/web/guest", "/error"),
            ("/api/v1", "/error"),
            ("/api/v2", "/error/errorCode"),
            ("/ncf/api/v2/", "/error/errorCode"),
            ("/v2/p", "/error_code"),
        ];
        for (target, code_at) in cases {
            let reply = support::call(&dialects, Sign::None, "GET", target, Vec::new()).await;
            assert_eq!(reply.status, 404, "{target}: {}", reply.text);
            assert!(
                reply.json().pointer(code_at).is_some_and(Value::is_string),
                "{target}: {}",
                reply.text
            );
        }
    }
}
