//! Apache OpenWhisk REST API v1 client.

use reqwest::Method;
use serde::de::DeserializeOwned;
use serde_json::Value;

use super::follow::{self, ActivationStream, LiveClient, RunStream};
use super::request::{Api, Request};
use super::transport::{RawResponse, Transport};
use super::{Operations, capabilities_of, whole_namespace};
use crate::model::*;
use crate::sign::encoding::quote;
use crate::sign::{Secret, openwhisk as signer};
use crate::wire::openwhisk as wire;

#[path = "openwhisk_annotations.rs"]
mod annotations;

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
    /// The endpoint is an fnconsole engine, which also serves the `live` extension.
    live: bool,
}

impl OpenWhiskClient {
    /// A request under the namespace's path.
    fn request(&self, operation: &'static str, method: Method, path: &str) -> Request {
        let namespace = quote(&self.config.namespace);
        Request::new(
            operation,
            method,
            format!("/api/v1/namespaces/{namespace}{path}"),
        )
    }

    /// Sends `request`, reading the answer as JSON.
    async fn call<T: DeserializeOwned>(&self, request: Request) -> Result<T, ProviderError> {
        self.transport.call_json(&self.config, request).await
    }

    /// Sends `request` and answers the action, with the `ETag` as its revision.
    async fn tagged_spec(
        &self,
        action: &ActionRef,
        request: Request,
    ) -> Result<ActionSpec, ProviderError> {
        let (body, etag) = self.transport.call_tagged(&self.config, request).await?;
        Ok(ActionSpec {
            revision: etag,
            ..spec_from_wire(action, body)
        })
    }

    fn package_path(name: &str) -> String {
        format!("/packages/{}", quote(name))
    }

    fn action_path(action: &ActionRef) -> String {
        match &action.package {
            Some(p) => format!("/actions/{}/{}", quote(p), quote(&action.name)),
            None => format!("/actions/{}", quote(&action.name)),
        }
    }

    /// An activation's `response` (status and result) only.
    pub async fn activation_result(
        &self,
        id: &str,
    ) -> Result<(ActivationStatus, Option<Value>), ProviderError> {
        let path = format!("/activations/{}/result", quote(id));
        let r: wire::Response = self
            .call(self.request("activation_result", Method::GET, &path))
            .await?;
        let status = r
            .status_code
            .map(ActivationStatus::from_code)
            .unwrap_or_else(|| ActivationStatus::parse(&r.status));
        Ok((status, r.result))
    }

    /// An activation's log lines.
    pub async fn activation_logs(&self, id: &str) -> Result<Vec<String>, ProviderError> {
        let path = format!("/activations/{}/logs", quote(id));
        let logs: Logs = self
            .call(self.request("activation_logs", Method::GET, &path))
            .await?;
        Ok(logs.logs)
    }
}

follow::live_client!(OpenWhiskClient, OpenWhiskConfig, "OpenWhisk");

impl Operations for OpenWhiskClient {
    fn kind(&self) -> ProviderKind {
        ProviderKind::Openwhisk
    }

    follow::live_operations!();

    /// A page of the namespace's actions (metadata only), packaged ones included.
    async fn list_actions(
        &self,
        query: &ActionQuery,
        page: &PageRequest,
    ) -> Result<Page<ActionSummary>, ProviderError> {
        whole_namespace(self.kind(), query)?;
        let request = self
            .request("list_actions", Method::GET, "/actions")
            .query("limit", page.limit.min(200))
            .query("skip", page.offset);
        let actions: Vec<wire::Action> = self.call(request).await?;
        let items = actions
            .into_iter()
            .map(|a| ActionSummary {
                action: action_ref(a.namespace.as_deref(), &a.name),
                runtime: annotation_text(&a.annotations, "exec"),
                description: annotation_text(&a.annotations, "description"),
                // A listed action carries its kind in the `exec` annotation.
                kind: annotation_text(&a.annotations, "exec")
                    .map(|exec| action_kind(&exec, &a.annotations)),
            })
            .collect();
        Ok(Page {
            items,
            total: None,
            next_cursor: None,
        })
    }

    /// One action with its code.
    async fn get_action(&self, action: &ActionRef) -> Result<ActionSpec, ProviderError> {
        let request = self.request("get_action", Method::GET, &Self::action_path(action));
        self.tagged_spec(action, request).await
    }

    /// Creates or replaces an action; with `spec.revision`, only over that revision.
    async fn put_action(&self, spec: &ActionSpec) -> Result<ActionSpec, ProviderError> {
        let request = self
            .request("put_action", Method::PUT, &Self::action_path(&spec.action))
            .query("overwrite", true)
            .if_match(spec.revision.as_deref())
            .json(&body_from_spec(spec))?;
        self.tagged_spec(&spec.action, request).await
    }

    /// Deletes an action.
    async fn delete_action(&self, action: &ActionRef) -> Result<(), ProviderError> {
        let request = self.request("delete_action", Method::DELETE, &Self::action_path(action));
        self.transport.call(&self.config, request).await.map(|_| ())
    }

    /// A page of the namespace's packages (bindings included), by `limit` (≤ 200) and `skip`.
    async fn list_packages(
        &self,
        page: &PageRequest,
    ) -> Result<Page<PackageSummary>, ProviderError> {
        let request = self
            .request("list_packages", Method::GET, "/packages")
            .query("limit", page.limit.clamp(1, 200))
            .query("skip", page.offset);
        let packages: Vec<wire::Package> = self.call(request).await?;
        Ok(Page {
            items: packages
                .into_iter()
                .map(|p| package_from_wire(p).summary())
                .collect(),
            total: None,
            next_cursor: None,
        })
    }

    /// Creates or replaces a package (`overwrite=true`): its description annotation and
    /// parameters become those given.
    async fn put_package(&self, spec: &PackageSpec) -> Result<PackageSpec, ProviderError> {
        let request = self
            .request("put_package", Method::PUT, &Self::package_path(&spec.name))
            .query("overwrite", true)
            .json(&package_body(spec))?;
        Ok(package_from_wire(self.call(request).await?))
    }

    /// Deletes an empty package. OpenWhisk refuses one that holds actions with a 409 and no
    /// code of its own (its `code` is the transaction's id): that 409 is explained here.
    async fn delete_package(&self, name: &str) -> Result<(), ProviderError> {
        let path = Self::package_path(name);
        let request = self.request("delete_package", Method::DELETE, &path);
        match self.transport.call(&self.config, request).await {
            Ok(_) => Ok(()),
            Err(e) if e.status == Some(409) => Err(ProviderError {
                explanation: "the package still holds actions; delete them first (HTTP 409)".into(),
                ..e
            }),
            Err(e) => Err(e),
        }
    }

    /// Invokes: blocking waits up to `wait_ms` (≤ 60,000), non-blocking returns the id at once.
    async fn invoke(&self, request: &InvocationRequest) -> Result<InvocationResult, ProviderError> {
        let wait = request.wait_ms.filter(|_| request.blocking);
        let call = self
            .request("invoke", Method::POST, &Self::action_path(&request.action))
            .query("blocking", request.blocking)
            .query_opt("timeout", wait.map(|wait| wait.min(60_000)))
            .json(&request.params)?
            // 502 carries a failed activation, which is a result, not a transport error.
            .accepting(502);
        let response = self.transport.call(&self.config, call).await?;
        if response.status == 202 {
            let accepted: Accepted = response.json(&self.config.endpoint)?;
            return Ok(InvocationResult::Accepted {
                id: accepted.activation_id,
            });
        }
        let activation: wire::Activation = response.json(&self.config.endpoint)?;
        Ok(InvocationResult::Finished(activation_from_wire(activation)))
    }

    /// A page of activations, newest first, with the total (`count=true`).
    async fn list_activations(
        &self,
        query: &ActivationQuery,
        page: &PageRequest,
    ) -> Result<Page<Activation>, ProviderError> {
        let filtered = |request: Request| {
            request
                .query_opt("name", query.action.as_ref())
                .query_opt("since", query.since_ms)
                .query_opt("upto", query.upto_ms)
        };
        let list = self
            .request("list_activations", Method::GET, "/activations")
            .query("limit", page.limit.clamp(1, 200))
            .query("skip", page.offset);
        let list: Vec<wire::Activation> = self.call(filtered(list)).await?;
        let count = filtered(self.request("count_activations", Method::GET, "/activations"));
        let count: Count = self.call(count.query("count", true)).await?;
        Ok(Page {
            items: list.into_iter().map(activation_from_wire).collect(),
            total: count.activations,
            next_cursor: None,
        })
    }

    /// One activation in full, by its id alone.
    async fn get_activation(
        &self,
        activation: &ActivationRef,
    ) -> Result<Activation, ProviderError> {
        let path = format!("/activations/{}", quote(&activation.id));
        let request = self.request("get_activation", Method::GET, &path);
        Ok(activation_from_wire(self.call(request).await?))
    }
}

/// The answer to a run that goes on: `{"activationId"}`.
#[derive(serde::Deserialize)]
#[serde(rename_all = "camelCase")]
struct Accepted {
    activation_id: String,
}

/// The answer to `count=true`: `{"activations": N}`.
#[derive(serde::Deserialize)]
struct Count {
    activations: Option<u64>,
}

/// `{"logs": […]}`.
#[derive(serde::Deserialize)]
struct Logs {
    #[serde(default)]
    logs: Vec<String>,
}

impl Api for OpenWhiskConfig {
    const KIND: ProviderKind = ProviderKind::Openwhisk;

    fn endpoint(&self) -> &str {
        &self.endpoint
    }

    fn sign(&self, request: &mut Request, _now_ms: u64) -> Result<(), ProviderError> {
        request.header("Authorization", signer::authorization(&self.auth));
        request.header("Content-Type", "application/json");
        Ok(())
    }

    fn error_from(&self, response: &RawResponse) -> Option<ProviderError> {
        response.error_body(|body: Option<wire::ErrorBody>| {
            let explanation = match response.status {
                401 => "OpenWhisk refused the credentials (check the auth key)".to_string(),
                403 => "this key may not access the namespace".to_string(),
                404 => "the resource does not exist".to_string(),
                409 => "the resource already exists, or the package is not empty".to_string(),
                412 => "the action changed since it was read; nothing was written".to_string(),
                s => format!("OpenWhisk refused the request (HTTP {s})"),
            };
            let (code, message) = match body {
                Some(body) => (body.code, body.error),
                None => (None, response.snippet()),
            };
            ProviderError::from_provider(response.status, code, Some(message), explanation)
        })
    }
}

fn annotation<'a>(annotations: &'a [wire::KeyValue], key: &str) -> Option<&'a Value> {
    annotations.iter().find(|a| a.key == key).map(|a| &a.value)
}

/// The common model's kind of an OpenWhisk action: its exec kind (`sequence` for one) and
/// whether it is web-exported.
fn action_kind(exec_kind: &str, annotations: &[wire::KeyValue]) -> ActionKind {
    let web = annotation(annotations, "web-export")
        .and_then(Value::as_bool)
        .unwrap_or(false);
    match (exec_kind == "sequence", web) {
        (true, true) => ActionKind::SequenceWeb,
        (true, false) => ActionKind::Sequence,
        (false, true) => ActionKind::Web,
        (false, false) => ActionKind::Basic,
    }
}

fn is_web(kind: ActionKind) -> bool {
    matches!(kind, ActionKind::Web | ActionKind::SequenceWeb)
}

fn annotation_text(annotations: &[wire::KeyValue], key: &str) -> Option<String> {
    annotation(annotations, key)
        .and_then(Value::as_str)
        .map(str::to_string)
}

/// `ns/pkg` + `name` → the action's address.
fn action_ref(namespace: Option<&str>, name: &str) -> ActionRef {
    match namespace.and_then(|ns| ns.split_once('/')) {
        Some((_, package)) => ActionRef::in_package(package, name),
        None => ActionRef::top(name),
    }
}

/// A package as OpenWhisk writes one: its description is an annotation, its parameters a
/// list of `{key, value}`.
fn package_from_wire(p: wire::Package) -> PackageSpec {
    PackageSpec {
        description: annotation_text(&p.annotations, "description"),
        name: p.name,
        parameters: p
            .parameters
            .into_iter()
            .map(|kv| (kv.key, kv.value))
            .collect(),
    }
}

/// The PUT body of `spec`.
fn package_body(spec: &PackageSpec) -> wire::Package {
    wire::Package {
        namespace: None,
        name: spec.name.clone(),
        version: None,
        publish: Some(false),
        annotations: spec
            .description
            .iter()
            .map(|d| wire::KeyValue {
                key: "description".into(),
                value: Value::String(d.clone()),
            })
            .collect(),
        parameters: spec
            .parameters
            .iter()
            .map(|(key, value)| wire::KeyValue {
                key: key.clone(),
                value: value.clone(),
            })
            .collect(),
        actions: None,
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
    let annotations = a.annotations.unwrap_or_default();
    let millis = |key: &str| annotation(&annotations, key).and_then(Value::as_u64);
    // A sequence's `logs` are its components' activation ids (OpenWhisk writes them so).
    let sequence = annotation(&annotations, "kind").and_then(Value::as_str) == Some("sequence");
    let (logs, components) = match sequence {
        true => (None, a.logs),
        false => (a.logs, None),
    };
    Activation {
        name: Some(activation_name(&annotations).unwrap_or(a.name)),
        namespace: a.namespace,
        subject: a.subject,
        start_ms: a.start,
        end_ms: a.end,
        duration_ms: a.duration,
        result: a.response.and_then(|r| r.result),
        logs,
        extras: ActivationExtras {
            params: annotation(&annotations, wire::ENGINE_PARAMS_ANNOTATION).cloned(),
            wait_ms: millis("waitTime"),
            init_ms: millis("initTime"),
            components,
            ..Default::default()
        }
        .boxed(),
        ..Activation::new(a.activation_id, status)
    }
}

/// `package/action` from the `path` annotation (`namespace/package/action`, or
/// `namespace/action` outside any package).
fn activation_name(annotations: &[wire::KeyValue]) -> Option<String> {
    let path = annotation(annotations, "path")?.as_str()?;
    path.split_once('/').map(|(_, name)| name.to_string())
}

fn spec_from_wire(action: &ActionRef, a: wire::Action) -> ActionSpec {
    let exec = a.exec.unwrap_or(wire::Exec {
        kind: String::new(),
        code: None,
        main: None,
        binary: None,
        components: None,
    });
    let kind = action_kind(&exec.kind, &a.annotations);
    let extra = annotations::extra_of(&a.annotations, is_web(kind));
    ActionSpec {
        action: action.clone(),
        kind,
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
                .map(|c| match c.trim_start_matches('/').split_once('/') {
                    Some((_namespace, rest)) => rest.to_string(),
                    None => c,
                })
                .collect(),
        },
        extra,
        revision: None,
    }
}

fn body_from_spec(spec: &ActionSpec) -> wire::Action {
    let annotations = annotations::of_spec(spec, is_web(spec.kind));
    wire::Action {
        namespace: None,
        name: spec.action.name.clone(),
        version: None,
        publish: Some(false),
        exec: Some(exec_from_spec(spec)),
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
    }
}

/// What runs: the code, or a sequence's components as `/_/package/action`.
fn exec_from_spec(spec: &ActionSpec) -> wire::Exec {
    if spec.kind.is_sequence() {
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
    }
}
