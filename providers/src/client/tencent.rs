//! Tencent SCF client: API 3.0 (TC3-HMAC-SHA256) and the legacy API's GetFunctionLogs.

use reqwest::Method;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use super::request::{Api, Request};
use super::transport::{RawResponse, Transport};
use super::{Operations, ran, whole_namespace};
use crate::model::*;
use crate::sign::{Secret, tencent_legacy, tencent_tc3};
use crate::wire::{beijing, tencent as wire};

/// API 3.0 version of SCF.
pub const VERSION: &str = "2018-04-16";

/// Settings of an SCF connection.
#[derive(Debug, Clone)]
pub struct TencentConfig {
    /// API 3.0 endpoint, `https://scf.tencentcloudapi.com`.
    pub endpoint: String,
    /// Legacy endpoint, `https://scf.api.qcloud.com` (its path is `/v2/index.php`).
    pub legacy_endpoint: String,
    /// Region, `ap-guangzhou`.
    pub region: String,
    /// Namespace (`default`).
    pub namespace: String,
    /// Secret id.
    pub secret_id: String,
    /// Secret key.
    pub secret_key: Secret,
}

/// The client.
#[derive(Debug, Clone)]
pub struct TencentClient {
    transport: Transport,
    config: TencentConfig,
}

fn host_of(endpoint: &str) -> String {
    let rest = endpoint.split("://").nth(1).unwrap_or(endpoint);
    rest.split('/').next().unwrap_or(rest).to_string()
}

/// API 3.0: `POST /` with a JSON body, signed with TC3-HMAC-SHA256, answering
/// `{"Response": …}` whose errors sit inside the envelope, often with HTTP 200.
struct Api3<'a>(&'a TencentConfig);

/// The legacy API: `GET /v2/index.php` with every parameter in the query, signed with
/// HmacSHA256, answering `{"code", "message", "codeDesc", …}`.
struct Legacy<'a>(&'a TencentConfig);

impl TencentClient {
    /// A client over a shared transport.
    pub fn new(transport: Transport, config: TencentConfig) -> Self {
        Self { transport, config }
    }

    /// Calls an API 3.0 action with `params`; answers `Response`'s content.
    async fn call<T: DeserializeOwned>(
        &self,
        action: &'static str,
        params: &impl Serialize,
        idempotent: bool,
    ) -> Result<T, ProviderError> {
        let mut request = Request::new(action, Method::POST, "/")
            .json(params)?
            .idempotent(idempotent);
        request.header("X-TC-Action", action);
        let envelope: wire::Envelope<T> = self
            .transport
            .call_json(&Api3(&self.config), request)
            .await?;
        Ok(envelope.response)
    }

    /// GetFunctionLogs on the legacy API (seed 003), signed with HmacSHA256.
    pub async fn function_logs_legacy(
        &self,
        query: &LogQuery,
        page: &PageRequest,
    ) -> Result<Page<LogEntry>, ProviderError> {
        check_window(page)?;
        let (start, end) = beijing_window(query)?;
        let request = Request::new("function_logs_legacy", Method::GET, LEGACY_PATH)
            .query("offset", page.offset)
            .query("limit", page.limit)
            .query("order", query.order.as_str())
            .query("orderby", query.order_by.as_str())
            .query("namespace", &self.config.namespace)
            .query_opt("functionName", query.function.as_ref())
            .query_opt("requestId", query.request_id.as_ref())
            .query_opt("filter_retCode", query.ret_code.as_ref())
            .query_opt("startTime", start.as_ref())
            .query_opt("endTime", end.as_ref())
            .query("Action", "GetFunctionLogs");
        let logs: LogPage = self
            .transport
            .call_json(&Legacy(&self.config), request)
            .await?;
        Ok(logs.into())
    }
}

impl Operations for TencentClient {
    fn kind(&self) -> ProviderKind {
        ProviderKind::Tencent
    }

    /// A page of the namespace's functions.
    async fn list_actions(
        &self,
        query: &ActionQuery,
        page: &PageRequest,
    ) -> Result<Page<ActionSummary>, ProviderError> {
        whole_namespace(self.kind(), query)?;
        let params = json!({"Offset": page.offset, "Limit": page.limit.clamp(1, 100), "Namespace": self.config.namespace});
        let list: wire::ListFunctionsResponse = self.call("ListFunctions", &params, true).await?;
        let items = list
            .functions
            .into_iter()
            .map(|f| ActionSummary {
                action: ActionRef::top(f.function_name),
                runtime: f.runtime,
                description: f.description,
                kind: Some(ActionKind::Basic),
            })
            .collect();
        Ok(Page::with_total(items, list.total_count))
    }

    /// Invokes (`RequestResponse`), or enqueues (`Event`) when not blocking.
    async fn invoke(&self, request: &InvocationRequest) -> Result<InvocationResult, ProviderError> {
        let params = json!({
            "FunctionName": request.action.name,
            "InvocationType": if request.blocking { "RequestResponse" } else { "Event" },
            "ClientContext": Value::Object(request.params.clone()).to_string(),
            "Namespace": self.config.namespace,
        });
        let response: wire::InvokeResponse = self.call("Invoke", &params, false).await?;
        let r = response.result;
        if !request.blocking {
            return Ok(InvocationResult::Accepted {
                id: r.function_request_id,
            });
        }
        let ran = ran(r.function_request_id, r.invoke_result, &r.ret_msg, &r.log);
        Ok(InvocationResult::Finished(Activation {
            name: Some(request.action.name.clone()),
            namespace: Some(self.config.namespace.clone()),
            duration_ms: Some(r.duration.ceil() as u64),
            result: if r.err_msg.is_empty() {
                ran.result.clone()
            } else {
                Some(json!({"error": r.err_msg}))
            },
            extras: ActivationExtras {
                billed_ms: Some(r.bill_duration),
                memory_used_bytes: Some(r.mem_usage),
                ..Default::default()
            }
            .boxed(),
            ..ran
        }))
    }

    /// GetFunctionLogs on API 3.0, every filter and ordering. `offset + limit` ≤ 10,000.
    async fn function_logs(
        &self,
        query: &LogQuery,
        page: &PageRequest,
    ) -> Result<Page<LogEntry>, ProviderError> {
        check_window(page)?;
        let window = beijing_window(query)?;
        let params = LogsRequest {
            offset: page.offset,
            limit: page.limit,
            order: query.order.as_str(),
            order_by: query.order_by.as_str(),
            namespace: &self.config.namespace,
            function_name: query.function.as_deref(),
            function_request_id: query.request_id.as_deref(),
            filter: query
                .ret_code
                .as_deref()
                .map(|ret_code| RetCodeFilter { ret_code }),
            start_time: window.0.as_deref(),
            end_time: window.1.as_deref(),
        };
        let logs: LogPage = self.call("GetFunctionLogs", &params, true).await?;
        Ok(logs.into())
    }
}

/// The legacy API's one path.
const LEGACY_PATH: &str = "/v2/index.php";

impl Api for Api3<'_> {
    const KIND: ProviderKind = ProviderKind::Tencent;

    fn endpoint(&self) -> &str {
        &self.0.endpoint
    }

    fn sign(&self, request: &mut Request, now_ms: u64) -> Result<(), ProviderError> {
        let ts = (now_ms / 1000) as i64;
        let host = host_of(&self.0.endpoint);
        let content_type = "application/json";
        let canonical = tencent_tc3::CanonicalRequest::new(
            request.method.as_str(),
            "",
            &[("content-type", content_type), ("host", &host)],
            &request.body,
        );
        let authorization =
            tencent_tc3::sign(&canonical, ts, "scf", &self.0.secret_id, &self.0.secret_key);
        request.header("Authorization", authorization);
        request.header("Content-Type", content_type);
        request.header("X-TC-Version", VERSION);
        request.header("X-TC-Region", self.0.region.as_str());
        request.header("X-TC-Timestamp", ts.to_string());
        Ok(())
    }

    fn error_from(&self, response: &RawResponse) -> Option<ProviderError> {
        let envelope: wire::Envelope<MaybeError> = match response.json(&self.0.endpoint) {
            Ok(envelope) => envelope,
            // A gateway's 500 or 429 without SCF's envelope: the status says what happened,
            // not "malformed".
            Err(_) if !response.is_success() => return Some(response.unexplained("SCF")),
            Err(error) => return Some(error),
        };
        if let Some(error) = envelope.response.error {
            return Some(scf_error(
                response,
                error.code.clone(),
                error.code,
                error.message,
            ));
        }
        (!response.is_success()).then(|| {
            ProviderError::from_provider(
                response.status,
                None,
                Some(response.snippet()),
                "SCF refused the request",
            )
        })
    }
}

impl Api for Legacy<'_> {
    const KIND: ProviderKind = ProviderKind::Tencent;

    #[allow(
        clippy::misnamed_getters,
        reason = "the legacy API's endpoint is the connection's legacy_endpoint"
    )]
    fn endpoint(&self) -> &str {
        &self.0.legacy_endpoint
    }

    fn sign(&self, request: &mut Request, now_ms: u64) -> Result<(), ProviderError> {
        let c = self.0;
        request.query.extend([
            ("Nonce".to_string(), (now_ms % 1_000_000).to_string()),
            ("Timestamp".into(), (now_ms / 1000).to_string()),
            ("Region".into(), c.region.clone()),
            ("SecretId".into(), c.secret_id.clone()),
            ("SignatureMethod".into(), "HmacSHA256".into()),
        ]);
        let host = host_of(&c.legacy_endpoint);
        let signature = tencent_legacy::StringToSign {
            method: request.method.as_str(),
            host: &host,
            path: &request.path,
            params: &request.query,
            key_style: tencent_legacy::KeyStyle::DotsForUnderscores,
        }
        .sign(tencent_legacy::SignatureMethod::HmacSha256, &c.secret_key);
        request.query.push(("Signature".into(), signature));
        Ok(())
    }

    fn error_from(&self, response: &RawResponse) -> Option<ProviderError> {
        // An answer that is not this shape is left to the decoder, which names the problem.
        let status: LegacyStatus = serde_json::from_slice(&response.body).ok()?;
        (status.code != 0).then(|| {
            let message = if status.message.is_empty() {
                status.code_desc.clone()
            } else {
                status.message
            };
            scf_error(response, status.code_desc, status.code.to_string(), message)
        })
    }
}

/// API 3.0's GetFunctionLogs parameters.
#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct LogsRequest<'a> {
    offset: u64,
    limit: u64,
    order: &'a str,
    order_by: &'a str,
    namespace: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    function_name: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    function_request_id: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    filter: Option<RetCodeFilter<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    start_time: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    end_time: Option<&'a str>,
}

/// `Filter`: `{"RetCode": "not0"}`.
#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct RetCodeFilter<'a> {
    ret_code: &'a str,
}

/// A page of function logs as either API writes it: API 3.0's `{TotalCount, Data}` (inside
/// `Response`) or the legacy API's `{total, data}`. The two differ only in spelling, so one
/// reader and one mapping serve both.
#[derive(Deserialize)]
struct LogPage {
    #[serde(alias = "TotalCount")]
    total: u64,
    #[serde(alias = "Data")]
    data: Vec<LogRecord>,
}

/// One record: API 3.0 writes `PascalCase`, the legacy API `camelCase` (seed 003's example)
/// or `snake_case` (its table). Fields the console does not show are ignored.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct LogRecord {
    #[serde(alias = "FunctionName", alias = "function_name")]
    function_name: String,
    #[serde(alias = "RetMsg", alias = "ret_msg", default)]
    ret_msg: String,
    #[serde(alias = "RequestId", alias = "request_id")]
    request_id: String,
    #[serde(alias = "StartTime", alias = "start_time", default)]
    start_time: String,
    #[serde(alias = "RetCode", alias = "ret_code", default)]
    ret_code: i64,
    #[serde(alias = "Duration", default)]
    duration: f64,
    #[serde(alias = "BillDuration", alias = "bill_duration", default)]
    bill_duration: u64,
    #[serde(alias = "MemUsage", alias = "mem_usage", default)]
    mem_usage: u64,
    #[serde(alias = "Log", default)]
    log: String,
}

impl From<LogPage> for Page<LogEntry> {
    fn from(logs: LogPage) -> Self {
        let items = logs
            .data
            .into_iter()
            .map(|l| LogEntry {
                function: l.function_name,
                request_id: l.request_id,
                start_ms: beijing::parse(&l.start_time),
                start_time: l.start_time,
                ret_code: l.ret_code,
                ret_msg: l.ret_msg,
                duration_ms: l.duration,
                bill_duration_ms: l.bill_duration,
                mem_usage_bytes: l.mem_usage,
                log: l.log,
            })
            .collect();
        Page::with_total(items, logs.total)
    }
}

/// API 3.0's `Response`, read for its `Error` only.
#[derive(Deserialize)]
struct MaybeError {
    #[serde(rename = "Error")]
    error: Option<wire::ApiError>,
}

/// The legacy API's status fields.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct LegacyStatus {
    code: i64,
    #[serde(default)]
    message: String,
    #[serde(default)]
    code_desc: String,
}

/// An SCF error: `kind_code` (`AuthFailure…`) gives the status when SCF answered 200 and the
/// explanation; `code` is kept as SCF sent it.
fn scf_error(
    response: &RawResponse,
    kind_code: String,
    code: String,
    message: String,
) -> ProviderError {
    let status = if response.status == 200 {
        status_for(&kind_code)
    } else {
        response.status
    };
    ProviderError::from_provider(status, Some(code), Some(message), explain(&kind_code))
}

/// The query's UTC window as SCF reads it: Beijing time.
fn beijing_window(query: &LogQuery) -> Result<(Option<String>, Option<String>), ProviderError> {
    let convert = |field: &str, utc: &Option<String>| {
        utc.as_deref()
            .map(|t| {
                beijing::from_utc_text(t).ok_or_else(|| {
                    ProviderError::new(
                        ErrorKind::Invalid,
                        format!("{field} \"{t}\" is not a UTC time like 2026-12-01 09:30:00"),
                    )
                })
            })
            .transpose()
    };
    Ok((
        convert("start_time", &query.start_time)?,
        convert("end_time", &query.end_time)?,
    ))
}

fn check_window(page: &PageRequest) -> Result<(), ProviderError> {
    // Checked: an offset near 2^64 from a caller must be refused, not overflow.
    match page.offset.checked_add(page.limit) {
        Some(end) if end <= 10_000 => Ok(()),
        end => Err(ProviderError::new(
            ErrorKind::Invalid,
            match end {
                Some(end) => format!("offset + limit is {end}; SCF allows at most 10,000"),
                None => format!(
                    "offset {} + limit {} is past SCF's 10,000",
                    page.offset, page.limit
                ),
            },
        )),
    }
}

/// A status for an error SCF reports inside a 200 envelope.
fn status_for(code: &str) -> u16 {
    if code.starts_with("AuthFailure") {
        401
    } else if code.starts_with("ResourceNotFound") {
        404
    } else if code.starts_with("InvalidParameter")
        || code.starts_with("MissingParameter")
        || code.starts_with("UnsupportedOperation")
    {
        400
    } else if code.starts_with("LimitExceeded") || code.starts_with("RequestLimitExceeded") {
        429
    } else {
        500
    }
}

fn explain(code: &str) -> String {
    if code.starts_with("AuthFailure") {
        "SCF refused the credentials (check the secret id and key, and the clock)".into()
    } else if code.starts_with("ResourceNotFound") {
        "the function does not exist".into()
    } else if code.starts_with("InvalidParameter") || code.starts_with("MissingParameter") {
        "SCF refused a parameter of the request".into()
    } else {
        "SCF refused the request".into()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_window_past_u64_is_refused_not_overflowed() {
        let page = |offset, limit| PageRequest {
            offset,
            limit,
            cursor: None,
        };
        assert!(check_window(&page(9_990, 10)).is_ok());
        assert_eq!(
            check_window(&page(9_991, 10)).unwrap_err().kind,
            ErrorKind::Invalid
        );
        // Found by review for the fuzz pass: `offset + limit` overflowed (a panic in debug).
        let huge = check_window(&page(u64::MAX, 20)).unwrap_err();
        assert_eq!(huge.kind, ErrorKind::Invalid);
        assert!(huge.to_string().contains("18446744073709551615"), "{huge}");
    }

    #[test]
    fn both_apis_log_records_read_as_the_same_entry() {
        let api3 = json!({"TotalCount": 1, "Data": [{"FunctionName": "f", "RetMsg": "ok",
            "RequestId": "r", "StartTime": "2024-01-01 00:00:01", "RetCode": 1,
            "InvokeFinished": 1, "Duration": 0.5, "BillDuration": 100, "MemUsage": 7,
            "Log": "l", "Level": "", "Source": "", "RetryNum": 0}], "RequestId": "q"});
        let legacy = json!({"code": 0, "message": "", "codeDesc": "Success", "total": 1,
            "data": [{"functionName": "f", "retMsg": "ok", "requestId": "r",
            "startTime": "2024-01-01 00:00:01", "retCode": 1, "duration": 0.5,
            "billDuration": 100, "memUsage": 7, "log": "l"}]});
        let read = |v: Value| Page::<LogEntry>::from(serde_json::from_value::<LogPage>(v).unwrap());
        let (api3, legacy) = (read(api3), read(legacy));
        assert_eq!(api3, legacy);
        assert_eq!(api3.items[0].mem_usage_bytes, 7);
    }
}
