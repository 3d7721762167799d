//! The connection directory, as the browser may see it.

use leptos::prelude::*;
use providers::ConnectionSummary;

use crate::errors::AppError;

/// The connections configured in `fnconsole.toml`, names and kinds only: endpoints' secrets
/// never leave the server.
#[server(endpoint = "connections")]
pub async fn list_connections() -> Result<Vec<ConnectionSummary>, AppError> {
    use crate::context::server::ConnectionDirectory;
    super::guard::guard(<ListConnections as leptos::server_fn::ServerFn>::PATH)?;
    let directory = use_context::<ConnectionDirectory>().ok_or_else(|| {
        AppError::Misconfigured("the connection directory was not provided".into())
    })?;
    Ok(directory.0.as_ref().clone())
}
