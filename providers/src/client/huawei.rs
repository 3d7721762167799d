//! Huawei FunctionGraph v2 client (AK/SK signed, or an IAM token).

use reqwest::Method;
use serde::de::DeserializeOwned;

use super::request::{Api, QueryEncoding, Request, signing_error};
use super::transport::{RawResponse, Transport};
use super::{Operations, ran, whole_namespace};
use crate::model::*;
use crate::sign::encoding::quote;
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

    /// A request under the project's functions, `/v2/{project_id}/fgs/functions{path}`.
    fn request(&self, operation: &'static str, method: Method, path: &str) -> Request {
        let project = quote(&self.config.project_id);
        Request::new(
            operation,
            method,
            format!("/v2/{project}/fgs/functions{path}"),
        )
    }

    /// A request about one function, `…/functions/{urn}{leaf}`.
    fn function_request(
        &self,
        operation: &'static str,
        method: Method,
        action: &ActionRef,
        leaf: &str,
    ) -> Request {
        let urn = quote(&self.urn(action));
        self.request(operation, method, &format!("/{urn}{leaf}"))
    }

    async fn call<T: DeserializeOwned>(&self, request: Request) -> Result<T, ProviderError> {
        self.transport.call_json(&self.config, request).await
    }
}

/// Bytes in the MB FunctionGraph counts memory in.
const MIB: f64 = 1_048_576.0;

/// A run's `X-Cff-Invoke-Summary`; one missing or unreadable reports nothing (the result
/// stands without it).
fn invoke_summary(header: Option<&str>) -> wire::InvokeSummary {
    header
        .and_then(|h| serde_json::from_str(h).ok())
        .unwrap_or_default()
}

impl Operations for HuaweiClient {
    fn kind(&self) -> ProviderKind {
        ProviderKind::Huawei
    }

    /// A page of the project's functions (`marker` cursor).
    async fn list_actions(
        &self,
        query: &ActionQuery,
        page: &PageRequest,
    ) -> Result<Page<ActionSummary>, ProviderError> {
        whole_namespace(self.kind(), query)?;
        let request = self
            .request("list_actions", Method::GET, "")
            .query("maxitems", page.limit.clamp(1, 400))
            .query_opt("marker", page.cursor.as_ref());
        let list: wire::FunctionList = self.call(request).await?;
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
    async fn invoke(&self, request: &InvocationRequest) -> Result<InvocationResult, ProviderError> {
        let leaf = if request.blocking {
            "/invocations"
        } else {
            "/invocations-async"
        };
        let call = self
            .function_request("invoke", Method::POST, &request.action, leaf)
            .json(&request.params)?;
        if !request.blocking {
            let accepted: wire::AsyncInvokeResponse = self.call(call).await?;
            return Ok(InvocationResult::Accepted {
                id: accepted.request_id,
            });
        }
        let response = self.transport.call(&self.config, call).await?;
        let summary = invoke_summary(response.invoke_summary.as_deref());
        let result: wire::InvokeResponse = response.json(self.config.endpoint())?;
        Ok(InvocationResult::Finished(Activation {
            name: Some(request.action.to_string()),
            duration_ms: summary.duration.map(|ms| ms.ceil() as u64),
            extras: ActivationExtras {
                billed_ms: summary.billing_duration,
                memory_used_bytes: summary.memory_used.map(|mb| (mb * MIB).round() as u64),
                ..Default::default()
            }
            .boxed(),
            ..ran(
                result.request_id,
                result.status,
                &result.result,
                &result.log,
            )
        }))
    }

    /// A page of asynchronous invocations, with every filter of the API.
    async fn list_async_invocations(
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
        let marker = page
            .cursor
            .clone()
            .unwrap_or_else(|| page.offset.to_string());
        let request = self
            .function_request(
                "list_async_invocations",
                Method::GET,
                action,
                "/async-invocations",
            )
            .query("limit", page.limit.clamp(1, 500))
            .query("marker", marker)
            .query_opt("request_id", query.request_id.as_ref())
            .query_opt("status", query.status.map(AsyncStatus::as_str))
            .query_opt("query_begin_time", query.begin.as_ref())
            .query_opt("query_end_time", query.end.as_ref());
        let list: wire::AsyncInvocationList = self.call(request).await?;
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

impl HuaweiConfig {
    /// Signs the request as it stands: with AK/SK its headers must already hold `X-Sdk-Date`.
    /// A signature that cannot be made is an error; the request is never sent without one.
    fn authorize(&self, request: &mut Request) -> Result<(), ProviderError> {
        match &self.auth {
            HuaweiAuth::AkSk {
                access_key,
                secret_key,
            } => {
                let parts = signer::RequestParts {
                    method: request.method.as_str(),
                    path: &request.path,
                    query: &request.query,
                    headers: &request.headers,
                    body: &request.body,
                };
                let authorization =
                    signer::sign(parts, access_key, secret_key).map_err(signing_error)?;
                request.header("Authorization", authorization);
            }
            HuaweiAuth::Token(token) => request.header(signer::TOKEN_HEADER, token.expose()),
        }
        Ok(())
    }
}

impl Api for HuaweiConfig {
    const KIND: ProviderKind = ProviderKind::Huawei;
    const QUERY: QueryEncoding = QueryEncoding::Percent;

    fn endpoint(&self) -> &str {
        &self.endpoint
    }

    fn sign(&self, request: &mut Request, now_ms: u64) -> Result<(), ProviderError> {
        let base = self.endpoint.trim_end_matches('/');
        let host = base.split("://").nth(1).unwrap_or(base);
        request.header("Content-Type", "application/json");
        request.header("Host", host);
        request.header("X-Project-Id", self.project_id.as_str());
        request.header(
            signer::DATE_HEADER,
            signer::sdk_date((now_ms / 1000) as i64),
        );
        self.authorize(request)?;
        // reqwest sets Host from the URL; sending ours twice would be a protocol error.
        request.headers.retain(|(name, _)| name != "Host");
        Ok(())
    }

    fn error_from(&self, response: &RawResponse) -> Option<ProviderError> {
        response.error_body(|body: Option<wire::ErrorBody>| {
            let Some(body) = body else {
                return response.unexplained("FunctionGraph");
            };
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
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config() -> HuaweiConfig {
        HuaweiConfig {
            endpoint: "https://functiongraph.cn-north-4.myhuaweicloud.com".into(),
            project_id: "p".into(),
            region: "cn-north-4".into(),
            auth: HuaweiAuth::AkSk {
                access_key: "ak".into(),
                secret_key: Secret::new("sk"),
            },
        }
    }

    #[test]
    fn a_request_that_cannot_be_signed_is_an_error_not_sent_unsigned() {
        // Without X-Sdk-Date there is nothing to sign against.
        let mut request = Request::new("list_actions", Method::GET, "/v2/p/fgs/functions");
        let error = config().authorize(&mut request).unwrap_err();
        assert_eq!(error.kind, ErrorKind::Request);
        assert_eq!(
            error.explanation,
            "the request could not be signed: the request has no X-Sdk-Date; nothing was sent"
        );
        assert!(request.headers.is_empty(), "no Authorization was added");
    }

    #[test]
    fn a_signed_request_carries_its_date_and_authorization_but_not_host() {
        let mut request = Request::new("list_actions", Method::GET, "/v2/p/fgs/functions");
        config().sign(&mut request, 1_700_000_000_000).unwrap();
        let names: Vec<&str> = request.headers.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(
            names,
            [
                "Content-Type",
                "X-Project-Id",
                "X-Sdk-Date",
                "Authorization"
            ]
        );
    }
}
