//! Every signature vector produced by the providers' own SDKs, reproduced byte for byte.

use providers::sign::encoding::{encode_form, parse_form, quote};
use providers::sign::{Secret, VerifyError, huawei, ncp, tencent_legacy, tencent_tc3};
use serde_json::Value;
use std::sync::OnceLock;

fn vectors() -> &'static Value {
    static VECTORS: OnceLock<Value> = OnceLock::new();
    VECTORS.get_or_init(|| {
        serde_json::from_str(include_str!("vectors/signing-vectors.json")).expect("vectors parse")
    })
}

fn find<'a>(list: &'a Value, name: &str) -> &'a Value {
    list.as_array()
        .and_then(|l| l.iter().find(|v| v["name"] == name))
        .unwrap_or_else(|| panic!("no vector named {name}"))
}

fn s(v: &Value) -> &str {
    v.as_str().unwrap_or_else(|| panic!("not a string: {v}"))
}

/// The value as the SDKs stringify parameters (`str(1)` → `1`, `True` → `true`).
fn text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Bool(b) => b.to_string(),
        other => other.to_string(),
    }
}

fn assert_same_params(decoded: &[(String, String)], expected: &Value) {
    let expected = expected.as_object().unwrap();
    assert_eq!(decoded.len(), expected.len());
    for (k, v) in decoded {
        assert_eq!(
            Some(v.as_str()),
            expected.get(k).and_then(Value::as_str),
            "parameter {k}"
        );
    }
}

// ---------------------------------------------------------------- NCP

/// The request target our client builds from an NCP vector's template and parameters.
fn ncp_target(inputs: &Value) -> String {
    let mut path = s(&inputs["resource_path_template"]).to_string();
    for pair in inputs["path_params"].as_array().unwrap() {
        path = path.replace(&format!("{{{}}}", s(&pair[0])), &quote(s(&pair[1])));
    }
    let base = s(&inputs["sdk_configuration_host"]).trim_start_matches("https://");
    let base_path = &base[base.find('/').unwrap()..];
    let pairs: Vec<(String, String)> = inputs["query_params"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| (text(&p[0]), text(&p[1])))
        .collect();
    let query = encode_form(pairs.iter().map(|(k, v)| (k.as_str(), v.as_str())));
    if query.is_empty() {
        format!("{base_path}{path}")
    } else {
        format!("{base_path}{path}?{query}")
    }
}

fn ncp_case(name: &str) {
    let v = find(&vectors()["ncp"]["vectors"], name);
    let inputs = &v["inputs"];
    let target = s(&v["sdk_python"]["wire_request_target"]);
    // The request target our client builds from the template matches the SDK's wire target.
    assert_eq!(ncp_target(inputs), target);

    let expected = &v["signature_over_wire_target"];
    let sts = ncp::StringToSign {
        method: s(&inputs["method"]),
        request_target: target,
        timestamp_ms: s(&inputs["timestamp_ms"]),
        access_key: s(&inputs["access_key"]),
    };
    assert_eq!(sts.to_string(), s(&expected["string_to_sign"]));
    let secret = Secret::new(s(&inputs["secret_key"]));
    let signed = ncp::sign(
        s(&inputs["method"]),
        target,
        s(&inputs["timestamp_ms"]).parse().unwrap(),
        s(&inputs["access_key"]),
        &secret,
    );
    for (name, value) in &signed.headers {
        assert_eq!(value, s(&expected["headers_v2"][*name]), "header {name}");
    }
    // The engine's half accepts it, and refuses a tampered target.
    let presented = ncp::PresentedSignature {
        timestamp_ms: Some(&signed.headers[0].1),
        access_key: Some(&signed.headers[1].1),
        signature: Some(&signed.headers[2].1),
    };
    let lookup = |k: &str| (k == s(&inputs["access_key"])).then(|| secret.clone());
    let now = 1_700_000_000_000 + 1_000;
    assert!(ncp::verify(s(&inputs["method"]), target, presented, lookup, now).is_ok());
    assert!(
        ncp::verify(
            s(&inputs["method"]),
            &format!("{target}x"),
            presented,
            lookup,
            now
        )
        .is_err()
    );
}

#[test]
fn ncp_get_action_activations_plain() {
    ncp_case("get_action_activations_plain");
}
#[test]
fn ncp_post_action_invoke_json_body() {
    ncp_case("post_action_invoke_json_body");
}
#[test]
fn ncp_get_packages_empty_query() {
    ncp_case("get_packages_empty_query");
}

// ---------------------------------------------------------------- Huawei

/// Names and values, in order.
type Pairs = Vec<(String, String)>;

/// A Huawei vector's query parameters (a list value repeats its key) and the headers it
/// signs (all but `Authorization`).
fn huawei_query_and_headers(v: &Value) -> (Pairs, Pairs) {
    let mut query: Pairs = Vec::new();
    for pair in v["inputs"]["query_params"].as_array().unwrap() {
        match &pair[1] {
            Value::Array(items) => query.extend(items.iter().map(|i| (text(&pair[0]), text(i)))),
            other => query.push((text(&pair[0]), text(other))),
        }
    }
    let headers = v["headers"]
        .as_object()
        .unwrap()
        .iter()
        .filter(|(k, _)| k.as_str() != "Authorization")
        .map(|(k, v)| (k.clone(), text(v)))
        .collect();
    (query, headers)
}

fn huawei_case(name: &str) {
    let v = find(&vectors()["huawei"]["vectors"], name);
    let inputs = &v["inputs"];
    let target = s(&v["wire_request_target"]);
    let (path, raw_query) = target.split_once('?').unwrap_or((target, ""));
    if let Some(template) = inputs["resource_path_template"].as_str() {
        // Pipeline vectors: the URN is encoded whole into the path, `:` included.
        let mut built = template.replace("{project_id}", s(&inputs["project_id"]));
        for (key, value) in inputs["path_params"].as_object().unwrap() {
            built = built.replace(&format!("{{{key}}}"), &quote(s(value)));
        }
        assert_eq!(built, path);
    }
    let _ = raw_query;
    let (query, headers) = huawei_query_and_headers(v);
    let body = v["body_sent"].as_str().unwrap_or("").as_bytes();
    let parts = huawei::RequestParts {
        method: s(&inputs["method"]),
        path,
        query: &query,
        headers: &headers,
        body,
    };

    let canonical = huawei::CanonicalRequest::new(parts, |n| !n.contains('_'));
    assert_eq!(canonical.to_string(), s(&v["canonical_request"]));
    assert_eq!(canonical.signed_headers(), s(&v["signed_headers"]));
    assert_eq!(
        canonical.string_to_sign(s(&inputs["x_sdk_date"])),
        s(&v["string_to_sign"])
    );
    let secret = Secret::new(s(&inputs["sk"]));
    let authorization = huawei::sign(parts, s(&inputs["ak"]), &secret).unwrap();
    assert_eq!(authorization, s(&v["headers"]["Authorization"]));

    let mut with_auth = headers.clone();
    with_auth.push(("Authorization".into(), authorization));
    let parts = huawei::RequestParts {
        headers: &with_auth,
        ..parts
    };
    let lookup = |k: &str| (k == s(&inputs["ak"])).then(|| secret.clone());
    assert_eq!(
        huawei::verify(parts, lookup, 1_700_000_000).unwrap(),
        s(&inputs["ak"])
    );
    let tampered = huawei::RequestParts {
        method: "DELETE",
        ..parts
    };
    assert!(huawei::verify(tampered, lookup, 1_700_000_000).is_err());
    // A signature that leaves `host` out could be replayed against another endpoint.
    let mut hostless = headers.clone();
    hostless.push((
        "Authorization".into(),
        without_host(&with_auth.last().unwrap().1),
    ));
    let hostless = huawei::RequestParts {
        headers: &hostless,
        ..parts
    };
    assert!(matches!(
        huawei::verify(hostless, lookup, 1_700_000_000),
        Err(VerifyError::Malformed("SignedHeaders (host is not signed)"))
    ));
}

/// `authorization` with `host` taken out of its `SignedHeaders=`.
fn without_host(authorization: &str) -> String {
    let parts: Vec<String> = authorization
        .split(", ")
        .map(|part| match part.split_once("SignedHeaders=") {
            Some((lead, names)) => {
                let kept: Vec<&str> = names.split(';').filter(|n| *n != "host").collect();
                format!("{lead}SignedHeaders={}", kept.join(";"))
            }
            None => part.to_string(),
        })
        .collect();
    assert_ne!(parts.join(", "), authorization, "host was signed");
    parts.join(", ")
}

#[test]
fn huawei_list_async_invocations_urn_path() {
    huawei_case("list_async_invocations_urn_path");
}
#[test]
fn huawei_async_invoke_post_json_body() {
    huawei_case("async_invoke_post_json_body");
}
#[test]
fn huawei_direct_path_needs_escaping() {
    huawei_case("direct_path_needs_escaping");
}
#[test]
fn huawei_direct_query_list_bool_and_trailing_slash() {
    huawei_case("direct_query_list_bool_and_trailing_slash");
}

// ---------------------------------------------------------------- Tencent TC3

fn tc3_case(name: &str) {
    let v = find(&vectors()["tencent"]["api3"]["vectors"], name);
    let inputs = &v["inputs"];
    let headers = &v["headers"];
    let body = s(&v["body"]).as_bytes();
    let ts = inputs["timestamp"].as_i64().unwrap();
    let canonical = tencent_tc3::CanonicalRequest::new(
        s(&inputs["method"]),
        "",
        &[
            ("content-type", s(&headers["Content-Type"])),
            ("host", s(&headers["Host"])),
        ],
        body,
    );
    assert_eq!(canonical.to_string(), s(&v["canonical_request"]));
    assert_eq!(tencent_tc3::scope_date(ts), s(&v["credential_scope_date"]));
    assert_eq!(
        tencent_tc3::string_to_sign(&canonical, ts, "scf"),
        s(&v["string_to_sign"])
    );
    let secret = Secret::new(s(&inputs["secret_key"]));
    let authorization = tencent_tc3::sign(&canonical, ts, "scf", s(&inputs["secret_id"]), &secret);
    assert_eq!(authorization, s(&headers["Authorization"]));

    let header = |name: &str| -> Option<&str> {
        headers
            .as_object()
            .unwrap()
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .and_then(|(_, v)| v.as_str())
    };
    let lookup = |k: &str| (k == s(&inputs["secret_id"])).then(|| secret.clone());
    assert!(tencent_tc3::verify("POST", "", header, body, lookup, ts + 10).is_ok());
    assert!(tencent_tc3::verify("POST", "", header, b"{\"x\":1}", lookup, ts + 10).is_err());
    assert!(matches!(
        tencent_tc3::verify("POST", "", header, body, lookup, ts + 3600),
        Err(providers::sign::VerifyError::Expired { .. })
    ));
    let hostless = without_host(s(&headers["Authorization"]));
    let hostless_header = |name: &str| {
        if name.eq_ignore_ascii_case("Authorization") {
            Some(hostless.as_str())
        } else {
            header(name)
        }
    };
    assert!(matches!(
        tencent_tc3::verify("POST", "", hostless_header, body, lookup, ts + 10),
        Err(VerifyError::Malformed("SignedHeaders (host is not signed)"))
    ));
}

#[test]
fn tc3_post_json_getfunctionlogs() {
    tc3_case("tc3_post_json_getfunctionlogs");
}
#[test]
fn tc3_post_json_empty_params() {
    tc3_case("tc3_post_json_empty_params");
}
#[test]
fn tc3_post_utc_date_boundary() {
    tc3_case("tc3_post_utc_date_boundary");
}

// ---------------------------------------------------------------- Tencent legacy

fn legacy_check(
    v: &Value,
    method: &str,
    host: &str,
    path: &str,
    sent: &[(String, String)],
    key_style: tencent_legacy::KeyStyle,
    secret: &Secret,
) {
    let signature_method = sent
        .iter()
        .find(|(k, _)| k == "SignatureMethod")
        .map(|(_, v)| v.as_str());
    let method_enum =
        tencent_legacy::SignatureMethod::parse(signature_method.unwrap_or("HmacSHA1")).unwrap();
    let sts = tencent_legacy::StringToSign {
        method,
        host,
        path,
        params: sent,
        key_style,
    };
    assert_eq!(sts.to_string(), s(&v["string_to_sign"]));
    assert_eq!(sts.sign(method_enum, secret), s(&v["signature"]));
    let secret_id = sent
        .iter()
        .find(|(k, _)| k == "SecretId")
        .unwrap()
        .1
        .clone();
    let lookup = |k: &str| (k == secret_id).then(|| secret.clone());
    assert!(tencent_legacy::verify(&sts, lookup, 1_700_000_000).is_ok());
    let mut tampered = sent.to_vec();
    tampered.push(("extra".into(), "1".into()));
    let sts = tencent_legacy::StringToSign {
        params: &tampered,
        ..sts
    };
    assert_eq!(
        tencent_legacy::verify(&sts, lookup, 1_700_000_000),
        Err(providers::sign::VerifyError::BadSignature)
    );
}

fn legacy_v2_case(name: &str) {
    let v = find(&vectors()["tencent"]["legacy_v2"]["vectors"], name);
    let request = &v["request"];
    // The wire form, decoded, is what was signed (JSON objects do not keep order, the wire does).
    let sent = parse_form(s(&request["data"]));
    assert_same_params(&sent, &v["sent_params"]);
    // Encoding the parameters again gives the SDK's wire bytes exactly.
    let data = encode_form(sent.iter().map(|(k, v)| (k.as_str(), v.as_str())));
    assert_eq!(data, s(&request["data"]));
    let secret = Secret::new(s(&v["inputs"]["secret_key"]));
    legacy_check(
        v,
        s(&request["method"]),
        s(&request["host"]),
        s(&request["uri"]),
        &sent,
        tencent_legacy::KeyStyle::DotsForUnderscores,
        &secret,
    );
}

#[test]
fn legacy_v2_get_getfunctionlogs_hmacsha256() {
    legacy_v2_case("v2_get_getfunctionlogs_hmacsha256");
}
#[test]
fn legacy_v2_post_form_hmacsha256() {
    legacy_v2_case("v2_post_form_hmacsha256");
}
#[test]
fn legacy_v2_get_underscore_key_pitfall() {
    legacy_v2_case("v2_get_underscore_key_pitfall");
}

#[test]
fn api3_old_signature_hmacsha1_get() {
    let v = find(
        &vectors()["tencent"]["api3"]["vectors"],
        "api3_old_signature_hmacsha1_get",
    );
    let wire = s(&v["wire_url"]);
    let sent = parse_form(wire.split_once('?').unwrap().1);
    assert_same_params(&sent, &v["sent_params"]);
    let data = encode_form(sent.iter().map(|(k, v)| (k.as_str(), v.as_str())));
    assert_eq!(format!("https://scf.tencentcloudapi.com/?{data}"), wire);
    let secret = Secret::new(s(&v["inputs"]["secret_key"]));
    legacy_check(
        v,
        "GET",
        "scf.tencentcloudapi.com",
        "/",
        &sent,
        tencent_legacy::KeyStyle::AsIs,
        &secret,
    );
}
