//! Fuzzing (property tests) of everything in `providers` that reads what a provider or a
//! caller sends: every wire type, the time and form parsers, and every signature verifier.
//! Properties: nothing panics; what parses re-serialises and parses to the same value; a
//! verifier accepts only what was signed for exactly that request.
//!
//! Bounded for `make test`; a long run: `PROPTEST_CASES=20000 cargo test -p providers --test
//! fuzz_parsers` (docs/RELIABILITY.md).

#[path = "common/fuzz.rs"]
mod fuzz;

use fuzz::{any_json, cases, edits, mutate, nasty_text};
use proptest::prelude::*;
use providers::sign::encoding::{parse_form, unquote, unquote_plus};
use providers::sign::{
    Secret, VerifyError, huawei, ncp, openwhisk, tencent_legacy, tencent_tc3, utc,
};
use providers::wire::{self, beijing, huawei as hw, ncp as nw, openwhisk as ow, tencent as tw};
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;
use std::fmt::Debug;

/// `value` read as `T`: when it parses, writing it again and reading that gives the same `T`.
fn parses_stably<T>(value: &Value) -> Result<(), TestCaseError>
where
    T: DeserializeOwned + Serialize + PartialEq + Debug,
{
    if let Ok(typed) = serde_json::from_value::<T>(value.clone()) {
        let written = serde_json::to_value(&typed)
            .map_err(|e| TestCaseError::fail(format!("a parsed value does not serialise: {e}")))?;
        let again: T = serde_json::from_value(written.clone()).map_err(|e| {
            TestCaseError::fail(format!(
                "{written} (written from {typed:?}) does not parse: {e}"
            ))
        })?;
        prop_assert_eq!(again, typed);
    }
    Ok(())
}

/// Every wire type the clients parse and the engine reads or writes, on `value`.
fn every_wire_type(value: &Value) -> Result<(), TestCaseError> {
    parses_stably::<wire::Code>(value)?;
    parses_stably::<nw::ErrorBody>(value)?;
    parses_stably::<nw::Content<nw::ActivationList>>(value)?;
    parses_stably::<nw::Content<nw::Activation>>(value)?;
    parses_stably::<nw::Content<nw::ActionContent>>(value)?;
    parses_stably::<nw::Content<nw::ActionList>>(value)?;
    parses_stably::<nw::Content<Vec<nw::PackageSummary>>>(value)?;
    parses_stably::<nw::Content<nw::PackageContent>>(value)?;
    parses_stably::<nw::PutActionBody>(value)?;
    parses_stably::<nw::PutPackageBody>(value)?;
    parses_stably::<ow::Action>(value)?;
    parses_stably::<Vec<ow::Action>>(value)?;
    parses_stably::<ow::Activation>(value)?;
    parses_stably::<Vec<ow::Activation>>(value)?;
    parses_stably::<ow::ErrorBody>(value)?;
    parses_stably::<ow::Package>(value)?;
    parses_stably::<Vec<ow::Package>>(value)?;
    parses_stably::<hw::AsyncInvocationList>(value)?;
    parses_stably::<hw::ErrorBody>(value)?;
    parses_stably::<hw::FunctionList>(value)?;
    parses_stably::<hw::InvokeResponse>(value)?;
    parses_stably::<hw::InvokeSummary>(value)?;
    parses_stably::<hw::AsyncInvokeResponse>(value)?;
    parses_stably::<tw::LegacyLogsResponse>(value)?;
    parses_stably::<tw::Envelope<tw::LogsResponse>>(value)?;
    parses_stably::<tw::Envelope<tw::ListFunctionsResponse>>(value)?;
    parses_stably::<tw::Envelope<tw::InvokeResponse>>(value)?;
    parses_stably::<tw::ErrorResponse>(value)?;
    Ok(())
}

/// The seed examples (real provider documents), as starting points for mutation.
fn seeds() -> Vec<Value> {
    [
        include_str!("seeds/ncp_list_activations_response.json"),
        include_str!("seeds/ncp_put_action_request.json"),
        include_str!("seeds/ncp_put_action_response.json"),
        include_str!("seeds/ncp_run_action_request.json"),
        include_str!("seeds/ncp_run_action_response.json"),
        include_str!("seeds/huawei_async_invocations_200.json"),
        include_str!("seeds/huawei_async_invocations_403.json"),
        include_str!("seeds/huawei_async_invocations_404.json"),
        include_str!("seeds/huawei_async_invocations_500.json"),
        include_str!("seeds/tencent_legacy_get_function_logs_response.json"),
    ]
    .iter()
    .map(|text| serde_json::from_str(text).expect("a seed example is JSON"))
    .collect()
}

/// A verifier's key lookup that knows one key.
fn only(key: &'static str, secret: &'static str) -> impl Fn(&str) -> Option<Secret> {
    move |k| (k == key).then(|| Secret::new(secret))
}

fn header_pairs() -> impl Strategy<Value = Vec<(String, String)>> {
    let name = prop_oneof![
        Just("Authorization".to_string()),
        Just("X-Sdk-Date".to_string()),
        Just("Host".to_string()),
        Just("X-TC-Timestamp".to_string()),
        Just("X-Sdk-Content-Sha256".to_string()),
        "[a-zA-Z-]{1,12}",
    ];
    let value = prop_oneof![
        nasty_text(),
        nasty_text().prop_map(|rest| format!("SDK-HMAC-SHA256 {rest}")),
        nasty_text().prop_map(|rest| format!("TC3-HMAC-SHA256 {rest}")),
        (nasty_text(), nasty_text()).prop_map(|(a, b)| format!(
            "SDK-HMAC-SHA256 Access={a}, SignedHeaders=host;{b}, Signature={b}"
        )),
        (nasty_text(), nasty_text()).prop_map(|(a, b)| format!(
            "TC3-HMAC-SHA256 Credential={a}/{b}/scf/tc3_request, SignedHeaders=host, Signature={b}"
        )),
        Just("20231114T221320Z".to_string()),
        Just("1700000000".to_string()),
    ];
    prop::collection::vec((name, value), 0..6)
}

const NOW_SECS: i64 = 1_700_000_000;

proptest! {
    #![proptest_config(cases(256))]

    #[test]
    fn arbitrary_json_never_panics_a_wire_type(value in any_json()) {
        every_wire_type(&value)?;
    }

    #[test]
    fn mutated_seed_documents_never_panic_a_wire_type(seed in 0usize..10, edits in edits()) {
        let value = mutate(&seeds()[seed], &edits);
        every_wire_type(&value)?;
    }

    #[test]
    fn arbitrary_bytes_are_refused_as_json_without_a_panic(bytes in prop::collection::vec(any::<u8>(), 0..200)) {
        let _ = serde_json::from_slice::<nw::Content<nw::Activation>>(&bytes);
        let _ = serde_json::from_slice::<ow::Activation>(&bytes);
        let _ = serde_json::from_slice::<hw::AsyncInvocationList>(&bytes);
        let _ = serde_json::from_slice::<tw::Envelope<tw::InvokeResponse>>(&bytes);
    }

    #[test]
    fn scf_times_parse_only_what_they_format(text in prop_oneof![
        nasty_text(),
        "[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2}",
    ]) {
        if let Some(ms) = beijing::parse(&text) {
            prop_assert_eq!(beijing::format(ms), text.clone());
        }
        let _ = beijing::from_utc_text(&text);
    }

    #[test]
    fn sdk_dates_parse_only_what_they_format(text in prop_oneof![
        nasty_text(),
        "[0-9]{8}T[0-9]{6}Z",
    ]) {
        if let Some(secs) = huawei::parse_sdk_date(&text) {
            prop_assert_eq!(huawei::sdk_date(secs), text.clone());
        }
    }

    #[test]
    fn every_layout_formats_any_instant(ms in any::<i64>()) {
        for layout in [utc::Layout::COMPACT, utc::Layout::DATE, utc::Layout::RFC3339_MILLIS, utc::Layout::date_time(' ')] {
            prop_assert!(!layout.format(ms).is_empty());
        }
        prop_assert!(!beijing::format(ms).is_empty());
        prop_assert!(!huawei::sdk_date(ms).is_empty());
        prop_assert!(!tencent_tc3::scope_date(ms).is_empty());
    }

    #[test]
    fn forms_and_escapes_decode_anything(text in nasty_text()) {
        let _ = parse_form(&text);
        let _ = unquote(&text);
        let _ = unquote_plus(&text);
    }

    #[test]
    fn ncp_verifier_refuses_what_was_not_signed(
        method in nasty_text(), target in nasty_text(),
        timestamp in prop::option::of(nasty_text()), key in prop::option::of(nasty_text()),
        signature in prop::option::of(nasty_text()),
    ) {
        let presented = ncp::PresentedSignature {
            timestamp_ms: timestamp.as_deref(),
            access_key: key.as_deref(),
            signature: signature.as_deref(),
        };
        let outcome = ncp::verify(&method, &target, presented, only("ak", "sk"), 1_700_000_000_000);
        prop_assert!(outcome.is_err(), "{outcome:?}");
    }

    #[test]
    fn an_ncp_signature_covers_method_and_target(target in nasty_text(), other in nasty_text()) {
        prop_assume!(target != other);
        let signed = ncp::sign("GET", &target, 1_700_000_000_000, "ak", &Secret::new("sk"));
        let presented = ncp::PresentedSignature {
            timestamp_ms: Some(&signed.headers[0].1),
            access_key: Some(&signed.headers[1].1),
            signature: Some(&signed.headers[2].1),
        };
        prop_assert_eq!(
            ncp::verify("GET", &other, presented, only("ak", "sk"), 1_700_000_000_000),
            Err(VerifyError::BadSignature)
        );
        prop_assert_eq!(
            ncp::verify("POST", &target, presented, only("ak", "sk"), 1_700_000_000_000),
            Err(VerifyError::BadSignature)
        );
    }

    #[test]
    fn huawei_verifier_refuses_arbitrary_headers(
        headers in header_pairs(), path in nasty_text(), body in nasty_text(),
    ) {
        let parts = huawei::RequestParts { method: "POST", path: &path, query: &[], headers: &headers, body: body.as_bytes() };
        prop_assert!(huawei::verify(parts, only("ak", "sk"), NOW_SECS).is_err());
        if let Some(value) = huawei::header(&headers, "Authorization") {
            let _ = huawei::Authorization::parse(value);
        }
        let _ = huawei::verify_token(huawei::header(&headers, "X-Auth-Token"), &Secret::new("t"));
    }

    #[test]
    fn a_huawei_signature_covers_the_body(path in nasty_text(), body in nasty_text(), other in nasty_text()) {
        prop_assume!(body != other);
        let mut headers = vec![
            ("Host".to_string(), "fgs.test".to_string()),
            ("X-Sdk-Date".to_string(), huawei::sdk_date(NOW_SECS)),
        ];
        let parts = huawei::RequestParts { method: "POST", path: &path, query: &[], headers: &headers, body: body.as_bytes() };
        let auth = huawei::sign(parts, "ak", &Secret::new("sk")).expect("the date header is there");
        headers.push(("Authorization".into(), auth));
        let signed = huawei::RequestParts { method: "POST", path: &path, query: &[], headers: &headers, body: body.as_bytes() };
        prop_assert!(huawei::verify(signed, only("ak", "sk"), NOW_SECS).is_ok());
        let tampered = huawei::RequestParts { body: other.as_bytes(), ..signed };
        prop_assert_eq!(huawei::verify(tampered, only("ak", "sk"), NOW_SECS), Err(VerifyError::BadSignature));
    }

    #[test]
    fn tc3_verifier_refuses_arbitrary_headers(headers in header_pairs(), query in nasty_text(), body in nasty_text()) {
        let header = |name: &str| huawei::header(&headers, name);
        prop_assert!(tencent_tc3::verify("POST", &query, header, body.as_bytes(), only("id", "key"), NOW_SECS).is_err());
        prop_assert!(tencent_tc3::verify("GET", &query, header, body.as_bytes(), only("id", "key"), NOW_SECS).is_err());
        if let Some(value) = header("Authorization") {
            let _ = tencent_tc3::Authorization::parse(value);
        }
    }

    #[test]
    fn a_tc3_signature_covers_the_body(body in nasty_text(), other in nasty_text()) {
        prop_assume!(body != other);
        let canonical = tencent_tc3::CanonicalRequest::new("POST", "", &[("content-type", "application/json"), ("host", "scf.test")], body.as_bytes());
        let auth = tencent_tc3::sign(&canonical, NOW_SECS, "scf", "id", &Secret::new("key"));
        let ts = NOW_SECS.to_string();
        let headers = vec![
            ("Authorization".to_string(), auth),
            ("Content-Type".to_string(), "application/json".to_string()),
            ("Host".to_string(), "scf.test".to_string()),
            ("X-TC-Timestamp".to_string(), ts),
        ];
        let header = |name: &str| huawei::header(&headers, name);
        prop_assert!(tencent_tc3::verify("POST", "", header, body.as_bytes(), only("id", "key"), NOW_SECS).is_ok());
        prop_assert_eq!(
            tencent_tc3::verify("POST", "", header, other.as_bytes(), only("id", "key"), NOW_SECS),
            Err(VerifyError::BadSignature)
        );
    }

    #[test]
    fn legacy_scf_verifier_refuses_arbitrary_parameters(
        params in prop::collection::vec((prop_oneof![
            Just("Signature".to_string()), Just("SecretId".to_string()),
            Just("Timestamp".to_string()), Just("SignatureMethod".to_string()), nasty_text(),
        ], nasty_text()), 0..8),
        method in "GET|POST|[A-Z]{0,6}",
    ) {
        let to_sign = tencent_legacy::StringToSign {
            method: &method, host: "scf.test", path: "/v2/index.php", params: &params,
            key_style: tencent_legacy::KeyStyle::DotsForUnderscores,
        };
        prop_assert!(tencent_legacy::verify(&to_sign, only("id", "key"), NOW_SECS).is_err());
    }

    #[test]
    fn a_legacy_scf_signature_covers_every_parameter(value in nasty_text(), other in nasty_text()) {
        prop_assume!(value != other && !value.starts_with('@') && !other.starts_with('@'));
        let mut params = vec![
            ("Action".to_string(), "GetFunctionLogs".to_string()),
            ("SecretId".to_string(), "id".to_string()),
            ("Timestamp".to_string(), NOW_SECS.to_string()),
            ("functionName".to_string(), value),
        ];
        let over = |params: &[(String, String)]| -> String {
            tencent_legacy::StringToSign {
                method: "POST", host: "scf.test", path: "/v2/index.php", params,
                key_style: tencent_legacy::KeyStyle::DotsForUnderscores,
            }
            .sign(tencent_legacy::SignatureMethod::HmacSha1, &Secret::new("key"))
        };
        let verify = |params: &[(String, String)]| {
            let to_sign = tencent_legacy::StringToSign {
                method: "POST", host: "scf.test", path: "/v2/index.php", params,
                key_style: tencent_legacy::KeyStyle::DotsForUnderscores,
            };
            tencent_legacy::verify(&to_sign, only("id", "key"), NOW_SECS)
        };
        let signature = over(&params);
        params.push(("Signature".into(), signature));
        prop_assert!(verify(&params).is_ok());
        params[3].1 = other;
        prop_assert_eq!(verify(&params), Err(VerifyError::BadSignature));
    }

    #[test]
    fn openwhisk_verifier_accepts_only_the_key(header in prop::option::of(prop_oneof![
        nasty_text(),
        nasty_text().prop_map(|t| format!("Basic {t}")),
        nasty_text().prop_map(|t| {
            use base64::Engine as _;
            format!("Basic {}", base64::engine::general_purpose::STANDARD.encode(t))
        }),
    ])) {
        let accepted = Secret::new("uuid:key");
        let outcome = openwhisk::verify(header.as_deref(), &accepted);
        prop_assert_eq!(outcome.is_ok(), header.as_deref() == Some(openwhisk::authorization(&accepted).as_str()));
    }
}
