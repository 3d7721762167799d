//! Turning configured connections into provider clients, with their secrets read from the
//! environment; and `fnconsole connections test`.

use engine_http::{DialectKeys, HuaweiKeys, NcpKeys, OpenWhiskKeys, TencentKeys};
use providers::client::{
    Client, HuaweiAuth, HuaweiClient, HuaweiConfig, NcpClient, NcpConfig, OpenWhiskClient,
    OpenWhiskConfig, Operations, TencentClient, TencentConfig, Transport,
};
use providers::sign::Secret;
use providers::{ErrorKind, ProviderError, ProviderKind};
use std::time::Instant;
use tracing::Instrument;

use crate::config::{
    Config, ConnectionConfig, EngineConnection, HuaweiConnection, HuaweiSecretVars, NcpConnection,
    OpenWhiskConnection, TencentConnection,
};

/// Builds the client of `c`, its secrets read from the environment variables it names
/// (`lookup` reads one) or, for one of the engine's own connections, taken from
/// `engine_keys`. A missing secret is a configuration error naming the connection, the field
/// and the variable. Every call made through the client is traced with the connection's id.
pub fn build(
    c: &ConnectionConfig,
    transport: &Transport,
    lookup: &impl Fn(&str) -> Option<String>,
    engine_keys: Option<&DialectKeys>,
) -> Result<Client, ProviderError> {
    let transport = transport.for_connection(c.id());
    let endpoint = c.endpoint().trim_end_matches('/').to_string();
    let env = Env { id: c.id(), lookup };
    let client = match c {
        ConnectionConfig::Ncp(n) => {
            let keys = NcpKeys {
                access_key: env.secret("access_key_env", &n.access_key_env)?,
                secret_key: env.secret_key("secret_key_env", &n.secret_key_env)?,
            };
            ncp(
                transport,
                endpoint,
                n.base_path.clone(),
                n.platform.clone(),
                keys,
            )
        }
        ConnectionConfig::OpenWhisk(o) => {
            let keys = OpenWhiskKeys {
                auth: env.secret_key("auth_env", &o.auth_env)?,
            };
            openwhisk(transport, endpoint, o.namespace.clone(), keys)
        }
        ConnectionConfig::Huawei(h) => {
            let auth = env.huawei_auth(h)?;
            let region = h.region().unwrap_or_default();
            huawei(transport, endpoint, h.project_id.clone(), region, auth)
        }
        ConnectionConfig::Tencent(t) => {
            let keys = TencentKeys {
                secret_id: env.secret("access_key_env", &t.access_key_env)?,
                secret_key: env.secret_key("secret_key_env", &t.secret_key_env)?,
                region: t.region.clone(),
            };
            tencent(
                transport,
                endpoint,
                t.legacy_endpoint(),
                t.namespace.clone(),
                keys,
            )
        }
        ConnectionConfig::Engine(e) => {
            let keys = engine_keys.ok_or_else(|| {
                config_error(format!(
                    "connection \"{}\" signs with the engine's keys, which are not loaded",
                    e.id
                ))
            })?;
            engine_client(transport, e, endpoint, keys)
        }
    };
    // The engine's NCP and OpenWhisk dialects also stream runs live.
    Ok(match c.is_engine() {
        true => client.with_live_extension(),
        false => client,
    })
}

/// A connection's secrets, read from the environment variables it names.
struct Env<'a, L> {
    id: &'a str,
    lookup: &'a L,
}

impl<L: Fn(&str) -> Option<String>> Env<'_, L> {
    /// The value of `var`, named by `field`; unset or empty is an error naming both.
    fn secret(&self, field: &str, var: &str) -> Result<String, ProviderError> {
        (self.lookup)(var).filter(|v| !v.is_empty()).ok_or_else(|| {
            config_error(format!(
                "connection \"{}\": environment variable {var} (named by `{field}`) is not set",
                self.id
            ))
        })
    }

    fn secret_key(&self, field: &str, var: &str) -> Result<Secret, ProviderError> {
        self.secret(field, var).map(Secret::new)
    }

    /// FunctionGraph's token when one is named, else its key pair.
    fn huawei_auth(&self, h: &HuaweiConnection) -> Result<HuaweiAuth, ProviderError> {
        Ok(match h.secret_vars() {
            Some(HuaweiSecretVars::Token(var)) => {
                HuaweiAuth::Token(self.secret_key("token_env", var)?)
            }
            Some(HuaweiSecretVars::AkSk {
                access_key,
                secret_key,
            }) => HuaweiAuth::AkSk {
                access_key: self.secret("access_key_env", access_key)?,
                secret_key: self.secret_key("secret_key_env", secret_key)?,
            },
            // The configuration refuses such an entry.
            None => {
                return Err(config_error(format!(
                    "connection \"{}\" names no credentials",
                    h.id
                )));
            }
        })
    }
}

/// The client of one of the engine's dialects, with the engine's keys and each dialect's
/// defaults.
fn engine_client(
    transport: Transport,
    e: &EngineConnection,
    endpoint: String,
    keys: &DialectKeys,
) -> Client {
    match e.provider {
        ProviderKind::Ncp => ncp(
            transport,
            endpoint,
            NcpConnection::default_base_path(),
            None,
            keys.ncp.clone(),
        ),
        ProviderKind::Openwhisk => openwhisk(
            transport,
            endpoint,
            OpenWhiskConnection::default_namespace(),
            keys.openwhisk.clone(),
        ),
        ProviderKind::Huawei => {
            let HuaweiKeys {
                project_id,
                access_key,
                secret_key,
                ..
            } = keys.huawei.clone();
            let auth = HuaweiAuth::AkSk {
                access_key,
                secret_key,
            };
            huawei(transport, endpoint, project_id, "local".into(), auth)
        }
        ProviderKind::Tencent => tencent(
            transport,
            endpoint.clone(),
            endpoint,
            TencentConnection::default_namespace(),
            keys.tencent.clone(),
        ),
    }
}

fn ncp(
    transport: Transport,
    endpoint: String,
    base_path: String,
    platform: Option<String>,
    keys: NcpKeys,
) -> Client {
    Client::Ncp(NcpClient::new(
        transport,
        NcpConfig {
            endpoint,
            base_path,
            platform,
            access_key: keys.access_key,
            secret_key: keys.secret_key,
        },
    ))
}

fn openwhisk(
    transport: Transport,
    endpoint: String,
    namespace: String,
    keys: OpenWhiskKeys,
) -> Client {
    Client::OpenWhisk(OpenWhiskClient::new(
        transport,
        OpenWhiskConfig {
            endpoint,
            namespace,
            auth: keys.auth,
        },
    ))
}

fn huawei(
    transport: Transport,
    endpoint: String,
    project_id: String,
    region: String,
    auth: HuaweiAuth,
) -> Client {
    Client::Huawei(HuaweiClient::new(
        transport,
        HuaweiConfig {
            endpoint,
            project_id,
            region,
            auth,
        },
    ))
}

fn tencent(
    transport: Transport,
    endpoint: String,
    legacy_endpoint: String,
    namespace: String,
    keys: TencentKeys,
) -> Client {
    Client::Tencent(TencentClient::new(
        transport,
        TencentConfig {
            endpoint,
            legacy_endpoint,
            region: keys.region,
            namespace,
            secret_id: keys.secret_id,
            secret_key: keys.secret_key,
        },
    ))
}

fn config_error(message: String) -> ProviderError {
    ProviderError::new(ErrorKind::Config, message)
}

/// How one connection's check went.
#[derive(Debug)]
pub enum Outcome {
    /// The read succeeded: what it found, and how long it took.
    Ok(String, u128),
    /// It failed.
    Failed(ProviderError),
    /// Not checked, and why.
    Skipped(&'static str),
}

/// Makes one harmless signed read on each connection (or only `only`), in order, each in a
/// `connection_test` span naming the connection. The engine's keys, when one of its own
/// connections is checked, are read (or generated) as the running console does; a keys file
/// that cannot be read is an error.
pub async fn test_all(
    config: &Config,
    only: Option<&str>,
    transport: &Transport,
    lookup: &impl Fn(&str) -> Option<String>,
) -> Result<Vec<(String, ProviderKind, Outcome)>, String> {
    let chosen: Vec<&ConnectionConfig> = config
        .connections
        .iter()
        .filter(|c| only.is_none_or(|id| c.id() == id))
        .collect();
    if chosen.is_empty() {
        let known: Vec<_> = config.connections.iter().map(|c| c.id()).collect();
        return Err(match only {
            Some(id) => format!("no connection \"{id}\"; configured: {}", known.join(", ")),
            None => "no connections are configured".into(),
        });
    }
    let engine_keys = if chosen
        .iter()
        .any(|c| matches!(c, ConnectionConfig::Engine(_)))
    {
        let data_dir = &config.server.data_dir;
        crate::private_files::create_private_dir(data_dir)
            .map_err(|e| format!("the data directory {}: {e}", data_dir.display()))?;
        let keys = crate::engine_host::load_or_generate_keys(&config.engine, data_dir)
            .map_err(|e| e.to_string())?;
        Some(keys)
    } else {
        None
    };
    let mut report = Vec::new();
    for c in chosen {
        let span = tracing::info_span!(
            "connection_test",
            connection = c.id(),
            provider = c.provider().config_name()
        );
        let outcome = async {
            let client = match build(c, transport, lookup, engine_keys.as_ref()) {
                Ok(client) => client,
                Err(e) => return Outcome::Failed(e),
            };
            let started = Instant::now();
            match client.probe().await {
                Ok(found) => Outcome::Ok(found, started.elapsed().as_millis()),
                Err(e) => Outcome::Failed(e),
            }
        }
        .instrument(span)
        .await;
        report.push((c.id().to_string(), c.provider(), outcome));
    }
    Ok(report)
}

/// Prints the report; returns whether every checked connection passed.
pub fn print_report(report: &[(String, ProviderKind, Outcome)]) -> bool {
    let width = report.iter().map(|(id, _, _)| id.len()).max().unwrap_or(0);
    let mut all_ok = true;
    for (id, provider, outcome) in report {
        let provider = provider.config_name();
        match outcome {
            Outcome::Ok(found, ms) => {
                println!("{id:width$}  {provider:9}  ok       {found} ({ms} ms)")
            }
            Outcome::Skipped(why) => println!("{id:width$}  {provider:9}  skipped  {why}"),
            Outcome::Failed(error) => {
                all_ok = false;
                println!("{id:width$}  {provider:9}  FAILED   {error}");
            }
        }
    }
    all_ok
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::{Arc, Mutex};

    fn parse(text: &str, data_dir: &std::path::Path) -> Config {
        let text = format!(
            "[server]\ndata_dir = {:?}\n{text}",
            data_dir.display().to_string()
        );
        Config::from_toml(&text, std::path::Path::new("fnconsole.toml")).unwrap()
    }

    fn transport() -> Transport {
        Transport::new(providers::client::TransportOptions {
            timeout: std::time::Duration::from_secs(5),
            read_retries: 0,
            ..Default::default()
        })
        .unwrap()
    }

    #[tokio::test]
    async fn a_keys_file_that_cannot_be_read_is_an_error_not_a_missing_key() {
        let dir = tempfile::tempdir().unwrap();
        let config = parse("", dir.path());
        let keys = dir.path().join(crate::engine_host::KEYS_FILE);
        std::fs::write(&keys, "ncp_access_key = \n").unwrap();
        let error = test_all(&config, None, &transport(), &|_: &str| None)
            .await
            .unwrap_err();
        assert!(
            error.starts_with(&format!("the engine's keys file {}: ", keys.display())),
            "{error}"
        );
    }

    #[test]
    fn an_engine_connection_without_the_engines_keys_is_a_named_error() {
        let dir = tempfile::tempdir().unwrap();
        let config = parse("", dir.path());
        let error = build(&config.connections[0], &transport(), &|_: &str| None, None).unwrap_err();
        assert_eq!(error.kind, ErrorKind::Config);
        assert!(
            error.to_string().contains(
                "connection \"local-ncp\" signs with the engine's keys, which are not loaded"
            ),
            "{error}"
        );
    }

    #[test]
    fn engine_connections_stream_runs_live_and_cloud_ones_do_not() {
        use providers::{Capability, client::Operations};
        let dir = tempfile::tempdir().unwrap();
        let text = "[[connections]]\nid = \"far\"\nprovider = \"ncp\"\nendpoint = \"http://10.0.0.5:3233\"\nengine = true\naccess_key_env = \"A\"\nsecret_key_env = \"S\"\n\n[[connections]]\nid = \"cloud\"\nprovider = \"ncp\"\nendpoint = \"https://x\"\naccess_key_env = \"A\"\nsecret_key_env = \"S\"\n";
        let config = parse(text, dir.path());
        let lookup = |_: &str| Some("set".to_string());
        let streams: Vec<bool> = config
            .connections
            .iter()
            .map(|c| {
                let client = build(c, &transport(), &lookup, None).unwrap();
                client.capabilities().has(Capability::StreamingInvoke)
            })
            .collect();
        assert_eq!(streams, [true, false]);
    }

    #[tokio::test]
    async fn each_check_and_its_provider_call_are_traced_with_the_connection_id() {
        #[derive(Clone, Default)]
        struct Buffer(Arc<Mutex<Vec<u8>>>);
        impl std::io::Write for Buffer {
            fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
                self.0.lock().unwrap().extend_from_slice(bytes);
                Ok(bytes.len())
            }
            fn flush(&mut self) -> std::io::Result<()> {
                Ok(())
            }
        }
        // A port nothing listens on: the call fails at once, inside its span.
        let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let endpoint = format!("http://{}", closed.local_addr().unwrap());
        drop(closed);
        let dir = tempfile::tempdir().unwrap();
        let config = parse(
            &format!(
                "[[connections]]\nid = \"dead-ncp\"\nprovider = \"ncp\"\nendpoint = \"{endpoint}\"\naccess_key_env = \"A\"\nsecret_key_env = \"S\"\n"
            ),
            dir.path(),
        );
        let buffer = Buffer::default();
        let writer = buffer.clone();
        let subscriber = tracing_subscriber::fmt()
            .with_max_level(tracing::Level::DEBUG)
            .with_writer(move || writer.clone())
            .with_ansi(false)
            .finish();
        let _guard = tracing::subscriber::set_default(subscriber);
        let lookup = |var: &str| Some(format!("value of {var}"));
        let report = test_all(&config, None, &transport(), &lookup)
            .await
            .unwrap();
        assert!(matches!(report[0].2, Outcome::Failed(_)), "{report:?}");
        let log = String::from_utf8_lossy(&buffer.0.lock().unwrap()).into_owned();
        assert!(
            log.contains("connection_test{connection=\"dead-ncp\" provider=\"ncp\"}")
                && log.contains("provider_call{connection=\"dead-ncp\""),
            "{log}"
        );
    }
}
