//! The fnconsole server: configuration, wiring, the axum router and the site.
//!
//! `main.rs` is a thin shell over [`run`]; tests build the router with [`router::router`] and
//! drive it with `oneshot`, with no socket.
#![warn(missing_docs, unreachable_pub)]

pub mod access_layer;
pub mod access_store;
pub mod assets;
pub mod audit_layer;
pub mod backup;
pub mod cache;
pub mod clients;
pub mod clock;
pub mod config;
pub mod connections;
pub mod engine_host;
pub mod first_start;
pub mod fn_status;
pub mod health;
pub mod private_files;
pub mod router;
pub mod same_origin;
pub mod secret_key;
pub mod security_headers;
pub mod serve;
pub mod session_cookie;
pub mod shutdown;
pub mod sign_in;
pub mod site;
pub mod state;
pub mod telemetry;
pub mod ui_connections;

use std::io;

pub use state::AppState;

/// Why the server stopped before or while serving.
#[derive(Debug, thiserror::Error)]
pub enum ServeError {
    /// The configuration is unusable.
    #[error("{0}")]
    Config(#[from] config::ConfigError),
    /// The data directory cannot be created.
    #[error("cannot create the data directory {path}: {source}")]
    DataDir {
        /// The directory.
        path: String,
        /// Why.
        source: io::Error,
    },
    /// The listen address cannot be bound.
    #[error("cannot listen on {addr}: {source}")]
    Bind {
        /// The address.
        addr: std::net::SocketAddr,
        /// Why (in use, not permitted…).
        source: io::Error,
    },
    /// The embedded engine could not start.
    #[error("{0}")]
    Engine(#[from] engine_host::EngineStartError),
    /// The console's own database cannot be opened.
    #[error("{0}")]
    Store(String),
    /// The server failed while running.
    #[error("the server stopped with an error: {0}")]
    Serve(io::Error),
}

/// The configuration from the process environment, with its data directory made.
fn prepare() -> Result<config::Config, ServeError> {
    let (config, source) = config::Config::load(|key| std::env::var(key).ok())?;
    match &source {
        config::Source::Defaults => tracing::info!("no configuration file: using the defaults"),
        config::Source::File(path) => {
            tracing::info!(path = %path.display(), "configuration loaded")
        }
    }
    // 0700: it holds the engine's keys and database.
    private_files::create_private_dir(&config.server.data_dir).map_err(|source| {
        ServeError::DataDir {
            path: config.server.data_dir.display().to_string(),
            source,
        }
    })?;
    Ok(config)
}

/// Runs the embedded engine alone (`fnconsole engine`): its dialects on `[engine] listen`,
/// for the providers' own CLIs and SDKs, until SIGTERM or Ctrl-C. The `[engine]` section
/// applies whether or not `enabled` is set: asking for the engine is enabling it.
pub async fn run_engine() -> Result<(), ServeError> {
    let config = prepare()?;
    let (stop_tx, stop_rx) = tokio::sync::watch::channel(false);
    let stopped = async move {
        let mut rx = stop_rx;
        let _ = rx.wait_for(|stop| *stop).await;
    };
    let engine =
        engine_host::EngineHost::start(&config.engine, &config.server.data_dir, stopped).await?;
    println!(
        "fnconsole engine is running at http://{} (namespace {}, data in {})",
        engine.addr,
        config.engine.namespace,
        config.server.data_dir.display()
    );
    shutdown::signal().await;
    let _ = stop_tx.send(true);
    engine.stopped().await;
    tracing::info!("the engine stopped");
    Ok(())
}

/// Loads the configuration from the process environment, binds, and serves until SIGTERM or
/// Ctrl-C, finishing requests in flight before returning.
pub async fn run() -> Result<(), ServeError> {
    let config = prepare()?;

    // One signal stops both listeners.
    let (stop_tx, stop_rx) = tokio::sync::watch::channel(false);
    let stopped = move || {
        let mut rx = stop_rx.clone();
        async move {
            let _ = rx.wait_for(|stop| *stop).await;
        }
    };
    let engine = if config.engine.enabled {
        Some(
            engine_host::EngineHost::start(&config.engine, &config.server.data_dir, stopped())
                .await?,
        )
    } else {
        None
    };

    let addr = config.server.listen;
    let local = engine.as_ref().map(|e| clients::LocalEngine {
        keys: e.keys.clone(),
    });
    let store = access_store::open_configured(&config.server, config.engine.durability).await?;
    let key = secret_key::load(
        &config.server.data_dir,
        std::env::var(secret_key::ENV).ok().as_deref(),
    )
    .map_err(ServeError::Store)?;
    let state = AppState::with_engine(config, site::options(addr), local.as_ref())
        .with_store(store)
        .with_key(key);
    state
        .load_ui_connections()
        .await
        .map_err(ServeError::Store)?;
    let first = first_start::prepare(&state, |key| std::env::var(key).ok())
        .await
        .map_err(ServeError::Store)?;
    access_store::follow_other_replicas(state.clone());
    let app = router::router(state);

    let listener = tokio::net::TcpListener::bind(addr)
        .await
        .map_err(|source| ServeError::Bind { addr, source })?;
    let local = listener.local_addr().map_err(ServeError::Serve)?;
    tracing::info!("fnconsole is listening on http://{local}");
    println!("fnconsole is running at http://{local}");
    match first {
        first_start::FirstStart::SetupToken(token) => {
            // Only here and in the log: whoever reads it can create the first admin.
            let link = format!("http://{local}/setup?token={token}");
            tracing::info!("no account yet: open {link} to create the first admin");
            println!("open {link} to create the first admin");
        }
        first_start::FirstStart::AdminCreated(name) => {
            tracing::info!(account = %name, "created the first admin from the environment");
        }
        first_start::FirstStart::SetUp => {}
    }

    tokio::spawn(async move {
        shutdown::signal().await;
        let _ = stop_tx.send(true);
    });
    serve::serve(listener, app, stopped(), serve::Limits::default()).await;
    if let Some(engine) = engine {
        engine.stopped().await;
    }
    tracing::info!("fnconsole stopped");
    Ok(())
}
