//! The FunctionGraph client against a fake that checks SDK-HMAC-SHA256 (or a token).

mod common;

use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use common::*;
use providers::client::{HuaweiAuth, HuaweiClient, HuaweiConfig, Operations};
use providers::sign::{Secret, huawei};
use providers::*;
use serde_json::json;

const AK: &str = "HWAKEXAMPLE0000000001";
const SK: &str = "hwSecretKeyEXAMPLE0123456789abcdefABCDEFGH";
const PROJECT: &str = "0123456789abcdef0123456789abcdef";
const TOKEN: &str = "MIIEXAMPLETOKEN";

fn error(status: StatusCode, code: &str, msg: &str) -> Response {
    (status, Json(json!({"error_code": code, "error_msg": msg}))).into_response()
}

fn answer(request: &Received) -> Response {
    let authorized = request.header("x-auth-token") == Some(TOKEN) || {
        let (query, headers) = (request.query(), request.header_list());
        let parts = huawei::RequestParts {
            method: request.method.as_str(),
            path: request.uri.path(),
            query: &query,
            headers: &headers,
            body: &request.body,
        };
        let lookup = |k: &str| (k == AK).then(|| Secret::new(SK));
        huawei::verify(parts, lookup, (now_ms() / 1000) as i64).is_ok()
    };
    if !authorized {
        return error(StatusCode::FORBIDDEN, "FSS.0403", "invalid token");
    }
    let segments = request.segments("");
    let segments: Vec<&str> = segments.iter().map(String::as_str).collect();
    match (request.method.as_str(), segments.as_slice()) {
        ("GET", ["v2", PROJECT, "fgs", "functions"]) => Json(json!({
            "functions": [{"func_urn": format!("urn:fss:cn-north-4:{PROJECT}:function:default:hello:latest"), "func_name": "hello", "package": "default", "runtime": "Node.js16.17", "timeout": 30, "memory_size": 128, "handler": "index.handler"}],
            "next_marker": 0, "count": 1
        }))
        .into_response(),
        (_, ["v2", PROJECT, "fgs", "functions", urn, ..]) if !urn.contains(":function:default:hello:") => error(StatusCode::NOT_FOUND, "FSS.0404", "can not find function"),
        ("POST", ["v2", PROJECT, "fgs", "functions", _urn, "invocations"]) => {
            let params = request.json();
            let summary = r#"{"duration":1.913,"billingDuration":100,"memorySize":128,"memoryUsed":41.51171875}"#;
            let body = Json(json!({"request_id": "r-sync", "result": json!({"hello": params["name"]}).to_string(), "log": "line 1\nline 2", "status": 0}));
            ([("X-Cff-Invoke-Summary", summary)], body).into_response()
        }
        ("POST", ["v2", PROJECT, "fgs", "functions", _urn, "invocations-async"]) => Json(json!({"request_id": "r-async"})).into_response(),
        ("GET", ["v2", PROJECT, "fgs", "functions", _urn, "async-invocations"]) => Json(json!({
            "invocations": [{"request_id": "403fcbd6-ec41-401f-9fa7-386f3d3d0001", "status": "FAIL", "error_message": "boom", "start_time": "2019-10-25T15:37:27", "end_time": "2019-10-25T15:37:28", "error_code": 1}],
            "count": 7, "next_marker": 1
        }))
        .into_response(),
        _ => error(StatusCode::NOT_FOUND, "FSS.0404", "can not find function"),
    }
}

async fn setup(auth: HuaweiAuth) -> (HuaweiClient, Fake) {
    let (url, fake) = fake_provider(answer).await;
    let config = HuaweiConfig {
        endpoint: url,
        project_id: PROJECT.into(),
        region: "cn-north-4".into(),
        auth,
    };
    (HuaweiClient::new(transport(), config), fake)
}

fn aksk(sk: &str) -> HuaweiAuth {
    HuaweiAuth::AkSk {
        access_key: AK.into(),
        secret_key: Secret::new(sk),
    }
}

#[tokio::test]
async fn functions_and_invocations_round_trip() {
    let (client, _) = setup(aksk(SK)).await;
    let list = client
        .list_actions(&ActionQuery::default(), &PageRequest::first(10))
        .await
        .unwrap();
    assert_eq!(list.items[0].action, ActionRef::top("hello"));
    assert_eq!(list.next_cursor, None, "marker 0 means no further page");

    let request = InvocationRequest {
        action: ActionRef::top("hello"),
        params: serde_json::from_value(json!({"name": "화웨이"})).unwrap(),
        blocking: true,
        wait_ms: None,
    };
    let InvocationResult::Finished(done) = client.invoke(&request).await.unwrap() else {
        panic!()
    };
    assert_eq!(done.result.as_ref().unwrap()["hello"], "화웨이");
    assert_eq!(done.logs.as_deref().unwrap(), ["line 1", "line 2"]);
    // The X-Cff-Invoke-Summary header: duration, billing and memory used (MB).
    assert_eq!(done.duration_ms, Some(2));
    assert_eq!(done.billed_ms(), Some(100));
    assert_eq!(done.memory_used_bytes(), Some(43_528_192));
    let accepted = client
        .invoke(&InvocationRequest {
            blocking: false,
            ..request
        })
        .await
        .unwrap();
    assert_eq!(
        accepted,
        InvocationResult::Accepted {
            id: "r-async".into()
        }
    );
}

#[tokio::test]
async fn async_records_are_listed_with_every_filter() {
    let (client, fake) = setup(aksk(SK)).await;
    let query = AsyncInvocationQuery {
        action: Some(ActionRef::top("hello")),
        request_id: Some("403fcbd6".into()),
        status: Some(AsyncStatus::Fail),
        begin: Some("2019-10-25T15:00:00".into()),
        end: Some("2019-10-25T16:00:00".into()),
    };
    let page = client
        .list_async_invocations(
            &query,
            &PageRequest {
                offset: 0,
                limit: 500,
                cursor: Some("3".into()),
            },
        )
        .await
        .unwrap();
    assert_eq!(page.total, Some(7));
    assert_eq!(page.next_cursor.as_deref(), Some("1"));
    assert_eq!(page.items[0].status, AsyncStatus::Fail);
    assert_eq!(page.items[0].error_message.as_deref(), Some("boom"));
    let sent = fake.last().query();
    let expect = |k: &str, v: &str| {
        assert!(
            sent.contains(&(k.to_string(), v.to_string())),
            "{k}={v} not in {sent:?}"
        )
    };
    expect("limit", "500");
    expect("marker", "3");
    expect("request_id", "403fcbd6");
    expect("status", "FAIL");
    expect("query_begin_time", "2019-10-25T15:00:00");
    expect("query_end_time", "2019-10-25T16:00:00");
}

#[tokio::test]
async fn a_token_is_accepted_in_place_of_keys() {
    let (client, _) = setup(HuaweiAuth::Token(Secret::new(TOKEN))).await;
    assert_eq!(
        client
            .list_actions(&ActionQuery::default(), &PageRequest::first(1))
            .await
            .unwrap()
            .items
            .len(),
        1
    );
}

#[tokio::test]
async fn wrong_keys_and_unknown_functions_keep_huaweis_codes() {
    let (client, _) = setup(aksk("wrong")).await;
    let error = client
        .list_actions(&ActionQuery::default(), &PageRequest::first(1))
        .await
        .unwrap_err();
    assert_eq!(
        (error.kind, error.code.as_deref()),
        (ErrorKind::Auth, Some("FSS.0403"))
    );

    let (client, _) = setup(aksk(SK)).await;
    let query = AsyncInvocationQuery {
        action: Some(ActionRef::top("nope")),
        ..Default::default()
    };
    let error = client
        .list_async_invocations(&query, &PageRequest::first(10))
        .await
        .unwrap_err();
    assert_eq!(
        (error.kind, error.code.as_deref()),
        (ErrorKind::NotFound, Some("FSS.0404"))
    );
    assert_eq!(
        error.to_string(),
        "the function does not exist (provider said FSS.0404: can not find function)"
    );
}
