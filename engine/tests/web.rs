//! Web actions: the request becomes parameters, the result becomes the response.

mod common;

use common::PutNcp;

use engine::web::WebRequest;
use engine::{Engine, ErrorCode, demo};
use serde_json::{Value, json};

fn engine() -> Engine {
    let e = Engine::in_memory(common::options()).unwrap();
    demo::seed_if_empty(&e).unwrap();
    e
}

fn web(e: &Engine, code: &str, raw: bool) {
    let mut body = json!({"limits": {"timeout": 5000, "memory": 128}, "exec": {"kind": "nodejs:20", "code": code, "binary": false}});
    if raw {
        body["raw-http"] = json!(true);
    }
    e.put_ncp(None, "w", Some("web"), &body).unwrap();
}

#[test]
fn a_web_action_answers_with_its_status_headers_and_body() {
    let e = engine();
    let request = WebRequest {
        method: "GET".into(),
        query: "name=Lee".into(),
        ..Default::default()
    };
    let response = e.run_web(Some("demo"), "web-hello", &request).unwrap();
    assert_eq!(response.status, 200);
    assert_eq!(
        response.headers,
        [(
            "content-type".to_string(),
            "text/html; charset=utf-8".to_string()
        )]
    );
    assert_eq!(
        String::from_utf8(response.body).unwrap(),
        "<h1>Hello, Lee</h1><p>Method: get</p>"
    );
}

#[test]
fn query_and_json_body_are_merged_and_ow_fields_are_given() {
    let e = engine();
    web(&e, "function main(p) { return { body: p }; }", false);
    let request = WebRequest {
        method: "POST".into(),
        path: "/extra".into(),
        headers: vec![("Content-Type".into(), "application/json".into())],
        query: "a=1&b=query".into(),
        body: br#"{"b": "body", "c": 3}"#.to_vec(),
    };
    let response = e.run_web(None, "w", &request).unwrap();
    let got: Value = serde_json::from_slice(&response.body).unwrap();
    assert_eq!(
        (got["a"].clone(), got["b"].clone(), got["c"].clone()),
        (json!("1"), json!("body"), json!(3)),
        "body wins over query"
    );
    assert_eq!(
        (got["__ow_method"].clone(), got["__ow_path"].clone()),
        (json!("post"), json!("/extra"))
    );
    assert_eq!(got["__ow_headers"]["content-type"], "application/json");
    assert!(
        response
            .headers
            .contains(&("content-type".into(), "application/json".into()))
    );
}

#[test]
fn raw_http_passes_the_raw_body_and_query() {
    let e = engine();
    web(
        &e,
        "function main(p) { return { body: { q: p.__ow_query, b: p.__ow_body } }; }",
        true,
    );
    let request = WebRequest {
        method: "PUT".into(),
        query: "x=1&y=2".into(),
        body: b"raw text".to_vec(),
        ..Default::default()
    };
    let got: Value = serde_json::from_slice(&e.run_web(None, "w", &request).unwrap().body).unwrap();
    assert_eq!(got, json!({"q": "x=1&y=2", "b": "raw text"}));
}

#[test]
fn defaults_errors_and_refusals() {
    let e = engine();
    web(
        &e,
        "function main() { return { headers: { 'x-a': ['1', '2'] } }; }",
        false,
    );
    let get = |query: &str| WebRequest {
        method: "GET".into(),
        query: query.into(),
        ..Default::default()
    };
    let response = e.run_web(None, "w", &get("")).unwrap();
    assert_eq!(response.status, 204, "no body means 204");
    assert_eq!(
        response.headers,
        [
            ("x-a".to_string(), "1".to_string()),
            ("x-a".to_string(), "2".to_string())
        ]
    );

    let response = e.run_web(None, "w", &get("__ow_method=evil")).unwrap();
    assert_eq!(response.status, 400);

    let failed = e.run_web(Some("demo"), "always-fails", &WebRequest::default());
    assert_eq!(
        failed.unwrap_err().code,
        ErrorCode::ActionNotFound,
        "not a web action: 404"
    );
}

/// The demo's HTML for a request, and the same with the template's own tags taken out.
fn demo_page(e: &Engine, request: &WebRequest) -> (String, String) {
    let response = e.run_web(Some("demo"), "web-hello", request).unwrap();
    assert_eq!(response.status, 200);
    let html = String::from_utf8(response.body).unwrap();
    let mut rest = html.clone();
    for tag in ["<h1>", "</h1>", "<p>", "</p>"] {
        rest = rest.replacen(tag, "", 1);
    }
    (html, rest)
}

#[test]
fn the_demo_web_action_escapes_what_a_caller_sends_into_its_html() {
    let e = engine();
    let get = |query: &str| WebRequest {
        method: "GET".into(),
        query: query.into(),
        ..Default::default()
    };
    let json = |body: &str| WebRequest {
        method: "POST".into(),
        headers: vec![("Content-Type".into(), "application/json".into())],
        body: body.as_bytes().to_vec(),
        ..Default::default()
    };
    let cases = [
        (
            // <script>alert(1)</script>
            get("name=%3Cscript%3Ealert(1)%3C%2Fscript%3E"),
            "<h1>Hello, &lt;script&gt;alert(1)&lt;/script&gt;</h1><p>Method: get</p>",
        ),
        (
            // "><img src=x onerror=alert(1)> breaking out of a double-quoted attribute
            get("name=%22%3E%3Cimg%20src%3Dx%20onerror%3Dalert(1)%3E"),
            "<h1>Hello, &quot;&gt;&lt;img src=x onerror=alert(1)&gt;</h1><p>Method: get</p>",
        ),
        (
            // ' autofocus onfocus='alert(1) breaking out of a single-quoted one
            get("name=%27%20autofocus%20onfocus%3D%27alert(1)"),
            "<h1>Hello, &#39; autofocus onfocus=&#39;alert(1)</h1><p>Method: get</p>",
        ),
        (
            // An entity is shown as typed, not decoded into markup.
            get("name=%26lt%3Bb%26gt%3B"),
            "<h1>Hello, &amp;lt;b&amp;gt;</h1><p>Method: get</p>",
        ),
        (
            json(r#"{"name": "<svg onload=alert(1)>"}"#),
            "<h1>Hello, &lt;svg onload=alert(1)&gt;</h1><p>Method: post</p>",
        ),
        (
            // Not a string: escaped as the text JavaScript makes of it.
            json(r#"{"name": ["<b>", "</b>"]}"#),
            "<h1>Hello, &lt;b&gt;,&lt;/b&gt;</h1><p>Method: post</p>",
        ),
    ];
    for (request, expected) in cases {
        let (html, rest) = demo_page(&e, &request);
        assert_eq!(html, expected, "{request:?}");
        assert!(
            !rest.contains(['<', '>', '"', '\'']),
            "markup from the caller in {html}"
        );
    }
}
