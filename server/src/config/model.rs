//! The shape of `fnconsole.toml` and its checks.

use providers::{ConnectionSummary, ProviderKind};
use serde::Deserialize;
use std::collections::HashSet;
use std::net::SocketAddr;
use std::num::{NonZeroU64, NonZeroUsize};
use std::path::{Path, PathBuf};
use toml::Spanned;

use super::ConfigError;
use super::connection::{ConnectionConfig, EngineConnection};

/// The validated configuration.
#[derive(Debug, Clone, PartialEq)]
pub struct Config {
    /// `[server]`.
    pub server: ServerSection,
    /// `[engine]`.
    pub engine: EngineSection,
    /// `[access]`.
    pub access: AccessSection,
    /// `[[connections]]`, in file order.
    pub connections: Vec<ConnectionConfig>,
}

/// `[server]`: where the console listens and keeps its state.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ServerSection {
    /// Address of the console's HTTP listener.
    pub listen: SocketAddr,
    /// Directory for the console's and the engine's state (created if missing).
    pub data_dir: PathBuf,
    /// Whether the console is reached only through a reverse proxy that sets
    /// `X-Forwarded-For`: the audit log then records that header's first address instead of
    /// the proxy's. Off by default (anyone can write the header).
    pub behind_proxy: bool,
    /// A PostgreSQL database (`postgres://user:password@host:port/db`) for the console's own
    /// state instead of `access.db` in the data directory: several replicas naming the same
    /// one share accounts, sessions, the audit log and the UI's connections. Overridden by
    /// `FNCONSOLE_DATABASE_URL`.
    pub database_url: Option<DatabaseUrl>,
}

/// A database URL. It may hold a password, so `Debug` shows only that it is set.
#[derive(Clone, PartialEq, Eq, Deserialize)]
#[serde(transparent)]
pub struct DatabaseUrl(pub String);

impl std::fmt::Debug for DatabaseUrl {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("DatabaseUrl(set)")
    }
}

impl Default for ServerSection {
    fn default() -> Self {
        Self {
            listen: SocketAddr::from(([127, 0, 0, 1], 3000)),
            data_dir: PathBuf::from("data"),
            behind_proxy: false,
            database_url: None,
        }
    }
}

/// `[access]`: who may use the console without signing in, and how long a sign-in lasts.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct AccessSection {
    /// The role of a visitor who has not signed in: none (sign-in needed, the default) or
    /// `"viewer"` (read-only without an account). No other role can be given away.
    pub anonymous: Option<Anonymous>,
    /// A session with no request for this long ends (default 120 minutes).
    pub idle_minutes: NonZeroU64,
    /// A session ends this long after sign-in, however busy (default 24 hours).
    pub absolute_hours: NonZeroU64,
}

/// The only role an anonymous visitor may have.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Anonymous {
    /// Read-only.
    Viewer,
}

impl Default for AccessSection {
    fn default() -> Self {
        Self {
            anonymous: None,
            idle_minutes: NonZeroU64::new(120).unwrap_or(NonZeroU64::MIN),
            absolute_hours: NonZeroU64::new(24).unwrap_or(NonZeroU64::MIN),
        }
    }
}

impl AccessSection {
    /// The sessions' lifetimes in the store's milliseconds.
    pub fn session_policy(&self) -> access::sessions::SessionPolicy {
        let ms = |n: u64, unit: u64| i64::try_from(n.saturating_mul(unit)).unwrap_or(i64::MAX);
        access::sessions::SessionPolicy {
            idle_ms: ms(self.idle_minutes.get(), 60_000),
            absolute_ms: ms(self.absolute_hours.get(), 3_600_000),
        }
    }
}

/// `[engine]`: the embedded local engine.
#[derive(Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct EngineSection {
    /// Whether the engine runs inside the console.
    pub enabled: bool,
    /// Address of the engine's HTTP listener, which serves every provider dialect.
    pub listen: SocketAddr,
    /// Namespace of the engine's activations.
    pub namespace: String,
    /// The dialects' keys. Each one not given is generated on first start and kept in
    /// `{data_dir}/engine-keys.toml` (mode 0600).
    pub ncp_access_key: Option<String>,
    /// NCP secret key.
    pub ncp_secret_key: Option<String>,
    /// OpenWhisk `uuid:key`.
    pub openwhisk_auth: Option<String>,
    /// FunctionGraph project id.
    pub huawei_project_id: Option<String>,
    /// FunctionGraph access key.
    pub huawei_access_key: Option<String>,
    /// FunctionGraph secret key.
    pub huawei_secret_key: Option<String>,
    /// An IAM token FunctionGraph requests may present in `X-Auth-Token` instead of an
    /// AK/SK signature. Never generated: token authentication is off unless configured.
    pub huawei_auth_token: Option<String>,
    /// SCF secret id.
    pub tencent_secret_id: Option<String>,
    /// SCF secret key.
    pub tencent_secret_key: Option<String>,
    /// SCF region.
    pub tencent_region: Option<String>,
    /// What a committed write survives: `normal` (a process crash) or `full` (also a power
    /// loss; slower).
    pub durability: engine::Durability,
    /// Most invocations running at once (429 past it).
    pub max_concurrent: NonZeroUsize,
    /// Most public web-action invocations running at once.
    pub max_concurrent_web: NonZeroUsize,
    /// The running actions' memory limits add up to at most this, MB.
    pub memory_budget_mb: NonZeroU64,
    /// Most asynchronous invocations waiting in the queue.
    pub max_queued: NonZeroUsize,
    /// Warm runtimes each worker process keeps (one per action version it ran; the least
    /// recently used goes first); 0: every invocation starts a fresh runtime.
    pub warm_runtimes: usize,
    /// The bytes each worker's warm runtimes may hold together, MB.
    pub warm_memory_mb: u64,
    /// Whether a fresh data directory's demo package is also run a few times at the first
    /// start (successes, failures, queued runs), so every page has history to show.
    pub demo_runs: bool,
}

impl EngineSection {
    /// The engine's options for this section.
    pub fn engine_options(&self) -> engine::EngineOptions {
        engine::EngineOptions {
            namespace: self.namespace.clone(),
            durability: self.durability,
            max_concurrent: self.max_concurrent.get(),
            max_concurrent_web: self.max_concurrent_web.get(),
            memory_budget_mb: self.memory_budget_mb.get(),
            max_queued: self.max_queued.get(),
            worker: engine::worker::WorkerOptions {
                warm: engine::worker::WarmLimits {
                    runtimes: self.warm_runtimes,
                    bytes: self.warm_memory_mb.saturating_mul(1024 * 1024),
                },
                ..engine::worker::WorkerOptions::default()
            },
            ..engine::EngineOptions::default()
        }
    }
}

impl std::fmt::Debug for EngineSection {
    // Keys never reach a log: only whether each is configured.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EngineSection")
            .field("enabled", &self.enabled)
            .field("listen", &self.listen)
            .field("namespace", &self.namespace)
            .field("keys_configured", &self.ncp_secret_key.is_some())
            .finish_non_exhaustive()
    }
}

impl EngineSection {
    /// The names of `[engine]`'s text settings (keys, namespace, region: none may be empty),
    /// in the file's order, for tests that go over every one.
    pub fn text_setting_names() -> [&'static str; 11] {
        Self::default().texts().map(|(name, _)| name)
    }

    /// Each text setting by its name in the file, for the checks.
    fn texts(&self) -> [(&'static str, Option<&str>); 11] {
        [
            ("namespace", Some(self.namespace.as_str())),
            ("ncp_access_key", self.ncp_access_key.as_deref()),
            ("ncp_secret_key", self.ncp_secret_key.as_deref()),
            ("openwhisk_auth", self.openwhisk_auth.as_deref()),
            ("huawei_project_id", self.huawei_project_id.as_deref()),
            ("huawei_access_key", self.huawei_access_key.as_deref()),
            ("huawei_secret_key", self.huawei_secret_key.as_deref()),
            ("huawei_auth_token", self.huawei_auth_token.as_deref()),
            ("tencent_secret_id", self.tencent_secret_id.as_deref()),
            ("tencent_secret_key", self.tencent_secret_key.as_deref()),
            ("tencent_region", self.tencent_region.as_deref()),
        ]
    }

    /// The rules of `[engine]`: no setting empty (an empty key would let anyone sign, an
    /// empty `huawei_auth_token` would accept an empty `X-Auth-Token`), and OpenWhisk's
    /// `uuid:key` in two parts. Answers the setting at fault and what is wrong.
    fn check(&self) -> Result<(), (&'static str, String)> {
        for (name, value) in self.texts() {
            if value.is_some_and(|v| v.trim().is_empty()) {
                let remedy = match name {
                    "huawei_auth_token" => {
                        "give the IAM token, or remove the line to turn token authentication off"
                    }
                    "namespace" | "tencent_region" => {
                        "give a value, or remove the line for the default"
                    }
                    _ => "give a value, or remove the line to have one generated",
                };
                return Err((name, format!("`[engine] {name}` is empty: {remedy}")));
            }
        }
        if let Some(auth) = &self.openwhisk_auth {
            let parts = auth.split_once(':');
            if !parts.is_some_and(|(uuid, key)| !uuid.is_empty() && !key.is_empty()) {
                return Err((
                    "openwhisk_auth",
                    "`[engine] openwhisk_auth` must be `uuid:key`, both parts given".into(),
                ));
            }
        }
        Ok(())
    }
}

impl Default for EngineSection {
    fn default() -> Self {
        Self {
            enabled: true,
            listen: SocketAddr::from(([127, 0, 0, 1], 3233)),
            namespace: "guest".into(),
            ncp_access_key: None,
            ncp_secret_key: None,
            openwhisk_auth: None,
            huawei_project_id: None,
            huawei_access_key: None,
            huawei_secret_key: None,
            huawei_auth_token: None,
            tencent_secret_id: None,
            tencent_secret_key: None,
            tencent_region: None,
            durability: engine::Durability::Normal,
            max_concurrent: NonZeroUsize::new(100).unwrap_or(NonZeroUsize::MIN),
            max_concurrent_web: NonZeroUsize::new(20).unwrap_or(NonZeroUsize::MIN),
            memory_budget_mb: NonZeroU64::new(16 * 1024).unwrap_or(NonZeroU64::MIN),
            max_queued: NonZeroUsize::new(10_000).unwrap_or(NonZeroUsize::MIN),
            warm_runtimes: engine::worker::WarmLimits::default().runtimes,
            warm_memory_mb: engine::worker::WarmLimits::default().bytes / (1024 * 1024),
            demo_runs: true,
        }
    }
}

impl Default for Config {
    /// No file: the engine, and one connection per dialect pointing at it.
    fn default() -> Self {
        let engine = EngineSection::default();
        let connections = engine_connections(&engine);
        Self {
            server: ServerSection::default(),
            engine,
            access: AccessSection::default(),
            connections,
        }
    }
}

/// One connection per provider dialect, all served by the embedded engine.
fn engine_connections(engine: &EngineSection) -> Vec<ConnectionConfig> {
    ProviderKind::ALL
        .into_iter()
        .map(|provider| ConnectionConfig::Engine(EngineConnection::new(provider, engine.listen)))
        .collect()
}

impl Config {
    /// What the browser may know of the connections.
    pub fn connection_summaries(&self) -> Vec<ConnectionSummary> {
        self.connections
            .iter()
            .map(|c| ConnectionSummary {
                id: c.id().to_string(),
                name: c.name().to_string(),
                provider: c.provider(),
                local: self.engine.enabled && c.is_local(),
            })
            .collect()
    }
}

/// The file as written; `connections` absent means "the engine's defaults".
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawConfig {
    #[serde(default)]
    server: ServerSection,
    #[serde(default)]
    engine: EngineSection,
    #[serde(default)]
    access: AccessSection,
    connections: Option<Vec<Spanned<ConnectionConfig>>>,
}

/// Where each `[engine]` value starts in the file, to point at one in an error.
#[derive(Deserialize)]
struct EngineSpans {
    #[serde(default)]
    engine: std::collections::BTreeMap<String, Spanned<toml::Value>>,
}

/// The byte offset of `[engine] name`'s value in `text` (the file parsed, so it is found).
fn engine_value_at(text: &str, name: &str) -> usize {
    toml::from_str::<EngineSpans>(text)
        .ok()
        .and_then(|spans| spans.engine.get(name).map(|v| v.span().start))
        .unwrap_or(0)
}

impl RawConfig {
    pub(super) fn validate(self, path: &Path, text: &str) -> Result<Config, ConfigError> {
        if let Err((name, message)) = self.engine.check() {
            return Err(ConfigError::invalid(
                path,
                text,
                engine_value_at(text, name),
                message,
            ));
        }
        let connections = match self.connections {
            None if self.engine.enabled => engine_connections(&self.engine),
            None => Vec::new(),
            Some(list) => {
                let mut seen = HashSet::new();
                let mut out = Vec::with_capacity(list.len());
                for entry in list {
                    let at = entry.span().start;
                    let connection = entry.into_inner();
                    connection
                        .check()
                        .map_err(|m| ConfigError::invalid(path, text, at, m))?;
                    if !seen.insert(connection.id().to_string()) {
                        return Err(ConfigError::invalid(
                            path,
                            text,
                            at,
                            format!(
                                "connection id \"{}\" is used twice; ids must be unique",
                                connection.id()
                            ),
                        ));
                    }
                    out.push(connection);
                }
                out
            }
        };
        Ok(Config {
            server: self.server,
            engine: self.engine,
            access: self.access,
            connections,
        })
    }
}

/// `[[connections]]` entries, as far as naming one in an error goes.
#[derive(Deserialize)]
struct EntryNames {
    #[serde(default)]
    connections: Vec<Spanned<EntryName>>,
}

#[derive(Deserialize)]
struct EntryName {
    id: Option<toml::Value>,
    provider: Option<toml::Value>,
}

/// `connection "id" (provider)` when `offset` is where a `[[connections]]` entry starts:
/// the parser points there for what is wrong with the entry as a whole (a field missing,
/// unknown or of the wrong type), so the message names the entry too.
pub(super) fn entry_named_at(text: &str, offset: usize) -> Option<String> {
    let entries = toml::from_str::<EntryNames>(text).ok()?.connections;
    let entry = entries.iter().find(|e| e.span().start == offset)?.get_ref();
    let text_of = |v: &Option<toml::Value>| v.as_ref()?.as_str().map(str::to_owned);
    Some(match (text_of(&entry.id), text_of(&entry.provider)) {
        (Some(id), Some(provider)) => format!("connection \"{id}\" ({provider})"),
        (Some(id), None) => format!("connection \"{id}\""),
        (None, _) => "connection".to_string(),
    })
}
