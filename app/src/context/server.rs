//! Context the server provides to rendering and to server functions.

use providers::client::Client;
use providers::{ConnectionSummary, ProviderError};
use std::collections::HashMap;
use std::sync::Arc;

/// What the settings page's connection management needs of the server: the server keeps
/// the file's connections, seals the UI's secrets and rebuilds the clients. Each answer is
/// already an [`AppError`](crate::errors::AppError) naming the field that was refused.
pub trait ConnectionAdmin: Send + Sync + 'static {
    /// Every connection with where it comes from, the UI's with their fields.
    fn list(
        &self,
    ) -> futures::future::BoxFuture<
        '_,
        Result<Vec<crate::api::ManagedConnection>, crate::errors::AppError>,
    >;
    /// Adds (`creating`) or changes a UI connection; the switcher shows it at once.
    fn save(
        &self,
        input: crate::api::ConnectionInput,
        creating: bool,
    ) -> futures::future::BoxFuture<
        '_,
        Result<crate::api::ManagedConnection, crate::errors::AppError>,
    >;
    /// Deletes a UI connection.
    fn delete(
        &self,
        id: String,
    ) -> futures::future::BoxFuture<'_, Result<(), crate::errors::AppError>>;
}

/// The server's [`ConnectionAdmin`], in context.
#[derive(Clone)]
pub struct ConnectionAdminHandle(pub Arc<dyn ConnectionAdmin>);

/// The configured connections, as the browser may see them.
#[derive(Debug, Clone, Default)]
pub struct ConnectionDirectory(pub Arc<Vec<ConnectionSummary>>);

/// One connection as the server functions reach it: its client, built once at start, or
/// why it could not be built (a missing secret), shown on the page that uses it. Everything
/// the console does with the connection, packages included, goes through that client.
#[derive(Debug, Clone)]
pub struct ConnectionClient {
    /// What the browser may know of it.
    pub summary: ConnectionSummary,
    /// Its provider client.
    pub client: Result<Client, ProviderError>,
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
