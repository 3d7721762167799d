//! Signing each provider's request, and parsing a 200-activation page: the per-request CPU
//! the console adds. A baseline in the same run (hashing the same bytes with SHA-256) makes
//! the figures comparable across machines.

use criterion::{Criterion, black_box, criterion_group, criterion_main};
use providers::sign::{Secret, huawei, ncp, tencent_tc3};
use providers::wire::ncp as wire;
use sha2::{Digest, Sha256};

fn page_of_200() -> String {
    let activations: Vec<_> = (0..200)
        .map(|i| wire::ActivationSummary {
            activation_id: format!("{i:032x}"),
            duration: Some(i * 3),
            status: Some("success".into()),
            start: Some(1_700_000_000_000 + i as i64),
        })
        .collect();
    serde_json::to_string(&wire::Content {
        content: wire::ActivationList {
            activations,
            total_count: 1425,
        },
    })
    .unwrap()
}

fn bench(c: &mut Criterion) {
    let secret = Secret::new("ncpSecretKeyEXAMPLE0123456789abcdefABCD");
    let target =
        "/api/v2/packages/pkg01/actions/hello/activations?platform=classic&pageNo=1&pageSize=20";
    c.bench_function("baseline: sha256 of the NCP string to sign", |b| {
        b.iter(|| Sha256::digest(black_box(target.as_bytes())))
    });
    c.bench_function("sign: NCP v2", |b| {
        b.iter(|| ncp::sign("GET", black_box(target), 1_700_000_000_000, "ak", &secret))
    });
    let query = vec![
        ("limit".to_string(), "10".to_string()),
        ("marker".to_string(), "0".to_string()),
    ];
    let headers = vec![
        ("Content-Type".to_string(), "application/json".to_string()),
        (
            "Host".to_string(),
            "functiongraph.cn-north-4.myhuaweicloud.com".to_string(),
        ),
        (
            "X-Project-Id".to_string(),
            "0123456789abcdef0123456789abcdef".to_string(),
        ),
        ("X-Sdk-Date".to_string(), "20231114T221320Z".to_string()),
    ];
    c.bench_function("sign: Huawei SDK-HMAC-SHA256", |b| {
        b.iter(|| {
            let parts = huawei::RequestParts {
                method: "GET",
                path: "/v2/p/fgs/functions/urn%3Afss%3Acn-north-4%3Ap%3Afunction%3Adefault%3Af%3Alatest/async-invocations",
                query: &query,
                headers: &headers,
                body: b"",
            };
            huawei::sign(black_box(parts), "ak", &secret)
        })
    });
    let body = br#"{"FunctionName": "hello-world", "Offset": 0, "Limit": 10}"#;
    c.bench_function("sign: Tencent TC3", |b| {
        b.iter(|| {
            let canonical = tencent_tc3::CanonicalRequest::new(
                "POST",
                "",
                &[
                    ("content-type", "application/json"),
                    ("host", "scf.tencentcloudapi.com"),
                ],
                black_box(body),
            );
            tencent_tc3::sign(&canonical, 1_700_000_000, "scf", "id", &secret)
        })
    });
    let page = page_of_200();
    c.bench_function("baseline: sha256 of a 200-activation page", |b| {
        b.iter(|| Sha256::digest(black_box(page.as_bytes())))
    });
    c.bench_function("parse: NCP page of 200 activations", |b| {
        b.iter(|| {
            serde_json::from_str::<wire::Content<wire::ActivationList>>(black_box(&page)).unwrap()
        })
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
