//! Connections managed on the settings page, through the whole router: an admin adds one, it
//! is in the switcher's list at once and works; a refused save names its field and stores
//! nothing; an edit that leaves a secret empty keeps it; a delete removes it; lower roles are
//! refused; the database file holds the secret only sealed, and a restart with the same key
//! finds the connection again.

use access::{Caller, Role};
use app::api::{ConnectionTest, ManagedConnection};
use app::errors::AppError;
use axum::body::Body;
use axum::http::{Request, header};
use http_body_util::BodyExt;
use providers::ConnectionSummary;
use server::AppState;
use server::router::router_as;
use tower::ServiceExt;

mod support;
use support::{console_over_an_engine, run};

async fn call(state: &AppState, caller: Caller, request: Request<Body>) -> (u16, String) {
    let response = router_as(state.clone(), caller)
        .oneshot(request)
        .await
        .unwrap();
    let status = response.status().as_u16();
    let bytes = response.into_body().collect().await.unwrap().to_bytes();
    (status, String::from_utf8_lossy(&bytes).into_owned())
}

fn admin() -> Caller {
    Caller::account("root", Role::Admin)
}

fn form(uri: &str, body: &str) -> Request<Body> {
    Request::post(uri)
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(Body::from(body.to_owned()))
        .unwrap()
}

fn save(connection: serde_json::Value, creating: bool) -> Request<Body> {
    Request::post("/api/save_connection")
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from(
            serde_json::json!({ "connection": connection, "creating": creating }).to_string(),
        ))
        .unwrap()
}

async fn switcher(state: &AppState) -> Vec<String> {
    let (status, body) = call(state, admin(), form("/api/connections", "")).await;
    assert_eq!(status, 200, "{body}");
    let list: Vec<ConnectionSummary> = serde_json::from_str(&body).unwrap();
    list.into_iter().map(|c| c.id).collect()
}

async fn test(state: &AppState, id: &str) -> ConnectionTest {
    let (status, body) = call(
        state,
        admin(),
        form("/api/test_connection", &format!("id={id}")),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    serde_json::from_str(&body).unwrap()
}

#[test]
fn an_admin_adds_tests_edits_and_deletes_a_connection_without_a_restart() {
    run(async move {
        let dir = tempfile::tempdir().unwrap();
        let store = server::access_store::open(dir.path(), engine::Durability::Normal).unwrap();
        let key = access::key::SecretKey::generate().unwrap();
        let state = console_over_an_engine(dir.path())
            .await
            .with_store(store)
            .with_key(key.clone());
        state.load_ui_connections().await.unwrap();
        // The engine's OpenWhisk dialect and its key, as a team's own OpenWhisk would be.
        let keys =
            server::engine_host::load_or_generate_keys(&state.config.engine, dir.path()).unwrap();
        let auth = keys.openwhisk.auth.expose().to_string();
        let endpoint = format!("http://{}", state.config.engine.listen);
        let before = switcher(&state).await;
        assert!(!before.contains(&"staging".to_string()));

        // Refused: the endpoint is not a URL. Nothing is stored.
        let bad = serde_json::json!({ "id": "staging", "provider": "openwhisk",
            "fields": { "name": "Staging", "endpoint": "whisk.example.com" }, "secrets": { "auth": auth } });
        let (status, body) = call(&state, admin(), save(bad, true)).await;
        assert_eq!(status, 400, "{body}");
        let error: AppError = serde_json::from_str(&body).unwrap();
        assert_eq!(error.field(), Some("endpoint"), "{error}");
        assert_eq!(switcher(&state).await, before);

        let good = serde_json::json!({ "id": "staging", "provider": "openwhisk",
            "fields": { "name": "Staging", "endpoint": endpoint, "namespace": "" }, "secrets": { "auth": auth } });
        let (status, body) = call(&state, admin(), save(good.clone(), true)).await;
        assert_eq!(status, 200, "{body}");
        assert!(!body.contains(&auth), "{body}");
        let saved: ManagedConnection = serde_json::from_str(&body).unwrap();
        assert_eq!(saved.secrets_set, ["auth"]);
        assert_eq!(saved.summary.name, "Staging");
        // In the switcher at once, and it works.
        assert_eq!(
            switcher(&state).await.last().map(String::as_str),
            Some("staging")
        );
        let tested = test(&state, "staging").await;
        assert!(tested.ok, "{tested:?}");
        assert!(tested.said.contains("action"), "{tested:?}");
        let (status, body) = call(
            &state,
            admin(),
            form("/api/list_actions", "connection=staging"),
        )
        .await;
        assert_eq!(status, 200, "{body}");

        // Adding the same id again is refused on the id.
        let (status, body) = call(&state, admin(), save(good, true)).await;
        assert_eq!(status, 400, "{body}");
        assert_eq!(
            serde_json::from_str::<AppError>(&body).unwrap().field(),
            Some("id")
        );

        // An edit that leaves the secret empty keeps it: the connection still works.
        let edit = serde_json::json!({ "id": "staging", "provider": "openwhisk",
            "fields": { "name": "Staging 2", "endpoint": endpoint }, "secrets": { "auth": "" } });
        let (status, body) = call(&state, admin(), save(edit, false)).await;
        assert_eq!(status, 200, "{body}");
        assert!(test(&state, "staging").await.ok);

        // A wrong secret: the test shows what the provider said.
        let wrong = serde_json::json!({ "id": "staging", "provider": "openwhisk",
            "fields": { "name": "Staging 2", "endpoint": endpoint }, "secrets": { "auth": "nobody:wrong" } });
        let (status, _) = call(&state, admin(), save(wrong, false)).await;
        assert_eq!(status, 200);
        let tested = test(&state, "staging").await;
        assert!(!tested.ok && !tested.said.is_empty(), "{tested:?}");
        assert!(!tested.said.contains("nobody:wrong"), "{tested:?}");

        // The database holds the secret only sealed.
        let db = std::fs::read(dir.path().join(server::access_store::FILE)).unwrap();
        let wal = std::fs::read(dir.path().join("access.db-wal")).unwrap_or_default();
        for bytes in [&db, &wal] {
            assert!(!bytes.windows(12).any(|w| w == b"nobody:wrong"));
        }

        // A restart with the same key finds it; with another key it cannot be used and says why.
        let again = console_over_an_engine(dir.path())
            .await
            .with_store(state.store.clone())
            .with_key(key);
        again.load_ui_connections().await.unwrap();
        assert!(switcher(&again).await.contains(&"staging".to_string()));
        let other = console_over_an_engine(dir.path())
            .await
            .with_store(state.store.clone())
            .with_key(access::key::SecretKey::generate().unwrap());
        other.load_ui_connections().await.unwrap();
        let tested = test(&other, "staging").await;
        assert!(
            !tested.ok && tested.said.contains("cannot be opened"),
            "{tested:?}"
        );

        // File connections cannot be deleted here; the UI's can.
        let (status, body) = call(
            &state,
            admin(),
            form("/api/delete_connection", "id=local-openwhisk"),
        )
        .await;
        assert_eq!(status, 400, "{body}");
        let (status, body) = call(
            &state,
            admin(),
            form("/api/delete_connection", "id=staging"),
        )
        .await;
        assert_eq!(status, 200, "{body}");
        assert_eq!(switcher(&state).await, before);
        let (status, _) = call(
            &state,
            admin(),
            form("/api/delete_connection", "id=staging"),
        )
        .await;
        assert_eq!(status, 404);
    });
}

#[test]
fn only_an_admin_manages_connections() {
    run(async move {
        let dir = tempfile::tempdir().unwrap();
        let state = console_over_an_engine(dir.path()).await;
        let connection = serde_json::json!({ "id": "x", "provider": "openwhisk",
            "fields": { "endpoint": "http://127.0.0.1:9" }, "secrets": { "auth": "a:b" } });
        for role in [Role::Viewer, Role::Editor] {
            let who = || Caller::account("someone", role);
            let requests = [
                save(connection.clone(), true),
                form("/api/delete_connection", "id=local-ncp"),
                form("/api/test_connection", "id=local-ncp"),
                form("/api/list_managed_connections", ""),
            ];
            for request in requests {
                let uri = request.uri().to_string();
                let (status, body) = call(&state, who(), request).await;
                assert_eq!(status, 403, "{uri} as {role}: {body}");
            }
        }
        assert!(!switcher(&state).await.contains(&"x".to_string()));
        // The settings page shows such a caller the list read-only.
        let request = Request::get("/settings").body(Body::empty()).unwrap();
        let (_, html) = call(&state, Caller::account("vera", Role::Viewer), request).await;
        assert!(
            html.contains("Only admins can add or change connections."),
            "{html}"
        );
        assert!(!html.contains("Add connection"), "{html}");
        let request = Request::get("/settings").body(Body::empty()).unwrap();
        let (_, html) = call(&state, admin(), request).await;
        assert!(
            html.contains("from fnconsole.toml") && html.contains("Add connection"),
            "{html}"
        );
    });
}
