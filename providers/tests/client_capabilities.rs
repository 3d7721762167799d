//! Each provider claims exactly the capabilities whose methods it implements: a claimed one
//! goes to the network, an unclaimed one answers `Unsupported` without a request.

use providers::client::*;
use providers::sign::Secret;
use providers::*;
use std::time::Duration;

/// A port nothing listens on: a call that goes out fails at once, as `Network`.
fn dead_endpoint() -> String {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    format!("http://{}", listener.local_addr().unwrap())
}

fn clients() -> Vec<Client> {
    let transport = Transport::new(TransportOptions {
        timeout: Duration::from_secs(5),
        max_body_bytes: 1024,
        read_retries: 0,
        backoff: Duration::ZERO,
    })
    .unwrap();
    let endpoint = dead_endpoint();
    let secret = || Secret::new("secret");
    vec![
        Client::Ncp(NcpClient::new(
            transport.clone(),
            NcpConfig {
                endpoint: endpoint.clone(),
                base_path: "/api/v2".into(),
                platform: None,
                access_key: "ak".into(),
                secret_key: secret(),
            },
        )),
        Client::OpenWhisk(OpenWhiskClient::new(
            transport.clone(),
            OpenWhiskConfig {
                endpoint: endpoint.clone(),
                namespace: "_".into(),
                auth: secret(),
            },
        )),
        Client::Huawei(HuaweiClient::new(
            transport.clone(),
            HuaweiConfig {
                endpoint: endpoint.clone(),
                project_id: "p".into(),
                region: "r".into(),
                auth: HuaweiAuth::Token(secret()),
            },
        )),
        Client::Tencent(TencentClient::new(
            transport,
            TencentConfig {
                endpoint: endpoint.clone(),
                legacy_endpoint: endpoint,
                region: "ap-guangzhou".into(),
                namespace: "default".into(),
                secret_id: "id".into(),
                secret_key: secret(),
            },
        )),
    ]
}

/// The NCP and OpenWhisk clients of an fnconsole engine: they stream runs live too.
fn engine_clients() -> Vec<Client> {
    clients()
        .into_iter()
        .filter_map(|client| match client {
            Client::Ncp(c) => Some(Client::Ncp(c.with_live_extension())),
            Client::OpenWhisk(c) => Some(Client::OpenWhisk(c.with_live_extension())),
            _ => None,
        })
        .collect()
}

#[test]
fn only_an_engine_streams_runs_live() {
    for client in clients() {
        assert!(!client.capabilities().has(Capability::StreamingInvoke));
    }
    for client in engine_clients() {
        assert!(client.capabilities().has(Capability::StreamingInvoke));
    }
}

/// Whether a call went through, its answer dropped.
fn done<T>(outcome: Result<T, ProviderError>) -> Result<(), ProviderError> {
    outcome.map(drop)
}

/// A plain action to put.
fn spec(action: &ActionRef) -> ActionSpec {
    ActionSpec::basic(
        action.clone(),
        ActionExec::source("nodejs:20", "function main() { return {} }"),
    )
}

/// The outcome of every method of `capability`, with arguments each provider accepts.
async fn call(client: &Client, capability: Capability) -> Vec<Result<(), ProviderError>> {
    let action = ActionRef::top("hello");
    let page = PageRequest::first(1);
    let spec = spec(&action);
    match capability {
        Capability::ActionsList => {
            vec![done(
                client.list_actions(&ActionQuery::default(), &page).await,
            )]
        }
        Capability::ActionsRead => vec![done(client.get_action(&action).await)],
        Capability::ActionsWrite => vec![
            done(client.put_action(&spec).await),
            done(client.delete_action(&action).await),
        ],
        Capability::PackagesList => vec![done(client.list_packages(&page).await)],
        Capability::PackagesWrite => vec![
            done(client.put_package(&PackageSpec::named("demo")).await),
            done(client.delete_package("demo").await),
        ],
        Capability::Invoke => {
            let request = InvocationRequest {
                action: action.clone(),
                params: Default::default(),
                blocking: true,
                wait_ms: None,
            };
            vec![done(client.invoke(&request).await)]
        }
        Capability::StreamingInvoke => {
            let request = InvocationRequest {
                action: action.clone(),
                params: Default::default(),
                blocking: false,
                wait_ms: None,
            };
            let activation = ActivationRef::id("a1");
            vec![
                done(client.invoke_streaming(&request).await),
                done(client.follow_activation(&activation).await),
                done(client.cancel_activation(&activation).await),
                done(client.watch_activations().await),
            ]
        }
        Capability::Activations => {
            let query = ActivationQuery {
                action: Some(action.clone()),
                ..Default::default()
            };
            vec![done(client.list_activations(&query, &page).await)]
        }
        Capability::ActivationDetail => {
            let activation = ActivationRef::of(action.clone(), "a1");
            vec![done(client.get_activation(&activation).await)]
        }
        Capability::AsyncInvocations => {
            let query = AsyncInvocationQuery {
                action: Some(action.clone()),
                ..Default::default()
            };
            vec![done(client.list_async_invocations(&query, &page).await)]
        }
        Capability::FunctionLogs => {
            vec![done(
                client.function_logs(&LogQuery::default(), &page).await,
            )]
        }
    }
}

#[tokio::test]
async fn every_claimed_capability_is_implemented_and_every_other_is_unsupported() {
    for client in clients().into_iter().chain(engine_clients()) {
        let claimed = client.capabilities();
        for capability in Capability::ALL {
            for outcome in call(&client, capability).await {
                let error = outcome.expect_err("nothing listens at the endpoint");
                let expected = if claimed.has(capability) {
                    ErrorKind::Network
                } else {
                    ErrorKind::Unsupported
                };
                assert_eq!(
                    error.kind,
                    expected,
                    "{} {capability:?}: {error}",
                    client.kind()
                );
            }
        }
    }
}

#[tokio::test]
async fn what_a_provider_cannot_do_is_named() {
    let huawei = clients().remove(2);
    let error = huawei
        .get_action(&ActionRef::top("hello"))
        .await
        .unwrap_err();
    assert_eq!(
        error.explanation,
        "Huawei FunctionGraph does not offer reading an action's code"
    );
    let error = huawei
        .list_actions(&ActionQuery::package("demo"), &PageRequest::first(1))
        .await
        .unwrap_err();
    assert_eq!(error.kind, ErrorKind::Unsupported);
    assert_eq!(
        error.explanation,
        "Huawei FunctionGraph lists every function of the namespace; it cannot list one package's"
    );
    let error = huawei.delete_package("demo").await.unwrap_err();
    assert_eq!(
        (error.kind, error.explanation.as_str()),
        (
            ErrorKind::Unsupported,
            "Huawei FunctionGraph does not offer creating, updating and deleting packages"
        )
    );
}

#[test]
fn packages_are_written_where_they_exist_and_nowhere_else() {
    for client in clients() {
        let packages = [Capability::PackagesList, Capability::PackagesWrite];
        let has = packages.map(|c| client.capabilities().has(c));
        let expected = matches!(client.kind(), ProviderKind::Ncp | ProviderKind::Openwhisk);
        assert_eq!(has, [expected; 2], "{}", client.kind());
    }
}
