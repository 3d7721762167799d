//! Runs the embedded engine inside the server: its database in the data directory, demo data
//! on a fresh one, the asynchronous workers, and the dialects on their own listener.

use engine::{Engine, EngineOptions, Workers, demo};
use engine_http::DialectKeys;
use providers::sign::Secret;
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::config::EngineSection;
use crate::private_files;

/// The file generated keys are kept in, inside the data directory.
pub const KEYS_FILE: &str = "engine-keys.toml";

/// The engine's database, inside the data directory.
pub const DATABASE_FILE: &str = "engine.db";

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

/// Keys as kept in `engine-keys.toml`: no `Debug`, so no log can print them.
#[derive(Default, Serialize, Deserialize)]
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

impl StoredKeys {
    /// The first key kept empty (a hand edit): an empty secret would let anyone sign.
    fn empty(&self) -> Option<&'static str> {
        [
            ("ncp_access_key", &self.ncp_access_key),
            ("ncp_secret_key", &self.ncp_secret_key),
            ("openwhisk_auth", &self.openwhisk_auth),
            ("huawei_project_id", &self.huawei_project_id),
            ("huawei_access_key", &self.huawei_access_key),
            ("huawei_secret_key", &self.huawei_secret_key),
            ("tencent_secret_id", &self.tencent_secret_id),
            ("tencent_secret_key", &self.tencent_secret_key),
        ]
        .into_iter()
        .find_map(|(name, v)| {
            v.as_deref()
                .is_some_and(|v| v.trim().is_empty())
                .then_some(name)
        })
    }
}

/// The dialects' keys: configured ones win; the rest are read from, or generated into,
/// `{data_dir}/engine-keys.toml`, kept with mode 0600 (an existing file with looser
/// permissions is corrected, with a warning) and replaced atomically when it changes.
pub fn load_or_generate_keys(
    section: &EngineSection,
    data_dir: &Path,
) -> Result<DialectKeys, EngineStartError> {
    let path = data_dir.join(KEYS_FILE);
    let err = |message: String| EngineStartError::Keys {
        path: path.display().to_string(),
        message,
    };
    private_files::restrict_if_exists(&path).map_err(|e| err(e.to_string()))?;
    let mut stored: StoredKeys = match std::fs::read_to_string(&path) {
        Ok(text) => toml::from_str(&text).map_err(|e| err(e.to_string()))?,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => StoredKeys::default(),
        Err(e) => return Err(err(e.to_string())),
    };
    if let Some(name) = stored.empty() {
        return Err(err(format!(
            "`{name}` is empty; remove the line to have a new one generated"
        )));
    }
    let before = toml::to_string(&stored).map_err(|e| err(e.to_string()))?;
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
        let text = format!(
            "# Keys of the embedded engine's dialects, generated on first start. Keep private.\n{after}"
        );
        private_files::write_private_atomically(&path, text.as_bytes())
            .map_err(|e| err(e.to_string()))?;
    }
    Ok(keys)
}

/// Opens the engine's database in `data_dir`, private: the file is created 0600 before
/// SQLite opens it (SQLite gives its `-wal` and `-shm` files the database's mode), and an
/// existing one, or its `-wal` and `-shm`, with looser permissions is corrected with a
/// warning.
pub fn open_database(data_dir: &Path, options: EngineOptions) -> Result<Engine, EngineStartError> {
    let db: PathBuf = data_dir.join(DATABASE_FILE);
    let failed = |message: String| EngineStartError::Database {
        path: db.display().to_string(),
        message,
    };
    private_files::ensure_private_file(&db).map_err(|e| failed(e.to_string()))?;
    for suffix in ["-wal", "-shm"] {
        let companion = data_dir.join(format!("{DATABASE_FILE}{suffix}"));
        private_files::restrict_if_exists(&companion).map_err(|e| failed(e.to_string()))?;
    }
    Engine::open(&db, options).map_err(|e| failed(e.to_string()))
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
        let db: PathBuf = data_dir.join(DATABASE_FILE);
        let engine = Arc::new(open_database(data_dir, section.engine_options())?);
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

#[cfg(all(test, unix))]
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt;
    use std::sync::Mutex;

    fn mode(path: &Path) -> u32 {
        std::fs::metadata(path).unwrap().permissions().mode() & 0o777
    }

    fn loosen(path: &Path) {
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o644)).unwrap();
    }

    /// What `f` logged, as text.
    fn logged<T>(f: impl FnOnce() -> T) -> (T, String) {
        #[derive(Clone, Default)]
        struct Buffer(Arc<Mutex<Vec<u8>>>);
        impl std::io::Write for Buffer {
            fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
                self.0
                    .lock()
                    .unwrap_or_else(|p| p.into_inner())
                    .extend_from_slice(bytes);
                Ok(bytes.len())
            }
            fn flush(&mut self) -> std::io::Result<()> {
                Ok(())
            }
        }
        let buffer = Buffer::default();
        let writer = buffer.clone();
        let subscriber = tracing_subscriber::fmt()
            .with_writer(move || writer.clone())
            .with_ansi(false)
            .finish();
        let out = tracing::subscriber::with_default(subscriber, f);
        let text = String::from_utf8_lossy(&buffer.0.lock().unwrap()).into_owned();
        (out, text)
    }

    fn files_in(dir: &Path) -> Vec<String> {
        let mut names: Vec<_> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    }

    #[test]
    fn generated_keys_are_kept_0600_and_read_back_the_same() {
        let dir = tempfile::tempdir().unwrap();
        let section = EngineSection::default();
        let first = load_or_generate_keys(&section, dir.path()).unwrap();
        let path = dir.path().join(KEYS_FILE);
        assert_eq!(mode(&path), 0o600);
        assert_eq!(
            files_in(dir.path()),
            [KEYS_FILE],
            "no temporary file is left"
        );
        let again = load_or_generate_keys(&section, dir.path()).unwrap();
        assert_eq!(
            (again.ncp_access_key, again.ncp_secret_key),
            (first.ncp_access_key, first.ncp_secret_key)
        );
    }

    #[test]
    fn a_keys_file_open_to_others_is_corrected_with_a_warning_naming_it() {
        let dir = tempfile::tempdir().unwrap();
        let section = EngineSection::default();
        let first = load_or_generate_keys(&section, dir.path()).unwrap();
        let path = dir.path().join(KEYS_FILE);
        loosen(&path);
        let (again, log) = logged(|| load_or_generate_keys(&section, dir.path()).unwrap());
        assert_eq!(mode(&path), 0o600);
        assert_eq!(again.tencent_secret_key, first.tencent_secret_key);
        assert!(
            log.contains("WARN") && log.contains(&path.display().to_string()),
            "{log}"
        );
    }

    #[test]
    fn an_empty_kept_key_is_refused_with_its_name() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(KEYS_FILE);
        std::fs::write(&path, "ncp_access_key = \"ak\"\nncp_secret_key = \"\"\n").unwrap();
        let error = load_or_generate_keys(&EngineSection::default(), dir.path())
            .unwrap_err()
            .to_string();
        assert_eq!(
            error,
            format!(
                "the engine's keys file {}: `ncp_secret_key` is empty; remove the line to have a new one generated",
                path.display()
            )
        );
    }

    #[test]
    fn the_database_and_its_wal_and_shm_are_0600_from_the_start() {
        let dir = tempfile::tempdir().unwrap();
        let engine = open_database(dir.path(), EngineOptions::default()).unwrap();
        engine
            .put_package(
                "p",
                Some("a write, so the WAL has something"),
                &Default::default(),
            )
            .unwrap();
        let db = dir.path().join(DATABASE_FILE);
        let wal = dir.path().join("engine.db-wal");
        let shm = dir.path().join("engine.db-shm");
        assert!(wal.exists() && shm.exists(), "{:?}", files_in(dir.path()));
        assert_eq!((mode(&db), mode(&wal), mode(&shm)), (0o600, 0o600, 0o600));
    }

    #[test]
    fn an_existing_database_open_to_others_is_corrected() {
        let dir = tempfile::tempdir().unwrap();
        let engine = open_database(dir.path(), EngineOptions::default()).unwrap();
        engine
            .put_package("kept", None, &Default::default())
            .unwrap();
        drop(engine);
        let present: Vec<PathBuf> = ["engine.db", "engine.db-wal", "engine.db-shm"]
            .iter()
            .map(|n| dir.path().join(n))
            .filter(|p| p.exists())
            .collect();
        present.iter().for_each(|p| loosen(p));
        let (engine, log) = logged(|| open_database(dir.path(), EngineOptions::default()).unwrap());
        for path in &present {
            assert_eq!(mode(path), 0o600, "{}", path.display());
            assert!(log.contains(&path.display().to_string()), "{log}");
        }
        assert!(engine.package("kept").is_ok(), "the data is still there");
    }
}
