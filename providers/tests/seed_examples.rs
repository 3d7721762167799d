//! Every seed page's example parses into our wire types and re-serialises to the same JSON.

use providers::wire::{huawei, ncp, tencent};
use serde::{Serialize, de::DeserializeOwned};
use serde_json::Value;

fn round_trip<T: DeserializeOwned + Serialize>(text: &str) -> T {
    let original: Value = serde_json::from_str(text).expect("the seed example is JSON");
    let typed: T = serde_json::from_str(text).expect("the seed example parses into the wire type");
    let again = serde_json::to_value(&typed).unwrap();
    assert_eq!(again, original, "re-serialised JSON differs from the seed");
    typed
}

#[test]
fn ncp_list_activations_seed_000() {
    let list: ncp::Content<ncp::ActivationList> =
        round_trip(include_str!("seeds/ncp_list_activations_response.json"));
    assert_eq!(list.content.total_count, 1425);
    assert_eq!(
        list.content.activations[0].status.as_deref(),
        Some("success")
    );
}

#[test]
fn ncp_run_action_seed_001() {
    let _: serde_json::Map<String, Value> =
        round_trip(include_str!("seeds/ncp_run_action_request.json"));
    let run: ncp::Content<ncp::Activation> =
        round_trip(include_str!("seeds/ncp_run_action_response.json"));
    assert_eq!(run.content.duration, Some(33));
    assert_eq!(
        run.content.response.unwrap().result.unwrap()["payload"],
        "abc"
    );
}

#[test]
fn ncp_put_action_seed_004() {
    let body: ncp::PutActionBody = round_trip(include_str!("seeds/ncp_put_action_request.json"));
    assert_eq!(body.limits.unwrap().timeout, Some(60000));
    let content: ncp::Content<ncp::ActionContent> =
        round_trip(include_str!("seeds/ncp_put_action_response.json"));
    assert_eq!(content.content.kind.as_deref(), Some("basic"));
}

#[test]
fn huawei_async_invocations_seed_002() {
    let list: huawei::AsyncInvocationList =
        round_trip(include_str!("seeds/huawei_async_invocations_200.json"));
    assert_eq!(list.invocations[0].status, "SUCCESS");
    for (text, code) in [
        (
            include_str!("seeds/huawei_async_invocations_403.json"),
            "FSS.0403",
        ),
        (
            include_str!("seeds/huawei_async_invocations_404.json"),
            "FSS.0404",
        ),
        (
            include_str!("seeds/huawei_async_invocations_500.json"),
            "FSS.0500",
        ),
    ] {
        let error: huawei::ErrorBody = round_trip(text);
        assert_eq!(error.error_code, code);
    }
}

#[test]
fn tencent_legacy_get_function_logs_seed_003() {
    let logs: tencent::LegacyLogsResponse = round_trip(include_str!(
        "seeds/tencent_legacy_get_function_logs_response.json"
    ));
    assert_eq!(logs.total, 189);
    assert_eq!(logs.data[1].duration, 0.269);
}

#[test]
fn tencent_legacy_logs_accept_the_tables_snake_case_too() {
    let text = r#"{"code":0,"message":"","codeDesc":"Success","total":1,"data":[{"function_name":"f","ret_msg":"ok","request_id":"r","start_time":"2017-04-19 22:16:00","ret_code":0,"duration":1.5,"bill_duration":100,"mem_usage":1,"log":"l"}]}"#;
    let logs: tencent::LegacyLogsResponse = serde_json::from_str(text).unwrap();
    assert_eq!(logs.data[0].function_name, "f");
    assert_eq!(logs.data[0].bill_duration, 100);
}
