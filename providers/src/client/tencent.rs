//! Tencent SCF client: API 3.0 (TC3-HMAC-SHA256) and the legacy API's GetFunctionLogs.

use reqwest::Method;
use serde::de::DeserializeOwned;
use serde_json::{Map, Value, json};

use super::transport::{PreparedRequest, RawResponse, Transport, now_ms};
use crate::model::*;
use crate::sign::encoding::encode_form;
use crate::sign::{Secret, tencent_legacy, tencent_tc3};
use crate::wire::tencent as wire;

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

impl TencentClient {
    /// A client over a shared transport.
    pub fn new(transport: Transport, config: TencentConfig) -> Self {
        Self { transport, config }
    }

    /// What this client offers of SCF.
    pub fn capabilities() -> Capabilities {
        use Capability::*;
        [ActionsRead, Invoke, FunctionLogs].into_iter().collect()
    }

    /// Calls an API 3.0 action with a JSON body; returns `Response`'s content.
    async fn call<T: DeserializeOwned>(
        &self,
        action: &str,
        params: Value,
        idempotent: bool,
    ) -> Result<T, ProviderError> {
        let endpoint = &self.config.endpoint;
        let host = host_of(endpoint);
        let body = serde_json::to_vec(&params).unwrap_or_default();
        let url = format!("{}/", endpoint.trim_end_matches('/'));
        let response = self
            .transport
            .send(endpoint, || {
                let ts = (now_ms() / 1000) as i64;
                let content_type = "application/json";
                let canonical = tencent_tc3::CanonicalRequest::new(
                    "POST",
                    "",
                    &[("content-type", content_type), ("host", &host)],
                    &body,
                );
                let authorization = tencent_tc3::sign(
                    &canonical,
                    ts,
                    "scf",
                    &self.config.secret_id,
                    &self.config.secret_key,
                );
                PreparedRequest {
                    method: Method::POST,
                    url: url.clone(),
                    headers: vec![
                        ("Authorization".into(), authorization),
                        ("Content-Type".into(), content_type.into()),
                        ("X-TC-Action".into(), action.into()),
                        ("X-TC-Version".into(), VERSION.into()),
                        ("X-TC-Region".into(), self.config.region.clone()),
                        ("X-TC-Timestamp".into(), ts.to_string()),
                    ],
                    body: body.clone(),
                    idempotent,
                }
            })
            .await?;
        self.envelope(&response)
    }

    fn envelope<T: DeserializeOwned>(&self, response: &RawResponse) -> Result<T, ProviderError> {
        let value: wire::Envelope<Value> = response.json(&self.config.endpoint)?;
        if let Ok(error) = serde_json::from_value::<wire::ErrorResponse>(value.response.clone()) {
            let status = if response.status == 200 {
                status_for(&error.error.code)
            } else {
                response.status
            };
            return Err(ProviderError::from_provider(
                status,
                Some(error.error.code.clone()),
                Some(error.error.message),
                explain(&error.error.code),
            ));
        }
        if !response.is_success() {
            return Err(ProviderError::from_provider(
                response.status,
                None,
                Some(response.snippet()),
                "SCF refused the request",
            ));
        }
        serde_json::from_value(value.response).map_err(|e| {
            ProviderError::new(
                ErrorKind::BadResponse,
                format!("{} sent a malformed response: {e}", self.config.endpoint),
            )
        })
    }

    /// A page of functions.
    pub async fn list_functions(
        &self,
        page: &PageRequest,
    ) -> Result<Page<ActionSummary>, ProviderError> {
        let params = json!({"Offset": page.offset, "Limit": page.limit.clamp(1, 100), "Namespace": self.config.namespace});
        let list: wire::ListFunctionsResponse = self.call("ListFunctions", params, true).await?;
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
    pub async fn invoke(
        &self,
        request: &InvocationRequest,
    ) -> Result<InvocationResult, ProviderError> {
        let params = json!({
            "FunctionName": request.action.name,
            "InvocationType": if request.blocking { "RequestResponse" } else { "Event" },
            "ClientContext": Value::Object(request.params.clone()).to_string(),
            "Namespace": self.config.namespace,
        });
        let response: wire::InvokeResponse = self.call("Invoke", params, false).await?;
        let r = response.result;
        if !request.blocking {
            return Ok(InvocationResult::Accepted {
                id: r.function_request_id,
            });
        }
        let result =
            serde_json::from_str::<Value>(&r.ret_msg).unwrap_or(Value::String(r.ret_msg.clone()));
        Ok(InvocationResult::Finished(Activation {
            id: r.function_request_id,
            name: Some(request.action.name.clone()),
            namespace: Some(self.config.namespace.clone()),
            subject: None,
            start_ms: None,
            end_ms: None,
            duration_ms: Some(r.duration.ceil() as u64),
            status: if r.invoke_result == 0 {
                ActivationStatus::Success
            } else {
                ActivationStatus::ApplicationError
            },
            result: Some(if r.err_msg.is_empty() {
                result
            } else {
                json!({"error": r.err_msg})
            }),
            logs: Some(r.log.lines().map(str::to_string).collect()),
        }))
    }

    /// GetFunctionLogs on API 3.0, every filter and ordering. `offset + limit` ≤ 10,000.
    pub async fn function_logs(
        &self,
        query: &LogQuery,
        page: &PageRequest,
    ) -> Result<Page<LogEntry>, ProviderError> {
        check_window(page)?;
        let mut params = Map::new();
        params.insert("Offset".into(), json!(page.offset));
        params.insert("Limit".into(), json!(page.limit));
        params.insert("Order".into(), json!(query.order.as_str()));
        params.insert("OrderBy".into(), json!(query.order_by.as_str()));
        params.insert("Namespace".into(), json!(self.config.namespace));
        if let Some(f) = &query.function {
            params.insert("FunctionName".into(), json!(f));
        }
        if let Some(id) = &query.request_id {
            params.insert("FunctionRequestId".into(), json!(id));
        }
        if let Some(rc) = &query.ret_code {
            params.insert("Filter".into(), json!({"RetCode": rc}));
        }
        if let Some(t) = &query.start_time {
            params.insert("StartTime".into(), json!(t));
        }
        if let Some(t) = &query.end_time {
            params.insert("EndTime".into(), json!(t));
        }
        let logs: wire::LogsResponse = self
            .call("GetFunctionLogs", Value::Object(params), true)
            .await?;
        let items = logs
            .data
            .into_iter()
            .map(|l| LogEntry {
                function: l.function_name,
                request_id: l.request_id,
                start_time: l.start_time,
                ret_code: l.ret_code,
                ret_msg: l.ret_msg,
                duration_ms: l.duration,
                bill_duration_ms: l.bill_duration,
                mem_usage_bytes: l.mem_usage,
                log: l.log,
            })
            .collect();
        Ok(Page::with_total(items, logs.total_count))
    }

    /// GetFunctionLogs on the legacy API (seed 003), signed with HmacSHA256.
    pub async fn function_logs_legacy(
        &self,
        query: &LogQuery,
        page: &PageRequest,
    ) -> Result<Page<LogEntry>, ProviderError> {
        check_window(page)?;
        let mut params: Vec<(String, String)> = vec![
            ("offset".into(), page.offset.to_string()),
            ("limit".into(), page.limit.to_string()),
            ("order".into(), query.order.as_str().into()),
            ("orderby".into(), query.order_by.as_str().into()),
            ("namespace".into(), self.config.namespace.clone()),
        ];
        if let Some(f) = &query.function {
            params.push(("functionName".into(), f.clone()));
        }
        if let Some(id) = &query.request_id {
            params.push(("requestId".into(), id.clone()));
        }
        if let Some(rc) = &query.ret_code {
            params.push(("filter_retCode".into(), rc.clone()));
        }
        if let Some(t) = &query.start_time {
            params.push(("startTime".into(), t.clone()));
        }
        if let Some(t) = &query.end_time {
            params.push(("endTime".into(), t.clone()));
        }
        let endpoint = &self.config.legacy_endpoint;
        let host = host_of(endpoint);
        let response = self
            .transport
            .send(endpoint, || {
                let mut all = params.clone();
                all.extend([
                    ("Action".to_string(), "GetFunctionLogs".to_string()),
                    ("Nonce".into(), (now_ms() % 1_000_000).to_string()),
                    ("Timestamp".into(), (now_ms() / 1000).to_string()),
                    ("Region".into(), self.config.region.clone()),
                    ("SecretId".into(), self.config.secret_id.clone()),
                    ("SignatureMethod".into(), "HmacSHA256".into()),
                ]);
                let to_sign = tencent_legacy::StringToSign {
                    method: "GET",
                    host: &host,
                    path: "/v2/index.php",
                    params: &all,
                    key_style: tencent_legacy::KeyStyle::DotsForUnderscores,
                };
                let signature = to_sign.sign(
                    tencent_legacy::SignatureMethod::HmacSha256,
                    &self.config.secret_key,
                );
                all.push(("Signature".into(), signature));
                let query = encode_form(all.iter().map(|(k, v)| (k.as_str(), v.as_str())));
                PreparedRequest {
                    method: Method::GET,
                    url: format!("{}/v2/index.php?{query}", endpoint.trim_end_matches('/')),
                    headers: Vec::new(),
                    body: Vec::new(),
                    idempotent: true,
                }
            })
            .await?;
        let body: wire::LegacyLogsResponse = response.json(endpoint)?;
        if body.code != 0 {
            let message = if body.message.is_empty() {
                body.code_desc.clone()
            } else {
                body.message.clone()
            };
            return Err(ProviderError::from_provider(
                if response.status == 200 {
                    status_for(&body.code_desc)
                } else {
                    response.status
                },
                Some(body.code.to_string()),
                Some(message),
                explain(&body.code_desc),
            ));
        }
        let items = body
            .data
            .into_iter()
            .map(|l| LogEntry {
                function: l.function_name,
                request_id: l.request_id,
                start_time: l.start_time,
                ret_code: l.ret_code,
                ret_msg: l.ret_msg,
                duration_ms: l.duration,
                bill_duration_ms: l.bill_duration,
                mem_usage_bytes: l.mem_usage,
                log: l.log,
            })
            .collect();
        Ok(Page::with_total(items, body.total))
    }
}

fn check_window(page: &PageRequest) -> Result<(), ProviderError> {
    if page.offset + page.limit > 10_000 {
        return Err(ProviderError::new(
            ErrorKind::Invalid,
            format!(
                "offset + limit is {}; SCF allows at most 10,000",
                page.offset + page.limit
            ),
        ));
    }
    Ok(())
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
