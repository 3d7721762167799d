//! The connections every request sees — the file's and those admins added in the UI — as one
//! snapshot swapped whole when an admin saves or deletes one, so the header's switcher and
//! every server function see a new connection at once, with no restart and no request ever
//! seeing half a change.
//!
//! A UI connection is stored as its provider, its plain fields and its sealed secrets
//! (`access::connections`). To use it, it becomes the [`ConnectionConfig`] the file would
//! hold, each `*_env` field naming the secret's own field (`auth_env = "auth"`), and the
//! opened secrets are what that name looks up: the same validation and the same client
//! builder as the file's connections.

use std::collections::BTreeMap;
use std::sync::{Arc, RwLock};

use access::connections::{Sealer, StoredConnection};
use app::api::{
    ConnectionInput, ConnectionSource, FieldKind, ManagedConnection, fields_of, secrets_of,
};
use app::context::server::{
    ConnectionAdmin, ConnectionClient, ConnectionClients, ConnectionDirectory,
};
use app::errors::AppError;
use futures::future::BoxFuture;
use providers::client::Transport;
use providers::{ConnectionSummary, ErrorKind, ProviderError, ProviderKind};
use serde::Deserialize as _;

use crate::clients::{self, LocalEngine};
use crate::config::{Config, ConnectionConfig, is_connection_id, is_http_url};
use crate::connections;

/// Reads an environment variable (the process's, or a test's).
pub type Lookup = Arc<dyn Fn(&str) -> Option<String> + Send + Sync>;

/// What every request sees, replaced whole.
struct Snapshot {
    directory: ConnectionDirectory,
    clients: ConnectionClients,
    ui: Vec<StoredConnection>,
}

/// The current connections and what rebuilding them needs.
pub struct LiveConnections {
    config: Arc<Config>,
    lookup: Lookup,
    engine: Option<LocalEngine>,
    transport: Result<Transport, ProviderError>,
    current: RwLock<Arc<Snapshot>>,
    /// One change at a time: two saves never rebuild from the same old list.
    changes: tokio::sync::Mutex<()>,
}

impl std::fmt::Debug for LiveConnections {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("LiveConnections")
    }
}

impl LiveConnections {
    /// The file's connections only; [`reload`](Self::reload) adds the store's.
    pub fn new(config: Arc<Config>, lookup: Lookup, engine: Option<LocalEngine>) -> Self {
        let live = Self {
            config,
            lookup,
            engine,
            transport: clients::shared_transport(),
            current: RwLock::new(Arc::new(Snapshot {
                directory: ConnectionDirectory::default(),
                clients: ConnectionClients::default(),
                ui: Vec::new(),
            })),
            changes: tokio::sync::Mutex::new(()),
        };
        live.install(Vec::new(), None);
        live
    }

    fn snapshot(&self) -> Arc<Snapshot> {
        // A writer that panicked left the previous whole snapshot: still consistent.
        Arc::clone(&self.current.read().unwrap_or_else(|p| p.into_inner()))
    }

    /// The connections as the browser may see them, now.
    pub fn directory(&self) -> ConnectionDirectory {
        self.snapshot().directory.clone()
    }

    /// Every connection's client, now.
    pub fn clients(&self) -> ConnectionClients {
        self.snapshot().clients.clone()
    }

    /// Reads the UI's connections from `store` and swaps them in.
    pub async fn reload(&self, store: &access::Store, sealer: &Sealer) -> Result<(), String> {
        let _one = self.changes.lock().await;
        let ui = store
            .0
            .list_ui_connections()
            .await
            .map_err(|e| e.to_string())?;
        // Replicas on one database reload every few seconds: rebuild clients only on a change.
        if self.snapshot().ui != ui {
            self.install(ui, Some(sealer));
        }
        Ok(())
    }

    /// Builds every client (the file's, then the UI's in the order they were added) and swaps
    /// the snapshot.
    fn install(&self, ui: Vec<StoredConnection>, sealer: Option<&Sealer>) {
        let lookup = |var: &str| (self.lookup)(var);
        let mut list =
            clients::build_list(&self.config, &lookup, self.engine.as_ref(), &self.transport);
        for stored in &ui {
            let summary = summary_of(stored);
            let client = match sealer {
                Some(sealer) => self.client_of(stored, sealer),
                None => Err(config_error("the secret key is not loaded".into())),
            };
            if let Err(error) = &client {
                tracing::warn!(connection = %stored.id, %error, "a connection added in the UI cannot be used");
            }
            list.push(ConnectionClient { summary, client });
        }
        let directory =
            ConnectionDirectory(Arc::new(list.iter().map(|c| c.summary.clone()).collect()));
        let snapshot = Arc::new(Snapshot {
            directory,
            clients: ConnectionClients::new(list),
            ui,
        });
        *self.current.write().unwrap_or_else(|p| p.into_inner()) = snapshot;
    }

    fn client_of(
        &self,
        stored: &StoredConnection,
        sealer: &Sealer,
    ) -> Result<providers::client::Client, ProviderError> {
        let provider = provider_of(&stored.provider).map_err(|e| config_error(e.to_string()))?;
        let config = config_of(provider, &stored.id, &stored.fields, stored.secrets.keys())
            .map_err(|e| config_error(e.to_string()))?;
        let mut opened = BTreeMap::new();
        for (field, sealed) in &stored.secrets {
            let secret = sealer
                .open(&stored.id, field, sealed)
                .map_err(|e| config_error(e.to_string()))?;
            opened.insert(field.clone(), secret);
        }
        let transport = self.transport.as_ref().map_err(Clone::clone)?;
        connections::build(&config, transport, &|var| opened.get(var).cloned(), None)
    }
}

fn config_error(message: String) -> ProviderError {
    ProviderError::new(ErrorKind::Config, message)
}

fn summary_of(stored: &StoredConnection) -> ConnectionSummary {
    let name = stored
        .fields
        .get("name")
        .filter(|n| !n.trim().is_empty())
        .cloned()
        .unwrap_or_else(|| stored.id.clone());
    ConnectionSummary {
        id: stored.id.clone(),
        name,
        // An unknown provider cannot be stored (saves check it); its client says why.
        provider: provider_of(&stored.provider).unwrap_or(ProviderKind::Openwhisk),
        local: false,
    }
}

fn provider_of(name: &str) -> Result<ProviderKind, AppError> {
    ProviderKind::ALL
        .into_iter()
        .find(|p| p.config_name() == name)
        .ok_or_else(|| {
            AppError::invalid(
                "provider",
                format!("\"{name}\" is not a provider: use ncp, openwhisk, huawei or tencent."),
            )
        })
}

/// The entry the file would hold for these fields, each secret named by its own field:
/// validated by the same rules as the file's.
fn config_of<'a>(
    provider: ProviderKind,
    id: &str,
    fields: &BTreeMap<String, String>,
    secrets: impl Iterator<Item = &'a String>,
) -> Result<ConnectionConfig, AppError> {
    let mut table = toml::Table::new();
    table.insert("provider".into(), provider.config_name().into());
    table.insert("id".into(), id.into());
    for spec in fields_of(provider) {
        if let Some(value) = fields
            .get(spec.key)
            .map(|v| v.trim())
            .filter(|v| !v.is_empty())
        {
            let value = match spec.kind {
                FieldKind::Check => toml::Value::Boolean(value == "true"),
                FieldKind::Text | FieldKind::Url => value.into(),
            };
            table.insert(spec.key.into(), value);
        }
    }
    for key in secrets {
        table.insert(format!("{key}_env"), key.as_str().into());
    }
    let config = ConnectionConfig::deserialize(toml::Value::Table(table)).map_err(|e| {
        AppError::invalid(
            "connection",
            format!("The connection is not complete: {}", e.message()),
        )
    })?;
    config
        .check()
        .map_err(|message| AppError::invalid("connection", message))?;
    Ok(config)
}

/// The checks a form can act on, each naming its field and what is allowed.
fn validate(
    provider: ProviderKind,
    input: &ConnectionInput,
    secrets_set: &[&str],
) -> Result<(), AppError> {
    if !is_connection_id(&input.id) {
        return Err(AppError::invalid(
            "id",
            "Use 1 to 64 letters, digits, '-' or '_'.",
        ));
    }
    let specs = fields_of(provider);
    if let Some(unknown) = input
        .fields
        .keys()
        .find(|k| !specs.iter().any(|s| s.key == k.as_str()))
    {
        return Err(AppError::invalid(
            unknown,
            format!(
                "\"{unknown}\" is not a field of {} connections.",
                provider.display_name()
            ),
        ));
    }
    for spec in specs {
        let value = input.fields.get(spec.key).map(|v| v.trim()).unwrap_or("");
        if spec.required && value.is_empty() {
            return Err(AppError::invalid(
                spec.key,
                format!("Enter the {}.", spec.label.to_lowercase()),
            ));
        }
        match spec.kind {
            FieldKind::Url if !value.is_empty() && !is_http_url(value) => {
                return Err(AppError::invalid(
                    spec.key,
                    "Use an http:// or https:// URL, like https://api.example.com.",
                ));
            }
            FieldKind::Check if !matches!(value, "" | "true" | "false") => {
                return Err(AppError::invalid(spec.key, "Use true or false."));
            }
            _ => {}
        }
    }
    let secret_specs = secrets_of(provider);
    if let Some(unknown) = input
        .secrets
        .keys()
        .find(|k| !secret_specs.iter().any(|s| s.key == k.as_str()))
    {
        return Err(AppError::invalid(
            unknown,
            format!(
                "\"{unknown}\" is not a secret of {} connections.",
                provider.display_name()
            ),
        ));
    }
    for spec in secret_specs {
        if spec.required && !secrets_set.contains(&spec.key) {
            return Err(AppError::invalid(
                spec.key,
                format!("Enter the {}.", spec.label.to_lowercase()),
            ));
        }
    }
    if provider == ProviderKind::Huawei {
        let pair = secrets_set.contains(&"access_key") && secrets_set.contains(&"secret_key");
        if !secrets_set.contains(&"token") && !pair {
            return Err(AppError::invalid(
                "token",
                "Enter an IAM token, or the access key and the secret key.",
            ));
        }
        let region = input
            .fields
            .get("region")
            .is_some_and(|r| !r.trim().is_empty());
        let endpoint = input
            .fields
            .get("endpoint")
            .map(String::as_str)
            .unwrap_or("");
        if !region && crate::config::huawei_region(endpoint).is_none() {
            return Err(AppError::invalid(
                "region",
                "Enter the region (the endpoint does not name one).",
            ));
        }
    }
    Ok(())
}

/// The settings page's connection management over the live connections and the store.
pub struct Admin {
    /// The connections every request sees.
    pub live: Arc<LiveConnections>,
    /// Where the UI's connections are kept.
    pub store: access::Store,
    /// Seals their secrets.
    pub sealer: Arc<Sealer>,
}

fn store_error(error: access::StoreError) -> AppError {
    tracing::error!(%error, "the console's database failed on a connection");
    AppError::Misconfigured("the console's database failed; the server's log says why".into())
}

impl Admin {
    async fn save_now(
        &self,
        input: ConnectionInput,
        creating: bool,
    ) -> Result<ManagedConnection, AppError> {
        let _one = self.live.changes.lock().await;
        let now = self.live.snapshot();
        let provider = provider_of(&input.provider)?;
        let in_file = self
            .live
            .config
            .connections
            .iter()
            .any(|c| c.id() == input.id);
        let stored = now.ui.iter().find(|c| c.id == input.id);
        if in_file {
            return Err(AppError::invalid(
                "id",
                format!(
                    "\"{}\" is a connection from fnconsole.toml: change it there, or pick another id.",
                    input.id
                ),
            ));
        }
        match (creating, stored) {
            (true, Some(_)) => {
                return Err(AppError::invalid(
                    "id",
                    format!("A connection \"{}\" exists: pick another id.", input.id),
                ));
            }
            (false, None) => return Err(AppError::UnknownConnection(input.id)),
            _ => {}
        }
        // The secrets kept (those of this provider, not replaced) and the new ones.
        let specs = secrets_of(provider);
        let mut sealed: BTreeMap<String, Vec<u8>> = stored
            .map(|s| s.secrets.clone())
            .unwrap_or_default()
            .into_iter()
            .filter(|(k, _)| specs.iter().any(|s| s.key == k.as_str()))
            .collect();
        let given: Vec<(&String, &String)> = input
            .secrets
            .iter()
            .filter(|(_, v)| !v.is_empty())
            .collect();
        let mut set: Vec<&str> = sealed.keys().map(String::as_str).collect();
        set.extend(given.iter().map(|(k, _)| k.as_str()));
        validate(provider, &input, &set)?;
        for (key, value) in given {
            let seal = self
                .sealer
                .seal(&input.id, key, value)
                .map_err(|e| AppError::Misconfigured(e.to_string()))?;
            sealed.insert(key.clone(), seal);
        }
        let fields: BTreeMap<String, String> = input
            .fields
            .iter()
            .map(|(k, v)| (k.clone(), v.trim().to_string()))
            .filter(|(_, v)| !v.is_empty())
            .collect();
        // The same rules as the file's entries, before anything is stored.
        config_of(provider, &input.id, &fields, sealed.keys())?;
        let connection = StoredConnection {
            id: input.id.clone(),
            provider: provider.config_name().into(),
            fields,
            secrets: sealed,
        };
        self.store
            .0
            .put_ui_connection(connection.clone())
            .await
            .map_err(store_error)?;
        let mut ui = now.ui.clone();
        match ui.iter_mut().find(|c| c.id == connection.id) {
            Some(slot) => *slot = connection.clone(),
            None => ui.push(connection.clone()),
        }
        self.live.install(ui, Some(&self.sealer));
        tracing::info!(connection = %connection.id, creating, "a connection was saved in the UI");
        Ok(managed_ui(&connection))
    }

    async fn delete_now(&self, id: String) -> Result<(), AppError> {
        let _one = self.live.changes.lock().await;
        if self.live.config.connections.iter().any(|c| c.id() == id) {
            return Err(AppError::invalid(
                "id",
                format!("\"{id}\" is a connection from fnconsole.toml: remove it there."),
            ));
        }
        let now = self.live.snapshot();
        if !now.ui.iter().any(|c| c.id == id) {
            return Err(AppError::UnknownConnection(id));
        }
        self.store
            .0
            .delete_ui_connection(&id)
            .await
            .map_err(store_error)?;
        let ui = now.ui.iter().filter(|c| c.id != id).cloned().collect();
        self.live.install(ui, Some(&self.sealer));
        tracing::info!(connection = %id, "a connection was deleted in the UI");
        Ok(())
    }

    fn list_now(&self) -> Vec<ManagedConnection> {
        let now = self.live.snapshot();
        let file = self
            .live
            .config
            .connection_summaries()
            .into_iter()
            .map(|summary| ManagedConnection {
                summary,
                source: ConnectionSource::File,
                fields: BTreeMap::new(),
                secrets_set: Vec::new(),
            });
        file.chain(now.ui.iter().map(managed_ui)).collect()
    }
}

fn managed_ui(stored: &StoredConnection) -> ManagedConnection {
    ManagedConnection {
        summary: summary_of(stored),
        source: ConnectionSource::Ui,
        fields: stored.fields.clone(),
        secrets_set: stored.secrets.keys().cloned().collect(),
    }
}

impl ConnectionAdmin for Admin {
    fn list(&self) -> BoxFuture<'_, Result<Vec<ManagedConnection>, AppError>> {
        Box::pin(async move { Ok(self.list_now()) })
    }

    fn save(
        &self,
        input: ConnectionInput,
        creating: bool,
    ) -> BoxFuture<'_, Result<ManagedConnection, AppError>> {
        Box::pin(self.save_now(input, creating))
    }

    fn delete(&self, id: String) -> BoxFuture<'_, Result<(), AppError>> {
        Box::pin(self.delete_now(id))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input(provider: &str, fields: &[(&str, &str)], secrets: &[(&str, &str)]) -> ConnectionInput {
        let map = |pairs: &[(&str, &str)]| {
            pairs
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect()
        };
        ConnectionInput {
            id: "staging".into(),
            provider: provider.into(),
            fields: map(fields),
            secrets: map(secrets),
        }
    }

    fn refused_field(i: &ConnectionInput, set: &[&str]) -> Option<String> {
        let provider = provider_of(&i.provider).ok()?;
        validate(provider, i, set)
            .err()
            .and_then(|e| e.field().map(str::to_owned))
    }

    #[test]
    fn each_refusal_names_its_field() {
        let ok = input(
            "openwhisk",
            &[("endpoint", "https://whisk.example.com")],
            &[],
        );
        assert_eq!(refused_field(&ok, &["auth"]), None);
        assert_eq!(refused_field(&ok, &[]).as_deref(), Some("auth"));
        let no_endpoint = input("openwhisk", &[], &[]);
        assert_eq!(
            refused_field(&no_endpoint, &["auth"]).as_deref(),
            Some("endpoint")
        );
        let bad_url = input("openwhisk", &[("endpoint", "whisk.example.com")], &[]);
        assert_eq!(
            refused_field(&bad_url, &["auth"]).as_deref(),
            Some("endpoint")
        );
        let unknown = input(
            "openwhisk",
            &[("endpoint", "https://w"), ("region", "x")],
            &[],
        );
        assert_eq!(
            refused_field(&unknown, &["auth"]).as_deref(),
            Some("region")
        );
        let mut bad_id = ok.clone();
        bad_id.id = "no spaces".into();
        assert_eq!(refused_field(&bad_id, &["auth"]).as_deref(), Some("id"));
        let huawei = input(
            "huawei",
            &[
                (
                    "endpoint",
                    "https://functiongraph.cn-north-4.myhuaweicloud.com",
                ),
                ("project_id", "p"),
            ],
            &[],
        );
        assert_eq!(
            refused_field(&huawei, &["access_key"]).as_deref(),
            Some("token")
        );
        assert_eq!(refused_field(&huawei, &["access_key", "secret_key"]), None);
        let no_region = input(
            "huawei",
            &[("endpoint", "https://fg.example.com"), ("project_id", "p")],
            &[],
        );
        assert_eq!(
            refused_field(&no_region, &["token"]).as_deref(),
            Some("region")
        );
        assert_eq!(provider_of("aws").unwrap_err().field(), Some("provider"));
    }

    #[test]
    fn a_ui_connection_becomes_the_entry_the_file_would_hold() {
        let fields: BTreeMap<String, String> = [
            (
                "endpoint".to_string(),
                "https://whisk.example.com".to_string(),
            ),
            ("namespace".to_string(), "team".to_string()),
            ("engine".to_string(), "true".to_string()),
        ]
        .into();
        let secrets = ["auth".to_string()];
        let config =
            config_of(ProviderKind::Openwhisk, "staging", &fields, secrets.iter()).unwrap();
        match config {
            ConnectionConfig::OpenWhisk(o) => {
                assert_eq!(
                    (
                        o.id.as_str(),
                        o.namespace.as_str(),
                        o.auth_env.as_str(),
                        o.engine
                    ),
                    ("staging", "team", "auth", true)
                );
            }
            other => panic!("{other:?}"),
        }
    }
}
