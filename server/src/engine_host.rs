//! Runs the embedded engine inside the server: its database in the data directory, demo data
//! on a fresh one, the asynchronous workers, and the dialects on their own listener.

use engine::{Engine, EngineOptions, Workers, demo};
use engine_http::{DialectKeys, HuaweiKeys, NcpKeys, OpenWhiskKeys, TencentKeys};
use providers::sign::Secret;
use std::collections::BTreeMap;
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

/// `engine-keys.toml`: the generated keys, under their `[engine]` names. Not `Debug`-printed
/// anywhere, so no log shows them.
type KeptKeys = BTreeMap<String, String>;

/// A configured key wins; else the one kept; else `make` makes one, and it is kept.
fn pick(
    kept: &mut KeptKeys,
    name: &str,
    configured: &Option<String>,
    make: impl FnOnce() -> String,
) -> String {
    match configured {
        Some(key) => key.clone(),
        None => kept.entry(name.to_string()).or_insert_with(make).clone(),
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
    let mut kept: KeptKeys = match std::fs::read_to_string(&path) {
        Ok(text) => toml::from_str(&text).map_err(|e| err(e.to_string()))?,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => KeptKeys::new(),
        Err(e) => return Err(err(e.to_string())),
    };
    // A hand edit that empties a key: an empty secret would let anyone sign.
    if let Some(name) = kept
        .iter()
        .find_map(|(k, v)| v.trim().is_empty().then_some(k))
    {
        return Err(err(format!(
            "`{name}` is empty; remove the line to have a new one generated"
        )));
    }
    let before = kept.clone();
    let keys = generate_missing(section, &mut kept);
    if kept != before {
        let text = toml::to_string(&kept).map_err(|e| err(e.to_string()))?;
        let text = format!(
            "# Keys of the embedded engine's dialects, generated on first start. Keep private.\n{text}"
        );
        private_files::write_private_atomically(&path, text.as_bytes())
            .map_err(|e| err(e.to_string()))?;
    }
    Ok(keys)
}

/// Every dialect's keys from `section`, generating into `kept` those neither configured nor
/// kept. The one place keys are made; the token and the region are never generated.
fn generate_missing(section: &EngineSection, kept: &mut KeptKeys) -> DialectKeys {
    let id = engine::new_id;
    let uuid_key = || {
        let u = id();
        let (a, b, c, d, e) = (&u[0..8], &u[8..12], &u[12..16], &u[16..20], &u[20..32]);
        format!("{a}-{b}-{c}-{d}-{e}:{}{}", id(), id())
    };
    let s = section;
    DialectKeys {
        namespace: s.namespace.clone(),
        ncp: NcpKeys {
            access_key: pick(kept, "ncp_access_key", &s.ncp_access_key, || {
                format!("ncp{}", &id()[..17])
            }),
            secret_key: Secret::new(pick(kept, "ncp_secret_key", &s.ncp_secret_key, || {
                id() + &id()
            })),
        },
        openwhisk: OpenWhiskKeys {
            auth: Secret::new(pick(kept, "openwhisk_auth", &s.openwhisk_auth, uuid_key)),
        },
        huawei: HuaweiKeys {
            project_id: pick(kept, "huawei_project_id", &s.huawei_project_id, id),
            access_key: pick(kept, "huawei_access_key", &s.huawei_access_key, || {
                id()[..20].to_uppercase()
            }),
            secret_key: Secret::new(pick(
                kept,
                "huawei_secret_key",
                &s.huawei_secret_key,
                || id() + &id()[..8],
            )),
            auth_token: s.huawei_auth_token.clone().map(Secret::new),
        },
        tencent: TencentKeys {
            secret_id: pick(kept, "tencent_secret_id", &s.tencent_secret_id, || {
                format!("AKID{}", &id()[..32])
            }),
            secret_key: Secret::new(pick(kept, "tencent_secret_key", &s.tencent_secret_key, id)),
            region: s
                .tencent_region
                .clone()
                .unwrap_or_else(|| "ap-guangzhou".into()),
        },
    }
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
            // Before the workers start: they run these for real (one is discarded).
            if section.demo_runs {
                demo::first_runs(&engine).map_err(|e| EngineStartError::Database {
                    path: db.display().to_string(),
                    message: e.to_string(),
                })?;
            }
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
        // Public web actions make this listener reachable without credentials: it gets the
        // head deadline and the connection bound.
        let server = tokio::spawn(crate::serve::serve(
            listener,
            app,
            shutdown,
            crate::serve::Limits::default(),
        ));
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
            (again.ncp, again.tencent, again.huawei),
            (first.ncp, first.tencent, first.huawei)
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
        assert_eq!(again.tencent, first.tencent);
        assert!(
            log.contains("WARN") && log.contains(&path.display().to_string()),
            "{log}"
        );
    }

    #[test]
    fn keys_are_kept_under_their_engine_names_and_configured_ones_are_not_kept() {
        let dir = tempfile::tempdir().unwrap();
        let section = EngineSection {
            ncp_secret_key: Some("configured-secret".into()),
            tencent_region: Some("ap-seoul".into()),
            ..EngineSection::default()
        };
        let keys = load_or_generate_keys(&section, dir.path()).unwrap();
        assert_eq!(keys.ncp.secret_key.expose(), "configured-secret");
        assert_eq!(keys.tencent.region, "ap-seoul");
        assert_eq!(keys.huawei.auth_token, None, "a token is never generated");
        let text = std::fs::read_to_string(dir.path().join(KEYS_FILE)).unwrap();
        let kept: KeptKeys = toml::from_str(&text).unwrap();
        let names: Vec<&str> = kept.keys().map(String::as_str).collect();
        assert_eq!(
            names,
            [
                "huawei_access_key",
                "huawei_project_id",
                "huawei_secret_key",
                "ncp_access_key",
                "openwhisk_auth",
                "tencent_secret_id",
                "tencent_secret_key"
            ]
        );
        assert_eq!(kept["ncp_access_key"], keys.ncp.access_key);
        assert_eq!(kept["openwhisk_auth"], keys.openwhisk.auth.expose());
        assert_eq!(kept["huawei_project_id"], keys.huawei.project_id);
    }

    #[test]
    fn a_keys_file_written_before_is_read_as_it_is_and_left_alone() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(KEYS_FILE);
        let text = "# Keys of the embedded engine's dialects, generated on first start. Keep private.\n\
            ncp_access_key = \"nak\"\nncp_secret_key = \"nsk\"\nopenwhisk_auth = \"u:k\"\n\
            huawei_project_id = \"hp\"\nhuawei_access_key = \"hak\"\nhuawei_secret_key = \"hsk\"\n\
            tencent_secret_id = \"tid\"\ntencent_secret_key = \"tsk\"\n";
        std::fs::write(&path, text).unwrap();
        let keys = load_or_generate_keys(&EngineSection::default(), dir.path()).unwrap();
        assert_eq!(
            (
                keys.ncp.access_key.as_str(),
                keys.ncp.secret_key.expose(),
                keys.openwhisk.auth.expose(),
                keys.huawei.project_id.as_str(),
                keys.huawei.access_key.as_str(),
                keys.huawei.secret_key.expose(),
                keys.tencent.secret_id.as_str(),
                keys.tencent.secret_key.expose(),
            ),
            ("nak", "nsk", "u:k", "hp", "hak", "hsk", "tid", "tsk")
        );
        assert_eq!(
            std::fs::read_to_string(&path).unwrap(),
            text,
            "not rewritten"
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
