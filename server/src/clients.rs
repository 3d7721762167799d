//! Every connection's provider client, built once at start and kept in [`AppState`]. The
//! embedded engine's connections are clients of its dialects like any cloud's, with its keys.
//!
//! [`AppState`]: crate::AppState

use app::context::server::{ConnectionClient, ConnectionClients};
use providers::client::{Transport, TransportOptions};
use std::sync::Arc;

use crate::config::Config;
use crate::connections;

/// The running engine, for the connections that point at it: what its clients need.
#[derive(Clone)]
pub struct LocalEngine {
    /// Its dialects' keys.
    pub keys: Arc<engine_http::DialectKeys>,
}

/// Builds every connection's client. `lookup` reads an environment variable; `local` is the
/// embedded engine when it runs (its connections use its keys). A client that cannot be
/// built (a missing secret) is kept as its error, shown where the connection is used.
pub fn build_all(
    config: &Config,
    lookup: &impl Fn(&str) -> Option<String>,
    local: Option<&LocalEngine>,
) -> ConnectionClients {
    ConnectionClients::new(build_list(config, lookup, local, &shared_transport()))
}

/// One pooled transport for every client (the default timeout waits out SCF's 60 s).
pub fn shared_transport() -> Result<Transport, providers::ProviderError> {
    Transport::new(TransportOptions::default())
}

/// The file's connections' clients, in file order, over `transport`.
pub fn build_list(
    config: &Config,
    lookup: &impl Fn(&str) -> Option<String>,
    local: Option<&LocalEngine>,
    transport: &Result<Transport, providers::ProviderError>,
) -> Vec<ConnectionClient> {
    config
        .connections
        .iter()
        .zip(config.connection_summaries())
        .map(|(c, summary)| {
            let engine = local.filter(|_| summary.local);
            let client = match transport {
                Ok(transport) => {
                    connections::build(c, transport, lookup, engine.map(|e| e.keys.as_ref()))
                }
                Err(e) => Err(e.clone()),
            };
            if summary.local && engine.is_none() {
                tracing::warn!(connection = %summary.id, "the embedded engine is not running");
            }
            ConnectionClient { summary, client }
        })
        .collect()
}
