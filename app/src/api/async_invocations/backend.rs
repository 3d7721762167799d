//! The server's half of the asynchronous invocations page: the function picker's list and
//! one page of records, in seed 002's terms. Compiled into the server only.

use providers::client::Operations;
use providers::sign::utc::Layout;
use providers::{AsyncInvocationQuery, Capability, PageRequest};

use super::{AsyncListing, AsyncView};
use crate::api::backend::{client, listing, offers};
use crate::context::server::ConnectionClient;
use crate::errors::AppError;

/// Why `c` cannot list asynchronous invocations, when it cannot.
pub(crate) fn unsupported(c: &ConnectionClient, capability: Capability) -> Option<AppError> {
    (!offers(c, capability)).then(|| {
        AppError::Unsupported(format!(
            "{} does not offer {}",
            c.summary.provider,
            capability.describe()
        ))
    })
}

/// Seed 002's `YYYY-MM-DDTHH:mm:ss` (UTC).
fn seed_time(ms: i64) -> String {
    Layout::date_time('T').format(ms)
}

/// The page `view` names of `c`'s asynchronous invocations, with its functions.
pub(crate) async fn list(c: &ConnectionClient, view: &AsyncView) -> Result<AsyncListing, AppError> {
    if let Some(why) = unsupported(c, Capability::AsyncInvocations) {
        return Err(why);
    }
    let (_, actions) = listing(c).await?;
    let functions: Vec<_> = actions.into_iter().map(|a| a.action).collect();
    let function = view.function.clone().or_else(|| functions.first().cloned());
    let Some(chosen) = function.clone() else {
        return Ok(AsyncListing {
            connection: c.summary.clone(),
            functions,
            function: None,
            rows: Vec::new(),
            total: Some(0),
            next_marker: None,
        });
    };
    let query = AsyncInvocationQuery {
        action: Some(chosen),
        request_id: view.request_id.clone(),
        status: view.status,
        begin: view.begin_ms.map(seed_time),
        end: view.end_ms.map(seed_time),
    };
    let page = PageRequest {
        offset: 0,
        limit: view.limit,
        cursor: Some(view.marker.clone().unwrap_or_else(|| "0".into())),
    };
    let found = client(c)?.list_async_invocations(&query, &page).await?;
    // FunctionGraph answers `next_marker` 0 (or none) on the last page.
    let next_marker = found
        .next_cursor
        .filter(|m| m != "0" && !found.items.is_empty());
    Ok(AsyncListing {
        connection: c.summary.clone(),
        functions,
        function,
        rows: found.items,
        total: found.total,
        next_marker,
    })
}
