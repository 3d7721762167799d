//! The engine's records as FunctionGraph's wire types, and its URNs as engine addresses.

use engine::store::{ActivationRecord, AsyncRecord, StoredAction};
use engine::time::format_utc;
use providers::wire::huawei as wire;

/// The engine has one region; URNs name it `local` (clients may send any region).
const REGION: &str = "local";

/// `urn:fss:{region}:{project}:function:{package}:{name}:{version}` → (engine package, name);
/// FunctionGraph's `default` package is the engine's top level.
pub(super) fn action_of(urn: &str) -> Option<(Option<String>, String)> {
    let parts: Vec<&str> = urn.split(':').collect();
    match parts.as_slice() {
        ["urn", "fss", _, _, "function", package, name, ..] => Some((
            (*package != "default").then(|| package.to_string()),
            name.to_string(),
        )),
        _ => None,
    }
}

/// A (non-sequence) action as a function of `project`.
pub(super) fn function_info(project: &str, a: StoredAction) -> wire::FunctionInfo {
    let package = a.package.clone().unwrap_or_else(|| "default".to_string());
    let code = a.draft.code();
    wire::FunctionInfo {
        func_urn: format!(
            "urn:fss:{REGION}:{project}:function:{package}:{}:latest",
            a.name
        ),
        func_name: a.name.clone(),
        package: Some(package),
        runtime: Some(a.draft.runtime().to_string()),
        timeout: code.map(|c| c.limits.timeout_ms.div_ceil(1000)),
        memory_size: code.map(|c| c.limits.memory_mb),
        handler: code
            .and_then(|c| c.main.as_ref())
            .map(|m| format!("index.{m}")),
        description: a.draft.description.clone(),
    }
}

/// A synchronous invocation that ended.
pub(super) fn invoked(a: &ActivationRecord) -> wire::InvokeResponse {
    wire::InvokeResponse {
        request_id: a.id.clone(),
        result: a.result.to_string(),
        log: a.logs.join("\n"),
        status: if a.status.is_success() { 0 } else { 1 },
    }
}

/// The `X-Cff-Invoke-Summary` FunctionGraph sends with a synchronous run: its duration,
/// the duration billed and the memory its runtime used (MB). The engine keeps no memory
/// size per run, so `memorySize` is left out.
pub(super) fn invoke_summary(a: &ActivationRecord) -> String {
    let summary = wire::InvokeSummary {
        duration: Some(a.duration_ms as f64),
        billing_duration: Some(a.billed_ms),
        memory_size: None,
        memory_used: Some(a.memory_used as f64 / 1_048_576.0),
    };
    // Plain numbers always serialise.
    serde_json::to_string(&summary).unwrap_or_default()
}

/// An asynchronous invocation as the list shows it.
pub(super) fn async_record(r: AsyncRecord) -> wire::AsyncInvocationRecord {
    wire::AsyncInvocationRecord {
        request_id: r.request_id,
        status: r.status.as_str().into(),
        error_message: Some(r.error_message),
        start_time: r.start_ms.map(|ms| format_utc(ms, 'T')),
        end_time: r.end_ms.map(|ms| format_utc(ms, 'T')),
        error_code: Some(r.error_code),
    }
}
