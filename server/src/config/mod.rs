//! `fnconsole.toml`: the server's configuration, with environment overrides.
//!
//! Read once at start-up. Anything wrong stops the start with a message naming the file (or
//! variable), the line and the problem: a console that starts on a half-read config would
//! show the wrong clouds.

mod connection;
mod error;
mod model;

pub use connection::{
    ConnectionConfig, EngineConnection, HuaweiConnection, HuaweiSecretVars, NcpConnection,
    OpenWhiskConnection, TencentConnection, huawei_region, is_connection_id, is_http_url,
};
pub use error::ConfigError;
pub use model::{AccessSection, Anonymous, Config, DatabaseUrl, EngineSection, ServerSection};

use std::path::{Path, PathBuf};

/// Names of the environment variables the configuration reads.
pub mod env {
    /// Path of the configuration file (default `fnconsole.toml` in the working directory).
    pub const CONFIG: &str = "FNCONSOLE_CONFIG";
    /// Overrides `[server] listen`.
    pub const LISTEN: &str = "FNCONSOLE_LISTEN";
    /// Overrides `[server] data_dir`.
    pub const DATA_DIR: &str = "FNCONSOLE_DATA_DIR";
    /// Overrides `[engine] listen` (connections that pointed at the engine follow it).
    pub const ENGINE_LISTEN: &str = "FNCONSOLE_ENGINE_LISTEN";
    /// Overrides `[server] database_url` (an empty value means SQLite in the data directory).
    pub const DATABASE_URL: &str = "FNCONSOLE_DATABASE_URL";
}

/// The file read when `FNCONSOLE_CONFIG` is not set.
pub const DEFAULT_FILE: &str = "fnconsole.toml";

/// Where the configuration came from, for the start-up log and `/readyz`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    /// No file: the built-in defaults.
    Defaults,
    /// This file.
    File(PathBuf),
}

impl Config {
    /// Loads the configuration the way the binary does: the file named by
    /// `FNCONSOLE_CONFIG` (which must exist), else `fnconsole.toml` if present, else the
    /// defaults; then the environment overrides. `lookup` reads an environment variable, so
    /// tests need not touch the process environment.
    pub fn load(lookup: impl Fn(&str) -> Option<String>) -> Result<(Config, Source), ConfigError> {
        let (mut config, source) = match lookup(env::CONFIG) {
            Some(path) => {
                let path = PathBuf::from(path);
                (Self::from_file(&path)?, Source::File(path))
            }
            None => {
                let path = PathBuf::from(DEFAULT_FILE);
                if path.exists() {
                    (Self::from_file(&path)?, Source::File(path))
                } else {
                    (Config::default(), Source::Defaults)
                }
            }
        };
        config.apply_env(&lookup)?;
        Ok((config, source))
    }

    /// Reads and validates one file.
    pub fn from_file(path: &Path) -> Result<Config, ConfigError> {
        let text = std::fs::read_to_string(path).map_err(|source| ConfigError::Read {
            path: path.to_path_buf(),
            source,
        })?;
        Self::from_toml(&text, path)
    }

    /// Parses and validates TOML text; `path` only names the file in errors.
    pub fn from_toml(text: &str, path: &Path) -> Result<Config, ConfigError> {
        let raw: model::RawConfig = toml::from_str(text).map_err(|e| {
            ConfigError::from_toml(path, text, &e, |at| model::entry_named_at(text, at))
        })?;
        raw.validate(path, text)
    }

    fn apply_env(&mut self, lookup: &impl Fn(&str) -> Option<String>) -> Result<(), ConfigError> {
        if let Some(value) = lookup(env::LISTEN) {
            self.server.listen = value.parse().map_err(|_| ConfigError::Env {
                var: env::LISTEN,
                value: value.clone(),
                expected: "a socket address such as 127.0.0.1:3000",
            })?;
        }
        if let Some(value) = lookup(env::ENGINE_LISTEN) {
            let listen: std::net::SocketAddr = value.parse().map_err(|_| ConfigError::Env {
                var: env::ENGINE_LISTEN,
                value: value.clone(),
                expected: "a socket address such as 127.0.0.1:3233",
            })?;
            for c in &mut self.connections {
                c.follow_engine(listen);
            }
            self.engine.listen = listen;
        }
        if let Some(value) = lookup(env::DATA_DIR) {
            if value.trim().is_empty() {
                return Err(ConfigError::Env {
                    var: env::DATA_DIR,
                    value,
                    expected: "a directory path",
                });
            }
            self.server.data_dir = PathBuf::from(value);
        }
        if let Some(value) = lookup(env::DATABASE_URL) {
            self.server.database_url = if value.trim().is_empty() {
                None
            } else {
                Some(DatabaseUrl(value))
            };
        }
        if let Some(DatabaseUrl(url)) = &self.server.database_url
            && !access::postgres::is_postgres_url(url)
        {
            return Err(ConfigError::DatabaseUrl);
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests;
