//! NAVER Cloud Functions API v2 (seeds 000, 001, 004; the rest from the API index).

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::Code;

/// Every success body: `{"content": …}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Content<T> {
    /// The payload.
    pub content: T,
}

/// Every error body: `{"error": {"errorCode", "message", "details"}}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ErrorBody {
    /// The error.
    pub error: ErrorDetail,
}

/// NCP's error detail.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ErrorDetail {
    /// `80307` (string or number: the docs show both).
    pub error_code: Code,
    /// `ACTION_BODY_INVALID_VALUE` or a sentence.
    pub message: String,
    /// More detail, when given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub details: Option<String>,
}

/// Seed 000: `content` of an activation list.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ActivationList {
    /// One page.
    pub activations: Vec<ActivationSummary>,
    /// Activations in the whole range.
    pub total_count: u64,
}

/// One line of seed 000's list.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ActivationSummary {
    /// Id.
    pub activation_id: String,
    /// Milliseconds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub duration: Option<u64>,
    /// `success`, …
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
    /// Start, epoch ms (not in the seed; sent by the engine and kept if a cloud sends it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start: Option<i64>,
}

/// Seed 001's `content` (run action), and activation detail (which adds `logs`). Past the
/// run's `timeout` only `activationId` is present.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Activation {
    /// Id.
    pub activation_id: String,
    /// Milliseconds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub duration: Option<u64>,
    /// End, epoch ms.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub end: Option<i64>,
    /// Action name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Namespace.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub namespace: Option<String>,
    /// Result.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub response: Option<ActivationResponse>,
    /// Start, epoch ms.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start: Option<i64>,
    /// Who ran it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subject: Option<String>,
    /// Log lines (activation detail only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub logs: Option<Vec<String>>,
}

/// `response` of an activation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ActivationResponse {
    /// The action's result object.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub result: Option<Value>,
    /// `success`, …
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
    /// Whether it succeeded.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub success: Option<bool>,
}

/// Seed 004's request body (put action). Every field optional here: which are required
/// depends on the action type, and the engine reports each missing one by name.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct PutActionBody {
    /// 0–3,000 bytes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Default parameters.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parameters: Option<Map<String, Value>>,
    /// Required for basic/web.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub limits: Option<Limits>,
    /// Required.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub exec: Option<Exec>,
    /// VPC platform only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vpc: Option<Vec<Vpc>>,
    /// Web actions only.
    #[serde(rename = "raw-http", default, skip_serializing_if = "Option::is_none")]
    pub raw_http: Option<bool>,
    /// Web actions only.
    #[serde(
        rename = "custom-options",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub custom_options: Option<bool>,
}

/// `limits`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Limits {
    /// 500–300,000 ms.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timeout: Option<u64>,
    /// 128, 256, 512 or 1024 MB.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub memory: Option<u64>,
}

/// `exec`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Exec {
    /// Runtime, or `sequence`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    /// Source, or Base64 when `binary`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
    /// Whether `code` is Base64.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub binary: Option<bool>,
    /// Entry function.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub main: Option<String>,
    /// Custom image.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub image_uri: Option<String>,
    /// Sequence components, `package/action`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub components: Option<Vec<String>>,
}

/// `vpc[]`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Vpc {
    /// VPC id.
    pub vpc_no: u64,
    /// Subnet id.
    pub subnet_no: u64,
}

/// Seed 004's response `content`, and get action's.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ActionContent {
    /// Name.
    pub name: String,
    /// Resource id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resource_id: Option<String>,
    /// `namespace/package`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
    /// Description.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// `basic`, `web`, `sequence`, `sequence-web`.
    #[serde(rename = "type", default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    /// Default parameters.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parameters: Option<Map<String, Value>>,
    /// Web actions.
    #[serde(rename = "raw-http", default, skip_serializing_if = "Option::is_none")]
    pub raw_http: Option<bool>,
    /// Web actions.
    #[serde(
        rename = "custom-options",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub custom_options: Option<bool>,
    /// What runs.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub exec: Option<Exec>,
    /// Limits.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub limits: Option<Limits>,
    /// VPC.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vpc: Option<Vec<Vpc>>,
}

/// A package in the package list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PackageSummary {
    /// Name.
    pub name: String,
    /// Description.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
}

/// `content` of the action list (v2.1).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ActionList {
    /// The actions.
    pub actions: Vec<ActionListItem>,
}

/// One action in the list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ActionListItem {
    /// Name.
    pub name: String,
    /// Description.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// `basic`, …
    #[serde(rename = "type", default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    /// `nodejs:20`, or `sequence`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub runtime: Option<String>,
}

/// `content` of a package (GET and PUT `/packages/{p}`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PackageContent {
    /// Name.
    pub name: String,
    /// Description.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Default parameters of its actions.
    #[serde(default)]
    pub parameters: serde_json::Map<String, serde_json::Value>,
    /// Its actions' names.
    #[serde(default)]
    pub actions: Vec<String>,
    /// `classic` or `vpc`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub platform: Option<String>,
    /// The namespace (PUT's answer).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub namespace: Option<String>,
    /// Resource id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resource_id: Option<String>,
}

/// Body of PUT `/packages/{p}`.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct PutPackageBody {
    /// Description.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Default parameters of its actions.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parameters: Option<serde_json::Map<String, serde_json::Value>>,
}
