//! Web actions: the request becomes parameters, the result becomes the response.

mod common;

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
    e.put_action("-", "w", Some("web"), &body).unwrap();
}

#[test]
fn a_web_action_answers_with_its_status_headers_and_body() {
    let e = engine();
    let request = WebRequest {
        method: "GET".into(),
        query: "name=Lee".into(),
        ..Default::default()
    };
    let response = e.run_web("demo", "web-hello", &request).unwrap();
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
    let response = e.run_web("-", "w", &request).unwrap();
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
    let got: Value = serde_json::from_slice(&e.run_web("-", "w", &request).unwrap().body).unwrap();
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
    let response = e
        .run_web(
            "-",
            "w",
            &WebRequest {
                method: "GET".into(),
                ..Default::default()
            },
        )
        .unwrap();
    assert_eq!(response.status, 204, "no body means 204");
    assert_eq!(
        response.headers,
        [
            ("x-a".to_string(), "1".to_string()),
            ("x-a".to_string(), "2".to_string())
        ]
    );

    let response = e
        .run_web(
            "-",
            "w",
            &WebRequest {
                method: "GET".into(),
                query: "__ow_method=evil".into(),
                ..Default::default()
            },
        )
        .unwrap();
    assert_eq!(response.status, 400);

    let failed = e.run_web("demo", "always-fails", &WebRequest::default());
    assert_eq!(
        failed.unwrap_err().code,
        ErrorCode::ActionNotFound,
        "not a web action: 404"
    );
}
