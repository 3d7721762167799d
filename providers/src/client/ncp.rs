//! NAVER Cloud Functions API v2 client.

use reqwest::Method;
use serde::de::DeserializeOwned;
use serde_json::{Map, Value};

use super::follow::{self, ActivationStream, LiveClient, RunStream};
use super::request::{Api, Request};
use super::transport::{RawResponse, Transport};
use super::{Operations, capabilities_of};
use crate::model::*;
use crate::sign::encoding::quote;
use crate::sign::{Secret, ncp as signer};
use crate::wire::ncp as wire;

/// Settings of an NCP connection.
#[derive(Debug, Clone)]
pub struct NcpConfig {
    /// `https://cloudfunctions.apigw.ntruss.com` (no path).
    pub endpoint: String,
    /// `/api/v2` (v2.0) or `/ncf/api/v2` (v2.1).
    pub base_path: String,
    /// `classic` or `vpc`; sent on every request when set.
    pub platform: Option<String>,
    /// Access key.
    pub access_key: String,
    /// Secret key.
    pub secret_key: Secret,
}

/// The client.
#[derive(Debug, Clone)]
pub struct NcpClient {
    transport: Transport,
    config: NcpConfig,
    /// The endpoint is an fnconsole engine, which also serves the `live` extension.
    live: bool,
}

impl NcpClient {
    /// A request under the base path, with the platform first among its parameters.
    fn request(&self, operation: &'static str, method: Method, path: &str) -> Request {
        Request::new(
            operation,
            method,
            format!("{}{path}", self.config.base_path),
        )
        .query_opt("platform", self.config.platform.as_deref())
    }

    fn package_path(name: &str) -> String {
        format!("/packages/{}", quote(name))
    }

    fn action_path(action: &ActionRef) -> String {
        format!(
            "/packages/{}/actions/{}",
            quote(action.ncp_package()),
            quote(&action.name)
        )
    }

    /// Sends `request` and answers the action in its `content`, with the `ETag` as revision.
    async fn tagged_spec(
        &self,
        action: &ActionRef,
        request: Request,
    ) -> Result<ActionSpec, ProviderError> {
        let (body, etag): (wire::Content<wire::ActionContent>, _) =
            self.transport.call_tagged(&self.config, request).await?;
        let spec = spec_from_wire(action, body.content)?;
        Ok(ActionSpec {
            revision: etag,
            ..spec
        })
    }

    /// Sends `request` and answers the `content` of NCP's `{"content": …}`.
    async fn content<T: DeserializeOwned>(&self, request: Request) -> Result<T, ProviderError> {
        let body: wire::Content<T> = self.transport.call_json(&self.config, request).await?;
        Ok(body.content)
    }
}

follow::live_client!(NcpClient, NcpConfig, "NCP");

impl Operations for NcpClient {
    fn kind(&self) -> ProviderKind {
        ProviderKind::Ncp
    }

    follow::live_operations!();

    async fn probe(&self) -> Result<String, ProviderError> {
        let page = self.list_packages(&PageRequest::first(u64::MAX)).await?;
        Ok(format!("{} packages", page.total.unwrap_or(0)))
    }

    /// Every package, all in one answer: NCP does not page them, so the page is cut here,
    /// with the total.
    async fn list_packages(
        &self,
        page: &PageRequest,
    ) -> Result<Page<PackageSummary>, ProviderError> {
        let request = self.request("list_packages", Method::GET, "/packages");
        let packages: Vec<wire::PackageSummary> = self.content(request).await?;
        let total = packages.len() as u64;
        let items = packages
            .into_iter()
            .skip(page.offset as usize)
            .take(page.limit as usize)
            .map(|p| PackageSummary {
                name: p.name,
                description: p.description,
            })
            .collect();
        Ok(Page::with_total(items, total))
    }

    /// Creates or updates a package: its description and parameters become those given.
    async fn put_package(&self, spec: &PackageSpec) -> Result<PackageSpec, ProviderError> {
        let body = wire::PutPackageBody {
            description: spec.description.clone(),
            parameters: Some(spec.parameters.clone()),
        };
        let request = self
            .request("put_package", Method::PUT, &Self::package_path(&spec.name))
            .json(&body)?;
        let stored: wire::PackageContent = self.content(request).await?;
        Ok(PackageSpec {
            name: stored.name,
            description: stored.description,
            parameters: stored.parameters,
        })
    }

    /// Deletes an empty package (one that holds actions is refused: 409, 80109).
    async fn delete_package(&self, name: &str) -> Result<(), ProviderError> {
        let path = Self::package_path(name);
        let request = self.request("delete_package", Method::DELETE, &path);
        self.transport.call(&self.config, request).await.map(|_| ())
    }

    /// The actions of one package (the top level when none is named), all in one answer:
    /// NCP does not page them, so the page is cut here, with the total.
    async fn list_actions(
        &self,
        query: &ActionQuery,
        page: &PageRequest,
    ) -> Result<Page<ActionSummary>, ProviderError> {
        let package = query.package.as_deref();
        let path = format!("/packages/{}/actions", quote(package.unwrap_or("-")));
        let request = self.request("list_actions", Method::GET, &path);
        let list: wire::ActionList = self.content(request).await?;
        let total = list.actions.len() as u64;
        let items = list
            .actions
            .into_iter()
            .skip(page.offset as usize)
            .take(page.limit as usize)
            .map(|a| ActionSummary {
                action: ActionRef {
                    package: package.map(str::to_string),
                    name: a.name,
                },
                runtime: a.runtime,
                description: a.description,
                kind: a.kind.as_deref().and_then(parse_kind),
            })
            .collect();
        Ok(Page::with_total(items, total))
    }

    /// One action in full, with its revision when the endpoint tags one.
    async fn get_action(&self, action: &ActionRef) -> Result<ActionSpec, ProviderError> {
        let request = self.request("get_action", Method::GET, &Self::action_path(action));
        self.tagged_spec(action, request).await
    }

    /// Creates or updates an action; with `spec.revision`, only over that revision.
    async fn put_action(&self, spec: &ActionSpec) -> Result<ActionSpec, ProviderError> {
        let request = self
            .request("put_action", Method::PUT, &Self::action_path(&spec.action))
            .query("type", spec.kind.as_str())
            .if_match(spec.revision.as_deref())
            .json(&body_from_spec(spec)?)?;
        self.tagged_spec(&spec.action, request).await
    }

    /// Deletes an action.
    async fn delete_action(&self, action: &ActionRef) -> Result<(), ProviderError> {
        let request = self.request("delete_action", Method::DELETE, &Self::action_path(action));
        self.transport.call(&self.config, request).await.map(|_| ())
    }

    /// Runs an action, waiting up to `wait_ms` (0–60,000) for the result; not blocking, it
    /// waits for nothing (`timeout=0`).
    async fn invoke(&self, request: &InvocationRequest) -> Result<InvocationResult, ProviderError> {
        // Not blocking: wait for nothing, whatever wait was asked (one `timeout`, not two).
        let wait = if request.blocking {
            request.wait_ms.map(|wait| wait.min(60_000))
        } else {
            Some(0)
        };
        let call = self
            .request("invoke", Method::POST, &Self::action_path(&request.action))
            .query_opt("timeout", wait)
            .json(&request.params)?;
        let activation: wire::Activation = self.content(call).await?;
        Ok(
            if activation.response.is_none() && activation.end.is_none() {
                // Past the wait NCP returns only the id; the run goes on.
                InvocationResult::Accepted {
                    id: activation.activation_id,
                }
            } else {
                InvocationResult::Finished(activation_from_wire(activation))
            },
        )
    }

    /// A page of an action's activations, or of all (newest first), with the total.
    async fn list_activations(
        &self,
        query: &ActivationQuery,
        page: &PageRequest,
    ) -> Result<Page<Activation>, ProviderError> {
        let path = match &query.action {
            Some(action) => format!("{}/activations", Self::action_path(action)),
            None => "/activations".to_string(),
        };
        let request = self
            .request("list_activations", Method::GET, &path)
            .query("pageNo", page.page_number())
            .query("pageSize", page.limit.max(1))
            .query_opt("start", query.since_ms)
            .query_opt("end", query.upto_ms);
        let list: wire::ActivationList = self.content(request).await?;
        let name = query.action.as_ref().map(ActionRef::to_string);
        let items = list
            .activations
            .into_iter()
            .map(|a| {
                let status = a
                    .status
                    .as_deref()
                    .map(ActivationStatus::parse)
                    .unwrap_or(ActivationStatus::Pending);
                Activation {
                    name: name.clone(),
                    start_ms: a.start,
                    duration_ms: a.duration,
                    ..Activation::new(a.activation_id, status)
                }
            })
            .collect();
        Ok(Page::with_total(items, list.total_count))
    }

    /// One activation with result and logs, read through its action.
    async fn get_activation(
        &self,
        activation: &ActivationRef,
    ) -> Result<Activation, ProviderError> {
        let action = activation.action.as_ref().ok_or_else(|| {
            ProviderError::new(
                ErrorKind::Invalid,
                "NAVER Cloud Functions reads an activation through its action: name the action",
            )
        })?;
        let id = quote(&activation.id);
        let path = format!("{}/activations/{id}", Self::action_path(action));
        let request = self.request("get_activation", Method::GET, &path);
        Ok(activation_from_wire(self.content(request).await?))
    }
}

impl Api for NcpConfig {
    const KIND: ProviderKind = ProviderKind::Ncp;

    fn endpoint(&self) -> &str {
        &self.endpoint
    }

    fn sign(&self, request: &mut Request, now_ms: u64) -> Result<(), ProviderError> {
        let target = request.target(Self::QUERY);
        let signed = signer::sign(
            request.method.as_str(),
            &target,
            now_ms,
            &self.access_key,
            &self.secret_key,
        );
        for (name, value) in signed.headers {
            request.header(name, value);
        }
        request.header("Content-Type", "application/json");
        Ok(())
    }

    fn error_from(&self, response: &RawResponse) -> Option<ProviderError> {
        response.error_body(|body: Option<wire::ErrorBody>| {
            let Some(body) = body else {
                return response.unexplained("NAVER Cloud Functions");
            };
            let code = body.error.error_code.to_string();
            let explanation = explain(&code).map(str::to_string).unwrap_or_else(|| {
                format!(
                    "NAVER Cloud Functions refused the request (HTTP {})",
                    response.status
                )
            });
            let message = match body.error.details {
                Some(details) => format!("{}: {details}", body.error.message),
                None => body.error.message,
            };
            ProviderError::from_provider(response.status, Some(code), Some(message), explanation)
        })
    }
}

/// NCP's documented error codes in plain language.
fn explain(code: &str) -> Option<&'static str> {
    Some(match code {
        "80002" => "this sub-account has no permission for the operation",
        "80011" => "the name is already used by another package, action or trigger",
        "80412" => "the action changed since it was read; nothing was written",
        "80101" => "the package does not exist",
        "80109" => "the package still holds actions; delete them first",
        "80300" => {
            "the action name is not allowed: 1–50 letters, digits, '-' or '_', not starting with '-'"
        }
        "80301" => "the action does not exist",
        "80303" => "the action type is not one of basic, web, sequence, sequence-web",
        "80304" => "an action's type cannot be changed",
        "80305" => "a field of the action has the wrong type",
        "80306" => "a required field of the action is missing",
        "80307" => "a field of the action has a value that is not allowed",
        "80308" => "the namespace already holds the most actions allowed (500)",
        "81311" | "81312" | "81313" | "81314" => {
            "the action's VPC subnet could not be attached; try again later"
        }
        _ => return None,
    })
}

fn parse_kind(value: &str) -> Option<ActionKind> {
    Some(match value {
        "basic" => ActionKind::Basic,
        "web" => ActionKind::Web,
        "sequence" => ActionKind::Sequence,
        "sequence-web" => ActionKind::SequenceWeb,
        _ => return None,
    })
}

fn activation_from_wire(a: wire::Activation) -> Activation {
    let status = a
        .response
        .as_ref()
        .and_then(|r| r.status.as_deref())
        .map(ActivationStatus::parse)
        .unwrap_or(ActivationStatus::Pending);
    // NCP's detail records no input parameters, waits or a sequence's components.
    Activation {
        name: a.name,
        namespace: a.namespace,
        subject: a.subject,
        start_ms: a.start,
        end_ms: a.end,
        duration_ms: a.duration,
        result: a.response.and_then(|r| r.result),
        logs: a.logs,
        ..Activation::new(a.activation_id, status)
    }
}

fn spec_from_wire(action: &ActionRef, c: wire::ActionContent) -> Result<ActionSpec, ProviderError> {
    let exec = c.exec.unwrap_or_default();
    let mut extra = Map::new();
    if let Some(vpc) = &c.vpc {
        let vpc = serde_json::to_value(vpc).map_err(|e| {
            ProviderError::new(
                ErrorKind::BadResponse,
                format!("the action's vpc could not be kept: {e}"),
            )
        })?;
        extra.insert("vpc".into(), vpc);
    }
    if let Some(raw) = c.raw_http {
        extra.insert("raw-http".into(), Value::Bool(raw));
    }
    if let Some(custom) = c.custom_options {
        extra.insert("custom-options".into(), Value::Bool(custom));
    }
    Ok(ActionSpec {
        action: action.clone(),
        kind: c.kind.as_deref().and_then(parse_kind).unwrap_or_default(),
        description: c.description,
        parameters: c.parameters.unwrap_or_default(),
        limits: c.limits.and_then(|l| {
            Some(ActionLimits {
                timeout_ms: l.timeout?,
                memory_mb: l.memory?,
            })
        }),
        exec: ActionExec {
            kind: exec.kind.unwrap_or_default(),
            code: exec.code,
            binary: exec.binary.unwrap_or(false),
            main: exec.main,
            image_uri: exec.image_uri,
            components: exec.components.unwrap_or_default(),
        },
        extra,
        revision: None,
    })
}

/// The PUT body of `spec`. A `vpc` kept in `extra` that is not NCP's `[{vpcNo, subnetNo}]`
/// is refused: dropping it would detach the action from its network without a word.
fn body_from_spec(spec: &ActionSpec) -> Result<wire::PutActionBody, ProviderError> {
    let sequence = spec.kind.is_sequence();
    let vpc = match spec.extra.get("vpc") {
        Some(vpc) => Some(serde_json::from_value(vpc.clone()).map_err(|e| {
            ProviderError::new(
                ErrorKind::Invalid,
                format!("the action's vpc is not a list of {{vpcNo, subnetNo}}: {e}"),
            )
        })?),
        None => None,
    };
    Ok(wire::PutActionBody {
        description: spec.description.clone(),
        parameters: (!sequence).then(|| spec.parameters.clone()),
        limits: (!sequence)
            .then_some(spec.limits)
            .flatten()
            .map(|l| wire::Limits {
                timeout: Some(l.timeout_ms),
                memory: Some(l.memory_mb),
            }),
        exec: Some(if sequence {
            wire::Exec {
                kind: Some("sequence".into()),
                components: Some(spec.exec.components.clone()),
                ..Default::default()
            }
        } else {
            wire::Exec {
                kind: Some(spec.exec.kind.clone()),
                code: spec.exec.code.clone(),
                binary: Some(spec.exec.binary),
                main: spec.exec.main.clone(),
                image_uri: spec.exec.image_uri.clone(),
                components: None,
            }
        }),
        vpc,
        raw_http: spec.extra.get("raw-http").and_then(Value::as_bool),
        custom_options: spec.extra.get("custom-options").and_then(Value::as_bool),
    })
}
