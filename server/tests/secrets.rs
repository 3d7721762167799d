//! The secrets walk: connections configured with known secret values — in the file (through
//! the variables it names) and added in the UI (typed into the form) — then every page and
//! every server function is called as each role, connection by connection, with the server's
//! log captured at `debug`. No answer (pages, server-function responses, refusals' error
//! messages) and no log line holds a secret. The browser bundles are walked by
//! `end2end/tests/secrets.test.mjs`, which serves the release build.

use access::{Caller, Role};
use axum::body::Body;
use axum::http::{Request, header};
use http_body_util::BodyExt;
use server::config::Config;
use server::router::router_as;
use server::{AppState, site};
use std::io::Write;
use std::path::Path;
use std::sync::{Arc, Mutex};
use tower::ServiceExt;

mod support;
use support::run;

/// Every secret this test configures; none may appear anywhere.
const SECRETS: &[&str] = &[
    "FILE-ow-auth-7d1e:Qx9secret",
    "FILE-ncp-secret-2b7f",
    "FILE-ncp-access-5c3a",
    "UI-ow-auth-91ac:Zz8secret",
    "UI-tencent-secret-44d0",
    "UI-tencent-id-0e9b",
    "UI-huawei-token-a6f2",
];

/// The log, as the server writes it (a `debug` subscriber writing here).
#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

fn assert_clean(what: &str, text: &str) {
    for secret in SECRETS {
        assert!(
            !text.contains(secret),
            "{what} holds the secret {secret:?}:\n{text}"
        );
        // A secret cut at its first ':' (the OpenWhisk key's halves) is a secret too.
        for half in secret.split(':').filter(|h| h.len() > 8) {
            assert!(
                !text.contains(half),
                "{what} holds part of a secret ({half:?}):\n{text}"
            );
        }
    }
}

async fn send(state: &AppState, caller: &Caller, request: Request<Body>) -> (u16, String) {
    let response = router_as(state.clone(), caller.clone())
        .oneshot(request)
        .await
        .unwrap();
    let status = response.status().as_u16();
    let bytes = response.into_body().collect().await.unwrap().to_bytes();
    (status, String::from_utf8_lossy(&bytes).into_owned())
}

fn form(uri: &str, body: &str) -> Request<Body> {
    Request::post(uri)
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(Body::from(body.to_owned()))
        .unwrap()
}

fn json(uri: &str, body: serde_json::Value) -> Request<Body> {
    Request::post(uri)
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from(body.to_string()))
        .unwrap()
}

/// Arguments each server function is called with on `connection` (the form encoding unless
/// JSON): enough to reach the provider where it can.
fn calls(connection: &str) -> Vec<Request<Body>> {
    let c = connection;
    let action = serde_json::json!({ "package": null, "name": "hello" });
    let mut requests: Vec<Request<Body>> = [
        ("/api/connections", String::new()),
        ("/api/list_packages", format!("connection={c}")),
        ("/api/list_actions", format!("connection={c}")),
        ("/api/get_action", format!("connection={c}&name=hello")),
        ("/api/save_package", format!("connection={c}&name=tools&description=")),
        ("/api/create_action", format!("connection={c}&package=&name=made&kind=nodejs:20&code=x&timeout_ms=1000&memory_mb=256")),
        ("/api/delete_action", format!("connection={c}&name=hello")),
        ("/api/delete_package", format!("connection={c}&name=tools")),
        ("/api/get_run_setup", format!("connection={c}&name=hello")),
        ("/api/stop_run", format!("connection={c}&name=hello&activation_id=a1")),
        ("/api/load_action", format!("connection={c}&name=hello")),
        ("/api/list_activations", format!("connection={c}")),
        ("/api/get_activation", format!("connection={c}&id=a1")),
        ("/api/sample_activations", format!("connection={c}")),
        ("/api/list_managed_connections", String::new()),
        ("/api/test_connection", format!("id={c}")),
        ("/api/delete_connection", format!("id={c}-not-there")),
        ("/api/overview_card", format!("connection={c}")),
        ("/api/list_async_invocations", format!("connection={c}")),
        ("/api/function_logs", format!("connection={c}")),
        ("/api/change_password", "current=a+long+enough+one&new=another+long+one".into()),
        ("/api/list_tokens", String::new()),
        ("/api/create_token", "name=walk".into()),
        ("/api/revoke_token", "id=1".into()),
        ("/api/list_accounts", String::new()),
        ("/api/create_account", "name=walker&role=viewer&password=walker+password+1".into()),
        ("/api/set_account_role", "name=walker&role=editor".into()),
        ("/api/set_account_disabled", "name=walker&disabled=true".into()),
        ("/api/delete_account", "name=walker".into()),
    ]
    .into_iter()
    .map(|(uri, body)| form(uri, &body))
    .collect();
    requests.extend([
        json("/api/run_action", serde_json::json!({ "run": { "connection": c, "action": action, "params": {}, "timeout_ms": 1000 } })),
        json("/api/run_async", serde_json::json!({ "run": { "connection": c, "action": action, "params": {} } })),
        json("/api/list_audit", serde_json::json!({ "filter": { "offset": 0, "limit": 0 } })),
        json("/api/save_action", serde_json::json!({ "connection": c, "spec": {}, "version": "" })),
        json("/api/timeline", serde_json::json!({ "view": {} })),
    ]);
    requests
}

const PAGES: &[&str] = &[
    "/",
    "/actions",
    "/actions/hello",
    "/activations",
    "/async",
    "/logs",
    "/timeline",
    "/settings",
    "/audit",
    "/account",
    "/accounts",
    "/no/such/page",
];

#[test]
fn no_page_answer_refusal_or_log_line_holds_a_secret() {
    let log = Captured::default();
    let writer = log.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::DEBUG)
        .with_ansi(false)
        .with_writer(move || writer.clone())
        .finish();
    tracing::subscriber::set_global_default(subscriber).unwrap();

    run(async move {
        let dir = tempfile::tempdir().unwrap();
        // Providers that are not there: every call fails, and its error is what is checked.
        let config = Config::from_toml(
            r#"
            [engine]
            enabled = false
            [[connections]]
            id = "file-ow"
            provider = "openwhisk"
            endpoint = "http://127.0.0.1:9"
            auth_env = "SECRETS_TEST_OW_AUTH"
            [[connections]]
            id = "file-ncp"
            provider = "ncp"
            endpoint = "http://127.0.0.1:9"
            access_key_env = "SECRETS_TEST_NCP_AK"
            secret_key_env = "SECRETS_TEST_NCP_SK"
            "#,
            Path::new("test.toml"),
        )
        .unwrap();
        let env = |key: &str| match key {
            "SECRETS_TEST_OW_AUTH" => Some(SECRETS[0].to_string()),
            "SECRETS_TEST_NCP_SK" => Some(SECRETS[1].to_string()),
            "SECRETS_TEST_NCP_AK" => Some(SECRETS[2].to_string()),
            _ => None,
        };
        let mut config = config;
        config.server.data_dir = dir.path().to_path_buf();
        let state = AppState::with_lookup(
            config,
            site::options("127.0.0.1:3000".parse().unwrap()),
            None,
            Arc::new(env),
        );
        let admin = Caller::account("root", Role::Admin);

        // Added in the UI, as the settings page sends them.
        let added = [
            serde_json::json!({ "id": "ui-ow", "provider": "openwhisk",
                "fields": { "endpoint": "http://127.0.0.1:9" }, "secrets": { "auth": SECRETS[3] } }),
            serde_json::json!({ "id": "ui-scf", "provider": "tencent",
                "fields": { "endpoint": "http://127.0.0.1:9", "region": "ap-guangzhou" },
                "secrets": { "secret_key": SECRETS[4], "access_key": SECRETS[5] } }),
            serde_json::json!({ "id": "ui-fg", "provider": "huawei",
                "fields": { "endpoint": "http://127.0.0.1:9", "project_id": "p", "region": "cn-north-4" },
                "secrets": { "token": SECRETS[6] } }),
        ];
        for connection in added {
            let request = json(
                "/api/save_connection",
                serde_json::json!({ "connection": connection, "creating": true }),
            );
            let (status, body) = send(&state, &admin, request).await;
            assert_eq!(status, 200, "{body}");
            assert_clean("a save's answer", &body);
        }
        // A refused save (the id is the file's) names the field, not the secret.
        let refused = json(
            "/api/save_connection",
            serde_json::json!({ "connection": {
            "id": "file-ow", "provider": "openwhisk", "fields": { "endpoint": "http://x" },
            "secrets": { "auth": SECRETS[3] } }, "creating": true }),
        );
        let (status, body) = send(&state, &admin, refused).await;
        assert_eq!(status, 400, "{body}");
        assert_clean("a refused save", &body);

        let roles = [
            admin.clone(),
            Caller::account("eddie", Role::Editor),
            Caller::account("vera", Role::Viewer),
        ];
        let mut answered = 0;
        for caller in &roles {
            for connection in ["file-ow", "file-ncp", "ui-ow", "ui-scf", "ui-fg"] {
                for page in PAGES {
                    let uri = format!("{page}?connection={connection}");
                    let (_, body) = send(
                        &state,
                        caller,
                        Request::get(&uri).body(Body::empty()).unwrap(),
                    )
                    .await;
                    assert_clean(&format!("{uri} as {}", caller.role), &body);
                    answered += 1;
                }
                for request in calls(connection) {
                    let uri = request.uri().to_string();
                    let (status, body) = send(&state, caller, request).await;
                    assert_clean(
                        &format!("{uri} on {connection} as {} ({status})", caller.role),
                        &body,
                    );
                    answered += 1;
                }
            }
        }
        // Every server function was called (the table is walked, not a sample of it).
        let called: std::collections::BTreeSet<String> = calls("x")
            .iter()
            .map(|r| r.uri().path().to_owned())
            .collect();
        for (endpoint, _) in app::api::guard::ENDPOINTS {
            // Streams that follow until the browser leaves; saving a connection is walked above.
            let streaming_or_followed = [
                "/api/watch_activations",
                "/api/follow_async_invocations",
                "/api/save_connection",
            ];
            assert!(
                called.contains(*endpoint) || streaming_or_followed.contains(endpoint),
                "{endpoint} is not walked"
            );
        }
        assert!(answered > 300, "{answered}");
    });

    let text = String::from_utf8_lossy(&log.0.lock().unwrap()).into_owned();
    assert!(
        text.contains("DEBUG"),
        "the log was captured at debug: {text:.2000}"
    );
    assert!(
        text.contains("a connection was saved in the UI"),
        "{text:.2000}"
    );
    assert_clean("the server's log", &text);
}
