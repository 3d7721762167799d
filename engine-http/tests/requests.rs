//! Raw requests against every dialect: the bad ones each cloud refuses (malformed JSON, wrong
//! types, missing fields, a body past 1 MB, unknown actions, bad pagination) come back with
//! that cloud's status and code; and the capabilities the console's clients do not cover
//! yet (packages, web actions, FunctionGraph's IAM token) work. Through the router in
//! process, but where the socket is the point (a body that never comes).

mod support;

use serde_json::{Value, json};
use std::time::Duration;
use support::{Sign, Target, call, call_as, dialects, oversized_body};

/// What a refused request sends as its body.
#[derive(Debug, Clone, Copy)]
enum Body {
    /// These bytes.
    Text(&'static str),
    /// Valid JSON just past the 1 MB limit.
    Oversized,
}

impl Body {
    fn bytes(self) -> Vec<u8> {
        match self {
            Self::Text(text) => text.into(),
            Self::Oversized => oversized_body(),
        }
    }
}

/// One row of a refusal table: what was sent and what must come back.
#[derive(Debug, Clone, Copy)]
struct Refusal {
    what: &'static str,
    sign: Sign,
    method: &'static str,
    target: &'static str,
    body: Body,
    status: u16,
    /// The error code, found where the table says (`code_at`).
    code: &'static str,
}

/// Sends every row and fails with all the rows that did not come back as expected.
async fn check(to: &impl Target, code_at: &str, cases: &[Refusal]) {
    let mut failures = Vec::new();
    for c in cases {
        let reply = call(to, c.sign, c.method, c.target, c.body.bytes()).await;
        let body: Value = serde_json::from_str(&reply.text).unwrap_or(Value::Null);
        let code = body.pointer(code_at).cloned().unwrap_or(Value::Null);
        if reply.status != c.status || code != json!(c.code) {
            failures.push(format!(
                "{}: expected {} with {code_at} = {}, got {} {}",
                c.what, c.status, c.code, reply.status, reply.text
            ));
        }
    }
    assert!(failures.is_empty(), "\n{}", failures.join("\n"));
}

const PUT_OK: &str = r#"{"exec":{"kind":"nodejs:20","code":"function main(p){return p}","binary":false},"limits":{"timeout":1000,"memory":128}}"#;

/// What NCP refuses, with its `errorCode`.
const NCP_REFUSALS: &[Refusal] = &[
    Refusal {
        what: "malformed JSON",
        sign: Sign::Ncp,
        method: "PUT",
        target: "/api/v2/packages/demo/actions/bad",
        body: Body::Text("{not json"),
        status: 400,
        code: "80305",
    },
    Refusal {
        what: "wrong type (timeout as text)",
        sign: Sign::Ncp,
        method: "PUT",
        target: "/api/v2/packages/demo/actions/bad",
        body: Body::Text(
            r#"{"exec":{"kind":"nodejs:20","code":"x"},"limits":{"timeout":"soon","memory":128}}"#,
        ),
        status: 400,
        code: "80305",
    },
    Refusal {
        what: "missing exec",
        sign: Sign::Ncp,
        method: "PUT",
        target: "/api/v2/packages/demo/actions/bad",
        body: Body::Text(r#"{"limits":{"timeout":1000,"memory":128}}"#),
        status: 400,
        code: "80306",
    },
    Refusal {
        what: "memory not allowed",
        sign: Sign::Ncp,
        method: "PUT",
        target: "/api/v2/packages/demo/actions/bad",
        body: Body::Text(
            r#"{"exec":{"kind":"nodejs:20","code":"x"},"limits":{"timeout":1000,"memory":100}}"#,
        ),
        status: 400,
        code: "80307",
    },
    Refusal {
        what: "oversized body",
        sign: Sign::Ncp,
        method: "PUT",
        target: "/api/v2/packages/demo/actions/bad",
        body: Body::Oversized,
        status: 413,
        code: "413",
    },
    Refusal {
        what: "parameters not an object",
        sign: Sign::Ncp,
        method: "POST",
        target: "/api/v2/packages/demo/actions/hello",
        body: Body::Text("[1,2]"),
        status: 400,
        code: "80305",
    },
    Refusal {
        what: "unknown action",
        sign: Sign::Ncp,
        method: "POST",
        target: "/api/v2/packages/demo/actions/nope",
        body: Body::Text("{}"),
        status: 404,
        code: "80301",
    },
    Refusal {
        what: "timeout past 60,000",
        sign: Sign::Ncp,
        method: "POST",
        target: "/api/v2/packages/demo/actions/hello?timeout=60001",
        body: Body::Text("{}"),
        status: 400,
        code: "80307",
    },
    Refusal {
        what: "pageNo 0",
        sign: Sign::Ncp,
        method: "GET",
        target: "/api/v2/packages/demo/actions/hello/activations?pageNo=0",
        body: Body::Text(""),
        status: 400,
        code: "80307",
    },
    Refusal {
        what: "pageSize not a number",
        sign: Sign::Ncp,
        method: "GET",
        target: "/api/v2/packages/demo/actions/hello/activations?pageSize=many",
        body: Body::Text(""),
        status: 400,
        code: "80307",
    },
    Refusal {
        what: "start not epoch ms",
        sign: Sign::Ncp,
        method: "GET",
        target: "/ncf/api/v2/packages/demo/actions/hello/activations?start=yesterday",
        body: Body::Text(""),
        status: 400,
        code: "80307",
    },
    Refusal {
        what: "unknown platform",
        sign: Sign::Ncp,
        method: "GET",
        target: "/api/v2/packages?platform=mainframe",
        body: Body::Text(""),
        status: 400,
        code: "80307",
    },
    Refusal {
        what: "unsigned",
        sign: Sign::None,
        method: "GET",
        target: "/api/v2/packages",
        body: Body::Text(""),
        status: 401,
        code: "200",
    },
];

/// What FunctionGraph refuses, with its `error_code`.
const FUNCTIONGRAPH_REFUSALS: &[Refusal] = &[
    Refusal {
        what: "malformed JSON",
        sign: Sign::Huawei,
        method: "POST",
        target: "/v2/p/fgs/functions/urn:fss:local:p:function:demo:hello:latest/invocations",
        body: Body::Text("{nope"),
        status: 400,
        code: "FSS.0400",
    },
    Refusal {
        what: "body not an object",
        sign: Sign::Huawei,
        method: "POST",
        target: "/v2/p/fgs/functions/urn:fss:local:p:function:demo:hello:latest/invocations",
        body: Body::Text("\"hi\""),
        status: 400,
        code: "FSS.0400",
    },
    Refusal {
        what: "oversized body",
        sign: Sign::Huawei,
        method: "POST",
        target: "/v2/p/fgs/functions/urn:fss:local:p:function:demo:hello:latest/invocations",
        body: Body::Oversized,
        status: 413,
        code: "FSS.0400",
    },
    Refusal {
        what: "unknown function",
        sign: Sign::Huawei,
        method: "POST",
        target: "/v2/p/fgs/functions/urn:fss:local:p:function:demo:nope:latest/invocations",
        body: Body::Text("{}"),
        status: 404,
        code: "FSS.0404",
    },
    Refusal {
        what: "limit 0",
        sign: Sign::Huawei,
        method: "GET",
        target: "/v2/p/fgs/functions/urn:fss:local:p:function:demo:hello:latest/async-invocations?limit=0",
        body: Body::Text(""),
        status: 400,
        code: "FSS.0400",
    },
    Refusal {
        what: "limit 501",
        sign: Sign::Huawei,
        method: "GET",
        target: "/v2/p/fgs/functions/urn:fss:local:p:function:demo:hello:latest/async-invocations?limit=501",
        body: Body::Text(""),
        status: 400,
        code: "FSS.0400",
    },
    Refusal {
        what: "marker not a number",
        sign: Sign::Huawei,
        method: "GET",
        target: "/v2/p/fgs/functions/urn:fss:local:p:function:demo:hello:latest/async-invocations?marker=x",
        body: Body::Text(""),
        status: 400,
        code: "FSS.0400",
    },
    Refusal {
        what: "unknown status",
        sign: Sign::Huawei,
        method: "GET",
        target: "/v2/p/fgs/functions/urn:fss:local:p:function:demo:hello:latest/async-invocations?status=DONE",
        body: Body::Text(""),
        status: 400,
        code: "FSS.0400",
    },
    Refusal {
        what: "bad time",
        sign: Sign::Huawei,
        method: "GET",
        target: "/v2/p/fgs/functions/urn:fss:local:p:function:demo:hello:latest/async-invocations?query_begin_time=noon",
        body: Body::Text(""),
        status: 400,
        code: "FSS.0400",
    },
    Refusal {
        what: "maxitems 0",
        sign: Sign::Huawei,
        method: "GET",
        target: "/v2/p/fgs/functions?maxitems=0",
        body: Body::Text(""),
        status: 400,
        code: "FSS.0400",
    },
    Refusal {
        what: "unsigned",
        sign: Sign::None,
        method: "GET",
        target: "/v2/p/fgs/functions",
        body: Body::Text(""),
        status: 403,
        code: "FSS.0403",
    },
];

/// What SCF API 3.0 refuses: every error a 200 with `Response.Error`.
const SCF_REFUSALS: &[Refusal] = &[
    Refusal {
        what: "malformed JSON",
        sign: Sign::Tc3("ListFunctions"),
        method: "POST",
        target: "/",
        body: Body::Text("{x"),
        status: 200,
        code: "InvalidParameter",
    },
    Refusal {
        what: "missing FunctionName",
        sign: Sign::Tc3("Invoke"),
        method: "POST",
        target: "/",
        body: Body::Text("{}"),
        status: 200,
        code: "MissingParameter",
    },
    Refusal {
        what: "unknown function",
        sign: Sign::Tc3("Invoke"),
        method: "POST",
        target: "/",
        body: Body::Text(r#"{"FunctionName":"nope","Namespace":"demo"}"#),
        status: 200,
        code: "ResourceNotFound.Function",
    },
    Refusal {
        what: "ClientContext not an object",
        sign: Sign::Tc3("Invoke"),
        method: "POST",
        target: "/",
        body: Body::Text(r#"{"FunctionName":"hello","Namespace":"demo","ClientContext":"[1]"}"#),
        status: 200,
        code: "InvalidParameterValue",
    },
    Refusal {
        what: "Limit not a number",
        sign: Sign::Tc3("ListFunctions"),
        method: "POST",
        target: "/",
        body: Body::Text(r#"{"Limit":"ten"}"#),
        status: 200,
        code: "InvalidParameterValue",
    },
    Refusal {
        what: "Offset + Limit past 10,000",
        sign: Sign::Tc3("GetFunctionLogs"),
        method: "POST",
        target: "/",
        body: Body::Text(r#"{"FunctionName":"hello","Namespace":"demo","Offset":9990,"Limit":20}"#),
        status: 200,
        code: "InvalidParameterValue",
    },
    Refusal {
        what: "bad OrderBy",
        sign: Sign::Tc3("GetFunctionLogs"),
        method: "POST",
        target: "/",
        body: Body::Text(r#"{"OrderBy":"colour"}"#),
        status: 200,
        code: "InvalidParameterValue",
    },
    Refusal {
        what: "oversized body",
        sign: Sign::Tc3("ListFunctions"),
        method: "POST",
        target: "/",
        body: Body::Oversized,
        status: 200,
        code: "RequestSizeLimitExceeded",
    },
    Refusal {
        what: "unknown action",
        sign: Sign::Tc3("DeleteEverything"),
        method: "POST",
        target: "/",
        body: Body::Text("{}"),
        status: 200,
        code: "InvalidAction",
    },
    Refusal {
        what: "unsigned",
        sign: Sign::None,
        method: "POST",
        target: "/",
        body: Body::Text("{}"),
        status: 200,
        code: "AuthFailure.SignatureFailure",
    },
];

#[tokio::test(flavor = "multi_thread")]
async fn ncp_refuses_bad_requests_with_its_codes() {
    let to = dialects();
    check(&to, "/error/errorCode", NCP_REFUSALS).await;
    // Nothing refused was stored.
    let reply = call(&to, Sign::Ncp, "GET", NCP_REFUSALS[0].target, vec![]).await;
    assert_eq!(reply.status, 404, "{}", reply.text);
}

/// A request OpenWhisk must refuse as malformed.
#[derive(Debug, Clone, Copy)]
struct Malformed {
    what: &'static str,
    method: &'static str,
    target: &'static str,
    body: &'static str,
}

/// What OpenWhisk refuses as malformed (400).
const OPENWHISK_MALFORMED: &[Malformed] = &[
    Malformed {
        what: "malformed JSON",
        method: "PUT",
        target: "/api/v1/namespaces/_/actions/bad",
        body: "{not json",
    },
    Malformed {
        what: "wrong type (exec a number)",
        method: "PUT",
        target: "/api/v1/namespaces/_/actions/bad",
        body: r#"{"exec":5}"#,
    },
    Malformed {
        what: "body not an object",
        method: "PUT",
        target: "/api/v1/namespaces/_/actions/bad",
        body: "[]",
    },
    Malformed {
        what: "parameters not an object",
        method: "POST",
        target: "/api/v1/namespaces/_/actions/demo/hello",
        body: "7",
    },
    Malformed {
        what: "limit past 200",
        method: "GET",
        target: "/api/v1/namespaces/_/activations?limit=500",
        body: "",
    },
    Malformed {
        what: "limit not a number",
        method: "GET",
        target: "/api/v1/namespaces/_/activations?limit=lots",
        body: "",
    },
    Malformed {
        what: "skip negative",
        method: "GET",
        target: "/api/v1/namespaces/_/actions?skip=-1",
        body: "",
    },
    Malformed {
        what: "since not epoch ms",
        method: "GET",
        target: "/api/v1/namespaces/_/activations?since=today",
        body: "",
    },
    Malformed {
        what: "timeout past 60,000",
        method: "POST",
        target: "/api/v1/namespaces/_/actions/demo/hello?blocking=true&timeout=90000",
        body: "{}",
    },
];

#[tokio::test(flavor = "multi_thread")]
async fn openwhisk_refuses_bad_requests_with_its_statuses() {
    let to = dialects();
    // OpenWhisk's error codes are transaction ids: check status and the message instead.
    for c in OPENWHISK_MALFORMED {
        let reply = call(&to, Sign::OpenWhisk, c.method, c.target, c.body.into()).await;
        assert_eq!(reply.status, 400, "{}: {}", c.what, reply.text);
        let message = reply.json()["error"].as_str().unwrap_or("").to_string();
        assert!(
            message.starts_with("The request content was malformed:")
                && reply.json()["code"].is_string(),
            "{}: {}",
            c.what,
            reply.text
        );
    }
    let put = OPENWHISK_MALFORMED[0].target;
    let reply = call(&to, Sign::OpenWhisk, "PUT", put, oversized_body()).await;
    assert_eq!(reply.status, 413, "{}", reply.text);
    assert!(
        reply.json()["error"]
            .as_str()
            .unwrap()
            .contains("too large")
    );
    for target in [
        "/api/v1/namespaces/_/actions/nope",
        "/api/v1/namespaces/_/activations/0123456789abcdef0123456789abcdef",
        "/api/v1/namespaces/other/actions",
    ] {
        let reply = call(&to, Sign::OpenWhisk, "GET", target, vec![]).await;
        assert_eq!(reply.status, 404, "{target}: {}", reply.text);
        assert_eq!(
            reply.json()["error"],
            "The requested resource does not exist."
        );
    }
    let reply = call(
        &to,
        Sign::None,
        "GET",
        "/api/v1/namespaces/_/actions",
        vec![],
    )
    .await;
    assert_eq!(reply.status, 401);
}

#[tokio::test(flavor = "multi_thread")]
async fn functiongraph_refuses_bad_requests_with_fss_codes() {
    check(&dialects(), "/error_code", FUNCTIONGRAPH_REFUSALS).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn scf_refuses_bad_requests_with_its_error_codes() {
    check(&dialects(), "/Response/Error/Code", SCF_REFUSALS).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn packages_are_listed_read_written_and_deleted_on_ncp_and_openwhisk() {
    let to = dialects();
    ncp_packages(&to).await;
    openwhisk_packages(&to).await;
}

/// The status of `method target` with `body`, signed as `sign`.
async fn status(to: &impl Target, sign: Sign, method: &str, target: &str, body: &[u8]) -> u16 {
    call(to, sign, method, target, body.to_vec()).await.status
}

/// NCP: put with defaults, read back with its actions, refuse deleting it while it holds one.
async fn ncp_packages(to: &impl Target) {
    let tools = "/ncf/api/v2/packages/tools";
    let body = br#"{"description":"handy","parameters":{"unit":"ms"}}"#;
    let reply = call(to, Sign::Ncp, "PUT", tools, body.to_vec()).await;
    assert_eq!(reply.status, 200, "{}", reply.text);
    assert_eq!(reply.json()["content"]["parameters"], json!({"unit": "ms"}));
    let tick = "/ncf/api/v2/packages/tools/actions/tick";
    let put = call(to, Sign::Ncp, "PUT", tick, PUT_OK.into()).await;
    assert_eq!(put.status, 200, "{}", put.text);
    let got = call(to, Sign::Ncp, "GET", tools, vec![]).await.json();
    assert_eq!(
        (
            &got["content"]["description"],
            &got["content"]["actions"],
            &got["content"]["platform"]
        ),
        (&json!("handy"), &json!(["tick"]), &json!("vpc"))
    );
    let refused = call(to, Sign::Ncp, "DELETE", tools, vec![]).await;
    assert_eq!(
        (refused.status, &refused.json()["error"]["errorCode"]),
        (409, &json!("80109"))
    );
    call(to, Sign::Ncp, "DELETE", tick, vec![]).await;
    let deleted = call(to, Sign::Ncp, "DELETE", tools, vec![]).await;
    assert_eq!(deleted.status, 204, "{}", deleted.text);
    let gone = call(to, Sign::Ncp, "GET", tools, vec![]).await;
    assert_eq!(
        (gone.status, &gone.json()["error"]["errorCode"]),
        (404, &json!("80101"))
    );
}

/// OpenWhisk: 409 without overwrite, listing, delete refused while not empty.
async fn openwhisk_packages(to: &impl Target) {
    let ow = "/api/v1/namespaces/_/packages/kit";
    let body = br#"{"parameters":[{"key":"unit","value":"s"}],"annotations":[{"key":"description","value":"a kit"}]}"#;
    assert_eq!(status(to, Sign::OpenWhisk, "PUT", ow, body).await, 200);
    assert_eq!(status(to, Sign::OpenWhisk, "PUT", ow, body).await, 409);
    let overwrite = format!("{ow}?overwrite=true");
    let again = call(to, Sign::OpenWhisk, "PUT", &overwrite, body.to_vec()).await;
    assert_eq!(again.status, 200, "{}", again.text);
    let list = call(
        to,
        Sign::OpenWhisk,
        "GET",
        "/api/v1/namespaces/_/packages",
        vec![],
    )
    .await
    .json();
    let names: Vec<&str> = list
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|p| p["name"].as_str())
        .collect();
    assert_eq!(names, ["demo", "kit"]);
    let action =
        br#"{"exec":{"kind":"nodejs:default","code":"function main(p){return {unit: p.unit}}"}}"#;
    let unit = "/api/v1/namespaces/_/actions/kit/unit";
    assert_eq!(status(to, Sign::OpenWhisk, "PUT", unit, action).await, 200);
    let run = format!("{unit}?blocking=true&result=true");
    let ran = call(to, Sign::OpenWhisk, "POST", &run, b"{}".to_vec()).await;
    assert_eq!(
        ran.json(),
        json!({"unit": "s"}),
        "the package's parameter reaches its action"
    );
    let got = call(to, Sign::OpenWhisk, "GET", ow, vec![]).await.json();
    assert_eq!(got["actions"][0]["name"], "unit");
    assert_eq!(got["parameters"], json!([{"key": "unit", "value": "s"}]));
    assert_eq!(status(to, Sign::OpenWhisk, "DELETE", ow, b"").await, 409);
    call(to, Sign::OpenWhisk, "DELETE", unit, vec![]).await;
    assert_eq!(status(to, Sign::OpenWhisk, "DELETE", ow, b"").await, 200);
    assert_eq!(status(to, Sign::OpenWhisk, "GET", ow, b"").await, 404);
}

#[tokio::test(flavor = "multi_thread")]
async fn web_actions_answer_without_credentials_under_api_v1_web() {
    let to = dialects();
    let web = "/api/v1/web/guest/demo/web-hello";
    // Unsigned: anyone may call a web action.
    let get = |query: &str| {
        let (to, target) = (&to, format!("{web}{query}"));
        async move { call(to, Sign::None, "GET", &target, vec![]).await }
    };
    let reply = get("?name=Ada").await;
    assert_eq!(reply.status, 200, "{}", reply.text);
    assert!(reply.text.contains("Ada"), "{}", reply.text);
    // Anyone may call it: what they send comes back escaped, not as markup.
    let xss = get("?name=%3Cscript%3Ealert(1)%3C%2Fscript%3E").await;
    assert_eq!(
        (xss.status, xss.text.as_str()),
        (
            200,
            "<h1>Hello, &lt;script&gt;alert(1)&lt;/script&gt;</h1><p>Method: get</p>"
        )
    );
    let json = call(
        &to,
        Sign::None,
        "POST",
        "/api/v1/web/guest/demo/web-hello.json",
        br#"{"name":"Lin"}"#.to_vec(),
    )
    .await;
    assert_eq!(json.status, 200, "{}", json.text);
    assert!(json.text.contains("Lin"), "{}", json.text);
    let bad_ext = get(".exe").await;
    assert_eq!(bad_ext.status, 406, "{}", bad_ext.text);
    // An action that is not a web action, or another namespace, is not found.
    for target in [
        "/api/v1/web/guest/demo/hello",
        "/api/v1/web/other/demo/web-hello",
    ] {
        let reply = call(&to, Sign::None, "GET", target, vec![]).await;
        assert_eq!(reply.status, 404, "{target}: {}", reply.text);
    }
    let reserved = get("?__ow_method=put").await;
    assert_eq!(reserved.status, 400, "{}", reserved.text);
}

#[tokio::test(flavor = "multi_thread")]
async fn functiongraph_accepts_the_configured_iam_token_instead_of_a_signature() {
    let to = dialects();
    let list = |token: &str| {
        let headers = vec![("X-Auth-Token".to_string(), token.to_string())];
        to.send(support::Raw {
            method: "GET",
            target: "/v2/p/fgs/functions",
            headers,
            body: vec![],
        })
    };
    let ok = list("hw-iam-token").await;
    assert_eq!(ok.status, 200);
    let body = ok.json();
    assert!(
        body["functions"].as_array().is_some_and(|f| !f.is_empty()),
        "{body}"
    );
    for token in ["someone-elses-token", ""] {
        let refused = list(token).await;
        assert_eq!(refused.status, 403, "{token:?}");
        assert_eq!(refused.json()["error_code"], "FSS.0403");
    }
}

/// The overflow values of issue #9 (and their neighbours) in every paging parameter: each
/// cloud refuses them with its own 4xx error, never a 500, a dropped connection or a hang.
#[tokio::test(flavor = "multi_thread")]
async fn paging_numbers_past_each_clouds_range_are_refused_in_its_shape() {
    let (to, engine, workers) = support::dialects_engine();
    // Something to page over: an activation and an asynchronous record.
    engine
        .invoke(Some("demo"), "hello", Default::default(), "guest", None)
        .unwrap();
    let queued = call(
        &to,
        Sign::Huawei,
        "POST",
        "/v2/p/fgs/functions/urn:fss:local:p:function:demo:hello:latest/invocations-async",
        b"{}".to_vec(),
    )
    .await;
    assert_eq!(queued.status, 202, "{}", queued.text);
    ncp_paging_overflows(&to).await;
    functiongraph_paging_overflows(&to).await;
    scf_paging_overflows(&to).await;
    legacy_paging_overflows(&to).await;
    openwhisk_paging_overflows(&to).await;
    last_pages_in_range_are_served(&to).await;
    workers.stop();
}

/// FunctionGraph's asynchronous records of `demo/hello`.
const ASYNC_RECORDS: &str =
    "/v2/p/fgs/functions/urn:fss:local:p:function:demo:hello:latest/async-invocations";

/// A target made at run time, kept for the rest of the test (a table row holds `&'static`).
fn leak(s: String) -> &'static str {
    Box::leak(s.into_boxed_str())
}

async fn ncp_paging_overflows(to: &impl Target) {
    let ncp = |what, query: &str| Refusal {
        what,
        sign: Sign::Ncp,
        method: "GET",
        target: leak(format!(
            "/api/v2/packages/demo/actions/hello/activations?{query}"
        )),
        body: Body::Text(""),
        status: 400,
        code: "80307",
    };
    check(
        to,
        "/error/errorCode",
        &[
            ncp("pageNo 2^64-1", "pageNo=18446744073709551615"),
            ncp(
                "pageNo 2^63-1 with pageSize 200",
                "pageNo=9223372036854775807&pageSize=200",
            ),
            ncp("pageNo past a 32-bit Integer", "pageNo=2147483648"),
            ncp("pageNo negative", "pageNo=-1"),
            ncp("pageSize 2^64-1", "pageSize=18446744073709551615"),
            ncp("pageSize 201", "pageSize=201"),
            ncp("pageSize negative", "pageSize=-1"),
            Refusal {
                target: "/api/v2/activations?pageNo=18446744073709551615&pageSize=18446744073709551615",
                ..ncp("all activations, both 2^64-1", "")
            },
        ],
    )
    .await;
}

async fn functiongraph_paging_overflows(to: &impl Target) {
    let fss = |what, target: String| Refusal {
        what,
        sign: Sign::Huawei,
        method: "GET",
        target: leak(target),
        body: Body::Text(""),
        status: 400,
        code: "FSS.0400",
    };
    let records = |query: &str| format!("{ASYNC_RECORDS}?{query}");
    check(
        to,
        "/error_code",
        &[
            fss(
                "async marker 2^64-1",
                records("marker=18446744073709551615"),
            ),
            fss("async marker 2^63-1", records("marker=9223372036854775807")),
            fss(
                "async marker past a 32-bit Integer",
                records("marker=2147483648"),
            ),
            fss("async marker negative", records("marker=-1")),
            fss("async limit 2^64-1", records("limit=18446744073709551615")),
            fss(
                "functions marker 2^64-1",
                "/v2/p/fgs/functions?marker=18446744073709551615".into(),
            ),
            fss(
                "functions maxitems 2^64-1",
                "/v2/p/fgs/functions?maxitems=18446744073709551615".into(),
            ),
        ],
    )
    .await;
}

async fn scf_paging_overflows(to: &impl Target) {
    let scf = |what, action, body| Refusal {
        what,
        sign: Sign::Tc3(action),
        method: "POST",
        target: "/",
        body: Body::Text(body),
        status: 200,
        code: "InvalidParameterValue",
    };
    check(
        to,
        "/Response/Error/Code",
        &[
            scf(
                "Limit 2^64-1 (Offset + Limit wraps)",
                "GetFunctionLogs",
                r#"{"Namespace":"demo","Offset":1,"Limit":18446744073709551615}"#,
            ),
            scf(
                "Offset 2^64-1",
                "GetFunctionLogs",
                r#"{"Namespace":"demo","Offset":18446744073709551615,"Limit":1}"#,
            ),
            scf(
                "Offset and Limit 2^63-1",
                "GetFunctionLogs",
                r#"{"Namespace":"demo","Offset":9223372036854775807,"Limit":9223372036854775807}"#,
            ),
            scf(
                "Offset negative",
                "GetFunctionLogs",
                r#"{"Namespace":"demo","Offset":-1}"#,
            ),
            scf(
                "Limit negative",
                "GetFunctionLogs",
                r#"{"Namespace":"demo","Limit":-1}"#,
            ),
            scf(
                "Offset + Limit 10,001",
                "GetFunctionLogs",
                r#"{"Namespace":"demo","Offset":9990,"Limit":11}"#,
            ),
            scf(
                "ListFunctions Limit 2^64-1",
                "ListFunctions",
                r#"{"Limit":18446744073709551615}"#,
            ),
        ],
    )
    .await;
}

async fn legacy_paging_overflows(to: &impl Target) {
    let legacy = |what, offset: &str, limit: &str| {
        let params = [
            ("Action", "GetFunctionLogs"),
            ("namespace", "demo"),
            ("offset", offset),
            ("limit", limit),
        ];
        Refusal {
            what,
            sign: Sign::None,
            method: "GET",
            target: leak(support::legacy_target(to, &support::keys(), &params)),
            body: Body::Text(""),
            status: 200,
            code: "InvalidParameterValue",
        }
    };
    check(
        to,
        "/codeDesc",
        &[
            legacy("legacy limit 2^64-1", "1", "18446744073709551615"),
            legacy("legacy offset 2^64-1", "18446744073709551615", "1"),
            legacy("legacy offset negative", "-1", "1"),
        ],
    )
    .await;
}

async fn openwhisk_paging_overflows(to: &impl Target) {
    // OpenWhisk's errors carry a transaction id: check the status and the wording.
    for target in [
        "/api/v1/namespaces/_/activations?limit=18446744073709551615",
        "/api/v1/namespaces/_/activations?limit=-1",
        "/api/v1/namespaces/_/activations?skip=18446744073709551615",
        "/api/v1/namespaces/_/activations?skip=9223372036854775807",
        "/api/v1/namespaces/_/activations?skip=2147483648",
        "/api/v1/namespaces/_/actions?skip=18446744073709551615",
        "/api/v1/namespaces/_/packages?skip=9223372036854775807",
    ] {
        let reply = call(to, Sign::OpenWhisk, "GET", target, vec![]).await;
        assert_eq!(reply.status, 400, "{target}: {}", reply.text);
        let message = reply.json()["error"].as_str().unwrap_or("").to_string();
        assert!(
            message.starts_with("The request content was malformed:")
                && (message.contains("skip") || message.contains("limit")),
            "{target}: {}",
            reply.text
        );
    }
}

/// The last values in range are served: empty pages, not errors.
async fn last_pages_in_range_are_served(to: &impl Target) {
    let page = call(
        to,
        Sign::Ncp,
        "GET",
        "/api/v2/packages/demo/actions/hello/activations?pageNo=2147483647&pageSize=200",
        vec![],
    )
    .await;
    assert_eq!(page.status, 200, "{}", page.text);
    assert_eq!(page.json()["content"]["activations"], json!([]));
    let page = call(
        to,
        Sign::OpenWhisk,
        "GET",
        "/api/v1/namespaces/_/activations?skip=2147483647&limit=200",
        vec![],
    )
    .await;
    assert_eq!(
        (page.status, page.json()),
        (200, json!([])),
        "{}",
        page.text
    );
    let page = call(
        to,
        Sign::Huawei,
        "GET",
        &format!("{ASYNC_RECORDS}?marker=2147483647&limit=500"),
        vec![],
    )
    .await;
    assert_eq!(page.status, 200, "{}", page.text);
    assert_eq!(
        (&page.json()["invocations"], &page.json()["next_marker"]),
        (&json!([]), &json!(0))
    );
    let page = call(
        to,
        Sign::Tc3("GetFunctionLogs"),
        "POST",
        "/",
        br#"{"Namespace":"demo","Offset":9990,"Limit":10}"#.to_vec(),
    )
    .await;
    assert!(
        page.json()["Response"]["Error"].is_null(),
        "Offset + Limit of 10,000 is allowed: {}",
        page.text
    );
}

/// Keys the engine does not know, and the engine's access keys with wrong secrets.
fn strangers() -> (engine_http::DialectKeys, engine_http::DialectKeys) {
    let mut unknown = support::keys();
    unknown.ncp.access_key = "ncp-nobody".into();
    unknown.tencent.secret_id = "AKIDnobody".into();
    unknown.huawei.access_key = "HW-NOBODY".into();
    let mut wrong = support::keys();
    wrong.ncp.secret_key = "not-the-secret".into();
    wrong.tencent.secret_key = "not-the-secret".into();
    wrong.huawei.secret_key = "not-the-secret".into();
    (unknown, wrong)
}

/// An SCF API 3.0 answer without its `RequestId`, which is new in every answer.
fn without_request_id(reply: &support::Reply) -> Value {
    let mut body = reply.json();
    let id = body["Response"]
        .as_object_mut()
        .and_then(|r| r.remove("RequestId"));
    assert!(id.is_some_and(|id| id.is_string()), "{}", reply.text);
    body
}

#[tokio::test(flavor = "multi_thread")]
async fn ncp_and_scf_answer_an_unknown_access_key_as_they_answer_a_wrong_signature() {
    let to = dialects();
    let (unknown, wrong) = strangers();

    let ncp = |k| call_as(&to, k, Sign::Ncp, "GET", "/api/v2/packages", vec![]);
    let (a, b) = (ncp(&unknown).await, ncp(&wrong).await);
    assert_eq!((a.status, b.status), (401, 401), "{} / {}", a.text, b.text);
    assert_eq!(a.text, b.text, "NCP tells the two apart");
    assert_eq!(a.json()["error"]["errorCode"], "200");

    let scf = |k| {
        call_as(
            &to,
            k,
            Sign::Tc3("ListFunctions"),
            "POST",
            "/",
            b"{}".to_vec(),
        )
    };
    let (a, b) = (scf(&unknown).await, scf(&wrong).await);
    assert_eq!((a.status, b.status), (200, 200));
    assert_eq!(
        without_request_id(&a),
        without_request_id(&b),
        "SCF tells the two apart"
    );
    assert_eq!(
        a.json()["Response"]["Error"]["Code"],
        "AuthFailure.SignatureFailure"
    );

    let legacy = |k| {
        let target = support::legacy_target(&to, k, &[("Action", "GetFunctionLogs")]);
        let to = to.clone();
        async move { call(&to, Sign::None, "GET", &target, vec![]).await }
    };
    let (a, b) = (legacy(&unknown).await, legacy(&wrong).await);
    assert_eq!((a.status, b.status), (200, 200));
    assert_eq!(a.text, b.text, "the legacy API tells the two apart");
    assert_eq!(a.json()["code"], 4100);
}

/// Where a dialect is asked to run `demo/hello`, and how it says "not authenticated".
#[derive(Debug, Clone, Copy)]
struct Invoke {
    sign: Sign,
    method: &'static str,
    target: &'static str,
    /// The status of a refusal.
    status: u16,
    /// Where the refusal's code sits, and its value.
    code_at: &'static str,
    code: &'static str,
}

/// [`Invoke`] for each dialect.
const INVOKES: [Invoke; 4] = [
    Invoke {
        sign: Sign::Ncp,
        method: "POST",
        target: "/api/v2/packages/demo/actions/hello",
        status: 401,
        code_at: "/error/errorCode",
        code: "200",
    },
    Invoke {
        sign: Sign::OpenWhisk,
        method: "POST",
        target: "/api/v1/namespaces/_/actions/demo/hello?blocking=true",
        status: 401,
        code_at: "/error",
        code: "The supplied authentication is invalid",
    },
    Invoke {
        sign: Sign::Huawei,
        method: "POST",
        target: "/v2/p/fgs/functions/urn:fss:local:p:function:demo:hello:latest/invocations",
        status: 403,
        code_at: "/error_code",
        code: "FSS.0403",
    },
    Invoke {
        sign: Sign::Tc3("Invoke"),
        method: "POST",
        target: "/",
        status: 200,
        code_at: "/Response/Error/Code",
        code: "AuthFailure.SignatureFailure",
    },
];

#[tokio::test(flavor = "multi_thread")]
async fn credentials_are_checked_before_the_body_is_read() {
    // The socket is the point: heads whose bodies never come.
    let url = support::serve().await;
    for invoke in INVOKES {
        refused_before_the_body(&url, invoke).await;
    }
    // A well-signed head is not refused early: the engine waits for the body it signs.
    let signed = |i: Invoke| {
        let headers =
            support::signed_headers(&url, &support::keys(), i.sign, i.method, i.target, BODY);
        let url = url.clone();
        async move {
            let wait = Duration::from_secs(1);
            support::send_head_only(&url, i.method, i.target, &headers, BODY.len(), wait).await
        }
    };
    let [ncp, ow, fg, scf] = INVOKES.map(signed);
    let answers = tokio::join!(ncp, ow, fg, scf);
    assert_eq!(
        answers,
        (None, None, None, None),
        "a dialect answered a well-signed request before its body came"
    );
}

/// What the heads of [`INVOKES`] announce.
const BODY: &[u8] = br#"{"FunctionName":"hello","Namespace":"demo"}"#;

/// Unsigned (and for NCP and OpenWhisk, whose signatures do not cover the body, signed with
/// an unknown key), announcing a 1 MB body that never comes: refused at once.
async fn refused_before_the_body(url: &str, i: Invoke) {
    let Invoke {
        sign,
        method,
        target,
        ..
    } = i;
    let unsigned = vec![("Content-Type".to_string(), "application/json".to_string())];
    let (mut stranger, _) = strangers();
    // OpenWhisk has no access key apart from its secret: a wrong one.
    stranger.openwhisk.auth = "23bc46b1-71f6-4ed5-8c54-816aa4f8c502:wrong".into();
    let stranger = support::signed_headers(url, &stranger, sign, method, target, BODY);
    // FunctionGraph and SCF sign the body, so a signature can only fail with it: an unknown
    // key waits for it like a known one, or the answer's timing would tell which keys exist
    // (the body deadline bounds the wait; tested below).
    let signs_body = matches!(sign, Sign::Huawei | Sign::Tc3(_));
    if signs_body {
        let wait = Duration::from_secs(1);
        let answer = support::send_head_only(url, method, target, &stranger, 1_000_000, wait).await;
        assert_eq!(
            answer, None,
            "{sign:?}: an unknown key was refused before its body"
        );
    }
    let early: &[(&str, Vec<(String, String)>)] = if signs_body {
        &[("unsigned", unsigned)]
    } else {
        &[("unsigned", unsigned), ("unknown key", stranger)]
    };
    for (who, headers) in early {
        let wait = Duration::from_secs(5);
        let answer = support::send_head_only(url, method, target, headers, 1_000_000, wait).await;
        let Some((got, text)) = answer else {
            panic!("{sign:?} {who}: waited for the body before refusing the credentials");
        };
        let json: Value = serde_json::from_str(&text).unwrap_or(Value::Null);
        assert_eq!(
            (got, json.pointer(i.code_at)),
            (i.status, Some(&json!(i.code))),
            "{sign:?} {who}: {text}"
        );
    }
    // Unsigned with a whole body past 1 MB: the credentials are refused, not the size.
    let reply = call(url, Sign::None, method, target, oversized_body()).await;
    let json: Value = serde_json::from_str(&reply.text).unwrap_or(Value::Null);
    assert_eq!(
        (reply.status, json.pointer(i.code_at)),
        (i.status, Some(&json!(i.code))),
        "{sign:?} oversized and unsigned: {}",
        reply.text
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_top_level_action_may_share_its_name_with_one_in_a_package() {
    // The demo data holds `demo/hello`; the OpenWhisk npm client's
    // `actions.create({name: 'hello'})` puts `_/actions/hello` and must not meet a 409.
    let to = dialects();
    let action =
        br#"{"exec":{"kind":"nodejs:default","code":"function main(){return {top: true}}"}}"#;
    let put = call(
        &to,
        Sign::OpenWhisk,
        "PUT",
        "/api/v1/namespaces/_/actions/hello",
        action.to_vec(),
    )
    .await;
    assert_eq!(put.status, 200, "{}", put.text);
    assert_eq!(put.json()["name"], "hello");
    let ran = call(
        &to,
        Sign::OpenWhisk,
        "POST",
        "/api/v1/namespaces/_/actions/hello?blocking=true&result=true",
        b"{}".to_vec(),
    )
    .await;
    assert_eq!(ran.json(), json!({"top": true}));
    // The one in the package is untouched.
    let packaged = call(
        &to,
        Sign::OpenWhisk,
        "GET",
        "/api/v1/namespaces/_/actions/demo/hello",
        vec![],
    )
    .await;
    assert_eq!(packaged.status, 200);
    assert_eq!(packaged.json()["namespace"], "guest/demo");
    // A top-level action named as the package is still refused.
    let clash = call(
        &to,
        Sign::OpenWhisk,
        "PUT",
        "/api/v1/namespaces/_/actions/demo",
        action.to_vec(),
    )
    .await;
    assert_eq!(clash.status, 409, "{}", clash.text);
}

/// A request a dialect does not serve, and what it says in its own error shape.
#[derive(Debug, Clone, Copy)]
struct Unserved {
    method: &'static str,
    target: &'static str,
    status: u16,
    /// NCP's `error.details`, FunctionGraph's `error_msg`.
    says: &'static str,
}

/// What NCP does not serve.
const NCP_UNSERVED: &[Unserved] = &[
    Unserved {
        method: "PATCH",
        target: "/api/v2/packages",
        status: 404,
        says: "no such resource: PATCH /packages",
    },
    Unserved {
        method: "GET",
        target: "/ncf/api/v2/nothing/here",
        status: 404,
        says: "no such resource: GET /nothing/here",
    },
    Unserved {
        method: "POST",
        target: "/api/v2/activations",
        status: 404,
        says: "no such resource: POST /activations",
    },
    Unserved {
        method: "GET",
        target: "/api/v2/packages?platform=mars",
        status: 400,
        says: "platform \"mars\" is not classic or vpc",
    },
    Unserved {
        method: "GET",
        target: "/api/v2/nothing?platform=mars",
        status: 400,
        says: "platform \"mars\" is not classic or vpc",
    },
];

/// What FunctionGraph does not serve.
const FUNCTIONGRAPH_UNSERVED: &[Unserved] = &[
    Unserved {
        method: "DELETE",
        target: "/v2/p/fgs/functions",
        status: 404,
        says: "can not find resource",
    },
    Unserved {
        method: "GET",
        target: "/v2/p/fgs/functions/urn:fss:local:p:function:demo:hello:latest/invocations",
        status: 404,
        says: "can not find resource",
    },
    Unserved {
        method: "GET",
        target: "/v2/p/fgs/functions/urn:fss:local:p:function:demo:hello:latest/nothing",
        status: 404,
        says: "can not find resource",
    },
    Unserved {
        method: "GET",
        target: "/v2/p/fgs/functions/not-a-urn/nothing",
        status: 404,
        says: "can not find function",
    },
    Unserved {
        method: "POST",
        target: "/v2/p/fgs/functions/not-a-urn/invocations",
        status: 404,
        says: "can not find function",
    },
    Unserved {
        method: "GET",
        target: "/v2/p/fgs/nothing/here",
        status: 404,
        says: "can not find resource",
    },
    Unserved {
        method: "GET",
        target: "/v2/other/fgs/functions",
        status: 403,
        says: "the project id does not match the credentials",
    },
    Unserved {
        method: "GET",
        target: "/v2/other/fgs/nothing",
        status: 403,
        says: "the project id does not match the credentials",
    },
];

/// Sends every row signed as `sign`; `says_at` is where the dialect's message sits.
async fn check_unserved(sign: Sign, says_at: &str, rows: &[Unserved]) {
    let to = dialects();
    for &Unserved {
        method,
        target,
        status,
        says,
    } in rows
    {
        let reply = call(&to, sign, method, target, vec![]).await;
        assert_eq!(reply.status, status, "{method} {target}: {}", reply.text);
        assert_eq!(
            reply.json().pointer(says_at),
            Some(&json!(says)),
            "{method} {target}"
        );
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn ncp_answers_what_it_does_not_serve_in_its_own_shape() {
    check_unserved(Sign::Ncp, "/error/details", NCP_UNSERVED).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn functiongraph_answers_what_it_does_not_serve_in_its_own_shape() {
    check_unserved(Sign::Huawei, "/error_msg", FUNCTIONGRAPH_UNSERVED).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn openwhisk_answers_what_it_does_not_serve_in_its_own_shape() {
    let to = dialects();
    let ns = "/api/v1/namespaces";
    for (method, target, status) in [
        ("PATCH", format!("{ns}/_/actions"), 404),
        ("POST", format!("{ns}/_/packages/demo"), 404),
        ("GET", format!("{ns}/_/actions/a/b/c"), 404),
        ("GET", format!("{ns}/_/nothing"), 404),
        ("GET", format!("{ns}/other/actions?limit=-1"), 404),
        ("GET", format!("{ns}/_/activations/nope/logs"), 404),
        ("GET", format!("{ns}/_/actions?limit=-1"), 400),
        (
            "GET",
            format!("{ns}/guest/actions/demo/hello?code=false"),
            200,
        ),
    ] {
        let reply = call(&to, Sign::OpenWhisk, method, &target, vec![]).await;
        assert_eq!(reply.status, status, "{method} {target}: {}", reply.text);
        if status == 404 {
            assert_eq!(
                reply.json()["error"],
                "The requested resource does not exist.",
                "{method} {target}"
            );
        }
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_body_that_never_comes_is_refused_at_the_body_deadline() {
    let (_, engine, _workers) = support::serve_engine().await;
    let app = engine_http::router_with_body_deadline(
        engine,
        std::sync::Arc::new(support::keys()),
        Duration::from_millis(300),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    for Invoke {
        sign,
        method,
        target,
        ..
    } in INVOKES
    {
        if !matches!(sign, Sign::Huawei | Sign::Tc3(_)) {
            continue;
        }
        // Well signed, or signed with a key the engine does not have: the same answer, at
        // the deadline, in the cloud's shape.
        let (unknown, _) = strangers();
        let mut answers = Vec::new();
        for keys in [support::keys(), unknown] {
            let headers = support::signed_headers(&url, &keys, sign, method, target, BODY);
            let started = std::time::Instant::now();
            let answer = support::send_head_only(
                &url,
                method,
                target,
                &headers,
                1_000_000,
                Duration::from_secs(5),
            )
            .await;
            let Some((status, text)) = answer else {
                panic!("{sign:?}: still waiting for the body after 5 s");
            };
            assert!(
                started.elapsed() < Duration::from_secs(3),
                "{sign:?} {:?}",
                started.elapsed()
            );
            assert!(
                text.contains("The request body could not be read"),
                "{sign:?} {status} {text}"
            );
            // SCF answers every error in a 200 with its own envelope, and a fresh RequestId.
            let mut json: Value = serde_json::from_str(&text).unwrap();
            if let Some(r) = json.get_mut("Response").and_then(Value::as_object_mut) {
                r.remove("RequestId");
            }
            answers.push((status, json));
        }
        assert_eq!(
            answers[0], answers[1],
            "{sign:?}: the status tells the keys apart"
        );
    }
}
