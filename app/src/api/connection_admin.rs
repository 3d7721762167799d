//! Connections managed on the settings page: every connection with where it comes from, and
//! for admins adding, editing, deleting and testing those added in the UI. The file's
//! connections are read-only here.
//!
//! Secrets are write-only: the browser sends a new value or nothing (keep the stored one) and
//! only ever hears whether one is set. The server's side (sealing, validation, rebuilding the
//! clients) is behind [`ConnectionAdmin`](crate::context::server::ConnectionAdmin).

use leptos::prelude::*;
use leptos::server_fn::codec::Json;
use providers::{ConnectionSummary, ProviderKind};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

use crate::errors::AppError;

/// How a field is entered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FieldKind {
    /// One line of text.
    Text,
    /// An `http://` or `https://` URL.
    Url,
    /// Yes or no (`true` / `false`).
    Check,
}

/// One plain field of a provider's connections, as `fnconsole.toml` names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FieldSpec {
    /// The config's key (`endpoint`, `region`…).
    pub key: &'static str,
    /// The form's label.
    pub label: &'static str,
    /// How it is entered.
    pub kind: FieldKind,
    /// Whether it must be given.
    pub required: bool,
    /// What it is, and its default when it has one.
    pub hint: &'static str,
}

/// One secret of a provider's connections: the value the file would name an environment
/// variable for (`access_key` for `access_key_env`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SecretSpec {
    /// The field's name (the config's key without `_env`).
    pub key: &'static str,
    /// The form's label.
    pub label: &'static str,
    /// Whether a connection needs it (FunctionGraph needs a token or the key pair).
    pub required: bool,
}

const fn text(
    key: &'static str,
    label: &'static str,
    required: bool,
    hint: &'static str,
) -> FieldSpec {
    FieldSpec {
        key,
        label,
        kind: FieldKind::Text,
        required,
        hint,
    }
}

const NAME: FieldSpec = text(
    "name",
    "Name",
    false,
    "Shown in the switcher; the id when empty.",
);
const ENDPOINT: FieldSpec = FieldSpec {
    key: "endpoint",
    label: "Endpoint",
    kind: FieldKind::Url,
    required: true,
    hint: "The API's base URL, http:// or https://.",
};
const ENGINE: FieldSpec = FieldSpec {
    key: "engine",
    label: "The endpoint is an fnconsole engine (runs stream live)",
    kind: FieldKind::Check,
    required: false,
    hint: "",
};

const fn secret(key: &'static str, label: &'static str, required: bool) -> SecretSpec {
    SecretSpec {
        key,
        label,
        required,
    }
}

const NCP_FIELDS: &[FieldSpec] = &[
    NAME,
    ENDPOINT,
    text("platform", "Platform", false, "classic or vpc."),
    text(
        "base_path",
        "Base path",
        false,
        "/api/v2 (the default) or /ncf/api/v2.",
    ),
    ENGINE,
];
const OPENWHISK_FIELDS: &[FieldSpec] = &[
    NAME,
    ENDPOINT,
    text(
        "namespace",
        "Namespace",
        false,
        "_ (the default) is the key's own.",
    ),
    ENGINE,
];
const HUAWEI_FIELDS: &[FieldSpec] = &[
    NAME,
    ENDPOINT,
    text("project_id", "Project id", true, ""),
    text(
        "region",
        "Region",
        false,
        "Read from functiongraph.{region}.… when empty.",
    ),
];
const TENCENT_FIELDS: &[FieldSpec] = &[
    NAME,
    ENDPOINT,
    text("region", "Region", true, "For example ap-guangzhou."),
    text("namespace", "Namespace", false, "default (the default)."),
    text(
        "legacy_endpoint",
        "Legacy API endpoint",
        false,
        "https://scf.api.qcloud.com for the public cloud.",
    ),
];

/// The plain fields of `provider`'s connections, in the form's order.
pub fn fields_of(provider: ProviderKind) -> &'static [FieldSpec] {
    match provider {
        ProviderKind::Ncp => NCP_FIELDS,
        ProviderKind::Openwhisk => OPENWHISK_FIELDS,
        ProviderKind::Huawei => HUAWEI_FIELDS,
        ProviderKind::Tencent => TENCENT_FIELDS,
    }
}

const KEY_PAIR: &[SecretSpec] = &[
    secret("access_key", "Access key", true),
    secret("secret_key", "Secret key", true),
];
const OPENWHISK_SECRETS: &[SecretSpec] = &[secret("auth", "Auth key (uuid:key)", true)];
// A token, or else the key pair: checked together on the server.
const HUAWEI_SECRETS: &[SecretSpec] = &[
    secret("token", "IAM token (instead of the key pair)", false),
    secret("access_key", "Access key", false),
    secret("secret_key", "Secret key", false),
];
const TENCENT_SECRETS: &[SecretSpec] = &[
    secret("access_key", "Secret id", true),
    secret("secret_key", "Secret key", true),
];

/// The secrets of `provider`'s connections.
pub fn secrets_of(provider: ProviderKind) -> &'static [SecretSpec] {
    match provider {
        ProviderKind::Ncp => KEY_PAIR,
        ProviderKind::Openwhisk => OPENWHISK_SECRETS,
        ProviderKind::Huawei => HUAWEI_SECRETS,
        ProviderKind::Tencent => TENCENT_SECRETS,
    }
}

/// Where a connection is defined.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ConnectionSource {
    /// `fnconsole.toml` (or the built-in defaults): read-only here.
    File,
    /// Added on this page: admins edit and delete it.
    Ui,
}

/// A connection as the settings page shows it to an admin: no secret, only whether each is set.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ManagedConnection {
    /// What everyone may know of it.
    pub summary: ConnectionSummary,
    /// Where it is defined.
    pub source: ConnectionSource,
    /// Its plain fields (for a UI connection; empty for the file's).
    pub fields: BTreeMap<String, String>,
    /// The secrets that are set (for a UI connection).
    pub secrets_set: Vec<String>,
}

/// What the connection form sends. `Debug` names the secrets sent, never their values.
#[derive(Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConnectionInput {
    /// Its id (fixed once created).
    pub id: String,
    /// The provider's config name.
    pub provider: String,
    /// Plain fields by key; empty ones are left out.
    pub fields: BTreeMap<String, String>,
    /// New secret values by key; an empty or absent one keeps what is stored.
    pub secrets: BTreeMap<String, String>,
}

impl std::fmt::Debug for ConnectionInput {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ConnectionInput")
            .field("id", &self.id)
            .field("provider", &self.provider)
            .field("fields", &self.fields)
            .field("secrets", &self.secrets.keys().collect::<Vec<_>>())
            .finish()
    }
}

/// What "Test connection" found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConnectionTest {
    /// Whether the read succeeded.
    pub ok: bool,
    /// What the provider said (what was found, or its error with its code).
    pub said: String,
    /// How long it took, ms.
    pub took_ms: u64,
}

/// Every connection (the file's and the UI's), with where each comes from.
#[server(endpoint = "list_managed_connections")]
pub async fn list_managed_connections() -> Result<Vec<ManagedConnection>, AppError> {
    super::guard::guard(<ListManagedConnections as leptos::server_fn::ServerFn>::PATH)?;
    admin()?.0.list().await
}

/// Adds (`creating`) or changes a connection made in the UI.
#[server(endpoint = "save_connection", input = Json)]
pub async fn save_connection(
    connection: ConnectionInput,
    creating: bool,
) -> Result<ManagedConnection, AppError> {
    super::guard::guard(<SaveConnection as leptos::server_fn::ServerFn>::PATH)?;
    admin()?.0.save(connection, creating).await
}

/// Deletes a connection made in the UI (the file's cannot be).
#[server(endpoint = "delete_connection")]
pub async fn delete_connection(id: String) -> Result<(), AppError> {
    super::guard::guard(<DeleteConnection as leptos::server_fn::ServerFn>::PATH)?;
    admin()?.0.delete(id).await
}

/// Makes one harmless signed read on the connection and answers what the provider said.
#[server(endpoint = "test_connection")]
pub async fn test_connection(id: String) -> Result<ConnectionTest, AppError> {
    use crate::context::server::ConnectionClients;
    use providers::client::Operations;
    super::guard::guard(<TestConnection as leptos::server_fn::ServerFn>::PATH)?;
    let clients = use_context::<ConnectionClients>()
        .ok_or_else(|| AppError::Misconfigured("the connections were not provided".into()))?;
    let c = clients
        .get(&id)
        .ok_or_else(|| AppError::UnknownConnection(id.clone()))?;
    let started = std::time::Instant::now();
    let answer = match &c.client {
        Ok(client) => client.probe().await,
        Err(error) => Err(error.clone()),
    };
    let took_ms = u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX);
    Ok(match answer {
        Ok(found) => ConnectionTest {
            ok: true,
            said: found,
            took_ms,
        },
        Err(error) => ConnectionTest {
            ok: false,
            said: error.to_string(),
            took_ms,
        },
    })
}

#[cfg(feature = "ssr")]
fn admin() -> Result<crate::context::server::ConnectionAdminHandle, AppError> {
    use_context::<crate::context::server::ConnectionAdminHandle>()
        .ok_or_else(|| AppError::Misconfigured("connection management was not provided".into()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_provider_has_an_endpoint_and_a_secret_and_no_key_twice() {
        for provider in ProviderKind::ALL {
            let fields = fields_of(provider);
            assert!(
                fields.iter().any(|f| f.key == "endpoint" && f.required),
                "{provider}"
            );
            assert!(!secrets_of(provider).is_empty(), "{provider}");
            let mut keys: Vec<_> = fields
                .iter()
                .map(|f| f.key)
                .chain(secrets_of(provider).iter().map(|s| s.key))
                .collect();
            let all = keys.len();
            keys.sort();
            keys.dedup();
            assert_eq!(keys.len(), all, "{provider}");
        }
    }

    #[test]
    fn secrets_print_as_their_names_only() {
        let input = ConnectionInput {
            secrets: BTreeMap::from([("auth".to_string(), "uuid:s3cr3t".to_string())]),
            ..Default::default()
        };
        let debug = format!("{input:?}");
        assert!(
            debug.contains(r#"secrets: ["auth"]"#) && !debug.contains("s3cr3t"),
            "{debug}"
        );
    }
}
