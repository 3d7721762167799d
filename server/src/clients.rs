//! Every connection's provider client, built once at start and kept in [`AppState`]. The
//! embedded engine's connections are clients of its dialects like any cloud's, with its keys.
//!
//! [`AppState`]: crate::AppState

use app::context::server::{ConnectionClient, ConnectionClients};
use providers::client::{Transport, TransportOptions};
use std::sync::Arc;

use crate::config::Config;
use crate::connections;

/// The running engine, for the connections that point at it: what its clients need.
#[derive(Clone)]
pub struct LocalEngine {
    /// Its dialects' keys.
    pub keys: Arc<engine_http::DialectKeys>,
}

/// Builds every connection's client. `lookup` reads an environment variable; `local` is the
/// embedded engine when it runs (its connections use its keys). A client that cannot be
/// built (a missing secret) is kept as its error, shown where the connection is used.
pub fn build_all(
    config: &Config,
    lookup: &impl Fn(&str) -> Option<String>,
    local: Option<&LocalEngine>,
) -> ConnectionClients {
    // One pooled transport for every client (the default timeout waits out SCF's 60 s).
    let transport = Transport::new(TransportOptions::default());
    let clients = config
        .connections
        .iter()
        .zip(config.connection_summaries())
        .map(|(c, summary)| {
            let engine = local.filter(|_| summary.local);
            let client = match &transport {
                Ok(transport) => {
                    connections::build(c, transport, lookup, engine.map(|e| e.keys.as_ref()))
                }
                Err(e) => Err(e.clone()),
            };
            if summary.local && engine.is_none() {
                tracing::warn!(connection = %summary.id, "the embedded engine is not running");
            }
            ConnectionClient { summary, client }
        })
        .collect();
    ConnectionClients::new(clients)
}

#[cfg(test)]
mod tests {
    use super::*;
    use app::api::{ActionListing, PackageSummary};
    use app::context::server::ConnectionDirectory;
    use app::errors::AppError;
    use axum::body::Body;
    use axum::http::{Request, StatusCode, header};
    use engine::{Engine, EngineOptions};
    use engine_http::{DialectKeys, HuaweiKeys, NcpKeys, OpenWhiskKeys, TencentKeys};
    use http_body_util::BodyExt;
    use providers::sign::Secret;
    use tower::ServiceExt;

    use crate::AppState;

    fn keys() -> DialectKeys {
        DialectKeys {
            namespace: "guest".into(),
            ncp: NcpKeys {
                access_key: "ncp-ak".into(),
                secret_key: Secret::new("ncp-sk"),
            },
            openwhisk: OpenWhiskKeys {
                auth: Secret::new("23bc46b1-71f6-4ed5-8c54-816aa4f8c502:owkey"),
            },
            huawei: HuaweiKeys {
                project_id: "project".into(),
                access_key: "hw-ak".into(),
                secret_key: Secret::new("hw-sk"),
                auth_token: None,
            },
            tencent: TencentKeys {
                secret_id: "tc-id".into(),
                secret_key: Secret::new("tc-sk"),
                region: "ap-guangzhou".into(),
            },
        }
    }

    /// The console's state over an in-memory engine (demo data) whose dialects listen on a
    /// loopback port, with the engine's generated connections pointing at it.
    async fn console_over_an_engine() -> AppState {
        let keys = Arc::new(keys());
        let engine = Arc::new(Engine::in_memory(EngineOptions::default()).unwrap());
        engine::demo::seed_if_empty(&engine).unwrap();
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let listen = listener.local_addr().unwrap();
        let dialects = engine_http::router(engine, keys.clone());
        tokio::spawn(async move { axum::serve(listener, dialects).await.unwrap() });
        let config = Config::from_toml(
            &format!("[engine]\nlisten = \"{listen}\"\n"),
            std::path::Path::new("test.toml"),
        )
        .unwrap();
        let clients = build_all(&config, &|_| None, Some(&LocalEngine { keys }));
        AppState {
            leptos_options: crate::site::options("127.0.0.1:3000".parse().unwrap()),
            directory: ConnectionDirectory(Arc::new(config.connection_summaries())),
            config: Arc::new(config),
            clients,
        }
    }

    /// POSTs `form` to the server function at `uri`; answers the status and the JSON body.
    async fn post(state: &AppState, uri: &str, form: &str) -> (StatusCode, serde_json::Value) {
        let response = crate::router::router(state.clone())
            .oneshot(
                Request::post(uri)
                    .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
                    .body(Body::from(form.to_string()))
                    .unwrap(),
            )
            .await
            .unwrap();
        let status = response.status();
        let bytes = response.into_body().collect().await.unwrap().to_bytes();
        let body = serde_json::from_slice(&bytes)
            .unwrap_or_else(|e| panic!("{uri}: not JSON ({e}): {bytes:?}"));
        (status, body)
    }

    /// The provider's error a server function answered.
    fn provider_error(body: serde_json::Value) -> providers::ProviderError {
        match serde_json::from_value::<AppError>(body).unwrap() {
            AppError::Provider(e) => e,
            other => panic!("expected the provider's error, got {other:?}"),
        }
    }

    #[tokio::test(flavor = "multi_thread")]
    async fn the_engines_connections_write_packages_through_their_dialects_and_others_refuse() {
        let state = console_over_an_engine().await;
        for (connection, refused) in [("local-ncp", "80109"), ("local-openwhisk", "409")] {
            let form = format!("connection={connection}&name=tools&description=made+here");
            let (status, saved) = post(&state, "/api/save_package", &form).await;
            assert_eq!(status, StatusCode::OK, "{connection}: {saved}");
            let saved: PackageSummary = serde_json::from_value(saved).unwrap();
            assert_eq!(saved.description.as_deref(), Some("made here"));

            let form = format!("connection={connection}");
            let (_, listing) = post(&state, "/api/list_actions", &form).await;
            let listing: ActionListing = serde_json::from_value(listing).unwrap();
            assert_eq!(listing.packages_read_only, None, "{connection}");
            let names: Vec<&str> = listing.packages.iter().map(|p| p.name.as_str()).collect();
            assert_eq!(
                names,
                ["demo", "tools"],
                "{connection}: the empty one is listed"
            );

            // The demo package holds actions: the provider's refusal, with its code.
            let form = format!("connection={connection}&name=demo");
            let (status, body) = post(&state, "/api/delete_package", &form).await;
            assert_ne!(status, StatusCode::OK);
            let error = provider_error(body);
            assert_eq!(error.status, Some(409), "{connection}: {error}");
            assert!(error.to_string().contains(refused), "{connection}: {error}");

            let form = format!("connection={connection}&name=tools");
            let (status, body) = post(&state, "/api/delete_package", &form).await;
            assert_eq!(status, StatusCode::OK, "{connection}: {body}");
        }

        // A provider without packages answers so, before any request. (One test: Leptos
        // registers its executor once per process, and routers rendering at once may stall.)
        let (_, listing) = post(&state, "/api/list_actions", "connection=local-huawei").await;
        let listing: ActionListing = serde_json::from_value(listing).unwrap();
        assert!(listing.packages_read_only.is_some());
        let form = "connection=local-huawei&name=tools";
        let (status, body) = post(&state, "/api/save_package", form).await;
        assert_ne!(status, StatusCode::OK);
        assert_eq!(
            serde_json::from_value::<AppError>(body).unwrap(),
            AppError::Unsupported(
                "Huawei FunctionGraph does not offer creating, updating and deleting packages"
                    .into()
            )
        );
    }
}
