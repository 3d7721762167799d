//! The OpenWhisk client against a fake API v1 that checks basic auth.

mod common;

use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use common::*;
use providers::client::{OpenWhiskClient, OpenWhiskConfig, Operations};
use providers::sign::{Secret, openwhisk};
use providers::*;
use serde_json::{Value, json};
use std::sync::{Arc, Mutex};

const AUTH: &str = "23bc46b1-71f6-4ed5-8c54-816aa4f8c502:123zO3xZCLrMN6v2BKK1dXYFpXlPkccOFqm12CdAsMgRU4VrNZ9lyGVCGuMDGIwP";

/// The actions the fake holds.
type Actions = Arc<Mutex<Vec<Value>>>;

/// An activation as the fake answers it.
struct Run<'a> {
    id: &'a str,
    name: &'a str,
    status: &'a str,
    code: i64,
    result: Value,
}

impl Run<'_> {
    fn json(&self) -> Value {
        json!({"namespace": "guest", "name": self.name, "version": "0.0.1", "subject": "guest",
               "activationId": self.id, "start": 1, "end": 9, "duration": 8,
               "logs": ["2024-01-01T00:00:00Z stdout: hi"],
               "response": {"status": self.status, "statusCode": self.code,
                            "success": self.code == 0, "result": self.result},
               "annotations": [], "publish": false})
    }
}

fn not_found(code: &str) -> Response {
    (
        StatusCode::NOT_FOUND,
        Json(json!({"error": "The requested resource does not exist.", "code": code})),
    )
        .into_response()
}

fn answer(actions: &Actions, request: &Received) -> Response {
    if openwhisk::verify(request.header("authorization"), &Secret::new(AUTH)).is_err() {
        return (
            StatusCode::UNAUTHORIZED,
            Json(json!({"error": "The supplied authentication is invalid", "code": "tx1"})),
        )
            .into_response();
    }
    let query = request.uri.query().unwrap_or("");
    let segments = request.segments("/api/v1/namespaces/_");
    let segments: Vec<&str> = segments.iter().map(String::as_str).collect();
    let method = request.method.as_str();
    match segments.split_first() {
        Some((&"actions", rest)) => action(actions, request, query, method, rest),
        Some((&"packages", rest)) => package(request, query, method, rest),
        Some((&"activations", rest)) => activation(query, method, rest),
        _ => not_found("tx4"),
    }
}

/// A successful run of `name`.
fn ok<'a>(name: &'a str, result: Value) -> Run<'a> {
    Run {
        id: "ok1",
        name,
        status: "success",
        code: 0,
        result,
    }
}

/// `/actions[/{name}]`.
fn action(
    actions: &Actions,
    request: &Received,
    query: &str,
    method: &str,
    rest: &[&str],
) -> Response {
    match (method, rest) {
        ("GET", []) => {
            // As OpenWhisk lists them: each action's annotations, `exec` among them.
            let list: Vec<Value> = actions
                .lock()
                .unwrap()
                .iter()
                .map(|a| {
                    let mut annotations = a["annotations"].as_array().cloned().unwrap_or_default();
                    annotations.push(json!({"key": "exec", "value": "nodejs:20"}));
                    json!({"namespace": "guest", "name": a["name"], "annotations": annotations})
                })
                .collect();
            Json(Value::Array(list)).into_response()
        }
        ("PUT", [name]) => {
            if !query.contains("overwrite=true") {
                return (
                    StatusCode::CONFLICT,
                    Json(json!({"error": "resource already exists", "code": "tx2"})),
                )
                    .into_response();
            }
            let mut action = request.json();
            action["namespace"] = json!("guest");
            action["name"] = json!(name);
            actions.lock().unwrap().push(action.clone());
            Json(action).into_response()
        }
        ("GET", [name]) => match actions.lock().unwrap().iter().find(|a| a["name"] == *name) {
            Some(a) => Json(a.clone()).into_response(),
            None => not_found("tx3"),
        },
        ("DELETE", [_]) => Json(json!({})).into_response(),
        ("POST", [name]) => {
            let params = request.json();
            if query.contains("blocking=false") {
                return (
                    StatusCode::ACCEPTED,
                    Json(json!({"activationId": "0123456789abcdef0123456789abcdef"})),
                )
                    .into_response();
            }
            if params["fail"] == true {
                let failed = Run {
                    id: "f1",
                    name,
                    status: "application error",
                    code: 1,
                    result: json!({"error": "boom"}),
                };
                return (StatusCode::BAD_GATEWAY, Json(failed.json())).into_response();
            }
            Json(ok(name, json!({"echo": params})).json()).into_response()
        }
        _ => not_found("tx4"),
    }
}

/// `/packages[/{name}]`.
fn package(request: &Received, query: &str, method: &str, rest: &[&str]) -> Response {
    match (method, rest) {
        ("GET", []) => Json(json!([{"namespace": "guest", "name": "utils", "version": "0.0.1", "publish": false,
            "annotations": [{"key": "description", "value": "shared"}], "parameters": [], "binding": {}}])).into_response(),
        ("PUT", [name]) => {
            if !query.contains("overwrite=true") {
                return (StatusCode::CONFLICT, Json(json!({"error": "resource already exists", "code": "tx5"}))).into_response();
            }
            let mut package = request.json();
            package["namespace"] = json!("guest");
            package["name"] = json!(name);
            package["version"] = json!("0.0.1");
            Json(package).into_response()
        }
        // utils holds actions; any other package is empty (OpenWhisk answers the deleted entity).
        ("DELETE", ["utils"]) => (StatusCode::CONFLICT, Json(json!({
            "error": "Package not empty (contains 1 entity). Set force param or delete package contents.", "code": "tx6"
        }))).into_response(),
        ("DELETE", [name]) => Json(json!({"namespace": "guest", "name": name, "annotations": [], "parameters": []})).into_response(),
        _ => not_found("tx4"),
    }
}

/// `/activations[/{id}[/result|/logs]]`.
fn activation(query: &str, method: &str, rest: &[&str]) -> Response {
    match (method, rest) {
        ("GET", []) if query.contains("count=true") => Json(json!({"activations": 42})).into_response(),
        ("GET", []) => Json(json!([ok("hello", json!({})).json()])).into_response(),
        ("GET", [_id, "result"]) => Json(json!({"status": "application error", "statusCode": 1, "success": false, "result": {"error": "bad"}})).into_response(),
        ("GET", [id, "logs"]) => Json(json!({"logs": [format!("log of {id}")]})).into_response(),
        ("GET", [id]) => Json(Run { id, ..ok("hello", json!({"x": 1})) }.json()).into_response(),
        _ => not_found("tx4"),
    }
}

async fn setup(auth: &str) -> (OpenWhiskClient, Fake) {
    let actions = Actions::default();
    let (url, fake) = fake_provider(move |request| answer(&actions, request)).await;
    let config = OpenWhiskConfig {
        endpoint: url,
        namespace: "_".into(),
        auth: Secret::new(auth),
    };
    (OpenWhiskClient::new(transport(), config), fake)
}

fn hello_spec() -> ActionSpec {
    ActionSpec {
        kind: ActionKind::Web,
        description: Some("says hi".into()),
        parameters: serde_json::from_value(json!({"greeting": "hi"})).unwrap(),
        limits: Some(ActionLimits {
            timeout_ms: 60_000,
            memory_mb: 256,
        }),
        ..ActionSpec::basic(
            ActionRef::top("hello"),
            ActionExec::source("nodejs:20", "function main(){return {}}"),
        )
    }
}

#[tokio::test]
async fn actions_round_trip_with_basic_auth() {
    let (client, _) = setup(AUTH).await;
    let saved = client.put_action(&hello_spec()).await.unwrap();
    assert_eq!(saved.kind, ActionKind::Web, "web-export annotation kept");
    assert_eq!(saved.description.as_deref(), Some("says hi"));
    assert_eq!(saved.parameters["greeting"], "hi");
    let read = client.get_action(&ActionRef::top("hello")).await.unwrap();
    assert_eq!(
        read.limits,
        Some(ActionLimits {
            timeout_ms: 60_000,
            memory_mb: 256
        })
    );
    let list = client
        .list_actions(&ActionQuery::default(), &PageRequest::first(30))
        .await
        .unwrap();
    assert_eq!(list.items[0].runtime.as_deref(), Some("nodejs:20"));
    assert_eq!(
        list.items[0].kind,
        Some(ActionKind::Web),
        "the list shows it is a web action"
    );
    client
        .delete_action(&ActionRef::top("hello"))
        .await
        .unwrap();
}

#[tokio::test]
async fn a_run_finishes_fails_as_a_result_or_is_accepted() {
    let (client, fake) = setup(AUTH).await;
    let mut request = InvocationRequest {
        action: ActionRef::top("hello"),
        params: serde_json::from_value(json!({"n": 1})).unwrap(),
        blocking: true,
        wait_ms: Some(1_000),
    };
    let InvocationResult::Finished(ok) = client.invoke(&request).await.unwrap() else {
        panic!()
    };
    assert_eq!(ok.status, ActivationStatus::Success);
    assert_eq!(ok.result.unwrap()["echo"]["n"], 1);
    assert_eq!(
        fake.last().line(),
        "POST /api/v1/namespaces/_/actions/hello?blocking=true&timeout=1000"
    );
    request.params = serde_json::from_value(json!({"fail": true})).unwrap();
    let InvocationResult::Finished(failed) = client.invoke(&request).await.unwrap() else {
        panic!()
    };
    assert_eq!(
        failed.status,
        ActivationStatus::ApplicationError,
        "a 502 is a failed activation, not a transport error"
    );
    assert_eq!(failed.result.unwrap()["error"], "boom");
    request.blocking = false;
    assert_eq!(
        client.invoke(&request).await.unwrap(),
        InvocationResult::Accepted {
            id: "0123456789abcdef0123456789abcdef".into()
        }
    );
}

#[tokio::test]
async fn activations_list_with_their_total_and_read_whole_or_in_parts() {
    let (client, fake) = setup(AUTH).await;
    let query = ActivationQuery {
        action: Some(ActionRef::top("hello")),
        since_ms: Some(5),
        upto_ms: None,
    };
    let page = PageRequest {
        offset: 30,
        limit: 30,
        cursor: None,
    };
    let page = client.list_activations(&query, &page).await.unwrap();
    assert_eq!(page.total, Some(42));
    assert_eq!(page.items[0].logs.as_ref().unwrap().len(), 1);
    assert_eq!(
        fake.lines()[0],
        "GET /api/v1/namespaces/_/activations?limit=30&skip=30&name=hello&since=5"
    );
    let detail = client.get_activation(&ActivationRef::id("abc")).await;
    assert_eq!(detail.unwrap().result.unwrap()["x"], 1);
    assert_eq!(client.activation_logs("abc").await.unwrap(), ["log of abc"]);
    let (status, result) = client.activation_result("abc").await.unwrap();
    assert_eq!(
        (status, result.unwrap()["error"].as_str()),
        (ActivationStatus::ApplicationError, Some("bad"))
    );
}

#[tokio::test]
async fn a_wrong_key_is_refused_with_openwhisks_message() {
    let (client, _) = setup("23bc46b1-71f6-4ed5-8c54-816aa4f8c502:wrong").await;
    let error = client
        .list_actions(&ActionQuery::default(), &PageRequest::first(1))
        .await
        .unwrap_err();
    assert_eq!(error.kind, ErrorKind::Auth);
    assert_eq!(error.code.as_deref(), Some("tx1"));
    assert_eq!(
        error.provider_message.as_deref(),
        Some("The supplied authentication is invalid")
    );
}

#[tokio::test]
async fn a_missing_action_is_not_found() {
    let (client, _) = setup(AUTH).await;
    let error = client
        .get_action(&ActionRef::top("nope"))
        .await
        .unwrap_err();
    assert_eq!(error.kind, ErrorKind::NotFound);
    assert_eq!(
        error.provider_message.as_deref(),
        Some("The requested resource does not exist.")
    );
}

#[tokio::test]
async fn packages_are_listed_and_written_with_overwrite_and_deleted() {
    let (client, fake) = setup(AUTH).await;
    let listed = client
        .list_packages(&PageRequest {
            offset: 200,
            limit: 500,
            cursor: None,
        })
        .await
        .unwrap();
    assert_eq!(
        listed.items,
        [PackageSummary {
            name: "utils".into(),
            description: Some("shared".into())
        }]
    );
    assert_eq!(
        fake.last().line(),
        "GET /api/v1/namespaces/_/packages?limit=200&skip=200"
    );

    let spec = PackageSpec {
        name: "tools".into(),
        description: Some("made here".into()),
        parameters: serde_json::from_value(json!({"place": "here"})).unwrap(),
    };
    assert_eq!(client.put_package(&spec).await.unwrap(), spec);
    let put = fake.last();
    assert_eq!(
        put.line(),
        "PUT /api/v1/namespaces/_/packages/tools?overwrite=true"
    );
    assert_eq!(
        (&put.json()["annotations"], &put.json()["parameters"]),
        (
            &json!([{"key": "description", "value": "made here"}]),
            &json!([{"key": "place", "value": "here"}])
        )
    );

    client.delete_package("tools").await.unwrap();
    assert_eq!(
        fake.last().line(),
        "DELETE /api/v1/namespaces/_/packages/tools"
    );
}

#[tokio::test]
async fn a_package_that_holds_actions_is_refused_with_409_explained() {
    let (client, _) = setup(AUTH).await;
    let error = client.delete_package("utils").await.unwrap_err();
    assert_eq!((error.kind, error.status), (ErrorKind::Invalid, Some(409)));
    assert_eq!(
        error.explanation,
        "the package still holds actions; delete them first (HTTP 409)"
    );
    assert_eq!(
        error.provider_message.as_deref(),
        Some("Package not empty (contains 1 entity). Set force param or delete package contents.")
    );
    assert_eq!(
        error.code.as_deref(),
        Some("tx6"),
        "the transaction id is kept"
    );
}
