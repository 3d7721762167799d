//! The audit log, for admins: one page of it, filtered. Nothing here (nor anywhere in the
//! UI) edits it; the server's audit layer is its only writer.

use access::audit::{AuditFilter, AuditPage};
use leptos::prelude::*;
use leptos::server_fn::codec::Json;

use crate::errors::AppError;

/// The page of the audit log `filter` asks for, newest first.
#[server(endpoint = "list_audit", input = Json)]
pub async fn list_audit(filter: AuditFilter) -> Result<AuditPage, AppError> {
    super::guard::guard(<ListAudit as leptos::server_fn::ServerFn>::PATH)?;
    let store = use_context::<access::Store>()
        .ok_or_else(|| AppError::Misconfigured("the console's store was not provided".into()))?;
    store.0.list_audit(filter).await.map_err(|error| {
        tracing::error!(%error, "the audit log could not be read");
        AppError::Misconfigured("the audit log could not be read; the server's log says why".into())
    })
}
