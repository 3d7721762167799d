//! Server function of the run panel's "Run asynchronously": the provider accepts the
//! invocation and answers an id at once (FunctionGraph's `invocations-async`, SCF's `Event`,
//! NCP's and OpenWhisk's non-blocking invoke); the answer says where it can be followed.

use leptos::prelude::*;
use leptos::server_fn::codec::Json;
use providers::{ActionRef, ProviderKind};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::errors::AppError;

/// What "Run asynchronously" sends.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AsyncRunInput {
    /// The connection (`None`: the first configured).
    pub connection: Option<String>,
    /// The action.
    pub action: ActionRef,
    /// Its runtime parameters.
    pub params: Map<String, Value>,
}

/// The provider's acknowledgement.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AsyncRunAnswer {
    /// The request (FunctionGraph, SCF) or activation (NCP, OpenWhisk) id.
    pub id: String,
    /// Where the console follows it.
    pub follow_href: String,
    /// What that page is ("asynchronous invocations", …).
    pub follow_label: String,
}

/// Where an invocation accepted by a `provider` connection is followed: FunctionGraph's
/// asynchronous invocations, SCF's function logs, NCP's and OpenWhisk's activation detail.
pub fn follow_link(
    provider: ProviderKind,
    connection: &str,
    action: &ActionRef,
    id: &str,
) -> (String, &'static str) {
    use crate::routes::query_href;
    let c = ("connection", connection.to_string());
    let id = ("request_id", id.to_string());
    match provider {
        ProviderKind::Huawei => (
            query_href("/async", [c, ("function", action.to_string()), id]),
            "its asynchronous invocation record",
        ),
        ProviderKind::Tencent => (
            query_href("/logs", [c, ("function", action.name.clone()), id]),
            "its function log",
        ),
        ProviderKind::Ncp | ProviderKind::Openwhisk => (
            query_href(
                &format!("/activations/{}", id.1),
                [c, ("action", action.to_string())],
            ),
            "its activation",
        ),
    }
}

/// Invokes the action without waiting and answers its id and where to follow it.
#[server(endpoint = "run_async", input = Json)]
pub async fn run_async(run: AsyncRunInput) -> Result<AsyncRunAnswer, AppError> {
    use providers::client::Operations;
    use providers::{InvocationRequest, InvocationResult};
    super::guard::guard(<RunAsync as leptos::server_fn::ServerFn>::PATH)?;
    let c = super::backend::connection(run.connection.as_deref())?;
    let client = super::backend::client(&c)?;
    let request = InvocationRequest {
        action: run.action.clone(),
        params: run.params,
        blocking: false,
        wait_ms: None,
    };
    tracing::info!(connection = %c.summary.id, action = %run.action, "run asynchronously");
    let id = match client.invoke(&request).await? {
        InvocationResult::Accepted { id } => id,
        // A provider that ran it at once anyway: its activation is the record.
        InvocationResult::Finished(activation) => activation.id,
    };
    let (follow_href, label) = follow_link(c.summary.provider, &c.summary.id, &run.action, &id);
    Ok(AsyncRunAnswer {
        id,
        follow_href,
        follow_label: label.to_string(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_provider_links_to_where_it_records_the_invocation() {
        let action = ActionRef::in_package("demo", "hello");
        for (provider, record) in [
            (
                ProviderKind::Huawei,
                "/async?connection=c1&function=demo/hello&request_id=r1",
            ),
            (
                ProviderKind::Tencent,
                "/logs?connection=c1&function=hello&request_id=r1",
            ),
            (
                ProviderKind::Openwhisk,
                "/activations/r1?connection=c1&action=demo/hello",
            ),
            (
                ProviderKind::Ncp,
                "/activations/r1?connection=c1&action=demo/hello",
            ),
        ] {
            assert_eq!(
                follow_link(provider, "c1", &action, "r1").0,
                record,
                "{provider:?}"
            );
        }
    }
}
