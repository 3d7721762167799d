//! Server-side halves of the actions' server functions: reaching a connection's client in
//! context, listing everything it holds, creating an action. Compiled into the server only.

use providers::client::{Client, Operations};
use providers::{
    ActionExec, ActionLimits, ActionQuery, ActionRef, ActionSpec, ActionSummary, Capability,
    ErrorKind, Page, PageRequest, ProviderError,
};
use std::collections::BTreeMap;

use super::actions::{NewAction, PackageSummary};
use crate::context::server::{ConnectionClient, ConnectionClients};
use crate::errors::AppError;

/// Items asked for per page (OpenWhisk's most; the others cap it to their own).
const PAGE: u64 = 200;
/// Most items listed for one connection (NCP allows 500 actions per namespace).
const MOST: usize = 5_000;

/// The connection `id`, or the first configured one when `None`.
pub(crate) fn connection(id: Option<&str>) -> Result<ConnectionClient, AppError> {
    let clients = leptos::prelude::use_context::<ConnectionClients>().ok_or_else(|| {
        AppError::Misconfigured("the connections' clients were not provided".into())
    })?;
    match id.filter(|id| !id.is_empty()) {
        Some(id) => clients
            .get(id)
            .cloned()
            .ok_or_else(|| AppError::UnknownConnection(id.into())),
        None => clients
            .first()
            .cloned()
            .ok_or_else(|| AppError::Misconfigured("no connections are configured".into())),
    }
}

/// The connection's client, or why it could not be built.
pub(crate) fn client(c: &ConnectionClient) -> Result<&Client, AppError> {
    c.client.as_ref().map_err(|e| AppError::from(e.clone()))
}

/// Whether `c`'s client was built and offers `capability`.
pub(crate) fn offers(c: &ConnectionClient, capability: Capability) -> bool {
    c.client
        .as_ref()
        .is_ok_and(|client| client.capabilities().has(capability))
}

/// Why packages cannot be created or deleted on `c`, when they cannot: its client does not
/// offer [`Capability::PackagesWrite`], or could not be built.
pub(crate) fn packages_read_only(c: &ConnectionClient) -> Option<String> {
    (!offers(c, Capability::PackagesWrite)).then(|| {
        format!(
            "The console cannot create or delete {} packages: use the provider's own console or CLI.",
            c.summary.provider
        )
    })
}

/// Every item `list` answers, page after page (at most [`MOST`]).
async fn every<T, F, Fut>(mut list: F) -> Result<Vec<T>, ProviderError>
where
    F: FnMut(PageRequest) -> Fut,
    Fut: Future<Output = Result<Page<T>, ProviderError>>,
{
    let mut all = Vec::new();
    loop {
        let request = PageRequest {
            offset: all.len() as u64,
            limit: PAGE,
            cursor: None,
        };
        let Page { items, total, .. } = list(request).await?;
        let got = items.len();
        all.extend(items);
        let done = got == 0
            || (got as u64) < PAGE
            || total.is_some_and(|t| all.len() as u64 >= t)
            || all.len() >= MOST;
        if done {
            return Ok(all);
        }
    }
}

/// Every action `query` lists.
async fn all_actions(
    client: &Client,
    query: &ActionQuery,
) -> Result<Vec<ActionSummary>, ProviderError> {
    every(|page| async move { client.list_actions(query, &page).await }).await
}

/// Everything `c` holds: packages by name with their counts, and actions (top-level first,
/// then by package and name).
pub(crate) async fn listing(
    c: &ConnectionClient,
) -> Result<(Vec<PackageSummary>, Vec<ActionSummary>), AppError> {
    let client = client(c)?;
    let mut packages: BTreeMap<String, Option<String>> = BTreeMap::new();
    // Where packages are listed, empty ones are shown too; elsewhere (FunctionGraph, SCF)
    // they are those the actions name.
    if client.capabilities().has(Capability::PackagesList) {
        let listed = every(|page| async move { client.list_packages(&page).await }).await?;
        for p in listed {
            packages.insert(p.name, p.description);
        }
    }
    let mut actions = match client {
        // NCP lists one package at a time: the top level, then each package.
        Client::Ncp(_) => {
            let mut all = all_actions(client, &ActionQuery::default()).await?;
            for name in packages.keys() {
                all.extend(all_actions(client, &ActionQuery::package(name.clone())).await?);
            }
            all
        }
        _ => all_actions(client, &ActionQuery::default()).await?,
    };
    for a in &actions {
        if let Some(p) = &a.action.package {
            packages.entry(p.clone()).or_insert(None);
        }
    }
    actions.sort_by(|a, b| {
        (&a.action.package, &a.action.name).cmp(&(&b.action.package, &b.action.name))
    });
    let packages = packages
        .into_iter()
        .map(|(name, description)| PackageSummary {
            actions: actions
                .iter()
                .filter(|a| a.action.package.as_deref() == Some(name.as_str()))
                .count(),
            name,
            description,
        })
        .collect();
    Ok((packages, actions))
}

/// Creates `new` on `c`, refusing a name already taken rather than replacing that action.
pub(crate) async fn create_action(
    c: &ConnectionClient,
    new: NewAction,
) -> Result<ActionSummary, AppError> {
    let client = client(c)?;
    let action = ActionRef {
        package: (!new.package.is_empty()).then_some(new.package),
        name: new.name,
    };
    match client.get_action(&action).await {
        Ok(_) => {
            return Err(AppError::invalid(
                "name",
                format!("An action {action} already exists: pick another name."),
            ));
        }
        Err(e) if e.kind == ErrorKind::NotFound => {}
        Err(e) => return Err(e.into()),
    }
    let spec = ActionSpec {
        limits: Some(ActionLimits {
            timeout_ms: new.timeout_ms,
            memory_mb: new.memory_mb,
        }),
        ..ActionSpec::basic(action.clone(), ActionExec::source(new.kind, new.code))
    };
    let stored = client.put_action(&spec).await?;
    tracing::info!(connection = %c.summary.id, action = %action, "action created");
    Ok(ActionSummary {
        action: stored.action,
        runtime: Some(stored.exec.kind),
        description: stored.description,
        kind: Some(stored.kind),
    })
}
