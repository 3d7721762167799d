//! Synthetic activations for the listing benchmark and `examples/fill_activations.rs`: ten
//! actions in the `demo` package, one start every 500 ms going back from `now_ms`, every
//! seventh failed, small results and one log line each.

use engine::store::ActivationRecord;
use providers::ActivationStatus;
use serde_json::json;

/// The `i`-th activation, `i` half-seconds before `now_ms`.
pub fn activation(i: u64, now_ms: i64) -> ActivationRecord {
    let start_ms = now_ms - (i as i64) * 500;
    let failed = i.is_multiple_of(7);
    ActivationRecord {
        id: format!("{i:032x}"),
        namespace: "guest".into(),
        package: Some("demo".into()),
        action: format!("bench-{}", i % 10),
        subject: "guest".into(),
        start_ms,
        end_ms: start_ms + 12,
        duration_ms: 12,
        status: if failed {
            ActivationStatus::ApplicationError
        } else {
            ActivationStatus::Success
        },
        result: if failed {
            json!({"error": "failed"})
        } else {
            json!({"greeting": "Hello"})
        },
        logs: vec![format!("2026-01-01T00:00:00.000Z stdout: run {i}")],
        params: json!({"name": format!("Kim-{i}")}),
        memory_used: 1 << 20,
        billed_ms: 100,
        components: vec![],
    }
}
