//! Tencent SCF: the legacy API's GetFunctionLogs (seed 003) and API 3.0 (2018-04-16).

use serde::{Deserialize, Serialize};

/// Seed 003's response (legacy API).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LegacyLogsResponse {
    /// 0 on success.
    pub code: i64,
    /// Error message, empty on success.
    #[serde(default)]
    pub message: String,
    /// `Success`, or the error's description.
    #[serde(default)]
    pub code_desc: String,
    /// Total matching.
    #[serde(default)]
    pub total: u64,
    /// The records.
    #[serde(default)]
    pub data: Vec<LegacyLog>,
}

/// One record. The seed's table writes `function_name`, its example `functionName`: both
/// are accepted; the example's spelling is sent.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LegacyLog {
    /// Function.
    #[serde(alias = "function_name")]
    pub function_name: String,
    /// Return value or error.
    #[serde(alias = "ret_msg", default)]
    pub ret_msg: String,
    /// Request id.
    #[serde(alias = "request_id")]
    pub request_id: String,
    /// `YYYY-MM-DD HH:mm:ss`.
    #[serde(alias = "start_time", default)]
    pub start_time: String,
    /// 0 success.
    #[serde(alias = "ret_code", default)]
    pub ret_code: i64,
    /// Milliseconds (fractional).
    #[serde(default)]
    pub duration: f64,
    /// Rounded up to 100 ms.
    #[serde(alias = "bill_duration", default)]
    pub bill_duration: u64,
    /// Bytes.
    #[serde(alias = "mem_usage", default)]
    pub mem_usage: u64,
    /// Log text.
    #[serde(default)]
    pub log: String,
}

/// API 3.0's envelope: `{"Response": {…}}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Envelope<T> {
    /// The payload, or an error.
    #[serde(rename = "Response")]
    pub response: T,
}

/// An API 3.0 error: `{"Response": {"Error": {"Code", "Message"}, "RequestId"}}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErrorResponse {
    /// The error.
    #[serde(rename = "Error")]
    pub error: ApiError,
    /// Request id.
    #[serde(rename = "RequestId")]
    pub request_id: String,
}

/// `Error`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApiError {
    /// `InvalidParameter`, `AuthFailure.SignatureFailure`, …
    #[serde(rename = "Code")]
    pub code: String,
    /// The message.
    #[serde(rename = "Message")]
    pub message: String,
}

/// GetFunctionLogs (API 3.0) response.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct LogsResponse {
    /// Total matching.
    pub total_count: u64,
    /// Records.
    pub data: Vec<FunctionLog>,
    /// Request id.
    pub request_id: String,
}

/// One API 3.0 log record.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct FunctionLog {
    /// Function.
    pub function_name: String,
    /// Return value or error.
    #[serde(default)]
    pub ret_msg: String,
    /// Request id.
    pub request_id: String,
    /// `YYYY-MM-DD HH:mm:ss`.
    #[serde(default)]
    pub start_time: String,
    /// 0 success.
    #[serde(default)]
    pub ret_code: i64,
    /// Whether the invocation finished (1) or not.
    #[serde(default)]
    pub invoke_finished: i64,
    /// Milliseconds.
    #[serde(default)]
    pub duration: f64,
    /// Rounded up to 100 ms.
    #[serde(default)]
    pub bill_duration: u64,
    /// Bytes.
    #[serde(default)]
    pub mem_usage: u64,
    /// Log text.
    #[serde(default)]
    pub log: String,
    /// Log level.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub level: Option<String>,
    /// Log source.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    /// Retries.
    #[serde(default)]
    pub retry_num: u64,
}

/// ListFunctions response.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ListFunctionsResponse {
    /// Functions.
    pub functions: Vec<FunctionSummary>,
    /// Total.
    pub total_count: u64,
    /// Request id.
    pub request_id: String,
}

/// One function.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct FunctionSummary {
    /// Name.
    pub function_name: String,
    /// `Nodejs16.13`, …
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub runtime: Option<String>,
    /// Description.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Namespace.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub namespace: Option<String>,
    /// `Active`, …
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
}

/// Invoke response.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct InvokeResponse {
    /// The result.
    #[serde(rename = "Result")]
    pub result: InvokeResult,
    /// Request id.
    #[serde(rename = "RequestId")]
    pub request_id: String,
}

/// Invoke's `Result`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct InvokeResult {
    /// The function's request id.
    pub function_request_id: String,
    /// What it returned (a JSON string).
    #[serde(default)]
    pub ret_msg: String,
    /// Log text.
    #[serde(default)]
    pub log: String,
    /// Error message.
    #[serde(default)]
    pub err_msg: String,
    /// Bytes.
    #[serde(default)]
    pub mem_usage: u64,
    /// Milliseconds.
    #[serde(default)]
    pub duration: f64,
    /// Milliseconds, rounded up to 100.
    #[serde(default)]
    pub bill_duration: u64,
    /// 0 success.
    #[serde(default)]
    pub invoke_result: i64,
}
