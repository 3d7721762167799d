//! Runs the embedded engine inside the server: its database in the data directory, demo data
//! on a fresh one, the asynchronous workers, and the dialects on their own listener.

use engine::{Engine, EngineOptions, Workers, demo};
use engine_http::DialectKeys;
use providers::sign::Secret;
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::config::EngineSection;

/// The file generated keys are kept in, inside the data directory.
pub const KEYS_FILE: &str = "engine-keys.toml";

/// Workers draining the asynchronous queue (its concurrency bound).
const WORKERS: usize = 8;

/// Why the engine could not start.
#[derive(Debug, thiserror::Error)]
pub enum EngineStartError {
    /// The database could not be opened.
    #[error("the engine's database {path} could not be opened: {message}")]
    Database {
        /// The file.
        path: String,
        /// Why.
        message: String,
    },
    /// The keys file could not be read or written.
    #[error("the engine's keys file {path}: {message}")]
    Keys {
        /// The file.
        path: String,
        /// Why.
        message: String,
    },
    /// The listen address could not be bound.
    #[error("the engine cannot listen on {addr}: {source}")]
    Bind {
        /// The address.
        addr: std::net::SocketAddr,
        /// Why.
        source: std::io::Error,
    },
}

/// Keys as kept in `engine-keys.toml`.
#[derive(Debug, Default, Serialize, Deserialize)]
struct StoredKeys {
    ncp_access_key: Option<String>,
    ncp_secret_key: Option<String>,
    openwhisk_auth: Option<String>,
    huawei_project_id: Option<String>,
    huawei_access_key: Option<String>,
    huawei_secret_key: Option<String>,
    tencent_secret_id: Option<String>,
    tencent_secret_key: Option<String>,
}

/// The dialects' keys: configured ones win; the rest are read from, or generated into,
/// `{data_dir}/engine-keys.toml`, written with mode 0600.
pub fn load_or_generate_keys(
    section: &EngineSection,
    data_dir: &Path,
) -> Result<DialectKeys, EngineStartError> {
    let path = data_dir.join(KEYS_FILE);
    let err = |message: String| EngineStartError::Keys {
        path: path.display().to_string(),
        message,
    };
    let mut stored: StoredKeys = match std::fs::read_to_string(&path) {
        Ok(text) => toml::from_str(&text).map_err(|e| err(e.to_string()))?,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => StoredKeys::default(),
        Err(e) => return Err(err(e.to_string())),
    };
    let before = toml::to_string(&stored).unwrap_or_default();
    let id = engine::new_id;
    let pick = |configured: &Option<String>,
                kept: &mut Option<String>,
                make: &dyn Fn() -> String|
     -> String {
        if let Some(c) = configured {
            return c.clone();
        }
        kept.get_or_insert_with(make).clone()
    };
    let keys = DialectKeys {
        namespace: section.namespace.clone(),
        ncp_access_key: pick(&section.ncp_access_key, &mut stored.ncp_access_key, &|| {
            format!("ncp{}", &id()[..17])
        }),
        ncp_secret_key: Secret::new(pick(
            &section.ncp_secret_key,
            &mut stored.ncp_secret_key,
            &|| id() + &id(),
        )),
        openwhisk_auth: Secret::new(pick(
            &section.openwhisk_auth,
            &mut stored.openwhisk_auth,
            &|| {
                let u = id();
                format!(
                    "{}-{}-{}-{}-{}:{}{}",
                    &u[0..8],
                    &u[8..12],
                    &u[12..16],
                    &u[16..20],
                    &u[20..32],
                    id(),
                    id()
                )
            },
        )),
        huawei_project_id: pick(
            &section.huawei_project_id,
            &mut stored.huawei_project_id,
            &id,
        ),
        huawei_access_key: pick(
            &section.huawei_access_key,
            &mut stored.huawei_access_key,
            &|| id()[..20].to_uppercase(),
        ),
        huawei_secret_key: Secret::new(pick(
            &section.huawei_secret_key,
            &mut stored.huawei_secret_key,
            &|| id() + &id()[..8],
        )),
        huawei_auth_token: section.huawei_auth_token.clone().map(Secret::new),
        tencent_secret_id: pick(
            &section.tencent_secret_id,
            &mut stored.tencent_secret_id,
            &|| format!("AKID{}", &id()[..32]),
        ),
        tencent_secret_key: Secret::new(pick(
            &section.tencent_secret_key,
            &mut stored.tencent_secret_key,
            &id,
        )),
        tencent_region: section
            .tencent_region
            .clone()
            .unwrap_or_else(|| "ap-guangzhou".into()),
    };
    let after = toml::to_string(&stored).map_err(|e| err(e.to_string()))?;
    if after != before {
        write_private(&path, &after).map_err(|e| err(e.to_string()))?;
    }
    Ok(keys)
}

/// Writes `text` to a file only its owner can read.
fn write_private(path: &Path, text: &str) -> std::io::Result<()> {
    use std::io::Write;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut file = options.open(path)?;
    file.write_all(
        b"# Keys of the embedded engine's dialects, generated on first start. Keep private.\n",
    )?;
    file.write_all(text.as_bytes())?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600))?;
    }
    Ok(())
}

/// The running engine.
pub struct EngineHost {
    /// The engine.
    pub engine: Arc<Engine>,
    /// Its keys.
    pub keys: Arc<DialectKeys>,
    workers: Workers,
    /// Where its listener listens.
    pub addr: std::net::SocketAddr,
    server: tokio::task::JoinHandle<()>,
}

impl EngineHost {
    /// Opens the engine in `data_dir`, seeds demo data on a fresh database, starts the workers
    /// and serves the dialects until `shutdown` resolves.
    pub async fn start(
        section: &EngineSection,
        data_dir: &Path,
        shutdown: impl std::future::Future<Output = ()> + Send + 'static,
    ) -> Result<Self, EngineStartError> {
        let keys = Arc::new(load_or_generate_keys(section, data_dir)?);
        let db: PathBuf = data_dir.join("engine.db");
        let options = EngineOptions {
            namespace: section.namespace.clone(),
            ..Default::default()
        };
        let engine = Engine::open(&db, options).map_err(|e| EngineStartError::Database {
            path: db.display().to_string(),
            message: e.to_string(),
        })?;
        let engine = Arc::new(engine);
        if demo::seed_if_empty(&engine).map_err(|e| EngineStartError::Database {
            path: db.display().to_string(),
            message: e.to_string(),
        })? {
            tracing::info!("the engine's demo actions were created");
        }
        let workers = Workers::start(engine.clone(), WORKERS);
        let listener = tokio::net::TcpListener::bind(section.listen)
            .await
            .map_err(|source| EngineStartError::Bind {
                addr: section.listen,
                source,
            })?;
        let addr = listener
            .local_addr()
            .map_err(|source| EngineStartError::Bind {
                addr: section.listen,
                source,
            })?;
        let app = engine_http::router(engine.clone(), keys.clone());
        let server = tokio::spawn(async move {
            if let Err(error) = axum::serve(listener, app)
                .with_graceful_shutdown(shutdown)
                .await
            {
                tracing::error!(%error, "the engine's listener stopped");
            }
        });
        tracing::info!("the embedded engine serves its dialects on http://{addr}");
        Ok(Self {
            engine,
            keys,
            workers,
            addr,
            server,
        })
    }

    /// Waits for the listener to stop, then lets running asynchronous invocations end.
    pub async fn stopped(self) {
        let _ = self.server.await;
        let workers = self.workers;
        let _ = tokio::task::spawn_blocking(move || workers.stop()).await;
    }
}
