//! Turning configured connections into provider clients, with their secrets read from the
//! environment; and `fnconsole connections test`.

use providers::client::{
    Client, HuaweiAuth, HuaweiClient, HuaweiConfig, NcpClient, NcpConfig, OpenWhiskClient,
    OpenWhiskConfig, Operations, TencentClient, TencentConfig, Transport,
};
use providers::sign::Secret;
use providers::{ErrorKind, ProviderError, ProviderKind};
use std::time::Instant;

use crate::config::{Config, ConnectionConfig, huawei_region};

/// Builds the client of `c`; `lookup` reads an environment variable. A missing secret is a
/// configuration error naming the connection, the field and the variable.
pub fn build(
    c: &ConnectionConfig,
    transport: &Transport,
    lookup: &impl Fn(&str) -> Option<String>,
) -> Result<Client, ProviderError> {
    build_with(c, transport, lookup, None)
}

/// As [`build`]; a connection to the embedded engine that names no key variables uses the
/// engine's own keys.
pub fn build_with(
    c: &ConnectionConfig,
    transport: &Transport,
    lookup: &impl Fn(&str) -> Option<String>,
    engine_keys: Option<&engine_http::DialectKeys>,
) -> Result<Client, ProviderError> {
    // Every call made through this connection's client is traced with its id.
    let transport = &transport.for_connection(&c.id);
    if let Some(keys) = engine_keys
        .filter(|_| c.access_key_env.is_none() && c.auth_env.is_none() && c.token_env.is_none())
    {
        let endpoint = c.endpoint.trim_end_matches('/').to_string();
        match c.provider {
            ProviderKind::Ncp => {
                return Ok(Client::Ncp(NcpClient::new(
                    transport.clone(),
                    NcpConfig {
                        endpoint,
                        base_path: c.base_path.clone().unwrap_or_else(|| "/api/v2".into()),
                        platform: c.platform.clone(),
                        access_key: keys.ncp.access_key.clone(),
                        secret_key: keys.ncp.secret_key.clone(),
                    },
                )));
            }
            ProviderKind::Openwhisk => {
                return Ok(Client::OpenWhisk(OpenWhiskClient::new(
                    transport.clone(),
                    OpenWhiskConfig {
                        endpoint,
                        namespace: "_".into(),
                        auth: keys.openwhisk.auth.clone(),
                    },
                )));
            }
            ProviderKind::Huawei => {
                return Ok(Client::Huawei(HuaweiClient::new(
                    transport.clone(),
                    HuaweiConfig {
                        endpoint,
                        project_id: keys.huawei.project_id.clone(),
                        region: "local".into(),
                        auth: HuaweiAuth::AkSk {
                            access_key: keys.huawei.access_key.clone(),
                            secret_key: keys.huawei.secret_key.clone(),
                        },
                    },
                )));
            }
            ProviderKind::Tencent => {
                return Ok(Client::Tencent(TencentClient::new(
                    transport.clone(),
                    TencentConfig {
                        legacy_endpoint: endpoint.clone(),
                        endpoint,
                        region: keys.tencent.region.clone(),
                        namespace: c.namespace.clone().unwrap_or_else(|| "default".into()),
                        secret_id: keys.tencent.secret_id.clone(),
                        secret_key: keys.tencent.secret_key.clone(),
                    },
                )));
            }
        }
    }
    build_from_env(c, transport, lookup)
}

fn build_from_env(
    c: &ConnectionConfig,
    transport: &Transport,
    lookup: &impl Fn(&str) -> Option<String>,
) -> Result<Client, ProviderError> {
    let secret = |field: &str, var: &Option<String>| -> Result<String, ProviderError> {
        let var = var.as_deref().ok_or_else(|| {
            ProviderError::new(
                ErrorKind::Config,
                format!(
                    "connection \"{}\" has no `{field}` in the configuration",
                    c.id
                ),
            )
        })?;
        lookup(var).filter(|v| !v.is_empty()).ok_or_else(|| {
            ProviderError::new(
                ErrorKind::Config,
                format!(
                    "connection \"{}\": environment variable {var} (named by `{field}`) is not set",
                    c.id
                ),
            )
        })
    };
    let endpoint = c.endpoint.trim_end_matches('/').to_string();
    Ok(match c.provider {
        ProviderKind::Ncp => Client::Ncp(NcpClient::new(
            transport.clone(),
            NcpConfig {
                endpoint,
                base_path: c.base_path.clone().unwrap_or_else(|| "/api/v2".into()),
                platform: c.platform.clone(),
                access_key: secret("access_key_env", &c.access_key_env)?,
                secret_key: Secret::new(secret("secret_key_env", &c.secret_key_env)?),
            },
        )),
        ProviderKind::Openwhisk => Client::OpenWhisk(OpenWhiskClient::new(
            transport.clone(),
            OpenWhiskConfig {
                endpoint,
                namespace: c.namespace.clone().unwrap_or_else(|| "_".into()),
                auth: Secret::new(secret("auth_env", &c.auth_env)?),
            },
        )),
        ProviderKind::Huawei => {
            let auth = if c.token_env.is_some() {
                HuaweiAuth::Token(Secret::new(secret("token_env", &c.token_env)?))
            } else {
                HuaweiAuth::AkSk {
                    access_key: secret("access_key_env", &c.access_key_env)?,
                    secret_key: Secret::new(secret("secret_key_env", &c.secret_key_env)?),
                }
            };
            Client::Huawei(HuaweiClient::new(
                transport.clone(),
                HuaweiConfig {
                    project_id: c.project_id.clone().unwrap_or_default(),
                    region: c
                        .region
                        .clone()
                        .or_else(|| huawei_region(&endpoint))
                        .unwrap_or_default(),
                    endpoint,
                    auth,
                },
            ))
        }
        ProviderKind::Tencent => {
            let legacy_endpoint = c.legacy_endpoint.clone().unwrap_or_else(|| {
                if endpoint.contains("tencentcloudapi.com") {
                    "https://scf.api.qcloud.com".into()
                } else {
                    endpoint.clone()
                }
            });
            Client::Tencent(TencentClient::new(
                transport.clone(),
                TencentConfig {
                    endpoint,
                    legacy_endpoint,
                    region: c.region.clone().unwrap_or_default(),
                    namespace: c.namespace.clone().unwrap_or_else(|| "default".into()),
                    secret_id: secret("access_key_env", &c.access_key_env)?,
                    secret_key: Secret::new(secret("secret_key_env", &c.secret_key_env)?),
                },
            ))
        }
    })
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

/// Makes one harmless signed read on each connection (or only `only`), in order.
pub async fn test_all(
    config: &Config,
    only: Option<&str>,
    transport: &Transport,
    lookup: &impl Fn(&str) -> Option<String>,
) -> Result<Vec<(String, ProviderKind, Outcome)>, String> {
    let summaries = config.connection_summaries();
    let chosen: Vec<_> = config
        .connections
        .iter()
        .zip(&summaries)
        .filter(|(c, _)| only.is_none_or(|id| c.id == id))
        .collect();
    if chosen.is_empty() {
        let known: Vec<_> = config.connections.iter().map(|c| c.id.as_str()).collect();
        return Err(match only {
            Some(id) => format!("no connection \"{id}\"; configured: {}", known.join(", ")),
            None => "no connections are configured".into(),
        });
    }
    // The engine's keys, as the running console uses them (generated on its first start).
    let engine_keys = if config.engine.enabled && summaries.iter().any(|s| s.local) {
        crate::private_files::create_private_dir(&config.server.data_dir).ok();
        crate::engine_host::load_or_generate_keys(&config.engine, &config.server.data_dir).ok()
    } else {
        None
    };
    let mut report = Vec::new();
    for (c, summary) in chosen {
        let outcome = {
            match build_with(
                c,
                transport,
                lookup,
                engine_keys.as_ref().filter(|_| summary.local),
            ) {
                Err(e) => Outcome::Failed(e),
                Ok(client) => {
                    let started = Instant::now();
                    match client.probe().await {
                        Ok(found) => Outcome::Ok(found, started.elapsed().as_millis()),
                        Err(e) => Outcome::Failed(e),
                    }
                }
            }
        };
        report.push((c.id.clone(), c.provider, outcome));
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
