//! What every handler can reach.

use app::context::server::{ConnectionClients, ConnectionDirectory};
use axum::extract::FromRef;
use leptos::prelude::LeptosOptions;
use std::sync::Arc;

use crate::clients::{self, LocalEngine};
use crate::config::Config;

/// The router's state: cheap to clone, shared by every request.
#[derive(Clone, FromRef)]
pub struct AppState {
    /// Leptos's rendering options (site root, output name, address).
    pub leptos_options: LeptosOptions,
    /// The validated configuration.
    pub config: Arc<Config>,
    /// The connections as the browser may see them, computed once.
    pub directory: ConnectionDirectory,
    /// Every connection's provider client, built once.
    pub clients: ConnectionClients,
}

impl AppState {
    /// Builds the state from a loaded configuration, with no embedded engine running (its
    /// connections then answer that it is not running). Secrets are read from the process
    /// environment.
    pub fn new(config: Config, leptos_options: LeptosOptions) -> Self {
        Self::with_engine(config, leptos_options, None)
    }

    /// As [`new`](Self::new), with the running embedded engine for its connections.
    pub fn with_engine(
        config: Config,
        leptos_options: LeptosOptions,
        engine: Option<&LocalEngine>,
    ) -> Self {
        let directory = ConnectionDirectory(Arc::new(config.connection_summaries()));
        let clients = clients::build_all(&config, &|key| std::env::var(key).ok(), engine);
        Self {
            leptos_options,
            config: Arc::new(config),
            directory,
            clients,
        }
    }
}
