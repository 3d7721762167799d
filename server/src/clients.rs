//! Every connection's provider client, built once at start and kept in [`AppState`], and the
//! embedded engine's packages for its own connections.
//!
//! [`AppState`]: crate::AppState

use app::context::server::{
    BoxFuture, ConnectionClient, ConnectionClients, PackageStore, StoredPackage,
};
use engine::Engine;
use providers::client::{Transport, TransportOptions};
use providers::{ErrorKind, ProviderError};
use std::sync::Arc;

use crate::config::Config;
use crate::connections;

/// The running engine, for the connections that point at it.
#[derive(Clone)]
pub struct LocalEngine {
    /// The engine.
    pub engine: Arc<Engine>,
    /// Its dialects' keys.
    pub keys: Arc<engine_http::DialectKeys>,
}

/// Builds every connection's client. `lookup` reads an environment variable; `local` is the
/// embedded engine when it runs (its connections use its keys, and its packages are written
/// in process until the client surface has package operations). A client that cannot be
/// built (a missing secret) is kept as its error, shown where the connection is used.
pub fn build_all(
    config: &Config,
    lookup: &impl Fn(&str) -> Option<String>,
    local: Option<&LocalEngine>,
) -> ConnectionClients {
    // One pooled transport for every client (the default timeout waits out SCF's 60 s).
    let transport = Transport::new(TransportOptions::default());
    let clients = config
        .connections
        .iter()
        .zip(config.connection_summaries())
        .map(|(c, summary)| {
            let engine = local.filter(|_| summary.local);
            let client = match &transport {
                Ok(transport) => {
                    connections::build(c, transport, lookup, engine.map(|e| e.keys.as_ref()))
                }
                Err(e) => Err(e.clone()),
            };
            if summary.local && engine.is_none() {
                tracing::warn!(connection = %summary.id, "the embedded engine is not running");
            }
            ConnectionClient {
                packages: engine
                    .map(|e| Arc::new(EnginePackages(e.engine.clone())) as Arc<dyn PackageStore>),
                summary,
                client,
            }
        })
        .collect();
    ConnectionClients::new(clients)
}

/// The embedded engine's packages, written in process.
struct EnginePackages(Arc<Engine>);

impl EnginePackages {
    /// Runs `f` on the engine off the async threads (SQLite blocks), its error as a provider's.
    async fn run<T: Send + 'static>(
        &self,
        f: impl FnOnce(&Engine) -> Result<T, engine::EngineError> + Send + 'static,
    ) -> Result<T, ProviderError> {
        let engine = self.0.clone();
        tokio::task::spawn_blocking(move || f(&engine))
            .await
            .map_err(|e| {
                ProviderError::new(
                    ErrorKind::Provider,
                    format!("the engine's task failed: {e}"),
                )
            })?
            .map_err(engine_error)
    }
}

/// An engine error as the NCP dialect would answer it: status, code and message.
fn engine_error(e: engine::EngineError) -> ProviderError {
    ProviderError::from_provider(
        e.code.status(),
        Some(e.code.number().to_string()),
        Some(e.message),
        "the embedded engine refused the request",
    )
}

impl PackageStore for EnginePackages {
    fn list(&self) -> BoxFuture<'_, Result<Vec<StoredPackage>, ProviderError>> {
        Box::pin(async move {
            let packages = self.run(|e| e.packages()).await?;
            Ok(packages
                .into_iter()
                .map(|(name, description)| StoredPackage { name, description })
                .collect())
        })
    }

    fn put<'a>(
        &'a self,
        name: &'a str,
        description: Option<&'a str>,
    ) -> BoxFuture<'a, Result<(), ProviderError>> {
        let (name, description) = (name.to_string(), description.map(str::to_string));
        Box::pin(async move {
            self.run(move |e| e.put_package(&name, description.as_deref(), &Default::default()))
                .await
        })
    }

    fn delete<'a>(&'a self, name: &'a str) -> BoxFuture<'a, Result<(), ProviderError>> {
        let name = name.to_string();
        Box::pin(async move { self.run(move |e| e.delete_package(&name)).await })
    }
}
