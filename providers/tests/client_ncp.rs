//! The NCP client against a fake NAVER Cloud Functions that checks signature v2.

mod common;

use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use common::*;
use providers::client::{NcpClient, NcpConfig, Operations};
use providers::sign::{Secret, ncp};
use providers::*;
use serde_json::{Value, json};
use std::sync::{Arc, Mutex};

const AK: &str = "ncpAccessKeyEXAMPLE01";
const SK: &str = "ncpSecretKeyEXAMPLE0123456789abcdefABCD";

/// The actions the fake holds, by name.
type Actions = Arc<Mutex<Vec<(String, Value)>>>;

fn ncp_error(status: StatusCode, code: &str, message: &str) -> Response {
    (
        status,
        Json(json!({"error": {"errorCode": code, "message": message}})),
    )
        .into_response()
}

/// Whether `request` carries a valid signature v2 of the test key.
fn signed(request: &Received) -> bool {
    let presented = ncp::PresentedSignature {
        timestamp_ms: request.header(ncp::TIMESTAMP_HEADER),
        access_key: request.header(ncp::ACCESS_KEY_HEADER),
        signature: request.header(ncp::SIGNATURE_HEADER),
    };
    let lookup = |k: &str| (k == AK).then(|| Secret::new(SK));
    let method = request.method.as_str();
    ncp::verify(method, &request.target(), presented, lookup, now_ms()).is_ok()
}

fn answer(actions: &Actions, request: &Received) -> Response {
    if !signed(request) {
        // The API gateway's answer to a bad signature.
        return (StatusCode::UNAUTHORIZED, Json(json!({"error": {"errorCode": "200", "message": "Authentication Failed", "details": "Invalid authentication information."}}))).into_response();
    }
    let segments = request.segments("/api/v2");
    let segments: Vec<&str> = segments.iter().map(String::as_str).collect();
    match (request.method.as_str(), segments.as_slice()) {
        ("GET", ["packages"]) => Json(json!({"content": [{"name": "pkg01", "description": "demo"}]})).into_response(),
        ("PUT", ["packages", p]) => {
            let body = request.json();
            Json(json!({"content": {"name": p, "namespace": "ns", "description": body["description"], "parameters": body["parameters"]}})).into_response()
        }
        // pkg01 holds actions; any other package is empty.
        ("DELETE", ["packages", "pkg01"]) => ncp_error(StatusCode::CONFLICT, "80109", "PACKAGE_NOT_EMPTY"),
        ("DELETE", ["packages", _p]) => StatusCode::NO_CONTENT.into_response(),
        ("GET", ["packages", _p, "actions"]) => {
            let actions: Vec<Value> = actions.lock().unwrap().iter().map(|(n, _)| json!({"name": n, "type": "basic", "runtime": "nodejs:16"})).collect();
            Json(json!({"content": {"actions": actions}})).into_response()
        }
        ("PUT", ["packages", p, "actions", a]) => put_action(actions, p, a, request),
        ("GET", ["packages", _p, "actions", a]) => match actions.lock().unwrap().iter().find(|(n, _)| n == a) {
            Some((n, body)) => {
                let mut content = body.clone();
                content["name"] = json!(n);
                content["type"] = json!("basic");
                Json(json!({ "content": content })).into_response()
            }
            None => ncp_error(StatusCode::NOT_FOUND, "80301", "ACTION_NOT_FOUND"),
        },
        ("DELETE", ["packages", _p, "actions", _a]) => StatusCode::NO_CONTENT.into_response(),
        ("POST", ["packages", _p, "actions", a]) => {
            if request.query_values("timeout") == ["0"] {
                return Json(json!({"content": {"activationId": "a1b2c3d4e5f60718293a4b5c6d7e8f90"}})).into_response();
            }
            Json(json!({"content": {
                "activationId": "*****6a1fcab420490f6a1fcab0*****", "duration": 33, "end": 1714021538121_i64,
                "name": a, "namespace": "ns", "start": 1714021538088_i64, "subject": "ns",
                "response": {"result": {"payload": request.json()["name"]}, "status": "success", "success": true}
            }}))
            .into_response()
        }
        ("GET", ["packages", _, "actions", _, "activations"] | ["activations"]) => Json(json!({"content": {
            "activations": [{"activationId": "*****8494cef4237b618494cefe*****", "duration": 1, "status": "success"}],
            "totalCount": 1425
        }}))
        .into_response(),
        ("GET", ["packages", _p, "actions", a, "activations", id]) => Json(json!({"content": {
            "activationId": id, "duration": 5, "start": 1, "end": 6, "name": a, "namespace": "ns", "subject": "ns",
            "logs": ["2024-04-25T05:05:38.1Z stdout: hello"],
            "response": {"result": {"ok": true}, "status": "success", "success": true}
        }}))
        .into_response(),
        _ => ncp_error(StatusCode::NOT_FOUND, "80301", "ACTION_NOT_FOUND"),
    }
}

fn put_action(actions: &Actions, package: &str, name: &str, request: &Received) -> Response {
    let Ok(body) = serde_json::from_slice::<Value>(&request.body) else {
        return ncp_error(StatusCode::BAD_REQUEST, "80305", "ACTION_BODY_INVALID_TYPE");
    };
    let timeout = body["limits"]["timeout"].as_u64().unwrap_or(0);
    if !(500..=300_000).contains(&timeout) {
        return ncp_error(
            StatusCode::BAD_REQUEST,
            "80307",
            "ACTION_BODY_INVALID_VALUE",
        );
    }
    actions
        .lock()
        .unwrap()
        .push((name.to_string(), body.clone()));
    let mut content = body;
    content["name"] = json!(name);
    content["path"] = json!(format!("ns/{package}"));
    content["type"] = json!("basic");
    Json(json!({ "content": content })).into_response()
}

async fn setup(secret: &str) -> (NcpClient, Fake) {
    let actions = Actions::default();
    let (url, fake) = fake_provider(move |request| answer(&actions, request)).await;
    let client = NcpClient::new(
        transport(),
        NcpConfig {
            endpoint: url,
            base_path: "/api/v2".into(),
            platform: Some("classic".into()),
            access_key: AK.into(),
            secret_key: Secret::new(secret),
        },
    );
    (client, fake)
}

fn spec(name: &str, timeout_ms: u64) -> ActionSpec {
    let exec = ActionExec {
        main: Some("main".into()),
        ..ActionExec::source("nodejs:16", "function main(p){return {payload:p.name}}")
    };
    ActionSpec {
        description: Some("My action".into()),
        parameters: serde_json::from_value(json!({"place": "NCloud"})).unwrap(),
        limits: Some(ActionLimits {
            timeout_ms,
            memory_mb: 128,
        }),
        ..ActionSpec::basic(ActionRef::in_package("pkg01", name), exec)
    }
}

fn hello() -> ActionRef {
    ActionRef::in_package("pkg01", "hello")
}

#[tokio::test]
async fn signed_requests_are_accepted_and_actions_round_trip() {
    let (client, fake) = setup(SK).await;
    let packages = client.list_packages(&PageRequest::first(10)).await.unwrap();
    assert_eq!(
        (packages.items[0].name.as_str(), packages.total),
        ("pkg01", Some(1))
    );

    let saved = client.put_action(&spec("hello", 60_000)).await.unwrap();
    assert_eq!(
        saved.limits,
        Some(ActionLimits {
            timeout_ms: 60_000,
            memory_mb: 128
        })
    );
    assert!(
        fake.last()
            .line()
            .starts_with("PUT /api/v2/packages/pkg01/actions/hello?platform=classic&type=basic"),
        "{:?}",
        fake.lines()
    );
    let read = client.get_action(&hello()).await.unwrap();
    assert_eq!(read.exec.kind, "nodejs:16");
    assert_eq!(read.parameters["place"], "NCloud");
    let listed = client
        .list_actions(&ActionQuery::package("pkg01"), &PageRequest::first(10))
        .await
        .unwrap();
    assert_eq!(listed.items[0].action, hello());
    client.delete_action(&hello()).await.unwrap();
}

#[tokio::test]
async fn a_run_finishes_within_its_wait_or_is_accepted() {
    let (client, _) = setup(SK).await;
    let request = InvocationRequest {
        action: hello(),
        params: serde_json::from_value(json!({"name": "네이버 클라우드"})).unwrap(),
        blocking: true,
        wait_ms: Some(30_000),
    };
    let InvocationResult::Finished(activation) = client.invoke(&request).await.unwrap() else {
        panic!("expected a result")
    };
    assert_eq!(activation.status, ActivationStatus::Success);
    assert_eq!(activation.result.unwrap()["payload"], "네이버 클라우드");

    let enqueued = InvocationRequest {
        blocking: false,
        ..request
    };
    assert_eq!(
        client.invoke(&enqueued).await.unwrap(),
        InvocationResult::Accepted {
            id: "a1b2c3d4e5f60718293a4b5c6d7e8f90".into()
        }
    );
}

#[tokio::test]
async fn an_actions_activations_page_by_number_and_read_through_it() {
    let (client, fake) = setup(SK).await;
    let query = ActivationQuery {
        action: Some(hello()),
        since_ms: Some(1),
        ..Default::default()
    };
    let page = PageRequest {
        offset: 20,
        limit: 20,
        cursor: None,
    };
    let page = client.list_activations(&query, &page).await.unwrap();
    assert_eq!(page.total, Some(1425));
    assert_eq!(
        fake.last().line(),
        "GET /api/v2/packages/pkg01/actions/hello/activations?platform=classic&pageNo=2&pageSize=20&start=1"
    );
    let activation = ActivationRef::of(hello(), &page.items[0].id);
    let detail = client.get_activation(&activation).await.unwrap();
    assert_eq!(
        detail.logs.unwrap(),
        ["2024-04-25T05:05:38.1Z stdout: hello"]
    );
}

#[tokio::test]
async fn a_wrong_secret_is_refused_with_the_gateways_code() {
    let (client, _) = setup("not-the-secret").await;
    let error = client
        .list_packages(&PageRequest::first(10))
        .await
        .unwrap_err();
    assert_eq!(error.kind, ErrorKind::Auth);
    assert_eq!(error.status, Some(401));
    assert_eq!(error.code.as_deref(), Some("200"));
    assert_eq!(
        error.provider_message.as_deref(),
        Some("Authentication Failed: Invalid authentication information.")
    );
}

#[tokio::test]
async fn documented_error_codes_keep_the_code_and_explain_it() {
    let (client, _) = setup(SK).await;
    let error = client.put_action(&spec("slow", 100)).await.unwrap_err();
    assert_eq!(error.kind, ErrorKind::Invalid);
    assert_eq!(error.code.as_deref(), Some("80307"));
    assert_eq!(
        error.provider_message.as_deref(),
        Some("ACTION_BODY_INVALID_VALUE")
    );
    assert_eq!(
        error.to_string(),
        "a field of the action has a value that is not allowed (provider said 80307: ACTION_BODY_INVALID_VALUE)"
    );
    let missing = client
        .get_action(&ActionRef::in_package("pkg01", "nope"))
        .await
        .unwrap_err();
    assert_eq!(missing.kind, ErrorKind::NotFound);
    assert_eq!(missing.explanation, "the action does not exist");
}

#[tokio::test]
async fn a_non_blocking_run_with_a_wait_sends_one_timeout() {
    let (client, fake) = setup(SK).await;
    let request = InvocationRequest {
        action: hello(),
        params: Default::default(),
        blocking: false,
        wait_ms: Some(30_000),
    };
    let accepted = client.invoke(&request).await.unwrap();
    assert!(matches!(accepted, InvocationResult::Accepted { .. }));
    assert_eq!(fake.last().query_values("timeout"), ["0"]);
}

#[tokio::test]
async fn a_vpc_that_is_not_ncps_shape_is_refused_not_dropped() {
    let (client, fake) = setup(SK).await;
    let mut bad = spec("hello", 60_000);
    bad.extra.insert("vpc".into(), json!("vpc-1"));
    let error = client.put_action(&bad).await.unwrap_err();
    assert_eq!(error.kind, ErrorKind::Invalid);
    assert!(
        error
            .explanation
            .starts_with("the action's vpc is not a list of {vpcNo, subnetNo}: "),
        "{}",
        error.explanation
    );
    assert!(fake.received().is_empty(), "nothing was sent");
}

#[tokio::test]
async fn every_activation_is_listed_without_an_action_but_read_through_one() {
    let (client, fake) = setup(SK).await;
    let page = client
        .list_activations(&ActivationQuery::default(), &PageRequest::first(10))
        .await
        .unwrap();
    assert_eq!(
        (page.total, page.items[0].name.as_deref()),
        (Some(1425), None)
    );
    assert_eq!(
        fake.last().line(),
        "GET /api/v2/activations?platform=classic&pageNo=1&pageSize=10"
    );

    let error = client
        .get_activation(&ActivationRef::id(&page.items[0].id))
        .await
        .unwrap_err();
    assert_eq!(error.kind, ErrorKind::Invalid);
    assert_eq!(fake.received().len(), 1, "nothing more was sent");
}

#[tokio::test]
async fn packages_are_listed_written_and_deleted_as_signed_requests() {
    let (client, fake) = setup(SK).await;
    let listed = client.list_packages(&PageRequest::first(10)).await.unwrap();
    assert_eq!(
        listed.items,
        [PackageSummary {
            name: "pkg01".into(),
            description: Some("demo".into())
        }]
    );
    assert_eq!(fake.last().line(), "GET /api/v2/packages?platform=classic");

    let spec = PackageSpec {
        name: "new pkg".into(),
        description: Some("made here".into()),
        parameters: serde_json::from_value(json!({"place": "NCloud"})).unwrap(),
    };
    assert_eq!(client.put_package(&spec).await.unwrap(), spec);
    let put = fake.last();
    assert_eq!(
        put.line(),
        "PUT /api/v2/packages/new%20pkg?platform=classic"
    );
    assert_eq!(
        put.json(),
        json!({"description": "made here", "parameters": {"place": "NCloud"}})
    );

    client.delete_package("new pkg").await.unwrap();
    assert_eq!(
        fake.last().line(),
        "DELETE /api/v2/packages/new%20pkg?platform=classic"
    );
}

#[tokio::test]
async fn a_package_that_holds_actions_is_refused_with_80109_explained() {
    let (client, _) = setup(SK).await;
    let error = client.delete_package("pkg01").await.unwrap_err();
    assert_eq!(
        (error.kind, error.status, error.code.as_deref()),
        (ErrorKind::Invalid, Some(409), Some("80109"))
    );
    assert_eq!(
        error.to_string(),
        "the package still holds actions; delete them first (provider said 80109: PACKAGE_NOT_EMPTY)"
    );
}
