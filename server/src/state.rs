//! What every handler can reach.

use axum::extract::FromRef;
use leptos::prelude::LeptosOptions;
use std::sync::Arc;

use crate::clients::LocalEngine;
use crate::config::Config;
use crate::ui_connections::LiveConnections;

/// The router's state: cheap to clone, shared by every request.
#[derive(Clone, FromRef)]
pub struct AppState {
    /// Leptos's rendering options (site root, output name, address).
    pub leptos_options: LeptosOptions,
    /// The validated configuration.
    pub config: Arc<Config>,
    /// The connections (the file's and the UI's) and their clients, swapped whole when an
    /// admin changes one.
    pub connections: Arc<LiveConnections>,
    /// The console's own state: accounts, sessions, tokens, audit log, UI-added connections.
    pub store: access::Store,
    /// The secret key sessions and stored connection secrets are derived from.
    pub key: Arc<access::key::SecretKey>,
    /// The session cookie's key, derived from `key`.
    pub cookie_key: cookie::Key,
    /// The time sessions and sign-in limits are measured by.
    pub clock: crate::clock::Clock,
    /// Failed sign-ins per account and per address.
    pub limiter: Arc<access::rate_limit::RateLimiter>,
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
        let env = Arc::new(|key: &str| std::env::var(key).ok());
        Self::with_lookup(config, leptos_options, engine, env)
    }

    /// As [`with_engine`](Self::with_engine), the file's secrets read by `lookup` instead of
    /// from the process environment (tests inject theirs).
    pub fn with_lookup(
        config: Config,
        leptos_options: LeptosOptions,
        engine: Option<&LocalEngine>,
        lookup: crate::ui_connections::Lookup,
    ) -> Self {
        let config = Arc::new(config);
        let connections = LiveConnections::new(config.clone(), lookup, engine.cloned());
        let key = Self::fresh_key();
        Self {
            leptos_options,
            config,
            connections: Arc::new(connections),
            store: Self::private_store(),
            cookie_key: crate::session_cookie::key(&key),
            key: Arc::new(key),
            clock: crate::clock::Clock::system(),
            limiter: Arc::new(access::rate_limit::RateLimiter::default()),
        }
    }

    /// The state with the data directory's (or `FNCONSOLE_SECRET_KEY`'s) secret key instead
    /// of the random one a new state starts with.
    pub fn with_key(mut self, key: access::key::SecretKey) -> Self {
        self.cookie_key = crate::session_cookie::key(&key);
        self.key = Arc::new(key);
        self
    }

    /// The state measuring time by `clock` (tests).
    pub fn with_clock(mut self, clock: crate::clock::Clock) -> Self {
        self.clock = clock;
        self
    }

    /// The state counting failed sign-ins with `limits` (tests).
    pub fn with_limits(mut self, limits: access::rate_limit::Limits) -> Self {
        self.limiter = Arc::new(access::rate_limit::RateLimiter::new(limits));
        self
    }

    /// Seals and opens the UI's connection secrets (key derived from [`key`](Self::key)).
    pub fn sealer(&self) -> access::connections::Sealer {
        access::connections::Sealer::new(&self.key)
    }

    /// Loads the connections added in the UI from the store (at start, after
    /// [`with_store`](Self::with_store) and [`with_key`](Self::with_key)).
    pub async fn load_ui_connections(&self) -> Result<(), String> {
        self.connections.reload(&self.store, &self.sealer()).await
    }

    fn fresh_key() -> access::key::SecretKey {
        match access::key::SecretKey::generate() {
            Ok(key) => key,
            // No random source: nothing secret can be made; refusing to start is right.
            Err(error) => panic!("no random source for a secret key: {error}"),
        }
    }

    /// The state with `store` (the data directory's `access.db`, opened by [`crate::run`])
    /// instead of the private in-memory one a new state starts with.
    pub fn with_store(mut self, store: access::Store) -> Self {
        self.store = store;
        self
    }

    /// A real SQLite store in memory: what a state built for a test uses until
    /// [`with_store`](Self::with_store) gives it the data directory's.
    fn private_store() -> access::Store {
        match access::sqlite::SqliteStore::in_memory() {
            Ok(store) => access::Store(Arc::new(store)),
            // Opening an in-memory database only allocates; it fails when memory does.
            Err(error) => panic!("cannot open an in-memory SQLite database: {error}"),
        }
    }
}
