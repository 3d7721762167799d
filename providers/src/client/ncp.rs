//! NAVER Cloud Functions API v2 client.

use reqwest::Method;
use serde_json::{Map, Value};

use super::transport::{PreparedRequest, RawResponse, Transport, now_ms};
use crate::model::*;
use crate::sign::encoding::{encode_form, quote};
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
}

impl NcpClient {
    /// A client over a shared transport.
    pub fn new(transport: Transport, config: NcpConfig) -> Self {
        Self { transport, config }
    }

    /// What NCP's API offers.
    pub fn capabilities() -> Capabilities {
        use Capability::*;
        [
            ActionsRead,
            ActionsWrite,
            Invoke,
            Activations,
            ActivationDetail,
        ]
        .into_iter()
        .collect()
    }

    async fn call(
        &self,
        method: Method,
        path: &str,
        query: &[(&str, String)],
        body: Option<&Value>,
    ) -> Result<RawResponse, ProviderError> {
        let mut pairs: Vec<(&str, &str)> = Vec::new();
        if let Some(platform) = &self.config.platform {
            pairs.push(("platform", platform));
        }
        pairs.extend(query.iter().map(|(k, v)| (*k, v.as_str())));
        let query = encode_form(pairs);
        let target = if query.is_empty() {
            format!("{}{path}", self.config.base_path)
        } else {
            format!("{}{path}?{query}", self.config.base_path)
        };
        let body = body
            .map(|b| serde_json::to_vec(b).unwrap_or_default())
            .unwrap_or_default();
        let idempotent = method == Method::GET;
        let response = self
            .transport
            .send(&self.config.endpoint, || {
                let signed = signer::sign(
                    method.as_str(),
                    &target,
                    now_ms(),
                    &self.config.access_key,
                    &self.config.secret_key,
                );
                let mut headers: Vec<(String, String)> = signed
                    .headers
                    .iter()
                    .map(|(k, v)| (k.to_string(), v.clone()))
                    .collect();
                headers.push(("Content-Type".into(), "application/json".into()));
                PreparedRequest {
                    method: method.clone(),
                    url: format!("{}{target}", self.config.endpoint.trim_end_matches('/')),
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
                let code = body.error.error_code.to_string();
                let explanation = explain(&code).map(str::to_string).unwrap_or_else(|| {
                    format!(
                        "NAVER Cloud Functions refused the request (HTTP {})",
                        response.status
                    )
                });
                let mut message = body.error.message;
                if let Some(details) = body.error.details {
                    message = format!("{message}: {details}");
                }
                ProviderError::from_provider(
                    response.status,
                    Some(code),
                    Some(message),
                    explanation,
                )
            }
            Err(_) => ProviderError::from_provider(
                response.status,
                None,
                Some(response.snippet()),
                format!(
                    "NAVER Cloud Functions answered HTTP {} without an error body",
                    response.status
                ),
            ),
        }
    }

    fn action_path(action: &ActionRef) -> String {
        format!(
            "/packages/{}/actions/{}",
            quote(action.ncp_package()),
            quote(&action.name)
        )
    }

    /// Package names.
    pub async fn list_packages(&self) -> Result<Vec<String>, ProviderError> {
        let response = self.call(Method::GET, "/packages", &[], None).await?;
        let body: wire::Content<Vec<wire::PackageSummary>> =
            response.json(&self.config.endpoint)?;
        Ok(body.content.into_iter().map(|p| p.name).collect())
    }

    /// The actions of a package (`-` for top-level ones).
    pub async fn list_actions(
        &self,
        package: Option<&str>,
    ) -> Result<Vec<ActionSummary>, ProviderError> {
        let package_name = package.unwrap_or("-");
        let path = format!("/packages/{}/actions", quote(package_name));
        let response = self.call(Method::GET, &path, &[], None).await?;
        let body: wire::Content<wire::ActionList> = response.json(&self.config.endpoint)?;
        Ok(body
            .content
            .actions
            .into_iter()
            .map(|a| ActionSummary {
                action: ActionRef {
                    package: package.map(str::to_string),
                    name: a.name,
                },
                runtime: a.runtime,
                description: a.description,
                kind: a.kind.as_deref().and_then(parse_kind),
            })
            .collect())
    }

    /// One action in full.
    pub async fn get_action(&self, action: &ActionRef) -> Result<ActionSpec, ProviderError> {
        let response = self
            .call(Method::GET, &Self::action_path(action), &[], None)
            .await?;
        let body: wire::Content<wire::ActionContent> = response.json(&self.config.endpoint)?;
        Ok(spec_from_wire(action, body.content))
    }

    /// Creates or updates an action.
    pub async fn put_action(&self, spec: &ActionSpec) -> Result<ActionSpec, ProviderError> {
        let body = serde_json::to_value(body_from_spec(spec)).unwrap_or(Value::Null);
        let query = [("type", spec.kind.as_str().to_string())];
        let response = self
            .call(
                Method::PUT,
                &Self::action_path(&spec.action),
                &query,
                Some(&body),
            )
            .await?;
        let body: wire::Content<wire::ActionContent> = response.json(&self.config.endpoint)?;
        Ok(spec_from_wire(&spec.action, body.content))
    }

    /// Deletes an action.
    pub async fn delete_action(&self, action: &ActionRef) -> Result<(), ProviderError> {
        self.call(Method::DELETE, &Self::action_path(action), &[], None)
            .await
            .map(|_| ())
    }

    /// Runs an action, waiting up to `wait_ms` (0–60,000) for the result; not blocking, it
    /// waits for nothing (`timeout=0`).
    pub async fn invoke(
        &self,
        request: &InvocationRequest,
    ) -> Result<InvocationResult, ProviderError> {
        // Not blocking: wait for nothing, whatever wait was asked (one `timeout`, not two).
        let wait = if request.blocking {
            request.wait_ms.map(|wait| wait.min(60_000))
        } else {
            Some(0)
        };
        let query: Vec<_> = wait
            .map(|w| ("timeout", w.to_string()))
            .into_iter()
            .collect();
        let body = Value::Object(request.params.clone());
        let response = self
            .call(
                Method::POST,
                &Self::action_path(&request.action),
                &query,
                Some(&body),
            )
            .await?;
        let body: wire::Content<wire::Activation> = response.json(&self.config.endpoint)?;
        Ok(
            if body.content.response.is_none() && body.content.end.is_none() {
                // Past the wait NCP returns only the id; the run goes on.
                InvocationResult::Accepted {
                    id: body.content.activation_id,
                }
            } else {
                InvocationResult::Finished(activation_from_wire(body.content))
            },
        )
    }

    /// A page of an action's activations (newest first), with the total.
    pub async fn list_activations(
        &self,
        action: &ActionRef,
        query: &ActivationQuery,
        page: &PageRequest,
    ) -> Result<Page<Activation>, ProviderError> {
        let mut q = vec![
            ("pageNo", page.page_number().to_string()),
            ("pageSize", page.limit.max(1).to_string()),
        ];
        if let Some(since) = query.since_ms {
            q.push(("start", since.to_string()));
        }
        if let Some(upto) = query.upto_ms {
            q.push(("end", upto.to_string()));
        }
        let path = format!("{}/activations", Self::action_path(action));
        let response = self.call(Method::GET, &path, &q, None).await?;
        let body: wire::Content<wire::ActivationList> = response.json(&self.config.endpoint)?;
        let items = body
            .content
            .activations
            .into_iter()
            .map(|a| Activation {
                id: a.activation_id,
                name: Some(action.to_string()),
                namespace: None,
                subject: None,
                start_ms: a.start,
                end_ms: None,
                duration_ms: a.duration,
                status: a
                    .status
                    .as_deref()
                    .map(ActivationStatus::parse)
                    .unwrap_or(ActivationStatus::Pending),
                result: None,
                logs: None,
            })
            .collect();
        Ok(Page::with_total(items, body.content.total_count))
    }

    /// One activation with result and logs.
    pub async fn get_activation(
        &self,
        action: &ActionRef,
        id: &str,
    ) -> Result<Activation, ProviderError> {
        let path = format!("{}/activations/{}", Self::action_path(action), quote(id));
        let response = self.call(Method::GET, &path, &[], None).await?;
        let body: wire::Content<wire::Activation> = response.json(&self.config.endpoint)?;
        Ok(activation_from_wire(body.content))
    }
}

/// NCP's documented error codes in plain language.
fn explain(code: &str) -> Option<&'static str> {
    Some(match code {
        "80002" => "this sub-account has no permission for the operation",
        "80011" => "the name is already used by another package, action or trigger",
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
    Activation {
        id: a.activation_id,
        name: a.name,
        namespace: a.namespace,
        subject: a.subject,
        start_ms: a.start,
        end_ms: a.end,
        duration_ms: a.duration,
        status,
        result: a.response.and_then(|r| r.result),
        logs: a.logs,
    }
}

fn spec_from_wire(action: &ActionRef, c: wire::ActionContent) -> ActionSpec {
    let exec = c.exec.unwrap_or_default();
    let mut extra = Map::new();
    if let Some(vpc) = &c.vpc {
        extra.insert(
            "vpc".into(),
            serde_json::to_value(vpc).unwrap_or(Value::Null),
        );
    }
    if let Some(raw) = c.raw_http {
        extra.insert("raw-http".into(), Value::Bool(raw));
    }
    if let Some(custom) = c.custom_options {
        extra.insert("custom-options".into(), Value::Bool(custom));
    }
    ActionSpec {
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
    }
}

fn body_from_spec(spec: &ActionSpec) -> wire::PutActionBody {
    let sequence = spec.kind.is_sequence();
    wire::PutActionBody {
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
        vpc: spec
            .extra
            .get("vpc")
            .and_then(|v| serde_json::from_value(v.clone()).ok()),
        raw_http: spec.extra.get("raw-http").and_then(Value::as_bool),
        custom_options: spec.extra.get("custom-options").and_then(Value::as_bool),
    }
}
