//! Context the server provides to rendering and to server functions.

use providers::client::Client;
use providers::{ConnectionSummary, ProviderError};
use std::collections::HashMap;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

/// The configured connections, as the browser may see them.
#[derive(Debug, Clone, Default)]
pub struct ConnectionDirectory(pub Arc<Vec<ConnectionSummary>>);

/// A boxed future, as the package store's methods answer.
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// A package as a store lists it: its name and description.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredPackage {
    /// The name.
    pub name: String,
    /// The description, when it has one.
    pub description: Option<String>,
}

/// Where a connection's packages can be created and deleted.
///
/// The one client surface (`providers::client::Operations`) has no package operations yet;
/// until it has, the server provides this for the connections it can serve otherwise (the
/// embedded engine, in process). A trait because `app` may not depend on the engine, and
/// because its second implementation is the client surface itself once it offers packages.
pub trait PackageStore: Send + Sync {
    /// Every package with a record of its own.
    fn list(&self) -> BoxFuture<'_, Result<Vec<StoredPackage>, ProviderError>>;
    /// Creates or updates a package.
    fn put<'a>(
        &'a self,
        name: &'a str,
        description: Option<&'a str>,
    ) -> BoxFuture<'a, Result<(), ProviderError>>;
    /// Deletes an empty package.
    fn delete<'a>(&'a self, name: &'a str) -> BoxFuture<'a, Result<(), ProviderError>>;
}

/// One connection as the server functions reach it: its client, built once at start, or
/// why it could not be built (a missing secret), shown on the page that uses it.
#[derive(Clone)]
pub struct ConnectionClient {
    /// What the browser may know of it.
    pub summary: ConnectionSummary,
    /// Its provider client.
    pub client: Result<Client, ProviderError>,
    /// Where its packages are written, when the console can write them.
    pub packages: Option<Arc<dyn PackageStore>>,
}

impl std::fmt::Debug for ConnectionClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ConnectionClient")
            .field("summary", &self.summary)
            .field("client", &self.client)
            .field("packages", &self.packages.is_some())
            .finish()
    }
}

/// Every connection's client, by id, in configuration order: built once, shared by every
/// request.
#[derive(Debug, Clone, Default)]
pub struct ConnectionClients {
    order: Arc<Vec<String>>,
    by_id: Arc<HashMap<String, ConnectionClient>>,
}

impl ConnectionClients {
    /// The clients, in the order given.
    pub fn new(clients: Vec<ConnectionClient>) -> Self {
        let order = clients.iter().map(|c| c.summary.id.clone()).collect();
        let by_id = clients
            .into_iter()
            .map(|c| (c.summary.id.clone(), c))
            .collect();
        Self {
            order: Arc::new(order),
            by_id: Arc::new(by_id),
        }
    }

    /// The connection `id`.
    pub fn get(&self, id: &str) -> Option<&ConnectionClient> {
        self.by_id.get(id)
    }

    /// The first configured connection, the one shown when none is named.
    pub fn first(&self) -> Option<&ConnectionClient> {
        self.order.first().and_then(|id| self.by_id.get(id))
    }
}
