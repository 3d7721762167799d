//! Every seed page's example response, asked of the engine: the engine's answer has the same
//! fields with the same JSON types (recursively; the first element stands for an array).
//! Fields the engine adds beyond the seed must be ones the API index documents, listed here.

mod support;

use serde_json::{Value, json};
use support::{Sign, Target, call, dialects_engine};

fn seed(name: &str) -> Value {
    let path = format!(
        "{}/../providers/tests/seeds/{name}",
        env!("CARGO_MANIFEST_DIR")
    );
    serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap()
}

fn kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

/// Differences between the seed's shape and the engine's, as `path: what` lines.
fn shape_diff(seed: &Value, got: &Value, path: &str, extras: &[&str], out: &mut Vec<String>) {
    if kind(seed) != kind(got) {
        out.push(format!(
            "{path}: seed has {}, engine has {}",
            kind(seed),
            kind(got)
        ));
        return;
    }
    match (seed, got) {
        (Value::Object(s), Value::Object(g)) => {
            for (k, sv) in s {
                let p = format!("{path}/{k}");
                match g.get(k) {
                    Some(gv) => shape_diff(sv, gv, &p, extras, out),
                    None => out.push(format!("{p}: missing")),
                }
            }
            for k in g.keys().filter(|k| !s.contains_key(*k)) {
                let p = format!("{path}/{k}");
                if !extras.contains(&p.as_str()) {
                    out.push(format!("{p}: not in the seed"));
                }
            }
        }
        (Value::Array(s), Value::Array(g)) => match (s.first(), g.first()) {
            (Some(sv), Some(gv)) => shape_diff(sv, gv, &format!("{path}/0"), extras, out),
            (Some(_), None) => out.push(format!("{path}: the engine's array is empty")),
            _ => {}
        },
        _ => {}
    }
}

fn assert_same_shape(seed: &Value, got: &Value, extras: &[&str]) {
    let mut out = Vec::new();
    shape_diff(seed, got, "", extras, &mut out);
    assert!(
        out.is_empty(),
        "shape differs from the seed:\n{}\nengine: {got:#}",
        out.join("\n")
    );
}

#[test]
fn the_shape_check_notices_a_missing_field_a_changed_type_and_an_extra_field() {
    let seed = json!({"a": 1, "b": [{"c": "x"}]});
    let mut out = Vec::new();
    shape_diff(
        &seed,
        &json!({"a": "1", "b": [{"d": "x"}]}),
        "",
        &[],
        &mut out,
    );
    assert_eq!(
        out,
        [
            "/a: seed has number, engine has string",
            "/b/0/c: missing",
            "/b/0/d: not in the seed"
        ]
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn ncp_seed_004_put_action_and_seed_001_run_and_seed_000_list() {
    let (to, _, _workers) = dialects_engine();
    // 004: the seed's own request, answered in the seed's response shape.
    let request = serde_json::to_vec(&seed("ncp_put_action_request.json")).unwrap();
    let put = call(
        &to,
        Sign::Ncp,
        "PUT",
        "/api/v2/packages/demo/actions/myaction",
        request,
    )
    .await;
    assert_eq!(put.status, 200, "{}", put.text);
    assert_same_shape(&seed("ncp_put_action_response.json"), &put.json(), &[]);

    // 001: the seed's parameters; the demo `hello` answers an object, as the seed's action.
    let params = serde_json::to_vec(&seed("ncp_run_action_request.json")).unwrap();
    let run = call(
        &to,
        Sign::Ncp,
        "POST",
        "/api/v2/packages/demo/actions/myaction",
        params,
    )
    .await;
    assert_eq!(run.status, 200, "{}", run.text);
    assert_same_shape(&seed("ncp_run_action_response.json"), &run.json(), &[]);

    // 000: activation summaries also carry `start` (API index).
    let list = call(
        &to,
        Sign::Ncp,
        "GET",
        "/api/v2/packages/demo/actions/myaction/activations",
        vec![],
    )
    .await;
    assert_eq!(list.status, 200, "{}", list.text);
    assert_same_shape(
        &seed("ncp_list_activations_response.json"),
        &list.json(),
        &["/content/activations/0/start"],
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn functiongraph_seed_002_async_invocations_and_its_errors() {
    let (to, engine, workers) = dialects_engine();
    let id = engine
        .enqueue(
            Some("demo"),
            "hello",
            Default::default(),
            "guest",
            std::time::Duration::from_secs(60),
        )
        .unwrap()
        .request_id;
    for _ in 0..200 {
        match engine.async_invocation(&id).unwrap() {
            Some(r) if r.end_ms.is_some() => break,
            _ => tokio::time::sleep(std::time::Duration::from_millis(20)).await,
        }
    }
    let records =
        "/v2/p/fgs/functions/urn:fss:local:p:function:demo:hello:latest/async-invocations";
    let list = call(&to, Sign::Huawei, "GET", records, vec![]).await;
    assert_eq!(list.status, 200, "{}", list.text);
    // `count` and `next_marker` are documented beside `invocations` (vectors README, seed 002).
    assert_same_shape(
        &seed("huawei_async_invocations_200.json"),
        &list.json(),
        &["/count", "/next_marker"],
    );

    let forbidden = call(&to, Sign::None, "GET", records, vec![]).await;
    assert_eq!(forbidden.status, 403);
    assert_same_shape(
        &seed("huawei_async_invocations_403.json"),
        &forbidden.json(),
        &[],
    );
    let missing = call(
        &to,
        Sign::Huawei,
        "GET",
        "/v2/p/fgs/functions/urn:fss:local:p:function:demo:nope:latest/async-invocations",
        vec![],
    )
    .await;
    assert_eq!(missing.status, 404);
    assert_same_shape(
        &seed("huawei_async_invocations_404.json"),
        &missing.json(),
        &[],
    );
    workers.stop();
}

#[tokio::test(flavor = "multi_thread")]
async fn scf_seed_003_legacy_get_function_logs() {
    let (to, engine, _workers) = dialects_engine();
    engine
        .invoke(
            Some("demo"),
            "always-fails",
            Default::default(),
            "guest",
            None,
        )
        .unwrap();
    // The legacy API, signed as qcloudapi-sdk-python signs it (HmacSHA1, values raw).
    let host = to.host();
    let secret = providers::sign::Secret::new("tc-key");
    let ts = (engine::now_ms() / 1000).to_string();
    let mut params: Vec<(String, String)> = [
        ("Action", "GetFunctionLogs"),
        ("functionName", "always-fails"),
        ("namespace", "demo"),
        ("Nonce", "4242"),
        ("Region", "ap-guangzhou"),
        ("SecretId", "tc-id"),
        ("SignatureMethod", "HmacSHA1"),
        ("Timestamp", ts.as_str()),
    ]
    .iter()
    .map(|(k, v)| (k.to_string(), v.to_string()))
    .collect();
    use providers::sign::tencent_legacy::{KeyStyle, SignatureMethod, StringToSign};
    let signature = StringToSign {
        method: "GET",
        host: &host,
        path: "/v2/index.php",
        params: &params,
        key_style: KeyStyle::DotsForUnderscores,
    }
    .sign(SignatureMethod::HmacSha1, &secret);
    params.push(("Signature".into(), signature));
    let query: Vec<String> = params
        .iter()
        .map(|(k, v)| format!("{k}={}", providers::sign::encoding::quote(v)))
        .collect();
    let target = format!("/v2/index.php?{}", query.join("&"));
    let reply = call(&to, Sign::None, "GET", &target, vec![]).await;
    assert_eq!(reply.status, 200, "{}", reply.text);
    assert_same_shape(
        &seed("tencent_legacy_get_function_logs_response.json"),
        &reply.json(),
        &[],
    );
}
