//! The NCP client against a fake NAVER Cloud Functions that checks signature v2.

mod common;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::{Json, Router};
use common::*;
use providers::client::{NcpClient, NcpConfig, Operations};
use providers::sign::{Secret, ncp};
use providers::*;
use serde_json::{Value, json};
use std::sync::{Arc, Mutex};

const AK: &str = "ncpAccessKeyEXAMPLE01";
const SK: &str = "ncpSecretKeyEXAMPLE0123456789abcdefABCD";

#[derive(Clone, Default)]
struct Fake {
    actions: Arc<Mutex<Vec<(String, Value)>>>,
    seen: Arc<Mutex<Vec<String>>>,
}

fn ncp_error(status: StatusCode, code: &str, message: &str) -> Response {
    (
        status,
        Json(json!({"error": {"errorCode": code, "message": message}})),
    )
        .into_response()
}

async fn handle(
    State(fake): State<Fake>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let target = target(&uri);
    let presented = ncp::PresentedSignature {
        timestamp_ms: header(&headers, ncp::TIMESTAMP_HEADER),
        access_key: header(&headers, ncp::ACCESS_KEY_HEADER),
        signature: header(&headers, ncp::SIGNATURE_HEADER),
    };
    let lookup = |k: &str| (k == AK).then(|| Secret::new(SK));
    if ncp::verify(method.as_str(), &target, presented, lookup, now_ms()).is_err() {
        // The API gateway's answer to a bad signature.
        return (StatusCode::UNAUTHORIZED, Json(json!({"error": {"errorCode": "200", "message": "Authentication Failed", "details": "Invalid authentication information."}}))).into_response();
    }
    fake.seen.lock().unwrap().push(format!("{method} {target}"));
    let path = uri.path().trim_start_matches("/api/v2");
    let segments: Vec<&str> = path.trim_matches('/').split('/').collect();
    match (method.as_str(), segments.as_slice()) {
        ("GET", ["packages"]) => Json(json!({"content": [{"name": "pkg01", "description": "demo"}]})).into_response(),
        ("GET", ["packages", _p, "actions"]) => {
            let actions: Vec<Value> = fake.actions.lock().unwrap().iter().map(|(n, _)| json!({"name": n, "type": "basic", "runtime": "nodejs:16"})).collect();
            Json(json!({"content": {"actions": actions}})).into_response()
        }
        ("PUT", ["packages", p, "actions", a]) => {
            let body: Value = match serde_json::from_slice(&body) {
                Ok(v) => v,
                Err(_) => return ncp_error(StatusCode::BAD_REQUEST, "80305", "ACTION_BODY_INVALID_TYPE"),
            };
            let timeout = body["limits"]["timeout"].as_u64().unwrap_or(0);
            if !(500..=300_000).contains(&timeout) {
                return ncp_error(StatusCode::BAD_REQUEST, "80307", "ACTION_BODY_INVALID_VALUE");
            }
            fake.actions.lock().unwrap().push((a.to_string(), body.clone()));
            let mut content = body;
            content["name"] = json!(a);
            content["path"] = json!(format!("ns/{p}"));
            content["type"] = json!("basic");
            Json(json!({ "content": content })).into_response()
        }
        ("GET", ["packages", _p, "actions", a]) => match fake.actions.lock().unwrap().iter().find(|(n, _)| n == a) {
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
            let params: Value = serde_json::from_slice(&body).unwrap_or(json!({}));
            if uri.query().unwrap_or("").contains("timeout=0") {
                return Json(json!({"content": {"activationId": "a1b2c3d4e5f60718293a4b5c6d7e8f90"}})).into_response();
            }
            Json(json!({"content": {
                "activationId": "*****6a1fcab420490f6a1fcab0*****", "duration": 33, "end": 1714021538121_i64,
                "name": a, "namespace": "ns", "start": 1714021538088_i64, "subject": "ns",
                "response": {"result": {"payload": params["name"]}, "status": "success", "success": true}
            }}))
            .into_response()
        }
        ("GET", ["packages", _p, "actions", _a, "activations"]) => Json(json!({"content": {
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

async fn setup(secret: &str) -> (NcpClient, Fake) {
    let fake = Fake::default();
    let url = serve(Router::new().fallback(handle).with_state(fake.clone())).await;
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
    ActionSpec {
        action: ActionRef::in_package("pkg01", name),
        kind: ActionKind::Basic,
        description: Some("My action".into()),
        parameters: serde_json::from_value(json!({"place": "NCloud"})).unwrap(),
        limits: Some(ActionLimits {
            timeout_ms,
            memory_mb: 128,
        }),
        exec: ActionExec {
            kind: "nodejs:16".into(),
            code: Some("function main(p){return {payload:p.name}}".into()),
            binary: false,
            main: Some("main".into()),
            image_uri: None,
            components: vec![],
        },
        extra: Default::default(),
    }
}

#[tokio::test]
async fn signed_requests_are_accepted_and_every_capability_round_trips() {
    let (client, fake) = setup(SK).await;
    assert_eq!(client.list_packages().await.unwrap(), ["pkg01"]);

    let saved = client.put_action(&spec("hello", 60_000)).await.unwrap();
    assert_eq!(
        saved.limits,
        Some(ActionLimits {
            timeout_ms: 60_000,
            memory_mb: 128
        })
    );
    let read = client
        .get_action(&ActionRef::in_package("pkg01", "hello"))
        .await
        .unwrap();
    assert_eq!(read.exec.kind, "nodejs:16");
    assert_eq!(read.parameters["place"], "NCloud");
    let listed = client
        .list_actions(&ActionQuery::package("pkg01"), &PageRequest::first(10))
        .await
        .unwrap();
    assert_eq!(
        listed.items[0].action,
        ActionRef::in_package("pkg01", "hello")
    );

    let request = InvocationRequest {
        action: ActionRef::in_package("pkg01", "hello"),
        params: serde_json::from_value(json!({"name": "네이버 클라우드"})).unwrap(),
        blocking: true,
        wait_ms: Some(30_000),
    };
    let InvocationResult::Finished(activation) = client.invoke(&request).await.unwrap() else {
        panic!("expected a result")
    };
    assert_eq!(activation.status, ActivationStatus::Success);
    assert_eq!(activation.result.unwrap()["payload"], "네이버 클라우드");

    let enqueued = client
        .invoke(&InvocationRequest {
            blocking: false,
            ..request
        })
        .await
        .unwrap();
    assert_eq!(
        enqueued,
        InvocationResult::Accepted {
            id: "a1b2c3d4e5f60718293a4b5c6d7e8f90".into()
        }
    );

    let page = client
        .list_activations(
            &ActivationQuery {
                action: Some(ActionRef::in_package("pkg01", "hello")),
                since_ms: Some(1),
                ..Default::default()
            },
            &PageRequest {
                offset: 20,
                limit: 20,
                cursor: None,
            },
        )
        .await
        .unwrap();
    assert_eq!(page.total, Some(1425));
    let detail = client
        .get_activation(&ActivationRef::of(
            ActionRef::in_package("pkg01", "hello"),
            &page.items[0].id,
        ))
        .await
        .unwrap();
    assert_eq!(
        detail.logs.unwrap(),
        ["2024-04-25T05:05:38.1Z stdout: hello"]
    );
    client
        .delete_action(&ActionRef::in_package("pkg01", "hello"))
        .await
        .unwrap();

    let seen = fake.seen.lock().unwrap().clone();
    assert!(seen.contains(&"GET /api/v2/packages/pkg01/actions/hello/activations?platform=classic&pageNo=2&pageSize=20&start=1".to_string()), "{seen:?}");
    assert!(
        seen.iter().any(|s| s
            .starts_with("PUT /api/v2/packages/pkg01/actions/hello?platform=classic&type=basic")),
        "{seen:?}"
    );
}

#[tokio::test]
async fn a_wrong_secret_is_refused_with_the_gateways_code() {
    let (client, _) = setup("not-the-secret").await;
    let error = client.list_packages().await.unwrap_err();
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
        action: ActionRef::in_package("pkg01", "hello"),
        params: Default::default(),
        blocking: false,
        wait_ms: Some(30_000),
    };
    let accepted = client.invoke(&request).await.unwrap();
    assert!(matches!(accepted, InvocationResult::Accepted { .. }));
    let seen = fake.seen.lock().unwrap().clone();
    let query = seen[0].split_once('?').map(|(_, q)| q).unwrap_or("");
    let timeouts: Vec<_> = query
        .split('&')
        .filter(|pair| pair.starts_with("timeout="))
        .collect();
    assert_eq!(timeouts, ["timeout=0"], "{seen:?}");
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
    assert!(fake.seen.lock().unwrap().is_empty(), "nothing was sent");
}
