//! The audit log through the whole router: what a save, a run and a refused call leave in it,
//! who may read it, and its page.

use access::audit::AuditPage;
use access::{Caller, Role};
use axum::Router;
use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::{Request, StatusCode, header};
use http_body_util::BodyExt;
use server::AppState;
use server::router::{router, router_as};
use std::net::SocketAddr;
use tower::ServiceExt;

mod support;
use support::{console_over_an_engine, run};

/// `body` POSTed to `uri` from 192.0.2.10 (as the listener would record the peer); the
/// status and the body.
async fn call(app: Router, uri: &str, content_type: &str, body: String) -> (StatusCode, String) {
    call_as(app, uri, content_type, body, None).await
}

/// As [`call`], with `token` as the bearer when given (the access layer then decides who).
async fn call_as(
    app: Router,
    uri: &str,
    content_type: &str,
    body: String,
    token: Option<&str>,
) -> (StatusCode, String) {
    let mut request = Request::post(uri).header(header::CONTENT_TYPE, content_type);
    if let Some(token) = token {
        request = request.header(header::AUTHORIZATION, format!("Bearer {token}"));
    }
    let mut request = request.body(Body::from(body)).unwrap();
    request
        .extensions_mut()
        .insert(ConnectInfo(SocketAddr::from(([192, 0, 2, 10], 40_000))));
    let response = app.oneshot(request).await.unwrap();
    let status = response.status();
    let bytes = response.into_body().collect().await.unwrap().to_bytes();
    (status, String::from_utf8_lossy(&bytes).into_owned())
}

async fn form(app: Router, uri: &str, form: &str) -> (StatusCode, String) {
    call(app, uri, "application/x-www-form-urlencoded", form.into()).await
}

/// `form` POSTed through the real access layer as the admin account "test-admin" (its API
/// token): what the audit log records is the account the access layer decided on.
async fn form_as_admin(state: &AppState, uri: &str, form: &str) -> (StatusCode, String) {
    let token = support::token_for(state, Role::Admin).await;
    let content_type = "application/x-www-form-urlencoded";
    call_as(
        router(state.clone()),
        uri,
        content_type,
        form.into(),
        Some(&token),
    )
    .await
}

async fn json(app: Router, uri: &str, body: serde_json::Value) -> (StatusCode, String) {
    call(app, uri, "application/json", body.to_string()).await
}

/// The audit log as an admin reads it through `list_audit` with `filter`.
async fn audit(state: &AppState, filter: serde_json::Value) -> AuditPage {
    let admin = Caller::account("root", Role::Admin);
    let (status, body) = json(
        router_as(state.clone(), admin),
        "/api/list_audit",
        serde_json::json!({ "filter": filter }),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    serde_json::from_str(&body).unwrap()
}

fn all() -> serde_json::Value {
    serde_json::json!({ "offset": 0, "limit": 0 })
}

#[test]
fn a_save_a_run_and_a_refused_delete_are_recorded_with_who_what_where_and_how() {
    run(async move {
        let dir = tempfile::tempdir().unwrap();
        let state = console_over_an_engine(dir.path()).await;
        let started = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_millis() as i64;

        let (status, body) = form_as_admin(
            &state,
            "/api/save_package",
            "connection=local-ncp&name=tools&description=made+here",
        )
        .await;
        assert_eq!(status, StatusCode::OK, "{body}");

        let (status, body) = json(
            router_as(state.clone(), Caller::account("eddie", Role::Editor)),
            "/api/run_action",
            serde_json::json!({ "run": {
                "connection": "local-openwhisk",
                // An action the engine does not have: the stream ends at once with its 404.
                "action": { "package": "demo", "name": "no-such-action" },
                "params": { "name": "Kim" },
                "timeout_ms": null
            }}),
        )
        .await;
        assert_eq!(status, StatusCode::OK, "{body}");

        let (status, body) = form(
            router_as(state.clone(), Caller::account("vera", Role::Viewer)),
            "/api/delete_action",
            "connection=local-ncp&package=demo&name=hello",
        )
        .await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{body}");

        // A read is not recorded, and neither is reading the log.
        let (status, _) = form_as_admin(&state, "/api/list_actions", "connection=local-ncp").await;
        assert_eq!(status, StatusCode::OK);

        let page = audit(&state, all()).await;
        assert_eq!(page.total, 3, "{page:?}");
        let seen: Vec<_> = page
            .entries
            .iter()
            .map(|e| {
                (
                    e.account.as_deref(),
                    e.action.as_str(),
                    e.connection.as_deref(),
                    e.target.as_deref(),
                    e.address.as_deref(),
                    e.outcome.to_string(),
                )
            })
            .collect();
        assert_eq!(
            seen,
            [
                (
                    Some("vera"),
                    "delete_action",
                    Some("local-ncp"),
                    Some("demo/hello"),
                    Some("192.0.2.10"),
                    "Forbidden (403)".to_string()
                ),
                (
                    Some("eddie"),
                    "run_action",
                    Some("local-openwhisk"),
                    Some("demo/no-such-action"),
                    Some("192.0.2.10"),
                    "ok".to_string()
                ),
                (
                    Some("test-admin"),
                    "save_package",
                    Some("local-ncp"),
                    Some("tools"),
                    Some("192.0.2.10"),
                    "ok".to_string()
                ),
            ]
        );
        let at_ms = page.entries[0].at_ms;
        assert!(
            at_ms >= started && at_ms < started + 60_000,
            "{at_ms} vs {started}"
        );

        // The filters narrow through the server function as in the store.
        let only = |filter: serde_json::Value| {
            let state = state.clone();
            async move {
                let page = audit(&state, filter).await;
                page.entries
                    .into_iter()
                    .map(|e| e.action)
                    .collect::<Vec<_>>()
            }
        };
        assert_eq!(
            only(serde_json::json!({"account": "eddie", "offset": 0, "limit": 0})).await,
            ["run_action"]
        );
        assert_eq!(
            only(serde_json::json!({"outcome": "failed", "offset": 0, "limit": 0})).await,
            ["delete_action"]
        );
        assert_eq!(
            only(serde_json::json!({"connection": "local-ncp", "offset": 0, "limit": 0})).await,
            ["delete_action", "save_package"]
        );
        assert_eq!(
            only(serde_json::json!({"until_ms": started, "offset": 0, "limit": 0})).await,
            Vec::<String>::new()
        );
    });
}

#[test]
fn only_an_admin_reads_the_audit_log_and_a_refused_read_is_not_an_entry() {
    run(async move {
        let dir = tempfile::tempdir().unwrap();
        let state = console_over_an_engine(dir.path()).await;
        for role in [Role::Viewer, Role::Editor] {
            let app = router_as(state.clone(), Caller::account("someone", role));
            let (status, body) = json(
                app,
                "/api/list_audit",
                serde_json::json!({ "filter": all() }),
            )
            .await;
            assert_eq!(status, StatusCode::FORBIDDEN, "{role}: {body}");
            assert!(
                body.contains("Forbidden") && body.contains("admin"),
                "{body}"
            );
        }
        assert_eq!(audit(&state, all()).await.total, 0);
    });
}

#[test]
fn the_audit_page_shows_entries_to_an_admin_and_a_refusal_to_anyone_else() {
    run(async move {
        let dir = tempfile::tempdir().unwrap();
        let state = console_over_an_engine(dir.path()).await;
        let (status, _) = form_as_admin(
            &state,
            "/api/save_package",
            "connection=local-ncp&name=tools&description=",
        )
        .await;
        assert_eq!(status, StatusCode::OK);

        let page = |caller: Caller, uri: &'static str| {
            let state = state.clone();
            async move {
                let request = Request::get(uri).body(Body::empty()).unwrap();
                let response = router_as(state, caller).oneshot(request).await.unwrap();
                let bytes = response.into_body().collect().await.unwrap().to_bytes();
                String::from_utf8_lossy(&bytes).into_owned()
            }
        };
        let html = page(Caller::account("root", Role::Admin), "/audit").await;
        assert!(html.contains("<h1>Audit log</h1>"), "{html}");
        assert!(
            html.contains("save_package") && html.contains("192.0.2.10"),
            "{html}"
        );
        assert!(html.contains("Entries 1–1 of 1"), "{html}");

        let filtered = page(
            Caller::account("root", Role::Admin),
            "/audit?action=run_action",
        )
        .await;
        assert!(
            filtered.contains("No audit entry matches these filters."),
            "{filtered}"
        );
        assert!(filtered.contains("value=\"run_action\""), "{filtered}");

        let refused = page(Caller::account("eddie", Role::Editor), "/audit").await;
        assert!(
            refused.contains("Only admins can read the audit log."),
            "{refused}"
        );
        assert!(!refused.contains("192.0.2.10"), "{refused}");
    });
}
