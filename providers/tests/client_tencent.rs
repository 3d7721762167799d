//! The SCF client against a fake that checks TC3 (API 3.0) and the legacy signature.

mod common;

use axum::Json;
use axum::response::{IntoResponse, Response};
use common::*;
use providers::client::{Operations, TencentClient, TencentConfig};
use providers::sign::{Secret, tencent_legacy, tencent_tc3};
use providers::*;
use serde_json::{Value, json};

const ID: &str = "AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE";
const KEY: &str = "Gu5t9xGARNpq86cd98joQYCN3EXAMPLE";

fn api_error(code: &str, message: &str) -> Response {
    Json(json!({"Response": {"Error": {"Code": code, "Message": message}, "RequestId": "req-err"}}))
        .into_response()
}

fn lookup(key: &str) -> Option<Secret> {
    (key == ID).then(|| Secret::new(KEY))
}

/// The legacy API's GetFunctionLogs (`/v2/index.php`).
fn answer_legacy(request: &Received) -> Response {
    let params = request.query();
    let to_sign = tencent_legacy::StringToSign {
        method: request.method.as_str(),
        host: request.header("host").unwrap_or(""),
        path: "/v2/index.php",
        params: &params,
        key_style: tencent_legacy::KeyStyle::DotsForUnderscores,
    };
    if tencent_legacy::verify(&to_sign, lookup, (now_ms() / 1000) as i64).is_err() {
        return Json(json!({"code": 4100, "message": "(100006) signature error", "codeDesc": "AuthFailure.SignatureFailure"})).into_response();
    }
    Json(json!({"code": 0, "message": "", "codeDesc": "Success", "total": 189, "data": [
        {"functionName": "helljin89", "retMsg": "ok", "requestId": "b684ef85-250a-11e7-839d-5254007d2563", "startTime": "2017-04-19 22:16:00", "retCode": 0, "duration": 0.241, "billDuration": 100, "memUsage": 131072, "log": "hi"}
    ]}))
    .into_response()
}

/// API 3.0 (`POST /`, the action in `X-TC-Action`).
fn answer(request: &Received) -> Response {
    if request.uri.path() == "/v2/index.php" {
        return answer_legacy(request);
    }
    let signed = tencent_tc3::verify(
        request.method.as_str(),
        request.uri.query().unwrap_or(""),
        |n| request.header(n),
        &request.body,
        lookup,
        (now_ms() / 1000) as i64,
    );
    if signed.is_err() {
        return api_error(
            "AuthFailure.SignatureFailure",
            "The provided credentials could not be validated.",
        );
    }
    let params = request.json();
    match request.header("x-tc-action") {
        Some("ListFunctions") => Json(json!({"Response": {"Functions": [{"FunctionName": "hello", "Runtime": "Nodejs16.13", "Namespace": "default", "Status": "Active"}], "TotalCount": 1, "RequestId": "r1"}})).into_response(),
        Some("Invoke") if params["FunctionName"] != "hello" => api_error("ResourceNotFound.Function", "function not found"),
        Some("Invoke") => {
            let context: Value = serde_json::from_str(params["ClientContext"].as_str().unwrap_or("{}")).unwrap();
            Json(json!({"Response": {"Result": {"FunctionRequestId": "fr-1", "RetMsg": json!({"got": context}).to_string(), "Log": "a\nb", "ErrMsg": "", "MemUsage": 1024, "Duration": 2.5, "BillDuration": 100, "InvokeResult": 0}, "RequestId": "r2"}})).into_response()
        }
        Some("GetFunctionLogs") => Json(json!({"Response": {"TotalCount": 3, "Data": [
            {"FunctionName": "hello", "RetMsg": "ok", "RequestId": "q1", "StartTime": "2024-01-01 00:00:01", "RetCode": 0, "InvokeFinished": 1, "Duration": 1.0, "BillDuration": 100, "MemUsage": 100, "Log": "log", "Level": "", "Source": "", "RetryNum": 0}
        ], "RequestId": "r3"}}))
        .into_response(),
        _ => api_error("InvalidAction", "unknown action"),
    }
}

async fn setup(key: &str) -> (TencentClient, Fake) {
    let (url, fake) = fake_provider(answer).await;
    let config = TencentConfig {
        endpoint: url.clone(),
        legacy_endpoint: url,
        region: "ap-guangzhou".into(),
        namespace: "default".into(),
        secret_id: ID.into(),
        secret_key: Secret::new(key),
    };
    (TencentClient::new(transport(), config), fake)
}

fn query() -> LogQuery {
    LogQuery {
        function: Some("hello".into()),
        request_id: Some("q1".into()),
        order: LogOrder::Asc,
        order_by: LogOrderBy::Duration,
        ret_code: Some("not0".into()),
        // UTC in the common model; SCF reads them in Beijing time (UTC+8).
        start_time: Some("2024-01-01 00:00:00".into()),
        end_time: Some("2024-01-01 23:59:59".into()),
    }
}

#[tokio::test]
async fn api3_functions_invoke_and_logs_with_every_filter() {
    let (client, fake) = setup(KEY).await;
    let list = client
        .list_actions(&ActionQuery::default(), &PageRequest::first(20))
        .await
        .unwrap();
    assert_eq!(
        (list.items[0].action.name.as_str(), list.total),
        ("hello", Some(1))
    );

    let request = InvocationRequest {
        action: ActionRef::top("hello"),
        params: serde_json::from_value(json!({"k": "텐센트"})).unwrap(),
        blocking: true,
        wait_ms: None,
    };
    let InvocationResult::Finished(done) = client.invoke(&request).await.unwrap() else {
        panic!()
    };
    assert_eq!(done.result.as_ref().unwrap()["got"]["k"], "텐센트");
    assert_eq!(done.duration_ms, Some(3));
    // SCF's BillDuration and MemUsage (bytes) are the run's billing and memory used.
    assert_eq!(
        (done.billed_ms(), done.memory_used_bytes()),
        (Some(100), Some(1024))
    );

    let logs = client
        .function_logs(
            &query(),
            &PageRequest {
                offset: 10,
                limit: 5,
                cursor: None,
            },
        )
        .await
        .unwrap();
    assert_eq!(logs.total, Some(3));
    assert_eq!(logs.items[0].bill_duration_ms, 100);
    let sent = fake.last().json();
    assert_eq!(
        sent,
        json!({"Offset": 10, "Limit": 5, "Order": "asc", "OrderBy": "duration", "Namespace": "default", "FunctionName": "hello", "FunctionRequestId": "q1", "Filter": {"RetCode": "not0"}, "StartTime": "2024-01-01 08:00:00", "EndTime": "2024-01-02 07:59:59"})
    );
    // The record's 2024-01-01 00:00:01 is Beijing time: 2023-12-31 16:00:01 UTC.
    assert_eq!(logs.items[0].start_time, "2024-01-01 00:00:01");
    assert_eq!(logs.items[0].start_ms, Some(1_704_038_401_000));
}

#[tokio::test]
async fn legacy_get_function_logs_is_signed_and_parsed() {
    let (client, fake) = setup(KEY).await;
    let logs = client
        .function_logs_legacy(
            &query(),
            &PageRequest {
                offset: 1,
                limit: 2,
                cursor: None,
            },
        )
        .await
        .unwrap();
    assert_eq!(logs.total, Some(189));
    assert_eq!(logs.items[0].function, "helljin89");
    // Seed 003's 2017-04-19 22:16:00 is Beijing time: 14:16:00 UTC.
    assert_eq!(logs.items[0].start_ms, Some(1_492_611_360_000));
    let sent = fake.last().query();
    for (k, v) in [
        ("offset", "1"),
        ("limit", "2"),
        ("order", "asc"),
        ("orderby", "duration"),
        ("functionName", "hello"),
        ("requestId", "q1"),
        ("filter_retCode", "not0"),
        ("startTime", "2024-01-01 08:00:00"),
        ("endTime", "2024-01-02 07:59:59"),
        ("Action", "GetFunctionLogs"),
        ("SignatureMethod", "HmacSHA256"),
    ] {
        assert!(
            sent.contains(&(k.to_string(), v.to_string())),
            "{k}={v} not in {sent:?}"
        );
    }
}

#[tokio::test]
async fn wrong_keys_are_refused_on_both_apis() {
    let (client, _) = setup("wrong").await;
    let error = client
        .list_actions(&ActionQuery::default(), &PageRequest::first(1))
        .await
        .unwrap_err();
    assert_eq!(
        (error.kind, error.status, error.code.as_deref()),
        (
            ErrorKind::Auth,
            Some(401),
            Some("AuthFailure.SignatureFailure")
        )
    );
    let error = client
        .function_logs_legacy(&query(), &PageRequest::first(1))
        .await
        .unwrap_err();
    assert_eq!(
        (error.kind, error.code.as_deref()),
        (ErrorKind::Auth, Some("4100"))
    );
    assert_eq!(
        error.provider_message.as_deref(),
        Some("(100006) signature error")
    );
}

#[tokio::test]
async fn scf_errors_and_window_limits_are_explained() {
    let (client, _) = setup(KEY).await;
    let request = InvocationRequest {
        action: ActionRef::top("nope"),
        params: Default::default(),
        blocking: true,
        wait_ms: None,
    };
    let error = client.invoke(&request).await.unwrap_err();
    assert_eq!(
        (error.kind, error.code.as_deref()),
        (ErrorKind::NotFound, Some("ResourceNotFound.Function"))
    );
    let error = client
        .function_logs(
            &query(),
            &PageRequest {
                offset: 9_990,
                limit: 20,
                cursor: None,
            },
        )
        .await
        .unwrap_err();
    assert_eq!(
        error.explanation,
        "offset + limit is 10010; SCF allows at most 10,000"
    );
    let not_a_time = LogQuery {
        start_time: Some("yesterday".into()),
        ..query()
    };
    let error = client
        .function_logs(&not_a_time, &PageRequest::first(10))
        .await
        .unwrap_err();
    assert_eq!(
        (error.kind, error.explanation.as_str()),
        (
            ErrorKind::Invalid,
            "start_time \"yesterday\" is not a UTC time like 2026-12-01 09:30:00"
        )
    );
}
