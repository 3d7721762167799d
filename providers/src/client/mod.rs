//! Provider clients: sign, send, parse, and answer in the common model. One module per
//! provider, each implementing [`Operations`] (what differs: paths, parameters, conversions)
//! over the one request path of `request` (how its API signs and writes errors); [`Client`]
//! holds whichever a connection uses and answers the same [`Operations`].

mod follow;
pub mod huawei;
pub mod ncp;
pub mod openwhisk;
mod request;
pub mod tencent;
pub mod transport;

pub use follow::{ActivationStream, RunStream};
pub use huawei::{HuaweiAuth, HuaweiClient, HuaweiConfig};
pub use ncp::{NcpClient, NcpConfig};
pub use openwhisk::{OpenWhiskClient, OpenWhiskConfig};
pub use tencent::{TencentClient, TencentConfig};
pub use transport::{Transport, TransportOptions};

use serde_json::Value;

use crate::model::*;

/// A client for one connection, of whichever provider.
#[derive(Debug, Clone)]
pub enum Client {
    /// NAVER Cloud Functions.
    Ncp(NcpClient),
    /// Apache OpenWhisk.
    OpenWhisk(OpenWhiskClient),
    /// Huawei FunctionGraph.
    Huawei(HuaweiClient),
    /// Tencent SCF.
    Tencent(TencentClient),
}

/// What the console asks of a connection: one method per [`Capability`], with the same
/// arguments whichever provider answers. What a provider cannot do it answers with
/// [`ErrorKind::Unsupported`] before any request (these defaults), and it does not list that
/// capability in [`capabilities`](Operations::capabilities).
pub trait Operations: Sync {
    /// The provider that answers.
    fn kind(&self) -> ProviderKind;

    /// What the connection can do: every capability listed has its methods here.
    fn capabilities(&self) -> Capabilities {
        capabilities_of(self.kind())
    }

    /// One harmless signed read, to check that the connection works: a short summary (by
    /// default, how many actions the first page lists, or the total where it is given).
    fn probe(&self) -> impl Future<Output = Result<String, ProviderError>> + Send {
        async move {
            // Each client asks for no more than its provider gives on one page.
            let first = PageRequest::first(u64::MAX);
            let page = self.list_actions(&ActionQuery::default(), &first).await?;
            let noun = match self.kind() {
                ProviderKind::Ncp | ProviderKind::Openwhisk => "actions",
                ProviderKind::Huawei | ProviderKind::Tencent => "functions",
            };
            let count = page.total.unwrap_or(page.items.len() as u64);
            Ok(format!("{count} {noun}"))
        }
    }

    /// [`Capability::ActionsList`]: a page of actions (metadata only).
    fn list_actions(
        &self,
        query: &ActionQuery,
        page: &PageRequest,
    ) -> impl Future<Output = Result<Page<ActionSummary>, ProviderError>> + Send {
        let _ = (query, page);
        unsupported(self.kind(), Capability::ActionsList)
    }

    /// [`Capability::ActionsRead`]: one action in full.
    fn get_action(
        &self,
        action: &ActionRef,
    ) -> impl Future<Output = Result<ActionSpec, ProviderError>> + Send {
        let _ = action;
        unsupported(self.kind(), Capability::ActionsRead)
    }

    /// [`Capability::ActionsWrite`]: creates or replaces an action; answers it as stored.
    fn put_action(
        &self,
        spec: &ActionSpec,
    ) -> impl Future<Output = Result<ActionSpec, ProviderError>> + Send {
        let _ = spec;
        unsupported(self.kind(), Capability::ActionsWrite)
    }

    /// [`Capability::ActionsWrite`]: deletes an action.
    fn delete_action(
        &self,
        action: &ActionRef,
    ) -> impl Future<Output = Result<(), ProviderError>> + Send {
        let _ = action;
        unsupported(self.kind(), Capability::ActionsWrite)
    }

    /// [`Capability::PackagesList`]: a page of packages, by name.
    fn list_packages(
        &self,
        page: &PageRequest,
    ) -> impl Future<Output = Result<Page<PackageSummary>, ProviderError>> + Send {
        let _ = page;
        unsupported(self.kind(), Capability::PackagesList)
    }

    /// [`Capability::PackagesWrite`]: creates or replaces a package (its description and
    /// parameters as given); answers it as stored.
    fn put_package(
        &self,
        spec: &PackageSpec,
    ) -> impl Future<Output = Result<PackageSpec, ProviderError>> + Send {
        let _ = spec;
        unsupported(self.kind(), Capability::PackagesWrite)
    }

    /// [`Capability::PackagesWrite`]: deletes an empty package. One that still holds actions
    /// is refused by the provider, as [`ErrorKind::Invalid`] with its code, explained.
    fn delete_package(&self, name: &str) -> impl Future<Output = Result<(), ProviderError>> + Send {
        let _ = name;
        unsupported(self.kind(), Capability::PackagesWrite)
    }

    /// [`Capability::Invoke`]: runs an action, or enqueues it when not blocking.
    fn invoke(
        &self,
        request: &InvocationRequest,
    ) -> impl Future<Output = Result<InvocationResult, ProviderError>> + Send {
        let _ = request;
        unsupported(self.kind(), Capability::Invoke)
    }

    /// [`Capability::StreamingInvoke`]: runs an action at once and streams the run: `Started`,
    /// each `Log` line as printed, `Pending` while quiet, then `Ended` with the activation
    /// (the stream ends there). `blocking` and `wait_ms` do not apply: the stream lasts the
    /// run. Dropping the stream stops following; the run goes on.
    fn invoke_streaming(
        &self,
        request: &InvocationRequest,
    ) -> impl Future<Output = Result<RunStream, ProviderError>> + Send {
        let _ = request;
        unsupported(self.kind(), Capability::StreamingInvoke)
    }

    /// [`Capability::StreamingInvoke`]: follows an activation by id, as
    /// [`invoke_streaming`](Operations::invoke_streaming) streams: its lines so far, then the
    /// live ones, then its end; one that has ended streams its record at once.
    fn follow_activation(
        &self,
        activation: &ActivationRef,
    ) -> impl Future<Output = Result<RunStream, ProviderError>> + Send {
        let _ = activation;
        unsupported(self.kind(), Capability::StreamingInvoke)
    }

    /// [`Capability::StreamingInvoke`]: stops a running activation (its worker is killed; it
    /// is recorded as stopped, and its followers get the end). One that has already ended is
    /// left as it was (`Ok`); an unknown one is the provider's 404.
    fn cancel_activation(
        &self,
        activation: &ActivationRef,
    ) -> impl Future<Output = Result<(), ProviderError>> + Send {
        let _ = activation;
        unsupported(self.kind(), Capability::StreamingInvoke)
    }

    /// [`Capability::StreamingInvoke`]: every activation from now on as it starts (status
    /// `Pending`) and as it ends, sequences' components included: an activations list's live
    /// mode. One that falls far behind skips what it missed (it can list them).
    fn watch_activations(
        &self,
    ) -> impl Future<Output = Result<ActivationStream, ProviderError>> + Send {
        unsupported(self.kind(), Capability::StreamingInvoke)
    }

    /// [`Capability::Activations`]: a page of activations, newest first.
    fn list_activations(
        &self,
        query: &ActivationQuery,
        page: &PageRequest,
    ) -> impl Future<Output = Result<Page<Activation>, ProviderError>> + Send {
        let _ = (query, page);
        unsupported(self.kind(), Capability::Activations)
    }

    /// [`Capability::ActivationDetail`]: one activation with its result and logs.
    fn get_activation(
        &self,
        activation: &ActivationRef,
    ) -> impl Future<Output = Result<Activation, ProviderError>> + Send {
        let _ = activation;
        unsupported(self.kind(), Capability::ActivationDetail)
    }

    /// [`Capability::AsyncInvocations`]: a page of asynchronous invocations.
    fn list_async_invocations(
        &self,
        query: &AsyncInvocationQuery,
        page: &PageRequest,
    ) -> impl Future<Output = Result<Page<AsyncInvocation>, ProviderError>> + Send {
        let _ = (query, page);
        unsupported(self.kind(), Capability::AsyncInvocations)
    }

    /// [`Capability::FunctionLogs`]: a page of function logs.
    fn function_logs(
        &self,
        query: &LogQuery,
        page: &PageRequest,
    ) -> impl Future<Output = Result<Page<LogEntry>, ProviderError>> + Send {
        let _ = (query, page);
        unsupported(self.kind(), Capability::FunctionLogs)
    }
}

/// What each provider offers: exactly the capabilities whose methods its client implements
/// (`tests/client_capabilities.rs` checks it).
fn capabilities_of(kind: ProviderKind) -> Capabilities {
    use Capability::*;
    let offered: &[Capability] = match kind {
        ProviderKind::Ncp | ProviderKind::Openwhisk => &[
            ActionsList,
            ActionsRead,
            ActionsWrite,
            PackagesList,
            PackagesWrite,
            Invoke,
            Activations,
            ActivationDetail,
        ],
        // Neither has packages. Reading one function in full (FunctionGraph's function
        // config, SCF's GetFunction) is not in the API pages these clients are built from
        // (`shared/seeds/`).
        ProviderKind::Huawei => &[ActionsList, Invoke, AsyncInvocations],
        ProviderKind::Tencent => &[ActionsList, Invoke, FunctionLogs],
    };
    offered.iter().copied().collect()
}

/// The answer of a provider to what it does not offer.
fn unsupported<T>(
    kind: ProviderKind,
    capability: Capability,
) -> std::future::Ready<Result<T, ProviderError>> {
    std::future::ready(Err(ProviderError::new(
        ErrorKind::Unsupported,
        format!("{kind} does not offer {}", capability.describe()),
    )))
}

/// Refuses a package filter where the provider lists the whole namespace.
pub(crate) fn whole_namespace(
    kind: ProviderKind,
    query: &ActionQuery,
) -> Result<(), ProviderError> {
    match &query.package {
        None => Ok(()),
        Some(_) => Err(ProviderError::new(
            ErrorKind::Unsupported,
            format!("{kind} lists every function of the namespace; it cannot list one package's"),
        )),
    }
}

/// `$call` on whichever client `$client` holds, as `$c`.
macro_rules! dispatch {
    ($client:expr, $c:ident => $call:expr) => {
        match $client {
            Client::Ncp($c) => $call,
            Client::OpenWhisk($c) => $call,
            Client::Huawei($c) => $call,
            Client::Tencent($c) => $call,
        }
    };
}

impl Operations for Client {
    fn kind(&self) -> ProviderKind {
        dispatch!(self, c => c.kind())
    }

    async fn probe(&self) -> Result<String, ProviderError> {
        dispatch!(self, c => c.probe().await)
    }

    async fn list_actions(
        &self,
        query: &ActionQuery,
        page: &PageRequest,
    ) -> Result<Page<ActionSummary>, ProviderError> {
        dispatch!(self, c => c.list_actions(query, page).await)
    }

    async fn get_action(&self, action: &ActionRef) -> Result<ActionSpec, ProviderError> {
        dispatch!(self, c => c.get_action(action).await)
    }

    async fn put_action(&self, spec: &ActionSpec) -> Result<ActionSpec, ProviderError> {
        dispatch!(self, c => c.put_action(spec).await)
    }

    async fn delete_action(&self, action: &ActionRef) -> Result<(), ProviderError> {
        dispatch!(self, c => c.delete_action(action).await)
    }

    async fn list_packages(
        &self,
        page: &PageRequest,
    ) -> Result<Page<PackageSummary>, ProviderError> {
        dispatch!(self, c => c.list_packages(page).await)
    }

    async fn put_package(&self, spec: &PackageSpec) -> Result<PackageSpec, ProviderError> {
        dispatch!(self, c => c.put_package(spec).await)
    }

    async fn delete_package(&self, name: &str) -> Result<(), ProviderError> {
        dispatch!(self, c => c.delete_package(name).await)
    }

    async fn invoke(&self, request: &InvocationRequest) -> Result<InvocationResult, ProviderError> {
        dispatch!(self, c => c.invoke(request).await)
    }

    fn capabilities(&self) -> Capabilities {
        dispatch!(self, c => c.capabilities())
    }

    async fn invoke_streaming(
        &self,
        request: &InvocationRequest,
    ) -> Result<RunStream, ProviderError> {
        dispatch!(self, c => c.invoke_streaming(request).await)
    }

    async fn follow_activation(
        &self,
        activation: &ActivationRef,
    ) -> Result<RunStream, ProviderError> {
        dispatch!(self, c => c.follow_activation(activation).await)
    }

    async fn cancel_activation(&self, activation: &ActivationRef) -> Result<(), ProviderError> {
        dispatch!(self, c => c.cancel_activation(activation).await)
    }

    async fn watch_activations(&self) -> Result<ActivationStream, ProviderError> {
        dispatch!(self, c => c.watch_activations().await)
    }

    async fn list_activations(
        &self,
        query: &ActivationQuery,
        page: &PageRequest,
    ) -> Result<Page<Activation>, ProviderError> {
        dispatch!(self, c => c.list_activations(query, page).await)
    }

    async fn get_activation(
        &self,
        activation: &ActivationRef,
    ) -> Result<Activation, ProviderError> {
        dispatch!(self, c => c.get_activation(activation).await)
    }

    async fn list_async_invocations(
        &self,
        query: &AsyncInvocationQuery,
        page: &PageRequest,
    ) -> Result<Page<AsyncInvocation>, ProviderError> {
        dispatch!(self, c => c.list_async_invocations(query, page).await)
    }

    async fn function_logs(
        &self,
        query: &LogQuery,
        page: &PageRequest,
    ) -> Result<Page<LogEntry>, ProviderError> {
        dispatch!(self, c => c.function_logs(query, page).await)
    }
}

/// A finished run as FunctionGraph and SCF report one: an exit status (0 is success), the
/// result as text (kept as JSON when it is JSON, else as the text) and the log as text.
pub(crate) fn ran(id: String, exit: i64, result: &str, log: &str) -> Activation {
    let status = if exit == 0 {
        ActivationStatus::Success
    } else {
        ActivationStatus::ApplicationError
    };
    Activation {
        result: Some(
            serde_json::from_str(result).unwrap_or_else(|_| Value::String(result.to_string())),
        ),
        logs: Some(log.lines().map(str::to_string).collect()),
        ..Activation::new(id, status)
    }
}
