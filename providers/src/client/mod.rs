//! Provider clients: sign, send, parse, and answer in the common model. One module per
//! provider; [`Client`] dispatches to the right one and refuses what a provider cannot do.

pub mod huawei;
pub mod ncp;
pub mod openwhisk;
mod request;
pub mod tencent;
pub mod transport;

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

impl Client {
    /// What the connection can do.
    pub fn capabilities(&self) -> Capabilities {
        match self {
            Self::Ncp(_) => NcpClient::capabilities(),
            Self::OpenWhisk(_) => OpenWhiskClient::capabilities(),
            Self::Huawei(_) => HuaweiClient::capabilities(),
            Self::Tencent(_) => TencentClient::capabilities(),
        }
    }

    /// One harmless signed read, to check that the connection works: answers a short summary.
    pub async fn probe(&self) -> Result<String, ProviderError> {
        match self {
            Self::Ncp(c) => c
                .list_packages()
                .await
                .map(|p| format!("{} packages", p.len())),
            Self::OpenWhisk(c) => c
                .list_actions(&PageRequest::first(200))
                .await
                .map(|p| format!("{} actions", p.items.len())),
            Self::Huawei(c) => c
                .list_functions(&PageRequest::first(400))
                .await
                .map(|p| format!("{} functions", p.total.unwrap_or(p.items.len() as u64))),
            Self::Tencent(c) => c
                .list_functions(&PageRequest::first(100))
                .await
                .map(|p| format!("{} functions", p.total.unwrap_or(0))),
        }
    }

    /// Runs an action.
    pub async fn invoke(
        &self,
        request: &InvocationRequest,
    ) -> Result<InvocationResult, ProviderError> {
        match self {
            Self::Ncp(c) => c.invoke(request).await,
            Self::OpenWhisk(c) => c.invoke(request).await,
            Self::Huawei(c) => c.invoke(request).await,
            Self::Tencent(c) => c.invoke(request).await,
        }
    }
}

/// A finished run as FunctionGraph and SCF report one: an exit status (0 is success), the
/// result as text (kept as JSON when it is JSON, else as the text) and the log as text.
pub(crate) fn ran(id: String, exit: i64, result: &str, log: &str) -> Activation {
    Activation {
        id,
        name: None,
        namespace: None,
        subject: None,
        start_ms: None,
        end_ms: None,
        duration_ms: None,
        status: if exit == 0 {
            ActivationStatus::Success
        } else {
            ActivationStatus::ApplicationError
        },
        result: Some(
            serde_json::from_str(result).unwrap_or_else(|_| Value::String(result.to_string())),
        ),
        logs: Some(log.lines().map(str::to_string).collect()),
    }
}
