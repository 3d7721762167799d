//! The console's own clients against the engine's dialects: every capability round trips, and
//! wrong keys are refused the way each cloud refuses them.

mod support;

use providers::client::{
    NcpClient, NcpConfig, OpenWhiskClient, OpenWhiskConfig, Operations, Transport, TransportOptions,
};
use providers::sign::Secret;
use providers::*;
use serde_json::json;
use std::time::Duration;
use support::serve;

fn transport() -> Transport {
    Transport::new(TransportOptions {
        timeout: Duration::from_secs(20),
        read_retries: 0,
        ..Default::default()
    })
    .unwrap()
}

fn ncp(url: &str, base_path: &str, secret: &str) -> NcpClient {
    NcpClient::new(
        transport(),
        NcpConfig {
            endpoint: url.into(),
            base_path: base_path.into(),
            platform: Some("vpc".into()),
            access_key: "ncp-ak".into(),
            secret_key: Secret::new(secret),
        },
    )
}

fn spec(name: &str, code: &str) -> ActionSpec {
    let exec = ActionExec {
        main: Some("main".into()),
        ..ActionExec::source("nodejs:20", code)
    };
    ActionSpec {
        description: Some("from the client".into()),
        parameters: serde_json::from_value(json!({"greeting": "hi"})).unwrap(),
        limits: Some(ActionLimits {
            timeout_ms: 10_000,
            memory_mb: 128,
        }),
        ..ActionSpec::basic(ActionRef::in_package("demo", name), exec)
    }
}

/// Asserts that `error` is of `kind` and keeps the provider's own `code`.
fn assert_code(error: &ProviderError, kind: ErrorKind, code: &str) {
    assert_eq!(
        (error.kind, error.code.as_deref()),
        (kind, Some(code)),
        "{error}"
    );
}

/// Runs `request` and hands back its activation; fails if it was only accepted.
async fn finished(c: &impl Operations, request: &InvocationRequest) -> Activation {
    match c.invoke(request).await.unwrap() {
        InvocationResult::Finished(done) => done,
        other => panic!("expected a result, got {other:?}"),
    }
}

/// Runs `request` and hands back the id it was accepted under; fails if it finished.
async fn accepted(c: &impl Operations, request: &InvocationRequest) -> String {
    match c.invoke(request).await.unwrap() {
        InvocationResult::Accepted { id } => id,
        other => panic!("expected only the id, got {other:?}"),
    }
}

/// Whether `c` lists an action named `name` in `query`'s first 50.
async fn lists(c: &impl Operations, query: &ActionQuery, name: &str) -> bool {
    let page = c
        .list_actions(query, &PageRequest::first(50))
        .await
        .unwrap();
    page.items.iter().any(|a| a.action.name == name)
}

#[tokio::test(flavor = "multi_thread")]
async fn the_ncp_client_round_trips_every_capability_on_both_base_paths() {
    let url = serve().await;
    for base in ["/api/v2", "/ncf/api/v2"] {
        let c = ncp(&url, base, "ncp-sk");
        let packages = c.list_packages(&PageRequest::first(50)).await.unwrap();
        let names: Vec<&str> = packages.items.iter().map(|p| p.name.as_str()).collect();
        assert_eq!(names, ["demo"]);
        let name = format!("echo{}", base.len());
        let saved = c
            .put_action(&spec(
                &name,
                "function main(p) { console.log('echo'); return p; }",
            ))
            .await
            .unwrap();
        assert_eq!(saved.parameters["greeting"], "hi");
        assert_eq!(
            c.get_action(&ActionRef::in_package("demo", &name))
                .await
                .unwrap()
                .description
                .as_deref(),
            Some("from the client")
        );
        assert!(lists(&c, &ActionQuery::package("demo"), &name).await);
        let request = InvocationRequest {
            action: ActionRef::in_package("demo", &name),
            params: serde_json::from_value(json!({"n": 1})).unwrap(),
            blocking: true,
            wait_ms: Some(30_000),
        };
        let done = finished(&c, &request).await;
        assert_eq!(done.status, ActivationStatus::Success);
        // Package defaults (the demo package's `place`) fill in under the action's and the call's.
        assert_eq!(
            done.result.unwrap(),
            json!({"greeting": "hi", "n": 1, "place": "the fnconsole demo"})
        );
        let page = c
            .list_activations(
                &ActivationQuery {
                    action: Some(ActionRef::in_package("demo", &name)),
                    ..Default::default()
                },
                &PageRequest::first(20),
            )
            .await
            .unwrap();
        assert_eq!(page.total, Some(1));
        let detail = c
            .get_activation(&ActivationRef::of(
                ActionRef::in_package("demo", &name),
                &page.items[0].id,
            ))
            .await
            .unwrap();
        assert!(detail.logs.unwrap()[0].ends_with("stdout: echo"));
        c.delete_action(&ActionRef::in_package("demo", &name))
            .await
            .unwrap();
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn ncp_returns_only_the_activation_id_past_the_timeout_query() {
    let url = serve().await;
    let c = ncp(&url, "/api/v2", "ncp-sk");
    let request = InvocationRequest {
        action: ActionRef::in_package("demo", "slow-logger"),
        params: Default::default(),
        blocking: true,
        wait_ms: Some(100),
    };
    let id = accepted(&c, &request).await;
    assert_eq!(id.len(), 32);
}

#[tokio::test(flavor = "multi_thread")]
async fn ncp_refuses_a_bad_signature_and_answers_documented_codes() {
    let url = serve().await;
    let error = ncp(&url, "/api/v2", "wrong")
        .list_packages(&PageRequest::first(50))
        .await
        .unwrap_err();
    assert_eq!(
        (error.kind, error.status, error.code.as_deref()),
        (ErrorKind::Auth, Some(401), Some("200"))
    );
    let c = ncp(&url, "/api/v2", "ncp-sk");
    let mut bad = spec("bad", "");
    bad.limits = Some(ActionLimits {
        timeout_ms: 100,
        memory_mb: 128,
    });
    let error = c.put_action(&bad).await.unwrap_err();
    assert_eq!(
        (error.status, error.code.as_deref()),
        (Some(400), Some("80307"))
    );
    assert_eq!(
        error.provider_message.as_deref(),
        Some("ACTION_BODY_INVALID_VALUE: limits.timeout is 100; it must be 500 to 300,000 ms")
    );
    let error = c
        .get_action(&ActionRef::in_package("demo", "nope"))
        .await
        .unwrap_err();
    assert_code(&error, ErrorKind::NotFound, "80301");
}

fn ow(url: &str, auth: &str) -> OpenWhiskClient {
    OpenWhiskClient::new(
        transport(),
        OpenWhiskConfig {
            endpoint: url.into(),
            namespace: "_".into(),
            auth: Secret::new(auth),
        },
    )
}

#[tokio::test(flavor = "multi_thread")]
async fn the_openwhisk_client_round_trips_every_capability() {
    let url = serve().await;
    let c = ow(&url, support::OW_AUTH);
    let mut s = spec(
        "owecho",
        "function main(p) { console.log('ow'); if (p.fail) throw new Error('asked to'); return { got: p }; }",
    );
    s.action = ActionRef::top("owecho");
    c.put_action(&s).await.unwrap();
    assert_eq!(
        c.get_action(&ActionRef::top("owecho"))
            .await
            .unwrap()
            .exec
            .kind,
        "nodejs:20"
    );
    assert!(lists(&c, &ActionQuery::default(), "owecho").await);

    let mut request = InvocationRequest {
        action: ActionRef::top("owecho"),
        params: serde_json::from_value(json!({"x": 1})).unwrap(),
        blocking: true,
        wait_ms: Some(20_000),
    };
    let done = finished(&c, &request).await;
    assert_eq!(
        done.result.unwrap(),
        json!({"got": {"greeting": "hi", "x": 1}})
    );
    request.params = serde_json::from_value(json!({"fail": true})).unwrap();
    let failed = finished(&c, &request).await;
    assert_eq!(failed.status, ActivationStatus::ApplicationError);
    request.blocking = false;
    let id = accepted(&c, &request).await;

    tokio::time::sleep(Duration::from_millis(300)).await;
    let page = c
        .list_activations(
            &ActivationQuery {
                action: Some(ActionRef::top("owecho")),
                ..Default::default()
            },
            &PageRequest::first(10),
        )
        .await
        .unwrap();
    assert_eq!(page.total, Some(3));
    assert_eq!(c.activation_logs(&id).await.unwrap().len(), 1);
    let (status, result) = c.activation_result(&id).await.unwrap();
    assert_eq!(
        (status, result.unwrap()["error"].as_str()),
        (ActivationStatus::ApplicationError, Some("Error: asked to"))
    );
    c.delete_action(&ActionRef::top("owecho")).await.unwrap();
    assert_eq!(
        c.get_action(&ActionRef::top("owecho"))
            .await
            .unwrap_err()
            .kind,
        ErrorKind::NotFound
    );
}

/// What the activations page reads of the engine over OpenWhisk: a package action's name,
/// the recorded input (the engine's extension annotation), and a sequence's components in
/// the order they ran, each readable by its id.
#[tokio::test(flavor = "multi_thread")]
async fn the_openwhisk_client_reads_the_engines_recorded_input_and_a_sequences_components() {
    let url = serve().await;
    let c = ow(&url, support::OW_AUTH);
    let run = InvocationRequest {
        action: ActionRef::in_package("demo", "hello-loud"),
        params: serde_json::from_value(json!({"name": "Kim"})).unwrap(),
        blocking: true,
        wait_ms: Some(20_000),
    };
    let InvocationResult::Finished(done) = c.invoke(&run).await.unwrap() else {
        panic!("the sequence did not finish within its wait")
    };
    let detail = c
        .get_activation(&ActivationRef::id(&done.id))
        .await
        .unwrap();
    assert_eq!(detail.name.as_deref(), Some("demo/hello-loud"));
    // A sequence keeps the input it was given; its components get the package's defaults.
    assert_eq!(detail.params().unwrap(), &json!({"name": "Kim"}));
    assert_eq!(detail.logs, None, "a sequence's logs are its components");
    let components = detail.components().unwrap();
    let names: Vec<Option<String>> = futures_names(&c, components).await;
    assert_eq!(
        names,
        [
            Some("demo/hello".to_string()),
            Some("demo/shout".to_string())
        ]
    );
    let listed = c
        .list_activations(&ActivationQuery::default(), &PageRequest::first(5))
        .await
        .unwrap();
    let row = listed.items.iter().find(|a| a.id == done.id).unwrap();
    assert_eq!(
        (row.name.as_deref(), row.params(), row.result.as_ref()),
        (Some("demo/hello-loud"), None, None),
        "a list row is a summary: no input, no result"
    );
}

async fn futures_names(c: &OpenWhiskClient, ids: &[String]) -> Vec<Option<String>> {
    let mut names = Vec::new();
    for id in ids {
        names.push(c.get_activation(&ActivationRef::id(id)).await.unwrap().name);
    }
    names
}

#[tokio::test(flavor = "multi_thread")]
async fn openwhisk_refuses_a_wrong_key() {
    let url = serve().await;
    let error = ow(&url, "23bc46b1-71f6-4ed5-8c54-816aa4f8c502:nope")
        .list_actions(&ActionQuery::default(), &PageRequest::first(1))
        .await
        .unwrap_err();
    assert_eq!(
        (error.kind, error.provider_message.as_deref()),
        (
            ErrorKind::Auth,
            Some("The supplied authentication is invalid")
        )
    );
}

mod functiongraph {
    use super::*;
    use engine::Workers;
    use providers::client::{HuaweiAuth, HuaweiClient, HuaweiConfig};

    async fn serve_with_workers() -> (String, Workers) {
        let (url, _, workers) = support::serve_engine().await;
        (url, workers)
    }

    /// The first asynchronous record of `query` that `found` picks, polled every 100 ms, at
    /// most `tries` times.
    async fn record(
        c: &HuaweiClient,
        query: &AsyncInvocationQuery,
        tries: u32,
        found: impl Fn(&AsyncInvocation) -> bool,
    ) -> Option<AsyncInvocation> {
        for _ in 0..tries {
            let page = c
                .list_async_invocations(query, &PageRequest::first(10))
                .await
                .unwrap();
            if let Some(record) = page.items.into_iter().find(|i| found(i)) {
                return Some(record);
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        None
    }

    fn client(url: &str, sk: &str) -> HuaweiClient {
        HuaweiClient::new(
            transport(),
            HuaweiConfig {
                endpoint: url.into(),
                project_id: "p".into(),
                region: "local".into(),
                auth: HuaweiAuth::AkSk {
                    access_key: "hw-ak".into(),
                    secret_key: Secret::new(sk),
                },
            },
        )
    }

    #[tokio::test(flavor = "multi_thread")]
    async fn functions_invocations_and_async_records_round_trip() {
        let (url, workers) = serve_with_workers().await;
        let c = client(&url, "hw-sk");
        let list = c
            .list_actions(&ActionQuery::default(), &PageRequest::first(100))
            .await
            .unwrap();
        assert!(
            list.items
                .iter()
                .any(|f| f.action == ActionRef::in_package("demo", "hello"))
        );
        assert_eq!(list.total, Some(5), "the five non-sequence demo actions");

        let hello = ActionRef::in_package("demo", "hello");
        let request = InvocationRequest {
            action: hello.clone(),
            params: serde_json::from_value(json!({"name": "Huawei"})).unwrap(),
            blocking: true,
            wait_ms: None,
        };
        let done = finished(&c, &request).await;
        // Billing and memory come in FunctionGraph's X-Cff-Invoke-Summary.
        assert_reports_billing_and_memory(&done);
        assert_eq!(done.result.unwrap(), json!({"greeting": "Hello, Huawei!"}));

        let fails = ActionRef::in_package("demo", "always-fails");
        let ok_id = accepted(
            &c,
            &InvocationRequest {
                blocking: false,
                ..request.clone()
            },
        )
        .await;
        let failing = InvocationRequest {
            action: fails.clone(),
            blocking: false,
            ..request
        };
        let bad_id = accepted(&c, &failing).await;
        let query = |action: &ActionRef, status| AsyncInvocationQuery {
            action: Some(action.clone()),
            status,
            ..Default::default()
        };
        let succeeded = query(&hello, Some(AsyncStatus::Success));
        record(&c, &succeeded, 100, |i| i.request_id == ok_id)
            .await
            .expect("the async invocation never succeeded");
        let record = record(&c, &query(&fails, None), 200, |i| {
            i.request_id == bad_id && i.status == AsyncStatus::Fail
        })
        .await
        .expect("the failing async invocation never failed");
        assert_eq!(
            record.error_message.as_deref(),
            Some("Error: this demo action always fails")
        );
        assert!(
            record
                .start_time
                .as_deref()
                .is_some_and(|t| t.len() == 19 && &t[10..11] == "T")
        );
        workers.stop();
    }

    #[tokio::test(flavor = "multi_thread")]
    async fn wrong_keys_unknown_functions_and_bad_filters_keep_huaweis_codes() {
        let (url, workers) = serve_with_workers().await;
        let error = client(&url, "wrong")
            .list_actions(&ActionQuery::default(), &PageRequest::first(1))
            .await
            .unwrap_err();
        assert_code(&error, ErrorKind::Auth, "FSS.0403");
        let c = client(&url, "hw-sk");
        let missing = AsyncInvocationQuery {
            action: Some(ActionRef::top("nope")),
            ..Default::default()
        };
        let error = c
            .list_async_invocations(&missing, &PageRequest::first(10))
            .await
            .unwrap_err();
        assert_code(&error, ErrorKind::NotFound, "FSS.0404");
        let bad = AsyncInvocationQuery {
            action: Some(ActionRef::in_package("demo", "hello")),
            begin: Some("yesterday".into()),
            ..Default::default()
        };
        let error = c
            .list_async_invocations(&bad, &PageRequest::first(10))
            .await
            .unwrap_err();
        assert_eq!(
            (error.status, error.provider_message.as_deref()),
            (
                Some(400),
                Some("query_begin_time must be YYYY-MM-DDTHH:mm:ss (UTC)")
            )
        );
        workers.stop();
    }
}

mod scf {
    use super::*;
    use providers::client::{TencentClient, TencentConfig};

    fn client(url: &str, key: &str) -> TencentClient {
        TencentClient::new(
            transport(),
            TencentConfig {
                endpoint: url.into(),
                legacy_endpoint: url.into(),
                region: "ap-guangzhou".into(),
                namespace: "demo".into(),
                secret_id: "tc-id".into(),
                secret_key: Secret::new(key),
            },
        )
    }

    #[tokio::test(flavor = "multi_thread")]
    async fn functions_invoke_and_logs_on_api3_and_the_legacy_api() {
        let url = serve().await;
        let c = client(&url, "tc-key");
        assert_eq!(
            c.list_actions(&ActionQuery::default(), &PageRequest::first(20))
                .await
                .unwrap()
                .total,
            Some(5)
        );
        let request = InvocationRequest {
            action: ActionRef::top("hello"),
            params: serde_json::from_value(json!({"name": "SCF"})).unwrap(),
            blocking: true,
            wait_ms: None,
        };
        let before = epoch_ms();
        let done = finished(&c, &request).await;
        // Billing and memory come as SCF's BillDuration and MemUsage.
        assert_reports_billing_and_memory(&done);
        let after = epoch_ms();
        assert_eq!(done.result.unwrap(), json!({"greeting": "Hello, SCF!"}));
        let failing = InvocationRequest {
            action: ActionRef::top("always-fails"),
            ..request.clone()
        };
        let failed = finished(&c, &failing).await;
        assert_eq!(failed.status, ActivationStatus::ApplicationError);

        let all = LogQuery {
            function: Some("hello".into()),
            ..Default::default()
        };
        let logs = c
            .function_logs(&all, &PageRequest::first(10))
            .await
            .unwrap();
        assert_eq!(
            (
                logs.total,
                logs.items[0].ret_code,
                logs.items[0].bill_duration_ms % 100
            ),
            (Some(1), 0, 0)
        );
        beijing_times(&c, &logs.items[0], before, after).await;
        let failures = LogQuery {
            ret_code: Some("not0".into()),
            order: LogOrder::Asc,
            order_by: LogOrderBy::Duration,
            ..Default::default()
        };
        let logs = c
            .function_logs(&failures, &PageRequest::first(10))
            .await
            .unwrap();
        let names: Vec<_> = logs
            .items
            .iter()
            .map(|l| (l.function.clone(), l.ret_code))
            .collect();
        assert_eq!(
            (logs.total, logs.items[0].function.as_str()),
            (Some(1), "always-fails"),
            "{names:?}"
        );
        legacy_logs(&c).await;
    }

    fn epoch_ms() -> i64 {
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_millis() as i64)
    }

    /// The dialect writes a record's start in Beijing time and the client reads it back as
    /// the instant it ran (8 h off either way fails); a UTC window around that instant
    /// finds it, one 8 h later (the window read as UTC by one side only) does not.
    async fn beijing_times(c: &TencentClient, record: &LogEntry, before: i64, after: i64) {
        let start = record.start_ms.expect("the start is a time");
        assert!(
            (before - 1000..=after).contains(&start),
            "{} read as {start}, not within {before}..{after}",
            record.start_time
        );
        assert_eq!(record.start_time, providers::wire::beijing::format(start));
        let utc = |ms: i64| engine::time::format_utc(ms, ' ');
        let window = |from: i64, to: i64| LogQuery {
            function: Some("hello".into()),
            start_time: Some(utc(from)),
            end_time: Some(utc(to)),
            ..Default::default()
        };
        let around = window(start - 60_000, start + 60_000);
        let later = window(
            start + 8 * 3_600_000 - 60_000,
            start + 8 * 3_600_000 + 60_000,
        );
        let count = async |q: LogQuery| {
            c.function_logs(&q, &PageRequest::first(10))
                .await
                .unwrap()
                .total
        };
        assert_eq!(count(around).await, Some(1));
        assert_eq!(count(later).await, Some(0));
    }

    /// The legacy API's logs of every function, and of one request.
    async fn legacy_logs(c: &TencentClient) {
        let legacy = c
            .function_logs_legacy(&LogQuery::default(), &PageRequest::first(10))
            .await
            .unwrap();
        assert_eq!(legacy.total, Some(2));
        let by_id = LogQuery {
            request_id: Some(legacy.items[0].request_id.clone()),
            ..Default::default()
        };
        assert_eq!(
            c.function_logs_legacy(&by_id, &PageRequest::first(10))
                .await
                .unwrap()
                .total,
            Some(1)
        );
    }

    #[tokio::test(flavor = "multi_thread")]
    async fn wrong_keys_and_bad_windows_are_refused() {
        let url = serve().await;
        let error = client(&url, "wrong")
            .list_actions(&ActionQuery::default(), &PageRequest::first(1))
            .await
            .unwrap_err();
        assert_code(&error, ErrorKind::Auth, "AuthFailure.SignatureFailure");
        let error = client(&url, "wrong")
            .function_logs_legacy(&LogQuery::default(), &PageRequest::first(1))
            .await
            .unwrap_err();
        assert_code(&error, ErrorKind::Auth, "4100");
        let c = client(&url, "tc-key");
        let long = LogQuery {
            start_time: Some("2024-01-01 00:00:00".into()),
            end_time: Some("2024-01-03 00:00:00".into()),
            ..Default::default()
        };
        let error = c
            .function_logs(&long, &PageRequest::first(10))
            .await
            .unwrap_err();
        assert_eq!(
            (error.code.as_deref(), error.provider_message.as_deref()),
            (
                Some("InvalidParameterValue"),
                Some("the time range is longer than one day")
            )
        );
        let missing = InvocationRequest {
            action: ActionRef::top("nope"),
            params: Default::default(),
            blocking: true,
            wait_ms: None,
        };
        assert_eq!(
            c.invoke(&missing).await.unwrap_err().code.as_deref(),
            Some("ResourceNotFound.Function")
        );
    }
}

/// The package the package tests write, with a description and a default parameter.
fn tools() -> PackageSpec {
    PackageSpec {
        name: "tools".into(),
        description: Some("made by the client".into()),
        parameters: serde_json::from_value(json!({"place": "the tools package"})).unwrap(),
    }
}

/// The names `c` lists.
async fn package_names(c: &impl Operations) -> Vec<String> {
    let page = c.list_packages(&PageRequest::first(50)).await.unwrap();
    page.items.into_iter().map(|p| p.name).collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn the_ncp_client_writes_and_deletes_packages_and_a_non_empty_one_is_refused_with_80109() {
    let url = serve().await;
    for base in ["/api/v2", "/ncf/api/v2"] {
        let c = ncp(&url, base, "ncp-sk");
        assert_eq!(c.put_package(&tools()).await.unwrap(), tools());
        let listed = c.list_packages(&PageRequest::first(50)).await.unwrap();
        assert!(listed.items.contains(&tools().summary()), "{listed:?}");
        assert_eq!(listed.total, Some(2));

        // Its parameters reach its actions, under the action's own.
        c.put_action(&ActionSpec {
            action: ActionRef::in_package("tools", "echo"),
            ..spec("echo", "function main(p) { return p; }")
        })
        .await
        .unwrap();
        let request = InvocationRequest {
            action: ActionRef::in_package("tools", "echo"),
            params: Default::default(),
            blocking: true,
            wait_ms: Some(30_000),
        };
        let done = finished(&c, &request).await;
        assert_eq!(
            done.result.unwrap(),
            json!({"greeting": "hi", "place": "the tools package"})
        );

        let error = c.delete_package("tools").await.unwrap_err();
        assert_eq!(
            (error.kind, error.status, error.code.as_deref()),
            (ErrorKind::Invalid, Some(409), Some("80109"))
        );
        assert!(
            error.to_string().starts_with(
                "the package still holds actions; delete them first (provider said 80109: "
            ),
            "{error}"
        );
        c.delete_action(&ActionRef::in_package("tools", "echo"))
            .await
            .unwrap();
        c.delete_package("tools").await.unwrap();
        assert_eq!(package_names(&c).await, ["demo"]);
        let error = c.delete_package("tools").await.unwrap_err();
        assert_code(&error, ErrorKind::NotFound, "80101");
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn the_openwhisk_client_writes_and_deletes_packages_and_a_non_empty_one_is_refused_with_409()
{
    let url = serve().await;
    let c = ow(&url, support::OW_AUTH);
    assert_eq!(c.put_package(&tools()).await.unwrap(), tools());
    // Written again: `overwrite=true` replaces it.
    let described = PackageSpec {
        description: Some("described again".into()),
        ..tools()
    };
    assert_eq!(c.put_package(&described).await.unwrap(), described);
    let listed = c.list_packages(&PageRequest::first(50)).await.unwrap();
    assert!(listed.items.contains(&described.summary()), "{listed:?}");
    // The same engine's NCP dialect sees it.
    assert_eq!(
        package_names(&ncp(&url, "/api/v2", "ncp-sk")).await,
        ["demo", "tools"]
    );

    let error = c.delete_package("demo").await.unwrap_err();
    assert_eq!((error.kind, error.status), (ErrorKind::Invalid, Some(409)));
    assert_eq!(
        error.explanation,
        "the package still holds actions; delete them first (HTTP 409)"
    );
    assert!(
        error
            .provider_message
            .as_deref()
            .is_some_and(|m| m.starts_with("Package not empty")),
        "{error}"
    );
    c.delete_package("tools").await.unwrap();
    assert_eq!(package_names(&c).await, ["demo"]);
    let error = c.delete_package("tools").await.unwrap_err();
    assert_eq!(error.kind, ErrorKind::NotFound);
}

/// A run's billing (whole 100 ms, at least its duration) and the memory its QuickJS runtime
/// held when it ended (the runtime alone takes well over 100 KB), as a dialect reports them.
fn assert_reports_billing_and_memory(done: &providers::Activation) {
    let billed = done.billed_ms().expect("the billed duration");
    assert!(
        billed >= 100 && billed.is_multiple_of(100),
        "billed {billed} ms"
    );
    assert!(
        billed >= done.duration_ms.unwrap_or(0),
        "billed {billed} ms"
    );
    let used = done.memory_used_bytes().expect("the memory used");
    assert!(
        (100_000..128 * 1_048_576).contains(&used),
        "used {used} bytes"
    );
}
