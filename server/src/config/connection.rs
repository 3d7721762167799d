//! `[[connections]]`: one shape per provider, with that provider's required fields required.

use providers::ProviderKind;
use serde::Deserialize;

/// One `[[connections]]` entry, by its `provider`. Secrets are never in the file: it names
/// the environment variables that hold them.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(tag = "provider")]
pub enum ConnectionConfig {
    /// `provider = "ncp"`.
    #[serde(rename = "ncp")]
    Ncp(NcpConnection),
    /// `provider = "openwhisk"`.
    #[serde(rename = "openwhisk")]
    OpenWhisk(OpenWhiskConnection),
    /// `provider = "huawei"`.
    #[serde(rename = "huawei")]
    Huawei(HuaweiConnection),
    /// `provider = "tencent"`.
    #[serde(rename = "tencent")]
    Tencent(TencentConnection),
    /// One of the embedded engine's own connections, made when the file lists none; it
    /// signs with the engine's keys. Never written in a file.
    #[serde(skip)]
    Engine(EngineConnection),
}

/// An NCP Cloud Functions connection.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NcpConnection {
    /// Unique id, used in URLs and logs.
    pub id: String,
    /// A human name; the id when absent.
    #[serde(default)]
    pub name: Option<String>,
    /// Base URL of the API (`http://` or `https://`).
    pub endpoint: String,
    /// The endpoint is the embedded engine: shown as local, and moved by
    /// `FNCONSOLE_ENGINE_LISTEN`.
    #[serde(default)]
    pub local: bool,
    /// The endpoint is an fnconsole engine (`fnconsole engine` on another host): it also
    /// streams runs live through its `live` extension. A local connection is one already.
    #[serde(default)]
    pub engine: bool,
    /// `classic` or `vpc`.
    #[serde(default)]
    pub platform: Option<String>,
    /// `/api/v2` (the default) or `/ncf/api/v2`.
    #[serde(default = "NcpConnection::default_base_path")]
    pub base_path: String,
    /// Variable holding the access key.
    pub access_key_env: String,
    /// Variable holding the secret key.
    pub secret_key_env: String,
}

impl NcpConnection {
    /// The base path when none is given.
    pub fn default_base_path() -> String {
        "/api/v2".into()
    }
}

/// An OpenWhisk connection.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OpenWhiskConnection {
    /// Unique id, used in URLs and logs.
    pub id: String,
    /// A human name; the id when absent.
    #[serde(default)]
    pub name: Option<String>,
    /// Base URL of the API (`http://` or `https://`).
    pub endpoint: String,
    /// The endpoint is the embedded engine.
    #[serde(default)]
    pub local: bool,
    /// The endpoint is an fnconsole engine (`fnconsole engine` on another host): it also
    /// streams runs live through its `live` extension. A local connection is one already.
    #[serde(default)]
    pub engine: bool,
    /// Namespace (`_`, the default: the caller's own).
    #[serde(default = "OpenWhiskConnection::default_namespace")]
    pub namespace: String,
    /// Variable holding `uuid:key`.
    pub auth_env: String,
}

impl OpenWhiskConnection {
    /// The namespace when none is given: the caller's own.
    pub fn default_namespace() -> String {
        "_".into()
    }
}

/// A FunctionGraph connection: an IAM token, or else an access key pair.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HuaweiConnection {
    /// Unique id, used in URLs and logs.
    pub id: String,
    /// A human name; the id when absent.
    #[serde(default)]
    pub name: Option<String>,
    /// Base URL of the API (`http://` or `https://`).
    pub endpoint: String,
    /// The endpoint is the embedded engine.
    #[serde(default)]
    pub local: bool,
    /// Project id.
    pub project_id: String,
    /// Region; read from `functiongraph.{region}.…` when absent (see [`Self::region`]).
    #[serde(default)]
    pub region: Option<String>,
    /// Variable holding the access key.
    #[serde(default)]
    pub access_key_env: Option<String>,
    /// Variable holding the secret key.
    #[serde(default)]
    pub secret_key_env: Option<String>,
    /// Variable holding an IAM token (`X-Auth-Token`); used instead of the key pair.
    #[serde(default)]
    pub token_env: Option<String>,
}

/// How a FunctionGraph connection authenticates, by the variables holding its secrets.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HuaweiSecretVars<'a> {
    /// `token_env`.
    Token(&'a str),
    /// `access_key_env` and `secret_key_env`.
    AkSk {
        /// Holds the access key.
        access_key: &'a str,
        /// Holds the secret key.
        secret_key: &'a str,
    },
}

impl HuaweiConnection {
    /// The region given, or else the one in the endpoint's host.
    pub fn region(&self) -> Option<String> {
        self.region
            .clone()
            .or_else(|| huawei_region(&self.endpoint))
    }

    /// The token when one is named, else the key pair when both are; `None` when neither.
    pub fn secret_vars(&self) -> Option<HuaweiSecretVars<'_>> {
        match (&self.token_env, &self.access_key_env, &self.secret_key_env) {
            (Some(token), _, _) => Some(HuaweiSecretVars::Token(token)),
            (None, Some(access_key), Some(secret_key)) => Some(HuaweiSecretVars::AkSk {
                access_key,
                secret_key,
            }),
            _ => None,
        }
    }
}

/// A Tencent SCF connection.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TencentConnection {
    /// Unique id, used in URLs and logs.
    pub id: String,
    /// A human name; the id when absent.
    #[serde(default)]
    pub name: Option<String>,
    /// API 3.0 base URL (`http://` or `https://`).
    pub endpoint: String,
    /// The endpoint is the embedded engine.
    #[serde(default)]
    pub local: bool,
    /// Region, `ap-guangzhou`.
    pub region: String,
    /// Namespace (`default`, the default).
    #[serde(default = "TencentConnection::default_namespace")]
    pub namespace: String,
    /// Variable holding the secret id.
    pub access_key_env: String,
    /// Variable holding the secret key.
    pub secret_key_env: String,
    /// The legacy API's base URL (see [`Self::legacy_endpoint`]).
    #[serde(default)]
    pub legacy_endpoint: Option<String>,
}

impl TencentConnection {
    /// The namespace when none is given.
    pub fn default_namespace() -> String {
        "default".into()
    }

    /// The legacy endpoint given; else `https://scf.api.qcloud.com` for the public cloud, and
    /// the endpoint itself elsewhere.
    pub fn legacy_endpoint(&self) -> String {
        match &self.legacy_endpoint {
            Some(given) => given.clone(),
            None if self.endpoint.contains("tencentcloudapi.com") => {
                "https://scf.api.qcloud.com".into()
            }
            None => self.endpoint.clone(),
        }
    }
}

/// One of the embedded engine's connections: a dialect at the engine's address.
#[derive(Debug, Clone, PartialEq)]
pub struct EngineConnection {
    /// `local-{provider}`.
    pub id: String,
    /// `Local {provider}`.
    pub name: String,
    /// The dialect.
    pub provider: ProviderKind,
    /// `http://{[engine] listen}`.
    pub endpoint: String,
}

impl EngineConnection {
    /// The connection to the engine's dialect of `provider` at `listen`.
    pub fn new(provider: ProviderKind, listen: std::net::SocketAddr) -> Self {
        Self {
            id: format!("local-{}", provider.config_name()),
            name: format!("Local {}", provider.config_name()),
            provider,
            endpoint: format!("http://{listen}"),
        }
    }
}

/// What every kind of connection has, borrowed.
struct Common<'a> {
    id: &'a str,
    name: Option<&'a str>,
    endpoint: &'a str,
    local: bool,
}

impl<'a> Common<'a> {
    fn of(id: &'a str, name: &'a Option<String>, endpoint: &'a str, local: bool) -> Self {
        Self {
            id,
            name: name.as_deref(),
            endpoint,
            local,
        }
    }
}

impl ConnectionConfig {
    fn common(&self) -> Common<'_> {
        match self {
            Self::Ncp(c) => Common::of(&c.id, &c.name, &c.endpoint, c.local),
            Self::OpenWhisk(c) => Common::of(&c.id, &c.name, &c.endpoint, c.local),
            Self::Huawei(c) => Common::of(&c.id, &c.name, &c.endpoint, c.local),
            Self::Tencent(c) => Common::of(&c.id, &c.name, &c.endpoint, c.local),
            Self::Engine(c) => Common {
                id: &c.id,
                name: Some(&c.name),
                endpoint: &c.endpoint,
                local: true,
            },
        }
    }

    /// The unique id.
    pub fn id(&self) -> &str {
        self.common().id
    }

    /// The human name, or the id.
    pub fn name(&self) -> &str {
        let common = self.common();
        common.name.unwrap_or(common.id)
    }

    /// The API's base URL, as configured.
    pub fn endpoint(&self) -> &str {
        self.common().endpoint
    }

    /// Whether this is the embedded engine: one of its own connections, or a connection the
    /// file says is local (`local = true`).
    pub fn is_local(&self) -> bool {
        self.common().local
    }

    /// Whether the endpoint is an fnconsole engine, so runs on it stream live: a local
    /// connection, or an NCP or OpenWhisk one that says `engine = true` (the other dialects
    /// have no `live` extension).
    pub fn is_engine(&self) -> bool {
        match self {
            Self::Ncp(c) => c.local || c.engine,
            Self::OpenWhisk(c) => c.local || c.engine,
            Self::Huawei(_) | Self::Tencent(_) => false,
            Self::Engine(c) => matches!(c.provider, ProviderKind::Ncp | ProviderKind::Openwhisk),
        }
    }

    /// Which API the endpoint speaks.
    pub fn provider(&self) -> ProviderKind {
        match self {
            Self::Ncp(_) => ProviderKind::Ncp,
            Self::OpenWhisk(_) => ProviderKind::Openwhisk,
            Self::Huawei(_) => ProviderKind::Huawei,
            Self::Tencent(_) => ProviderKind::Tencent,
            Self::Engine(c) => c.provider,
        }
    }

    /// Points a local connection at the engine's new address.
    pub(super) fn follow_engine(&mut self, listen: std::net::SocketAddr) {
        if !self.is_local() {
            return;
        }
        let endpoint = match self {
            Self::Ncp(c) => &mut c.endpoint,
            Self::OpenWhisk(c) => &mut c.endpoint,
            Self::Huawei(c) => &mut c.endpoint,
            Self::Tencent(c) => &mut c.endpoint,
            Self::Engine(c) => &mut c.endpoint,
        };
        *endpoint = format!("http://{listen}");
    }

    /// Each variable the entry names for a secret, with the field naming it.
    fn secret_vars(&self) -> Vec<(&'static str, &str)> {
        match self {
            Self::Ncp(c) => vec![
                ("access_key_env", &c.access_key_env),
                ("secret_key_env", &c.secret_key_env),
            ],
            Self::OpenWhisk(c) => vec![("auth_env", &c.auth_env)],
            Self::Huawei(c) => [
                ("access_key_env", &c.access_key_env),
                ("secret_key_env", &c.secret_key_env),
                ("token_env", &c.token_env),
            ]
            .into_iter()
            .filter_map(|(field, var)| Some((field, var.as_deref()?)))
            .collect(),
            Self::Tencent(c) => vec![
                ("access_key_env", &c.access_key_env),
                ("secret_key_env", &c.secret_key_env),
            ],
            Self::Engine(_) => Vec::new(),
        }
    }

    /// The rules an entry must follow beyond its shape, as a message naming the field.
    pub(crate) fn check(&self) -> Result<(), String> {
        let id = self.id();
        let id_ok = !id.is_empty()
            && id.len() <= 64
            && id
                .chars()
                .all(|ch| ch.is_ascii_alphanumeric() || ch == '-' || ch == '_');
        if !id_ok {
            return Err(format!(
                "connection id \"{id}\" is not allowed: use 1 to 64 letters, digits, '-' or '_'"
            ));
        }
        let endpoint = self.endpoint().trim();
        let scheme_ok = endpoint.starts_with("http://") || endpoint.starts_with("https://");
        let host_given = endpoint
            .split("://")
            .nth(1)
            .is_some_and(|rest| !rest.is_empty());
        if !scheme_ok || !host_given {
            return Err(format!(
                "connection \"{id}\": endpoint \"{}\" must be an http:// or https:// URL",
                self.endpoint()
            ));
        }
        if let Some((field, _)) = self
            .secret_vars()
            .into_iter()
            .find(|(_, var)| var.trim().is_empty())
        {
            return Err(format!(
                "connection \"{id}\": `{field}` is empty: name the environment variable that holds the secret"
            ));
        }
        let needs = |field: &str| format!("connection \"{id}\" (huawei) needs `{field}`");
        if let Self::Huawei(c) = self {
            if c.region().is_none() {
                return Err(needs("region"));
            }
            if c.secret_vars().is_none() {
                return Err(needs("token_env, or access_key_env and secret_key_env"));
            }
        }
        Ok(())
    }
}

/// The region in `https://functiongraph.{region}.myhuaweicloud.com`.
pub fn huawei_region(endpoint: &str) -> Option<String> {
    let host = endpoint.split("://").nth(1)?.split(['/', ':']).next()?;
    let rest = host.strip_prefix("functiongraph.")?;
    let (region, _) = rest.split_once('.')?;
    Some(region.to_string())
}
