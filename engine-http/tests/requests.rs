//! Raw requests against every dialect: the bad ones each cloud refuses (malformed JSON, wrong
//! types, missing fields, a body past 1 MB, unknown actions, bad pagination) come back with
//! that cloud's status and code; and the capabilities the console's clients do not cover
//! yet (packages, web actions, FunctionGraph's IAM token) work.

mod support;

use serde_json::{Value, json};
use std::time::Duration;
use support::{Sign, call, call_as, oversized_body, serve};

/// One row of the matrix: what was sent and what must come back.
struct Case {
    what: &'static str,
    sign: Sign,
    method: &'static str,
    target: &'static str,
    body: Vec<u8>,
    status: u16,
    /// Where the code sits in the error body, and its value.
    code_at: &'static str,
    code: Value,
}

fn case(
    what: &'static str,
    sign: Sign,
    method: &'static str,
    target: &'static str,
    body: impl Into<Vec<u8>>,
    status: u16,
    code_at: &'static str,
    code: Value,
) -> Case {
    Case {
        what,
        sign,
        method,
        target,
        body: body.into(),
        status,
        code_at,
        code,
    }
}

async fn check(url: &str, cases: Vec<Case>) {
    let mut failures = Vec::new();
    for c in cases {
        let reply = call(url, c.sign, c.method, c.target, c.body).await;
        let body: Value = serde_json::from_str(&reply.text).unwrap_or(Value::Null);
        let code = body.pointer(c.code_at).cloned().unwrap_or(Value::Null);
        if reply.status != c.status || code != c.code {
            failures.push(format!(
                "{}: expected {} with {} = {}, got {} {}",
                c.what, c.status, c.code_at, c.code, reply.status, reply.text
            ));
        }
    }
    assert!(failures.is_empty(), "\n{}", failures.join("\n"));
}

const PUT_OK: &str = r#"{"exec":{"kind":"nodejs:20","code":"function main(p){return p}","binary":false},"limits":{"timeout":1000,"memory":128}}"#;

#[tokio::test(flavor = "multi_thread")]
async fn ncp_refuses_bad_requests_with_its_codes() {
    let url = serve().await;
    let e = "/error/errorCode";
    let put = "/api/v2/packages/demo/actions/bad";
    check(
        &url,
        vec![
            case("malformed JSON", Sign::Ncp, "PUT", put, "{not json", 400, e, json!("80305")),
            case(
                "wrong type (timeout as text)",
                Sign::Ncp,
                "PUT",
                put,
                r#"{"exec":{"kind":"nodejs:20","code":"x"},"limits":{"timeout":"soon","memory":128}}"#,
                400,
                e,
                json!("80305"),
            ),
            case(
                "missing exec",
                Sign::Ncp,
                "PUT",
                put,
                r#"{"limits":{"timeout":1000,"memory":128}}"#,
                400,
                e,
                json!("80306"),
            ),
            case(
                "memory not allowed",
                Sign::Ncp,
                "PUT",
                put,
                r#"{"exec":{"kind":"nodejs:20","code":"x"},"limits":{"timeout":1000,"memory":100}}"#,
                400,
                e,
                json!("80307"),
            ),
            case("oversized body", Sign::Ncp, "PUT", put, oversized_body(), 413, e, json!("413")),
            case(
                "parameters not an object",
                Sign::Ncp,
                "POST",
                "/api/v2/packages/demo/actions/hello",
                "[1,2]",
                400,
                e,
                json!("80305"),
            ),
            case(
                "unknown action",
                Sign::Ncp,
                "POST",
                "/api/v2/packages/demo/actions/nope",
                "{}",
                404,
                e,
                json!("80301"),
            ),
            case(
                "timeout past 60,000",
                Sign::Ncp,
                "POST",
                "/api/v2/packages/demo/actions/hello?timeout=60001",
                "{}",
                400,
                e,
                json!("80307"),
            ),
            case(
                "pageNo 0",
                Sign::Ncp,
                "GET",
                "/api/v2/packages/demo/actions/hello/activations?pageNo=0",
                "",
                400,
                e,
                json!("80307"),
            ),
            case(
                "pageSize not a number",
                Sign::Ncp,
                "GET",
                "/api/v2/packages/demo/actions/hello/activations?pageSize=many",
                "",
                400,
                e,
                json!("80307"),
            ),
            case(
                "start not epoch ms",
                Sign::Ncp,
                "GET",
                "/ncf/api/v2/packages/demo/actions/hello/activations?start=yesterday",
                "",
                400,
                e,
                json!("80307"),
            ),
            case(
                "unknown platform",
                Sign::Ncp,
                "GET",
                "/api/v2/packages?platform=mainframe",
                "",
                400,
                e,
                json!("80307"),
            ),
            case("unsigned", Sign::None, "GET", "/api/v2/packages", "", 401, e, json!("200")),
        ],
    )
    .await;
    // Nothing refused was stored.
    let reply = call(&url, Sign::Ncp, "GET", put, vec![]).await;
    assert_eq!(reply.status, 404, "{}", reply.text);
}

#[tokio::test(flavor = "multi_thread")]
async fn openwhisk_refuses_bad_requests_with_its_statuses() {
    let url = serve().await;
    let put = "/api/v1/namespaces/_/actions/bad";
    let malformed = |what, method, target: &'static str, body: &'static str| {
        case(
            what,
            Sign::OpenWhisk,
            method,
            target,
            body,
            400,
            "/error",
            Value::Null,
        )
    };
    // OpenWhisk's error codes are transaction ids: check status and the message instead.
    let cases = vec![
        malformed("malformed JSON", "PUT", put, "{not json"),
        malformed("wrong type (exec a number)", "PUT", put, r#"{"exec":5}"#),
        malformed("body not an object", "PUT", put, "[]"),
        malformed(
            "parameters not an object",
            "POST",
            "/api/v1/namespaces/_/actions/demo/hello",
            "7",
        ),
        malformed(
            "limit past 200",
            "GET",
            "/api/v1/namespaces/_/activations?limit=500",
            "",
        ),
        malformed(
            "limit not a number",
            "GET",
            "/api/v1/namespaces/_/activations?limit=lots",
            "",
        ),
        malformed(
            "skip negative",
            "GET",
            "/api/v1/namespaces/_/actions?skip=-1",
            "",
        ),
        malformed(
            "since not epoch ms",
            "GET",
            "/api/v1/namespaces/_/activations?since=today",
            "",
        ),
        malformed(
            "timeout past 60,000",
            "POST",
            "/api/v1/namespaces/_/actions/demo/hello?blocking=true&timeout=90000",
            "{}",
        ),
    ];
    for c in cases {
        let reply = call(&url, c.sign, c.method, c.target, c.body).await;
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
    let reply = call(&url, Sign::OpenWhisk, "PUT", put, oversized_body()).await;
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
        let reply = call(&url, Sign::OpenWhisk, "GET", target, vec![]).await;
        assert_eq!(reply.status, 404, "{target}: {}", reply.text);
        assert_eq!(
            reply.json()["error"],
            "The requested resource does not exist."
        );
    }
    let reply = call(
        &url,
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
    let url = serve().await;
    let e = "/error_code";
    let hello = "/v2/p/fgs/functions/urn:fss:local:p:function:demo:hello:latest";
    let records =
        "/v2/p/fgs/functions/urn:fss:local:p:function:demo:hello:latest/async-invocations";
    let target =
        |suffix: &str| -> &'static str { Box::leak(format!("{records}{suffix}").into_boxed_str()) };
    let invoke: &'static str = Box::leak(format!("{hello}/invocations").into_boxed_str());
    check(
        &url,
        vec![
            case(
                "malformed JSON",
                Sign::Huawei,
                "POST",
                invoke,
                "{nope",
                400,
                e,
                json!("FSS.0400"),
            ),
            case(
                "body not an object",
                Sign::Huawei,
                "POST",
                invoke,
                "\"hi\"",
                400,
                e,
                json!("FSS.0400"),
            ),
            case(
                "oversized body",
                Sign::Huawei,
                "POST",
                invoke,
                oversized_body(),
                413,
                e,
                json!("FSS.0400"),
            ),
            case(
                "unknown function",
                Sign::Huawei,
                "POST",
                "/v2/p/fgs/functions/urn:fss:local:p:function:demo:nope:latest/invocations",
                "{}",
                404,
                e,
                json!("FSS.0404"),
            ),
            case(
                "limit 0",
                Sign::Huawei,
                "GET",
                target("?limit=0"),
                "",
                400,
                e,
                json!("FSS.0400"),
            ),
            case(
                "limit 501",
                Sign::Huawei,
                "GET",
                target("?limit=501"),
                "",
                400,
                e,
                json!("FSS.0400"),
            ),
            case(
                "marker not a number",
                Sign::Huawei,
                "GET",
                target("?marker=x"),
                "",
                400,
                e,
                json!("FSS.0400"),
            ),
            case(
                "unknown status",
                Sign::Huawei,
                "GET",
                target("?status=DONE"),
                "",
                400,
                e,
                json!("FSS.0400"),
            ),
            case(
                "bad time",
                Sign::Huawei,
                "GET",
                target("?query_begin_time=noon"),
                "",
                400,
                e,
                json!("FSS.0400"),
            ),
            case(
                "maxitems 0",
                Sign::Huawei,
                "GET",
                "/v2/p/fgs/functions?maxitems=0",
                "",
                400,
                e,
                json!("FSS.0400"),
            ),
            case(
                "unsigned",
                Sign::None,
                "GET",
                "/v2/p/fgs/functions",
                "",
                403,
                e,
                json!("FSS.0403"),
            ),
        ],
    )
    .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn scf_refuses_bad_requests_with_its_error_codes() {
    let url = serve().await;
    let e = "/Response/Error/Code";
    // API 3.0 answers every error with 200 and `Response.Error`.
    check(
        &url,
        vec![
            case(
                "malformed JSON",
                Sign::Tc3("ListFunctions"),
                "POST",
                "/",
                "{x",
                200,
                e,
                json!("InvalidParameter"),
            ),
            case(
                "missing FunctionName",
                Sign::Tc3("Invoke"),
                "POST",
                "/",
                "{}",
                200,
                e,
                json!("MissingParameter"),
            ),
            case(
                "unknown function",
                Sign::Tc3("Invoke"),
                "POST",
                "/",
                r#"{"FunctionName":"nope","Namespace":"demo"}"#,
                200,
                e,
                json!("ResourceNotFound.Function"),
            ),
            case(
                "ClientContext not an object",
                Sign::Tc3("Invoke"),
                "POST",
                "/",
                r#"{"FunctionName":"hello","Namespace":"demo","ClientContext":"[1]"}"#,
                200,
                e,
                json!("InvalidParameterValue"),
            ),
            case(
                "Limit not a number",
                Sign::Tc3("ListFunctions"),
                "POST",
                "/",
                r#"{"Limit":"ten"}"#,
                200,
                e,
                json!("InvalidParameterValue"),
            ),
            case(
                "Offset + Limit past 10,000",
                Sign::Tc3("GetFunctionLogs"),
                "POST",
                "/",
                r#"{"FunctionName":"hello","Namespace":"demo","Offset":9990,"Limit":20}"#,
                200,
                e,
                json!("InvalidParameterValue"),
            ),
            case(
                "bad OrderBy",
                Sign::Tc3("GetFunctionLogs"),
                "POST",
                "/",
                r#"{"OrderBy":"colour"}"#,
                200,
                e,
                json!("InvalidParameterValue"),
            ),
            case(
                "oversized body",
                Sign::Tc3("ListFunctions"),
                "POST",
                "/",
                oversized_body(),
                200,
                e,
                json!("RequestSizeLimitExceeded"),
            ),
            case(
                "unknown action",
                Sign::Tc3("DeleteEverything"),
                "POST",
                "/",
                "{}",
                200,
                e,
                json!("InvalidAction"),
            ),
            case(
                "unsigned",
                Sign::None,
                "POST",
                "/",
                "{}",
                200,
                e,
                json!("AuthFailure.SignatureFailure"),
            ),
        ],
    )
    .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn packages_are_listed_read_written_and_deleted_on_ncp_and_openwhisk() {
    let url = serve().await;
    // NCP: put with defaults, read back with its actions, refuse deleting it while it holds one.
    let reply = call(
        &url,
        Sign::Ncp,
        "PUT",
        "/ncf/api/v2/packages/tools",
        br#"{"description":"handy","parameters":{"unit":"ms"}}"#.to_vec(),
    )
    .await;
    assert_eq!(reply.status, 200, "{}", reply.text);
    assert_eq!(reply.json()["content"]["parameters"], json!({"unit": "ms"}));
    let put = call(
        &url,
        Sign::Ncp,
        "PUT",
        "/ncf/api/v2/packages/tools/actions/tick",
        PUT_OK.into(),
    )
    .await;
    assert_eq!(put.status, 200, "{}", put.text);
    let got = call(&url, Sign::Ncp, "GET", "/ncf/api/v2/packages/tools", vec![])
        .await
        .json();
    assert_eq!(
        (
            &got["content"]["description"],
            &got["content"]["actions"],
            &got["content"]["platform"]
        ),
        (&json!("handy"), &json!(["tick"]), &json!("vpc"))
    );
    let refused = call(
        &url,
        Sign::Ncp,
        "DELETE",
        "/ncf/api/v2/packages/tools",
        vec![],
    )
    .await;
    assert_eq!(
        (refused.status, &refused.json()["error"]["errorCode"]),
        (409, &json!("80109"))
    );
    call(
        &url,
        Sign::Ncp,
        "DELETE",
        "/ncf/api/v2/packages/tools/actions/tick",
        vec![],
    )
    .await;
    let deleted = call(
        &url,
        Sign::Ncp,
        "DELETE",
        "/ncf/api/v2/packages/tools",
        vec![],
    )
    .await;
    assert_eq!(deleted.status, 204, "{}", deleted.text);
    let gone = call(&url, Sign::Ncp, "GET", "/ncf/api/v2/packages/tools", vec![]).await;
    assert_eq!(
        (gone.status, &gone.json()["error"]["errorCode"]),
        (404, &json!("80101"))
    );

    // OpenWhisk: 409 without overwrite, listing, delete refused while not empty.
    let ow = "/api/v1/namespaces/_/packages/kit";
    let body = br#"{"parameters":[{"key":"unit","value":"s"}],"annotations":[{"key":"description","value":"a kit"}]}"#;
    assert_eq!(
        call(&url, Sign::OpenWhisk, "PUT", ow, body.to_vec())
            .await
            .status,
        200
    );
    assert_eq!(
        call(&url, Sign::OpenWhisk, "PUT", ow, body.to_vec())
            .await
            .status,
        409
    );
    let again = call(
        &url,
        Sign::OpenWhisk,
        "PUT",
        &format!("{ow}?overwrite=true"),
        body.to_vec(),
    )
    .await;
    assert_eq!(again.status, 200, "{}", again.text);
    let list = call(
        &url,
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
    assert_eq!(
        call(
            &url,
            Sign::OpenWhisk,
            "PUT",
            "/api/v1/namespaces/_/actions/kit/unit",
            action.to_vec()
        )
        .await
        .status,
        200
    );
    let ran = call(
        &url,
        Sign::OpenWhisk,
        "POST",
        "/api/v1/namespaces/_/actions/kit/unit?blocking=true&result=true",
        b"{}".to_vec(),
    )
    .await;
    assert_eq!(
        ran.json(),
        json!({"unit": "s"}),
        "the package's parameter reaches its action"
    );
    let got = call(&url, Sign::OpenWhisk, "GET", ow, vec![]).await.json();
    assert_eq!(got["actions"][0]["name"], "unit");
    assert_eq!(got["parameters"], json!([{"key": "unit", "value": "s"}]));
    assert_eq!(
        call(&url, Sign::OpenWhisk, "DELETE", ow, vec![])
            .await
            .status,
        409
    );
    call(
        &url,
        Sign::OpenWhisk,
        "DELETE",
        "/api/v1/namespaces/_/actions/kit/unit",
        vec![],
    )
    .await;
    assert_eq!(
        call(&url, Sign::OpenWhisk, "DELETE", ow, vec![])
            .await
            .status,
        200
    );
    assert_eq!(
        call(&url, Sign::OpenWhisk, "GET", ow, vec![]).await.status,
        404
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn web_actions_answer_without_credentials_under_api_v1_web() {
    let url = serve().await;
    let reply = call(
        &url,
        Sign::None,
        "GET",
        "/api/v1/web/guest/demo/web-hello?name=Ada",
        vec![],
    )
    .await;
    assert_eq!(reply.status, 200, "{}", reply.text);
    assert!(reply.text.contains("Ada"), "{}", reply.text);
    // Anyone may call it: what they send comes back escaped, not as markup.
    let xss = call(
        &url,
        Sign::None,
        "GET",
        "/api/v1/web/guest/demo/web-hello?name=%3Cscript%3Ealert(1)%3C%2Fscript%3E",
        vec![],
    )
    .await;
    assert_eq!(
        (xss.status, xss.text.as_str()),
        (
            200,
            "<h1>Hello, &lt;script&gt;alert(1)&lt;/script&gt;</h1><p>Method: get</p>"
        )
    );
    let json = call(
        &url,
        Sign::None,
        "POST",
        "/api/v1/web/guest/demo/web-hello.json",
        br#"{"name":"Lin"}"#.to_vec(),
    )
    .await;
    assert_eq!(json.status, 200, "{}", json.text);
    assert!(json.text.contains("Lin"), "{}", json.text);
    let bad_ext = call(
        &url,
        Sign::None,
        "GET",
        "/api/v1/web/guest/demo/web-hello.exe",
        vec![],
    )
    .await;
    assert_eq!(bad_ext.status, 406, "{}", bad_ext.text);
    // An action that is not a web action, or another namespace, is not found.
    for target in [
        "/api/v1/web/guest/demo/hello",
        "/api/v1/web/other/demo/web-hello",
    ] {
        let reply = call(&url, Sign::None, "GET", target, vec![]).await;
        assert_eq!(reply.status, 404, "{target}: {}", reply.text);
    }
    let reserved = call(
        &url,
        Sign::None,
        "GET",
        "/api/v1/web/guest/demo/web-hello?__ow_method=put",
        vec![],
    )
    .await;
    assert_eq!(reserved.status, 400, "{}", reserved.text);
}

#[tokio::test(flavor = "multi_thread")]
async fn functiongraph_accepts_the_configured_iam_token_instead_of_a_signature() {
    let url = serve().await;
    let list = |token: &'static str| {
        let url = url.clone();
        async move {
            reqwest::Client::new()
                .get(format!("{url}/v2/p/fgs/functions"))
                .header("X-Auth-Token", token)
                .send()
                .await
                .unwrap()
        }
    };
    let ok = list("hw-iam-token").await;
    assert_eq!(ok.status(), 200);
    let body: Value = ok.json().await.unwrap();
    assert!(
        body["functions"].as_array().is_some_and(|f| !f.is_empty()),
        "{body}"
    );
    for token in ["someone-elses-token", ""] {
        let refused = list(token).await;
        assert_eq!(refused.status(), 403, "{token:?}");
        let body: Value = refused.json().await.unwrap();
        assert_eq!(body["error_code"], "FSS.0403");
    }
}

/// The overflow values of issue #9 (and their neighbours) in every paging parameter: each
/// cloud refuses them with its own 4xx error, never a 500, a dropped connection or a hang.
#[tokio::test(flavor = "multi_thread")]
async fn paging_numbers_past_each_clouds_range_are_refused_in_its_shape() {
    let (url, engine, workers) = support::serve_engine().await;
    // Something to page over: an activation and an asynchronous record.
    engine
        .invoke(Some("demo"), "hello", Default::default(), "guest", None)
        .unwrap();
    let async_records =
        "/v2/p/fgs/functions/urn:fss:local:p:function:demo:hello:latest/async-invocations";
    let queued = call(
        &url,
        Sign::Huawei,
        "POST",
        "/v2/p/fgs/functions/urn:fss:local:p:function:demo:hello:latest/invocations-async",
        b"{}".to_vec(),
    )
    .await;
    assert_eq!(queued.status, 202, "{}", queued.text);

    let leak = |s: String| -> &'static str { Box::leak(s.into_boxed_str()) };
    let ncp = |what, query: &str| {
        case(
            what,
            Sign::Ncp,
            "GET",
            leak(format!(
                "/api/v2/packages/demo/actions/hello/activations?{query}"
            )),
            "",
            400,
            "/error/errorCode",
            json!("80307"),
        )
    };
    let fss = |what, target: String| {
        case(
            what,
            Sign::Huawei,
            "GET",
            leak(target),
            "",
            400,
            "/error_code",
            json!("FSS.0400"),
        )
    };
    let scf = |what, action, body: &'static str| {
        case(
            what,
            Sign::Tc3(action),
            "POST",
            "/",
            body,
            200,
            "/Response/Error/Code",
            json!("InvalidParameterValue"),
        )
    };
    let legacy = |what, offset: &str, limit: &str| {
        case(
            what,
            Sign::None,
            "GET",
            leak(support::legacy_target(
                &url,
                &support::keys(),
                &[
                    ("Action", "GetFunctionLogs"),
                    ("namespace", "demo"),
                    ("offset", offset),
                    ("limit", limit),
                ],
            )),
            "",
            200,
            "/codeDesc",
            json!("InvalidParameterValue"),
        )
    };
    check(
        &url,
        vec![
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
            case(
                "all activations, both 2^64-1",
                Sign::Ncp,
                "GET",
                "/api/v2/activations?pageNo=18446744073709551615&pageSize=18446744073709551615",
                "",
                400,
                "/error/errorCode",
                json!("80307"),
            ),
            fss(
                "async marker 2^64-1",
                format!("{async_records}?marker=18446744073709551615"),
            ),
            fss(
                "async marker 2^63-1",
                format!("{async_records}?marker=9223372036854775807"),
            ),
            fss(
                "async marker past a 32-bit Integer",
                format!("{async_records}?marker=2147483648"),
            ),
            fss(
                "async marker negative",
                format!("{async_records}?marker=-1"),
            ),
            fss(
                "async limit 2^64-1",
                format!("{async_records}?limit=18446744073709551615"),
            ),
            fss(
                "functions marker 2^64-1",
                "/v2/p/fgs/functions?marker=18446744073709551615".into(),
            ),
            fss(
                "functions maxitems 2^64-1",
                "/v2/p/fgs/functions?maxitems=18446744073709551615".into(),
            ),
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
            legacy("legacy limit 2^64-1", "1", "18446744073709551615"),
            legacy("legacy offset 2^64-1", "18446744073709551615", "1"),
            legacy("legacy offset negative", "-1", "1"),
        ],
    )
    .await;

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
        let reply = call(&url, Sign::OpenWhisk, "GET", target, vec![]).await;
        assert_eq!(reply.status, 400, "{target}: {}", reply.text);
        let message = reply.json()["error"].as_str().unwrap_or("").to_string();
        assert!(
            message.starts_with("The request content was malformed:")
                && (message.contains("skip") || message.contains("limit")),
            "{target}: {}",
            reply.text
        );
    }

    // The last values in range are served: empty pages, not errors.
    let page = call(
        &url,
        Sign::Ncp,
        "GET",
        "/api/v2/packages/demo/actions/hello/activations?pageNo=2147483647&pageSize=200",
        vec![],
    )
    .await;
    assert_eq!(page.status, 200, "{}", page.text);
    assert_eq!(page.json()["content"]["activations"], json!([]));
    let page = call(
        &url,
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
        &url,
        Sign::Huawei,
        "GET",
        &format!("{async_records}?marker=2147483647&limit=500"),
        vec![],
    )
    .await;
    assert_eq!(page.status, 200, "{}", page.text);
    assert_eq!(
        (&page.json()["invocations"], &page.json()["next_marker"]),
        (&json!([]), &json!(0))
    );
    let page = call(
        &url,
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
    workers.stop();
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
    let url = serve().await;
    let (unknown, wrong) = strangers();

    let ncp = |k| call_as(&url, k, Sign::Ncp, "GET", "/api/v2/packages", vec![]);
    let (a, b) = (ncp(&unknown).await, ncp(&wrong).await);
    assert_eq!((a.status, b.status), (401, 401), "{} / {}", a.text, b.text);
    assert_eq!(a.text, b.text, "NCP tells the two apart");
    assert_eq!(a.json()["error"]["errorCode"], "200");

    let scf = |k| {
        call_as(
            &url,
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
        let target = support::legacy_target(&url, k, &[("Action", "GetFunctionLogs")]);
        let url = url.clone();
        async move { call(&url, Sign::None, "GET", &target, vec![]).await }
    };
    let (a, b) = (legacy(&unknown).await, legacy(&wrong).await);
    assert_eq!((a.status, b.status), (200, 200));
    assert_eq!(a.text, b.text, "the legacy API tells the two apart");
    assert_eq!(a.json()["code"], 4100);
}

/// Where each dialect is asked to run `demo/hello`, and how it says "not authenticated".
const INVOKES: [(Sign, &str, &str, u16, &str, &str); 4] = [
    (
        Sign::Ncp,
        "POST",
        "/api/v2/packages/demo/actions/hello",
        401,
        "/error/errorCode",
        "200",
    ),
    (
        Sign::OpenWhisk,
        "POST",
        "/api/v1/namespaces/_/actions/demo/hello?blocking=true",
        401,
        "/error",
        "The supplied authentication is invalid",
    ),
    (
        Sign::Huawei,
        "POST",
        "/v2/p/fgs/functions/urn:fss:local:p:function:demo:hello:latest/invocations",
        403,
        "/error_code",
        "FSS.0403",
    ),
    (
        Sign::Tc3("Invoke"),
        "POST",
        "/",
        200,
        "/Response/Error/Code",
        "AuthFailure.SignatureFailure",
    ),
];

#[tokio::test(flavor = "multi_thread")]
async fn credentials_are_checked_before_the_body_is_read() {
    let url = serve().await;
    let (unknown, _) = strangers();
    let body = br#"{"FunctionName":"hello","Namespace":"demo"}"#;
    for (sign, method, target, status, at, code) in INVOKES {
        // Unsigned (and for NCP and OpenWhisk, whose signatures do not cover the body, signed
        // with an unknown key), announcing a 1 MB body that never comes: refused at once.
        let unsigned = vec![("Content-Type".to_string(), "application/json".to_string())];
        let stranger = support::signed_headers(&url, &unknown, sign, method, target, body);
        let stranger = match sign {
            // OpenWhisk has no access key apart from its secret: a wrong one.
            Sign::OpenWhisk => {
                let mut k = support::keys();
                k.openwhisk.auth = "23bc46b1-71f6-4ed5-8c54-816aa4f8c502:wrong".into();
                support::signed_headers(&url, &k, sign, method, target, body)
            }
            _ => stranger,
        };
        // FunctionGraph and SCF sign the body, so a signature can only fail with it: an
        // unknown key waits for it like a known one, or the answer's timing would tell which
        // keys exist (the body deadline bounds the wait; tested below).
        if matches!(sign, Sign::Huawei | Sign::Tc3(_)) {
            let answer = support::send_head_only(
                &url,
                method,
                target,
                &stranger,
                1_000_000,
                Duration::from_secs(1),
            )
            .await;
            assert_eq!(
                answer, None,
                "{sign:?}: an unknown key was refused before its body"
            );
        }
        let early: &[(&str, Vec<(String, String)>)] = match sign {
            Sign::Huawei | Sign::Tc3(_) => &[("unsigned", unsigned)],
            _ => &[("unsigned", unsigned), ("unknown key", stranger)],
        };
        for (who, headers) in early {
            let answer = support::send_head_only(
                &url,
                method,
                target,
                headers,
                1_000_000,
                Duration::from_secs(5),
            )
            .await;
            let Some((got, text)) = answer else {
                panic!("{sign:?} {who}: waited for the body before refusing the credentials");
            };
            let json: Value = serde_json::from_str(&text).unwrap_or(Value::Null);
            assert_eq!(
                (got, json.pointer(at)),
                (status, Some(&json!(code))),
                "{sign:?} {who}: {text}"
            );
        }
        // Unsigned with a whole body past 1 MB: the credentials are refused, not the size.
        let reply = call(&url, Sign::None, method, target, oversized_body()).await;
        let json: Value = serde_json::from_str(&reply.text).unwrap_or(Value::Null);
        assert_eq!(
            (reply.status, json.pointer(at)),
            (status, Some(&json!(code))),
            "{sign:?} oversized and unsigned: {}",
            reply.text
        );
    }

    // A well-signed head is not refused early: the engine waits for the body it signs.
    let signed = |sign, method, target| {
        let headers = support::signed_headers(&url, &support::keys(), sign, method, target, body);
        let url = url.clone();
        async move {
            support::send_head_only(
                &url,
                method,
                target,
                &headers,
                body.len(),
                Duration::from_secs(1),
            )
            .await
        }
    };
    let [ncp, ow, fg, scf] = INVOKES.map(|(sign, method, target, ..)| signed(sign, method, target));
    let answers = tokio::join!(ncp, ow, fg, scf);
    assert_eq!(
        answers,
        (None, None, None, None),
        "a dialect answered a well-signed request before its body came"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_top_level_action_may_share_its_name_with_one_in_a_package() {
    // The demo data holds `demo/hello`; the OpenWhisk npm client's
    // `actions.create({name: 'hello'})` puts `_/actions/hello` and must not meet a 409.
    let url = serve().await;
    let action =
        br#"{"exec":{"kind":"nodejs:default","code":"function main(){return {top: true}}"}}"#;
    let put = call(
        &url,
        Sign::OpenWhisk,
        "PUT",
        "/api/v1/namespaces/_/actions/hello",
        action.to_vec(),
    )
    .await;
    assert_eq!(put.status, 200, "{}", put.text);
    assert_eq!(put.json()["name"], "hello");
    let ran = call(
        &url,
        Sign::OpenWhisk,
        "POST",
        "/api/v1/namespaces/_/actions/hello?blocking=true&result=true",
        b"{}".to_vec(),
    )
    .await;
    assert_eq!(ran.json(), json!({"top": true}));
    // The one in the package is untouched.
    let packaged = call(
        &url,
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
        &url,
        Sign::OpenWhisk,
        "PUT",
        "/api/v1/namespaces/_/actions/demo",
        action.to_vec(),
    )
    .await;
    assert_eq!(clash.status, 409, "{}", clash.text);
}

#[tokio::test(flavor = "multi_thread")]
async fn ncp_answers_what_it_does_not_serve_in_its_own_shape() {
    let url = serve().await;
    for (method, target, status, details) in [
        (
            "PATCH",
            "/api/v2/packages",
            404,
            "no such resource: PATCH /packages",
        ),
        (
            "GET",
            "/ncf/api/v2/nothing/here",
            404,
            "no such resource: GET /nothing/here",
        ),
        (
            "POST",
            "/api/v2/activations",
            404,
            "no such resource: POST /activations",
        ),
        (
            "GET",
            "/api/v2/packages?platform=mars",
            400,
            "platform \"mars\" is not classic or vpc",
        ),
        (
            "GET",
            "/api/v2/nothing?platform=mars",
            400,
            "platform \"mars\" is not classic or vpc",
        ),
    ] {
        let reply = call(&url, Sign::Ncp, method, target, vec![]).await;
        assert_eq!(reply.status, status, "{method} {target}: {}", reply.text);
        assert_eq!(
            reply.json()["error"]["details"],
            details,
            "{method} {target}"
        );
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn functiongraph_answers_what_it_does_not_serve_in_its_own_shape() {
    let url = serve().await;
    let urn = "urn:fss:local:p:function:demo:hello:latest";
    for (method, target, status, message) in [
        (
            "DELETE",
            "/v2/p/fgs/functions".to_string(),
            404,
            "can not find resource",
        ),
        (
            "GET",
            format!("/v2/p/fgs/functions/{urn}/invocations"),
            404,
            "can not find resource",
        ),
        (
            "GET",
            format!("/v2/p/fgs/functions/{urn}/nothing"),
            404,
            "can not find resource",
        ),
        (
            "GET",
            "/v2/p/fgs/functions/not-a-urn/nothing".to_string(),
            404,
            "can not find function",
        ),
        (
            "POST",
            "/v2/p/fgs/functions/not-a-urn/invocations".to_string(),
            404,
            "can not find function",
        ),
        (
            "GET",
            "/v2/p/fgs/nothing/here".to_string(),
            404,
            "can not find resource",
        ),
        (
            "GET",
            "/v2/other/fgs/functions".to_string(),
            403,
            "the project id does not match the credentials",
        ),
        (
            "GET",
            "/v2/other/fgs/nothing".to_string(),
            403,
            "the project id does not match the credentials",
        ),
    ] {
        let reply = call(&url, Sign::Huawei, method, &target, vec![]).await;
        assert_eq!(reply.status, status, "{method} {target}: {}", reply.text);
        assert_eq!(reply.json()["error_msg"], message, "{method} {target}");
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn openwhisk_answers_what_it_does_not_serve_in_its_own_shape() {
    let url = serve().await;
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
        let reply = call(&url, Sign::OpenWhisk, method, &target, vec![]).await;
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
    let body = br#"{"FunctionName":"hello","Namespace":"demo"}"#;
    for (sign, method, target, ..) in INVOKES {
        if !matches!(sign, Sign::Huawei | Sign::Tc3(_)) {
            continue;
        }
        // Well signed, or signed with a key the engine does not have: the same answer, at
        // the deadline, in the cloud's shape.
        let (unknown, _) = strangers();
        let mut answers = Vec::new();
        for keys in [support::keys(), unknown] {
            let headers = support::signed_headers(&url, &keys, sign, method, target, body);
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
