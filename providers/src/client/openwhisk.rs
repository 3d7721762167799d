//! Apache OpenWhisk REST API v1 client.

use reqwest::Method;
use serde_json::{Map, Value};

use super::transport::{PreparedRequest, RawResponse, Transport};
use crate::model::*;
use crate::sign::encoding::{encode_form, quote};
use crate::sign::{Secret, openwhisk as signer};
use crate::wire::openwhisk as wire;

/// Settings of an OpenWhisk connection.
#[derive(Debug, Clone)]
pub struct OpenWhiskConfig {
    /// API host, `https://openwhisk.example.com`.
    pub endpoint: String,
    /// Namespace (`_`: the caller's own).
    pub namespace: String,
    /// `uuid:key`.
    pub auth: Secret,
}

/// The client.
#[derive(Debug, Clone)]
pub struct OpenWhiskClient {
    transport: Transport,
    config: OpenWhiskConfig,
}

impl OpenWhiskClient {
    /// A client over a shared transport.
    pub fn new(transport: Transport, config: OpenWhiskConfig) -> Self {
        Self { transport, config }
    }

    /// What OpenWhisk's API offers.
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
        let query = encode_form(query.iter().map(|(k, v)| (*k, v.as_str())));
        let mut url = format!(
            "{}/api/v1/namespaces/{}{path}",
            self.config.endpoint.trim_end_matches('/'),
            quote(&self.config.namespace)
        );
        if !query.is_empty() {
            url = format!("{url}?{query}");
        }
        let body = body
            .map(|b| serde_json::to_vec(b).unwrap_or_default())
            .unwrap_or_default();
        let idempotent = method == Method::GET;
        let response = self
            .transport
            .send(&self.config.endpoint, || PreparedRequest {
                method: method.clone(),
                url: url.clone(),
                headers: vec![
                    (
                        "Authorization".into(),
                        signer::authorization(&self.config.auth),
                    ),
                    ("Content-Type".into(), "application/json".into()),
                ],
                body: body.clone(),
                idempotent,
            })
            .await?;
        // 502 carries a failed activation, which is a result, not a transport error.
        if response.is_success()
            || response.status == 502 && path.starts_with("/actions/") && method == Method::POST
        {
            Ok(response)
        } else {
            Err(self.error(&response))
        }
    }

    fn error(&self, response: &RawResponse) -> ProviderError {
        let explanation = match response.status {
            401 => "OpenWhisk refused the credentials (check the auth key)".to_string(),
            403 => "this key may not access the namespace".to_string(),
            404 => "the resource does not exist".to_string(),
            409 => "the resource already exists, or the package is not empty".to_string(),
            s => format!("OpenWhisk refused the request (HTTP {s})"),
        };
        match serde_json::from_slice::<wire::ErrorBody>(&response.body) {
            Ok(body) => ProviderError::from_provider(
                response.status,
                body.code,
                Some(body.error),
                explanation,
            ),
            Err(_) => ProviderError::from_provider(
                response.status,
                None,
                Some(response.snippet()),
                explanation,
            ),
        }
    }

    fn action_path(action: &ActionRef) -> String {
        match &action.package {
            Some(p) => format!("/actions/{}/{}", quote(p), quote(&action.name)),
            None => format!("/actions/{}", quote(&action.name)),
        }
    }

    /// A page of actions (metadata only).
    pub async fn list_actions(
        &self,
        page: &PageRequest,
    ) -> Result<Page<ActionSummary>, ProviderError> {
        let q = [
            ("limit", page.limit.min(200).to_string()),
            ("skip", page.offset.to_string()),
        ];
        let response = self.call(Method::GET, "/actions", &q, None).await?;
        let actions: Vec<wire::Action> = response.json(&self.config.endpoint)?;
        let items = actions
            .into_iter()
            .map(|a| ActionSummary {
                action: action_ref(a.namespace.as_deref(), &a.name),
                runtime: annotation(&a.annotations, "exec")
                    .and_then(Value::as_str)
                    .map(str::to_string),
                description: annotation(&a.annotations, "description")
                    .and_then(Value::as_str)
                    .map(str::to_string),
                kind: None,
            })
            .collect();
        Ok(Page {
            items,
            total: None,
            next_cursor: None,
        })
    }

    /// One action with its code.
    pub async fn get_action(&self, action: &ActionRef) -> Result<ActionSpec, ProviderError> {
        let response = self
            .call(Method::GET, &Self::action_path(action), &[], None)
            .await?;
        let a: wire::Action = response.json(&self.config.endpoint)?;
        Ok(spec_from_wire(action, a))
    }

    /// Creates or replaces an action.
    pub async fn put_action(&self, spec: &ActionSpec) -> Result<ActionSpec, ProviderError> {
        let exec = if spec.kind.is_sequence() {
            wire::Exec {
                kind: "sequence".into(),
                code: None,
                main: None,
                binary: None,
                components: Some(
                    spec.exec
                        .components
                        .iter()
                        .map(|c| format!("/_/{c}"))
                        .collect(),
                ),
            }
        } else {
            wire::Exec {
                kind: spec.exec.kind.clone(),
                code: spec.exec.code.clone(),
                main: spec.exec.main.clone(),
                binary: Some(spec.exec.binary),
                components: None,
            }
        };
        let mut annotations = Vec::new();
        if matches!(spec.kind, ActionKind::Web | ActionKind::SequenceWeb) {
            annotations.push(wire::KeyValue {
                key: "web-export".into(),
                value: Value::Bool(true),
            });
        }
        if let Some(d) = &spec.description {
            annotations.push(wire::KeyValue {
                key: "description".into(),
                value: Value::String(d.clone()),
            });
        }
        let body = wire::Action {
            namespace: None,
            name: spec.action.name.clone(),
            version: None,
            publish: Some(false),
            exec: Some(exec),
            annotations,
            parameters: spec
                .parameters
                .iter()
                .map(|(k, v)| wire::KeyValue {
                    key: k.clone(),
                    value: v.clone(),
                })
                .collect(),
            limits: spec.limits.map(|l| wire::Limits {
                timeout: Some(l.timeout_ms),
                memory: Some(l.memory_mb),
                logs: None,
                concurrency: None,
            }),
            updated: None,
        };
        let body = serde_json::to_value(body).unwrap_or(Value::Null);
        let response = self
            .call(
                Method::PUT,
                &Self::action_path(&spec.action),
                &[("overwrite", "true".into())],
                Some(&body),
            )
            .await?;
        let a: wire::Action = response.json(&self.config.endpoint)?;
        Ok(spec_from_wire(&spec.action, a))
    }

    /// Deletes an action.
    pub async fn delete_action(&self, action: &ActionRef) -> Result<(), ProviderError> {
        self.call(Method::DELETE, &Self::action_path(action), &[], None)
            .await
            .map(|_| ())
    }

    /// Invokes: blocking waits up to `wait_ms` (≤ 60,000), non-blocking returns the id at once.
    pub async fn invoke(
        &self,
        request: &InvocationRequest,
    ) -> Result<InvocationResult, ProviderError> {
        let mut q = vec![("blocking", request.blocking.to_string())];
        if request.blocking {
            if let Some(wait) = request.wait_ms {
                q.push(("timeout", wait.min(60_000).to_string()));
            }
        }
        let body = Value::Object(request.params.clone());
        let response = self
            .call(
                Method::POST,
                &Self::action_path(&request.action),
                &q,
                Some(&body),
            )
            .await?;
        if response.status == 202 {
            let accepted: Map<String, Value> = response.json(&self.config.endpoint)?;
            let id = accepted
                .get("activationId")
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_string();
            return Ok(InvocationResult::Accepted { id });
        }
        let activation: wire::Activation = response.json(&self.config.endpoint)?;
        Ok(InvocationResult::Finished(activation_from_wire(activation)))
    }

    /// A page of activations, newest first, with the total (`count=true`).
    pub async fn list_activations(
        &self,
        query: &ActivationQuery,
        page: &PageRequest,
    ) -> Result<Page<Activation>, ProviderError> {
        let mut q = vec![
            ("limit", page.limit.clamp(1, 200).to_string()),
            ("skip", page.offset.to_string()),
            ("docs", "true".to_string()),
        ];
        let mut filters = Vec::new();
        if let Some(action) = &query.action {
            filters.push(("name", action.to_string()));
        }
        if let Some(since) = query.since_ms {
            filters.push(("since", since.to_string()));
        }
        if let Some(upto) = query.upto_ms {
            filters.push(("upto", upto.to_string()));
        }
        q.extend(filters.iter().cloned());
        let response = self.call(Method::GET, "/activations", &q, None).await?;
        let list: Vec<wire::Activation> = response.json(&self.config.endpoint)?;
        let mut count_q = filters;
        count_q.push(("count", "true".to_string()));
        let response = self
            .call(Method::GET, "/activations", &count_q, None)
            .await?;
        let count: Map<String, Value> = response.json(&self.config.endpoint)?;
        let total = count.get("activations").and_then(Value::as_u64);
        Ok(Page {
            items: list.into_iter().map(activation_from_wire).collect(),
            total,
            next_cursor: None,
        })
    }

    /// One activation in full.
    pub async fn get_activation(&self, id: &str) -> Result<Activation, ProviderError> {
        let response = self
            .call(
                Method::GET,
                &format!("/activations/{}", quote(id)),
                &[],
                None,
            )
            .await?;
        let a: wire::Activation = response.json(&self.config.endpoint)?;
        Ok(activation_from_wire(a))
    }

    /// An activation's `response` (status and result) only.
    pub async fn activation_result(
        &self,
        id: &str,
    ) -> Result<(ActivationStatus, Option<Value>), ProviderError> {
        let response = self
            .call(
                Method::GET,
                &format!("/activations/{}/result", quote(id)),
                &[],
                None,
            )
            .await?;
        let r: wire::Response = response.json(&self.config.endpoint)?;
        let status = r
            .status_code
            .map(ActivationStatus::from_code)
            .unwrap_or_else(|| ActivationStatus::parse(&r.status));
        Ok((status, r.result))
    }

    /// An activation's log lines.
    pub async fn activation_logs(&self, id: &str) -> Result<Vec<String>, ProviderError> {
        let response = self
            .call(
                Method::GET,
                &format!("/activations/{}/logs", quote(id)),
                &[],
                None,
            )
            .await?;
        let body: Map<String, Value> = response.json(&self.config.endpoint)?;
        Ok(body
            .get("logs")
            .and_then(Value::as_array)
            .map(|l| {
                l.iter()
                    .filter_map(Value::as_str)
                    .map(str::to_string)
                    .collect()
            })
            .unwrap_or_default())
    }
}

fn annotation<'a>(annotations: &'a [wire::KeyValue], key: &str) -> Option<&'a Value> {
    annotations.iter().find(|a| a.key == key).map(|a| &a.value)
}

/// `ns/pkg` + `name` → the action's address.
fn action_ref(namespace: Option<&str>, name: &str) -> ActionRef {
    match namespace.and_then(|ns| ns.split_once('/')) {
        Some((_, package)) => ActionRef::in_package(package, name),
        None => ActionRef::top(name),
    }
}

fn activation_from_wire(a: wire::Activation) -> Activation {
    let status = match &a.response {
        Some(r) => r
            .status_code
            .map(ActivationStatus::from_code)
            .unwrap_or_else(|| ActivationStatus::parse(&r.status)),
        None => a
            .status_code
            .map(ActivationStatus::from_code)
            .unwrap_or(ActivationStatus::Pending),
    };
    Activation {
        id: a.activation_id,
        name: Some(a.name),
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

fn spec_from_wire(action: &ActionRef, a: wire::Action) -> ActionSpec {
    let exec = a.exec.unwrap_or(wire::Exec {
        kind: String::new(),
        code: None,
        main: None,
        binary: None,
        components: None,
    });
    let web = annotation(&a.annotations, "web-export")
        .and_then(Value::as_bool)
        .unwrap_or(false);
    let sequence = exec.kind == "sequence";
    ActionSpec {
        action: action.clone(),
        kind: match (sequence, web) {
            (true, true) => ActionKind::SequenceWeb,
            (true, false) => ActionKind::Sequence,
            (false, true) => ActionKind::Web,
            (false, false) => ActionKind::Basic,
        },
        description: annotation(&a.annotations, "description")
            .and_then(Value::as_str)
            .map(str::to_string),
        parameters: a
            .parameters
            .into_iter()
            .map(|kv| (kv.key, kv.value))
            .collect(),
        limits: a.limits.and_then(|l| {
            Some(ActionLimits {
                timeout_ms: l.timeout?,
                memory_mb: l.memory?,
            })
        }),
        exec: ActionExec {
            kind: exec.kind,
            code: exec.code,
            binary: exec.binary.unwrap_or(false),
            main: exec.main,
            image_uri: None,
            components: exec
                .components
                .unwrap_or_default()
                .into_iter()
                .map(|c| {
                    c.trim_start_matches('/')
                        .splitn(2, '/')
                        .nth(1)
                        .unwrap_or(&c)
                        .to_string()
                })
                .collect(),
        },
        extra: Map::new(),
    }
}
