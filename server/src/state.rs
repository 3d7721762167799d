//! What every handler can reach.

use app::context::server::ConnectionDirectory;
use axum::extract::FromRef;
use leptos::prelude::LeptosOptions;
use std::sync::Arc;

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
}

impl AppState {
    /// Builds the state from a loaded configuration.
    pub fn new(config: Config, leptos_options: LeptosOptions) -> Self {
        let directory = ConnectionDirectory(Arc::new(config.connection_summaries()));
        Self {
            leptos_options,
            config: Arc::new(config),
            directory,
        }
    }
}
