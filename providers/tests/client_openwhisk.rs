//! The OpenWhisk client against a fake API v1 that checks basic auth.

mod common;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::{Json, Router};
use common::*;
use providers::client::{OpenWhiskClient, OpenWhiskConfig, Operations};
use providers::sign::{Secret, openwhisk};
use providers::*;
use serde_json::{Value, json};
use std::sync::{Arc, Mutex};

const AUTH: &str = "23bc46b1-71f6-4ed5-8c54-816aa4f8c502:123zO3xZCLrMN6v2BKK1dXYFpXlPkccOFqm12CdAsMgRU4VrNZ9lyGVCGuMDGIwP";

#[derive(Clone, Default)]
struct Fake {
    actions: Arc<Mutex<Vec<Value>>>,
    seen: Arc<Mutex<Vec<String>>>,
}

fn activation(id: &str, name: &str, status: &str, code: i64, result: Value) -> Value {
    json!({"namespace": "guest", "name": name, "version": "0.0.1", "subject": "guest", "activationId": id,
           "start": 1, "end": 9, "duration": 8, "logs": ["2024-01-01T00:00:00Z stdout: hi"],
           "response": {"status": status, "statusCode": code, "success": code == 0, "result": result},
           "annotations": [], "publish": false})
}

async fn handle(
    State(fake): State<Fake>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    if openwhisk::verify(header(&headers, "authorization"), &Secret::new(AUTH)).is_err() {
        return (
            StatusCode::UNAUTHORIZED,
            Json(json!({"error": "The supplied authentication is invalid", "code": "tx1"})),
        )
            .into_response();
    }
    fake.seen
        .lock()
        .unwrap()
        .push(format!("{method} {}", target(&uri)));
    let query = uri.query().unwrap_or("");
    let path = uri.path().trim_start_matches("/api/v1/namespaces/_");
    let segments: Vec<&str> = path.trim_matches('/').split('/').collect();
    match (method.as_str(), segments.as_slice()) {
        ("GET", ["actions"]) => {
            let list: Vec<Value> = fake.actions.lock().unwrap().iter().map(|a| json!({"namespace": "guest", "name": a["name"], "annotations": [{"key": "exec", "value": "nodejs:20"}]})).collect();
            Json(Value::Array(list)).into_response()
        }
        ("PUT", ["actions", name]) => {
            if !query.contains("overwrite=true") {
                return (StatusCode::CONFLICT, Json(json!({"error": "resource already exists", "code": "tx2"}))).into_response();
            }
            let mut action: Value = serde_json::from_slice(&body).unwrap();
            action["namespace"] = json!("guest");
            action["name"] = json!(name);
            fake.actions.lock().unwrap().push(action.clone());
            Json(action).into_response()
        }
        ("GET", ["actions", name]) => match fake.actions.lock().unwrap().iter().find(|a| a["name"] == *name) {
            Some(a) => Json(a.clone()).into_response(),
            None => (StatusCode::NOT_FOUND, Json(json!({"error": "The requested resource does not exist.", "code": "tx3"}))).into_response(),
        },
        ("DELETE", ["actions", _]) => Json(json!({})).into_response(),
        ("POST", ["actions", name]) => {
            let params: Value = serde_json::from_slice(&body).unwrap_or(json!({}));
            if query.contains("blocking=false") {
                return (StatusCode::ACCEPTED, Json(json!({"activationId": "0123456789abcdef0123456789abcdef"}))).into_response();
            }
            if params["fail"] == true {
                return (StatusCode::BAD_GATEWAY, Json(activation("f1", name, "application error", 1, json!({"error": "boom"})))).into_response();
            }
            Json(activation("ok1", name, "success", 0, json!({"echo": params}))).into_response()
        }
        ("GET", ["activations"]) if query.contains("count=true") => Json(json!({"activations": 42})).into_response(),
        ("GET", ["activations"]) => Json(json!([activation("ok1", "hello", "success", 0, json!({}))])).into_response(),
        ("GET", ["activations", _id, "result"]) => Json(json!({"status": "application error", "statusCode": 1, "success": false, "result": {"error": "bad"}})).into_response(),
        ("GET", ["activations", id, "logs"]) => Json(json!({"logs": [format!("log of {id}")]})).into_response(),
        ("GET", ["activations", id]) => Json(activation(id, "hello", "success", 0, json!({"x": 1}))).into_response(),
        _ => (StatusCode::NOT_FOUND, Json(json!({"error": "The requested resource does not exist.", "code": "tx4"}))).into_response(),
    }
}

async fn setup(auth: &str) -> (OpenWhiskClient, Fake) {
    let fake = Fake::default();
    let url = serve(Router::new().fallback(handle).with_state(fake.clone())).await;
    (
        OpenWhiskClient::new(
            transport(),
            OpenWhiskConfig {
                endpoint: url,
                namespace: "_".into(),
                auth: Secret::new(auth),
            },
        ),
        fake,
    )
}

#[tokio::test]
async fn every_capability_round_trips_with_basic_auth() {
    let (client, fake) = setup(AUTH).await;
    let spec = ActionSpec {
        action: ActionRef::top("hello"),
        kind: ActionKind::Web,
        description: Some("says hi".into()),
        parameters: serde_json::from_value(json!({"greeting": "hi"})).unwrap(),
        limits: Some(ActionLimits {
            timeout_ms: 60_000,
            memory_mb: 256,
        }),
        exec: ActionExec {
            kind: "nodejs:20".into(),
            code: Some("function main(){return {}}".into()),
            binary: false,
            main: None,
            image_uri: None,
            components: vec![],
        },
        extra: Default::default(),
    };
    let saved = client.put_action(&spec).await.unwrap();
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

    let page = client
        .list_activations(
            &ActivationQuery {
                action: Some(ActionRef::top("hello")),
                since_ms: Some(5),
                upto_ms: None,
            },
            &PageRequest {
                offset: 30,
                limit: 30,
                cursor: None,
            },
        )
        .await
        .unwrap();
    assert_eq!(page.total, Some(42));
    assert_eq!(page.items[0].logs.as_ref().unwrap().len(), 1);
    assert_eq!(
        client
            .get_activation(&ActivationRef::id("abc"))
            .await
            .unwrap()
            .result
            .unwrap()["x"],
        1
    );
    assert_eq!(client.activation_logs("abc").await.unwrap(), ["log of abc"]);
    let (status, result) = client.activation_result("abc").await.unwrap();
    assert_eq!(
        (status, result.unwrap()["error"].as_str()),
        (ActivationStatus::ApplicationError, Some("bad"))
    );
    client
        .delete_action(&ActionRef::top("hello"))
        .await
        .unwrap();

    let seen = fake.seen.lock().unwrap().clone();
    assert!(
        seen.contains(
            &"GET /api/v1/namespaces/_/activations?limit=30&skip=30&docs=true&name=hello&since=5"
                .to_string()
        ),
        "{seen:?}"
    );
    assert!(
        seen.contains(
            &"POST /api/v1/namespaces/_/actions/hello?blocking=true&timeout=1000".to_string()
        ),
        "{seen:?}"
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
