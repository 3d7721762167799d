//! Canonicalisation never panics and is stable, for any path and query a person can type:
//! Korean, spaces, `+`, `%`, `:` and the rest.

use proptest::prelude::*;
use providers::sign::encoding::{encode_form, parse_form, quote};
use providers::sign::{Secret, huawei, ncp, tencent_legacy, tencent_tc3};

fn text() -> impl Strategy<Value = String> {
    // Mixes the characters that trip encoders with arbitrary Unicode.
    prop_oneof![
        "[a-zA-Z0-9 +%:/?&=~_.한국어-]{0,24}",
        any::<String>().prop_map(|s| s.chars().take(24).collect()),
    ]
}

fn pairs() -> impl Strategy<Value = Vec<(String, String)>> {
    prop::collection::vec((text(), text()), 0..6)
}

proptest! {
    #[test]
    fn huawei_canonical_request_is_stable_and_order_independent(path in text(), query in pairs(), body in text()) {
        let headers = vec![
            ("Host".to_string(), "example.com".to_string()),
            ("X-Sdk-Date".to_string(), "20231114T221320Z".to_string()),
        ];
        let parts = huawei::RequestParts { method: "GET", path: &path, query: &query, headers: &headers, body: body.as_bytes() };
        let a = huawei::CanonicalRequest::new(parts, |_| true).to_string();
        let b = huawei::CanonicalRequest::new(parts, |_| true).to_string();
        prop_assert_eq!(&a, &b);
        let mut reversed = query.clone();
        reversed.reverse();
        let parts_rev = huawei::RequestParts { query: &reversed, ..parts };
        prop_assert_eq!(a, huawei::CanonicalRequest::new(parts_rev, |_| true).to_string());
        // The canonical URI is always plain ASCII ending in '/'.
        let uri = huawei::canonical_uri(&path);
        prop_assert!(uri.ends_with('/') && uri.is_ascii());
        // Signing then verifying always agrees.
        let secret = Secret::new("sk");
        let auth = huawei::sign(parts, "ak", &secret).unwrap();
        let mut signed = headers.clone();
        signed.push(("Authorization".into(), auth));
        let parts = huawei::RequestParts { headers: &signed, ..parts };
        prop_assert!(huawei::verify(parts, |_| Some(secret.clone()), 1_700_000_000).is_ok());
    }

    #[test]
    fn forms_round_trip_and_encode_to_ascii(query in pairs()) {
        let encoded = encode_form(query.iter().map(|(k, v)| (k.as_str(), v.as_str())));
        prop_assert!(encoded.is_ascii());
        prop_assert_eq!(parse_form(&encoded), query);
    }

    #[test]
    fn quote_is_ascii_and_reversible(s in text()) {
        let q = quote(&s);
        prop_assert!(q.is_ascii());
        prop_assert_eq!(providers::sign::encoding::unquote(&q), s);
    }

    #[test]
    fn ncp_sign_and_verify_agree(target in text(), method in "GET|POST|PUT|DELETE") {
        let secret = Secret::new("secret");
        let signed = ncp::sign(&method, &target, 1_700_000_000_000, "ak", &secret);
        let presented = ncp::PresentedSignature {
            timestamp_ms: Some(&signed.headers[0].1),
            access_key: Some(&signed.headers[1].1),
            signature: Some(&signed.headers[2].1),
        };
        prop_assert!(ncp::verify(&method, &target, presented, |_| Some(secret.clone()), 1_700_000_000_000).is_ok());
    }

    #[test]
    fn tencent_string_to_sign_is_order_independent(params in pairs()) {
        let mut reversed = params.clone();
        reversed.reverse();
        let a = tencent_legacy::StringToSign { method: "GET", host: "h", path: "/", params: &params, key_style: tencent_legacy::KeyStyle::AsIs };
        let b = tencent_legacy::StringToSign { params: &reversed, ..a.clone() };
        // Keys may repeat in arbitrary input; with distinct keys the order never matters.
        let distinct = params.iter().map(|(k, _)| k).collect::<std::collections::HashSet<_>>().len() == params.len();
        if distinct {
            prop_assert_eq!(a.to_string(), b.to_string());
        }
        let canonical = tencent_tc3::CanonicalRequest::new("GET", &encode_form(params.iter().map(|(k, v)| (k.as_str(), v.as_str()))), &[("host", "h")], b"");
        prop_assert!(!canonical.to_string().is_empty());
    }
}
