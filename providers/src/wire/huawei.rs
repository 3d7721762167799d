//! Huawei FunctionGraph v2 (seed 002; functions and invocations from the SDK models).

use serde::{Deserialize, Serialize};

/// Seed 002's 200 body: `ListAsyncInvocationsResponse`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AsyncInvocationList {
    /// The records.
    pub invocations: Vec<AsyncInvocationRecord>,
    /// Total records matching (absent in the seed's example).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub count: Option<u64>,
    /// Start of the next page.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_marker: Option<u64>,
}

/// One asynchronous invocation record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AsyncInvocationRecord {
    /// Request id.
    pub request_id: String,
    /// WAIT, RUNNING, SUCCESS, FAIL, DISCARD.
    pub status: String,
    /// Empty on success.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error_message: Option<String>,
    /// `YYYY-MM-DDTHH:mm:ss` UTC.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start_time: Option<String>,
    /// Same format.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub end_time: Option<String>,
    /// 0 on success.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error_code: Option<i64>,
}

/// Error body: `{"error_code": "FSS.0404", "error_msg": "…"}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErrorBody {
    /// `FSS.0403`, `FSS.0404`, `FSS.0500`, …
    pub error_code: String,
    /// The message.
    pub error_msg: String,
}

/// `ListFunctionsResponse`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FunctionList {
    /// The functions.
    pub functions: Vec<FunctionInfo>,
    /// Start of the next page.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_marker: Option<u64>,
    /// Total.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub count: Option<u64>,
}

/// One function (the fields the console uses; others are ignored on parse).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FunctionInfo {
    /// `urn:fss:{region}:{project}:function:{package}:{name}:latest`.
    pub func_urn: String,
    /// Name.
    pub func_name: String,
    /// Package (`default`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub package: Option<String>,
    /// `Node.js16.17`, …
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub runtime: Option<String>,
    /// Seconds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timeout: Option<u64>,
    /// MB.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub memory_size: Option<u64>,
    /// `index.handler`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub handler: Option<String>,
    /// Description.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
}

/// `InvokeFunctionResponse` (synchronous).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InvokeResponse {
    /// Request id.
    pub request_id: String,
    /// The function's return value, as a string.
    #[serde(default)]
    pub result: String,
    /// Log text.
    #[serde(default)]
    pub log: String,
    /// 0 success, else failure.
    #[serde(default)]
    pub status: i64,
}

/// The header FunctionGraph puts a synchronous run's [`InvokeSummary`] in.
pub const INVOKE_SUMMARY: &str = "x-cff-invoke-summary";

/// The `X-Cff-Invoke-Summary` header of a synchronous invocation, e.g.
/// `{"duration":1.913,"billingDuration":100,"memorySize":128,"memoryUsed":41.51171875}`
/// (FunctionGraph's API reference, "Executing a Function Synchronously").
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct InvokeSummary {
    /// How long it ran, ms.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub duration: Option<f64>,
    /// The duration billed, ms.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub billing_duration: Option<u64>,
    /// The memory configured, MB.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub memory_size: Option<u64>,
    /// The memory used, MB (fractional).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub memory_used: Option<f64>,
}

/// `AsyncInvokeFunctionResponse`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AsyncInvokeResponse {
    /// Request id to follow.
    pub request_id: String,
}
