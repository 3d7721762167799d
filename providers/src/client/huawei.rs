//! Huawei FunctionGraph v2 client (AK/SK signed, or an IAM token).

use reqwest::Method;
use serde_json::Value;

use super::transport::{PreparedRequest, RawResponse, Transport, now_ms};
use crate::model::*;
use crate::sign::encoding::{encode_form, quote};
use crate::sign::{Secret, huawei as signer};
use crate::wire::huawei as wire;

/// How a FunctionGraph connection authenticates.
#[derive(Debug, Clone)]
pub enum HuaweiAuth {
    /// SDK-HMAC-SHA256 with an access key pair.
    AkSk {
        /// Access key.
        access_key: String,
        /// Secret key.
        secret_key: Secret,
    },
    /// An IAM token sent as `X-Auth-Token`.
    Token(Secret),
}

/// Settings of a FunctionGraph connection.
#[derive(Debug, Clone)]
pub struct HuaweiConfig {
    /// `https://functiongraph.{region}.myhuaweicloud.com`.
    pub endpoint: String,
    /// Project id.
    pub project_id: String,
    /// Region, for building function URNs from names.
    pub region: String,
    /// Credentials.
    pub auth: HuaweiAuth,
}

/// The client.
#[derive(Debug, Clone)]
pub struct HuaweiClient {
    transport: Transport,
    config: HuaweiConfig,
}

impl HuaweiClient {
    /// A client over a shared transport.
    pub fn new(transport: Transport, config: HuaweiConfig) -> Self {
        Self { transport, config }
    }

    /// What this client offers of FunctionGraph.
    pub fn capabilities() -> Capabilities {
        use Capability::*;
        [ActionsRead, Invoke, AsyncInvocations]
            .into_iter()
            .collect()
    }

    /// The function's URN: a name given as a URN is used as it is.
    pub fn urn(&self, action: &ActionRef) -> String {
        if action.name.starts_with("urn:") {
            return action.name.clone();
        }
        format!(
            "urn:fss:{}:{}:function:{}:{}:latest",
            self.config.region,
            self.config.project_id,
            action.package.as_deref().unwrap_or("default"),
            action.name
        )
    }

    async fn call(
        &self,
        method: Method,
        path: &str,
        query: Vec<(String, String)>,
        body: Option<&Value>,
    ) -> Result<RawResponse, ProviderError> {
        let base = self.config.endpoint.trim_end_matches('/');
        let host = base.split("://").nth(1).unwrap_or(base).to_string();
        let query_string =
            encode_form(query.iter().map(|(k, v)| (k.as_str(), v.as_str()))).replace('+', "%20");
        let url = if query_string.is_empty() {
            format!("{base}{path}")
        } else {
            format!("{base}{path}?{query_string}")
        };
        let body = body
            .map(|b| serde_json::to_vec(b).unwrap_or_default())
            .unwrap_or_default();
        let idempotent = method == Method::GET;
        let response = self
            .transport
            .send(&self.config.endpoint, || {
                let mut headers = vec![
                    ("Content-Type".to_string(), "application/json".to_string()),
                    ("Host".to_string(), host.clone()),
                    ("X-Project-Id".to_string(), self.config.project_id.clone()),
                    (
                        "X-Sdk-Date".to_string(),
                        signer::sdk_date((now_ms() / 1000) as i64),
                    ),
                ];
                match &self.config.auth {
                    HuaweiAuth::AkSk {
                        access_key,
                        secret_key,
                    } => {
                        let parts = signer::RequestParts {
                            method: method.as_str(),
                            path,
                            query: &query,
                            headers: &headers,
                            body: &body,
                        };
                        if let Ok(authorization) = signer::sign(parts, access_key, secret_key) {
                            headers.push(("Authorization".into(), authorization));
                        }
                    }
                    HuaweiAuth::Token(token) => {
                        headers.push((signer::TOKEN_HEADER.into(), token.expose().to_string()))
                    }
                }
                // reqwest sets Host from the URL; sending ours twice would be a protocol error.
                headers.retain(|(n, _)| n != "Host");
                PreparedRequest {
                    method: method.clone(),
                    url: url.clone(),
                    headers,
                    body: body.clone(),
                    idempotent,
                }
            })
            .await?;
        if response.is_success() {
            Ok(response)
        } else {
            Err(self.error(&response))
        }
    }

    fn error(&self, response: &RawResponse) -> ProviderError {
        match serde_json::from_slice::<wire::ErrorBody>(&response.body) {
            Ok(body) => {
                let explanation = match body.error_code.as_str() {
                    "FSS.0401" | "FSS.0403" | "APIGW.0301" | "APIGW.0101" => {
                        "FunctionGraph refused the credentials (check the access keys or token)"
                    }
                    "FSS.0404" => "the function does not exist",
                    "FSS.0500" => "FunctionGraph failed internally; try again later",
                    _ => "FunctionGraph refused the request",
                };
                ProviderError::from_provider(
                    response.status,
                    Some(body.error_code),
                    Some(body.error_msg),
                    explanation,
                )
            }
            Err(_) => ProviderError::from_provider(
                response.status,
                None,
                Some(response.snippet()),
                format!(
                    "FunctionGraph answered HTTP {} without an error body",
                    response.status
                ),
            ),
        }
    }

    /// A page of functions (`marker` cursor).
    pub async fn list_functions(
        &self,
        page: &PageRequest,
    ) -> Result<Page<ActionSummary>, ProviderError> {
        let mut query = vec![("maxitems".to_string(), page.limit.clamp(1, 400).to_string())];
        if let Some(marker) = &page.cursor {
            query.push(("marker".into(), marker.clone()));
        }
        let path = format!("/v2/{}/fgs/functions", quote(&self.config.project_id));
        let response = self.call(Method::GET, &path, query, None).await?;
        let list: wire::FunctionList = response.json(&self.config.endpoint)?;
        let items = list
            .functions
            .into_iter()
            .map(|f| ActionSummary {
                action: ActionRef {
                    package: f.package.filter(|p| p != "default"),
                    name: f.func_name,
                },
                runtime: f.runtime,
                description: f.description,
                kind: Some(ActionKind::Basic),
            })
            .collect();
        Ok(Page {
            items,
            total: list.count,
            next_cursor: list.next_marker.filter(|m| *m > 0).map(|m| m.to_string()),
        })
    }

    /// Invokes synchronously, or asynchronously when `blocking` is false.
    pub async fn invoke(
        &self,
        request: &InvocationRequest,
    ) -> Result<InvocationResult, ProviderError> {
        let urn = self.urn(&request.action);
        let body = Value::Object(request.params.clone());
        let leaf = if request.blocking {
            "invocations"
        } else {
            "invocations-async"
        };
        let path = format!(
            "/v2/{}/fgs/functions/{}/{leaf}",
            quote(&self.config.project_id),
            quote(&urn)
        );
        let response = self
            .call(Method::POST, &path, Vec::new(), Some(&body))
            .await?;
        if !request.blocking {
            let accepted: wire::AsyncInvokeResponse = response.json(&self.config.endpoint)?;
            return Ok(InvocationResult::Accepted {
                id: accepted.request_id,
            });
        }
        let result: wire::InvokeResponse = response.json(&self.config.endpoint)?;
        let parsed = serde_json::from_str::<Value>(&result.result)
            .unwrap_or(Value::String(result.result.clone()));
        Ok(InvocationResult::Finished(Activation {
            id: result.request_id,
            name: Some(request.action.to_string()),
            namespace: None,
            subject: None,
            start_ms: None,
            end_ms: None,
            duration_ms: None,
            status: if result.status == 0 {
                ActivationStatus::Success
            } else {
                ActivationStatus::ApplicationError
            },
            result: Some(parsed),
            logs: Some(result.log.lines().map(str::to_string).collect()),
        }))
    }

    /// A page of asynchronous invocations, with every filter of the API.
    pub async fn list_async_invocations(
        &self,
        query: &AsyncInvocationQuery,
        page: &PageRequest,
    ) -> Result<Page<AsyncInvocation>, ProviderError> {
        let action = query.action.as_ref().ok_or_else(|| {
            ProviderError::new(
                ErrorKind::Invalid,
                "choose a function to list its asynchronous invocations",
            )
        })?;
        let mut q = vec![("limit".to_string(), page.limit.clamp(1, 500).to_string())];
        q.push((
            "marker".into(),
            page.cursor
                .clone()
                .unwrap_or_else(|| page.offset.to_string()),
        ));
        if let Some(id) = &query.request_id {
            q.push(("request_id".into(), id.clone()));
        }
        if let Some(status) = query.status {
            q.push(("status".into(), status.as_str().into()));
        }
        if let Some(begin) = &query.begin {
            q.push(("query_begin_time".into(), begin.clone()));
        }
        if let Some(end) = &query.end {
            q.push(("query_end_time".into(), end.clone()));
        }
        let path = format!(
            "/v2/{}/fgs/functions/{}/async-invocations",
            quote(&self.config.project_id),
            quote(&self.urn(action))
        );
        let response = self.call(Method::GET, &path, q, None).await?;
        let list: wire::AsyncInvocationList = response.json(&self.config.endpoint)?;
        let items = list
            .invocations
            .into_iter()
            .map(|i| AsyncInvocation {
                status: AsyncStatus::parse(&i.status).unwrap_or(AsyncStatus::Wait),
                request_id: i.request_id,
                error_code: i.error_code,
                error_message: i.error_message,
                start_time: i.start_time,
                end_time: i.end_time,
            })
            .collect();
        Ok(Page {
            items,
            total: list.count,
            next_cursor: list.next_marker.map(|m| m.to_string()),
        })
    }
}
