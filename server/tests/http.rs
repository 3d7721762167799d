//! The router driven with `oneshot`: health endpoints, server rendering, server functions.

use app::api::{ActionListing, PackageSummary};
use app::errors::AppError;
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use http_body_util::BodyExt;
use server::config::Config;
use server::{AppState, router::router, site};
use std::path::Path;
use tower::ServiceExt;

mod support;
use support::{console_over_an_engine, run};

fn state_with(config: Config) -> AppState {
    AppState::new(config, site::options("127.0.0.1:3000".parse().unwrap()))
}

fn state_in(dir: &Path) -> AppState {
    let mut config = Config::default();
    config.server.data_dir = dir.to_path_buf();
    state_with(config)
}

/// What `request` is answered through the whole router: the status and the body.
async fn answer(state: AppState, request: Request<Body>) -> (StatusCode, String) {
    let request = support::as_admin(&state, request).await;
    let response = router(state).oneshot(request).await.unwrap();
    let status = response.status();
    let bytes = response.into_body().collect().await.unwrap().to_bytes();
    (status, String::from_utf8_lossy(&bytes).into_owned())
}

async fn get(state: AppState, uri: &str) -> (StatusCode, String) {
    answer(state, Request::get(uri).body(Body::empty()).unwrap()).await
}

#[test]
fn healthz_answers_ok() {
    run(async move {
        let dir = tempfile::tempdir().unwrap();
        let (status, body) = get(state_in(dir.path()), "/healthz").await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(body, r#"{"status":"ok"}"#);
    });
}

#[test]
fn readyz_is_ready_with_a_writable_data_dir() {
    run(async move {
        let dir = tempfile::tempdir().unwrap();
        let (status, body) = get(state_in(dir.path()), "/readyz").await;
        assert_eq!(status, StatusCode::OK, "{body}");
        let json: serde_json::Value = serde_json::from_str(&body).unwrap();
        assert_eq!(json["status"], "ready");
        assert_eq!(json["checks"][1]["name"], "data_dir_writable");
        assert_eq!(json["checks"][1]["ok"], true);
        // The probe file is cleaned up.
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
    });
}

#[test]
fn readyz_is_unavailable_when_the_data_dir_is_missing() {
    run(async move {
        let dir = tempfile::tempdir().unwrap();
        let gone = dir.path().join("removed");
        let (status, body) = get(state_in(&gone), "/readyz").await;
        assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE, "{body}");
        let json: serde_json::Value = serde_json::from_str(&body).unwrap();
        assert_eq!(json["status"], "not ready");
        assert_eq!(json["checks"][1]["ok"], false);
        let error = json["checks"][1]["error"].as_str().unwrap();
        assert!(
            error.starts_with(&format!("cannot write in {}", gone.display())),
            "{error}"
        );
    });
}

#[test]
fn home_page_is_rendered_on_the_server_with_the_connections() {
    run(async move {
        let dir = tempfile::tempdir().unwrap();
        let (status, body) = get(state_in(dir.path()), "/").await;
        assert_eq!(status, StatusCode::OK);
        assert!(
            body.contains("<title>Overview · fnconsole</title>"),
            "{body}"
        );
        assert!(
            body.contains("Local ncp — NAVER Cloud Functions (local engine)"),
            "{body}"
        );
        for section in [
            "Actions",
            "Activations",
            "Async invocations",
            "Logs",
            "Settings",
        ] {
            assert!(
                body.contains(&format!(">{section}</a>")),
                "nav link {section} missing"
            );
        }
        // The hydration script names the bundle cargo-leptos builds.
        assert!(body.contains("/pkg/fnconsole"), "{body}");
    });
}

#[test]
fn unknown_pages_answer_404_with_the_not_found_page() {
    run(async move {
        let dir = tempfile::tempdir().unwrap();
        let (status, body) = get(state_in(dir.path()), "/no/such/page").await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        assert!(body.contains("Page not found"), "{body}");
    });
}

#[test]
fn the_connection_list_server_function_sends_names_and_kinds_only() {
    run(async move {
        let config = Config::from_toml(
            r#"
    [[connections]]
    id = "prod"
    name = "Production"
    provider = "huawei"
    endpoint = "https://functiongraph.example.com"
    project_id = "proj"
region = "cn-north-4"
    access_key_env = "HUAWEI_AK_SECRET_VAR"
    secret_key_env = "HUAWEI_SK_SECRET_VAR"
    "#,
            Path::new("test.toml"),
        )
        .unwrap();
        let state = state_with(config);
        let request = Request::post("/api/connections")
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(Body::empty())
            .unwrap();
        let request = support::as_admin(&state, request).await;
        let response = router(state).oneshot(request).await.unwrap();
        assert_eq!(response.status(), StatusCode::OK);
        let bytes = response.into_body().collect().await.unwrap().to_bytes();
        let json: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
        assert_eq!(
            json,
            serde_json::json!([{ "id": "prod", "name": "Production", "provider": "huawei", "local": false }])
        );
        let text = String::from_utf8_lossy(&bytes);
        assert!(!text.contains("SECRET_VAR") && !text.contains("functiongraph.example.com"));
    });
}

#[test]
fn pages_are_sent_gzipped_to_browsers_that_accept_it() {
    run(async move {
        let dir = tempfile::tempdir().unwrap();
        let state = state_in(dir.path());
        let request = Request::get("/")
            .header(header::ACCEPT_ENCODING, "gzip")
            .body(Body::empty())
            .unwrap();
        let request = support::as_admin(&state, request).await;
        let response = router(state).oneshot(request).await.unwrap();
        assert_eq!(response.headers()[header::CONTENT_ENCODING], "gzip");
    });
}

#[test]
fn the_switcher_is_rendered_complete_not_as_a_loading_placeholder() {
    run(async move {
        // Without JavaScript a streamed-in replacement never happens: the options must be in the
        // first rendering of the switcher.
        let dir = tempfile::tempdir().unwrap();
        let (_, body) = get(state_in(dir.path()), "/").await;
        let switcher = body
            .find("<select id=\"connection\"")
            .expect("switcher rendered");
        let first_option = &body[switcher..switcher + 400];
        assert!(first_option.contains("Local ncp"), "{first_option}");
        assert!(!body.contains("Loading…"), "{body}");
    });
}

/// POSTs a form to a server function; answers the status and the body.
async fn post_form(state: AppState, uri: &str, form: &str) -> (StatusCode, String) {
    let request = Request::post(uri)
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(Body::from(form.to_string()))
        .unwrap();
    answer(state, request).await
}

#[test]
fn every_server_function_the_server_registers_has_a_role_in_the_guard_table() {
    let registered: std::collections::BTreeSet<&str> = leptos::server_fn::axum::server_fn_paths()
        .map(|(path, _)| path)
        .collect();
    let table: std::collections::BTreeSet<&str> = app::api::guard::ENDPOINTS
        .iter()
        .map(|(path, _)| *path)
        .collect();
    assert_eq!(registered, table);
}

#[test]
fn a_cloud_connection_whose_secret_is_missing_answers_what_is_missing_and_no_secret() {
    run(async move {
        let config = Config::from_toml(
            r#"
            [engine]
            enabled = false
            [[connections]]
            id = "prod"
            provider = "openwhisk"
            endpoint = "https://whisk.example.com"
            auth_env = "FNCONSOLE_TEST_UNSET_AUTH"
            "#,
            Path::new("test.toml"),
        )
        .unwrap();
        let (status, body) = post_form(
            state_with(config.clone()),
            "/api/list_actions",
            "connection=prod",
        )
        .await;
        assert_eq!(status, StatusCode::INTERNAL_SERVER_ERROR, "{body}");
        assert!(body.contains("FNCONSOLE_TEST_UNSET_AUTH"), "{body}");
        assert!(!body.contains("whisk.example.com"), "{body}");

        let (_, body) = post_form(state_with(config), "/api/list_actions", "connection=nope").await;
        assert!(body.contains("UnknownConnection"), "{body}");
    });
}

/// POSTs `form` to the server function at `uri`; answers the status and the JSON body.
async fn post(state: &AppState, uri: &str, form: &str) -> (StatusCode, serde_json::Value) {
    let (status, text) = post_form(state.clone(), uri, form).await;
    let body =
        serde_json::from_str(&text).unwrap_or_else(|e| panic!("{uri}: not JSON ({e}): {text:?}"));
    (status, body)
}

/// The provider's error a server function answered.
fn provider_error(body: serde_json::Value) -> providers::ProviderError {
    match serde_json::from_value::<AppError>(body).unwrap() {
        AppError::Provider(e) => e,
        other => panic!("expected the provider's error, got {other:?}"),
    }
}

#[test]
fn a_refused_server_function_call_answers_a_4xx_with_the_error_naming_what_was_wrong() {
    run(async move {
        let dir = tempfile::tempdir().unwrap();
        let state = console_over_an_engine(dir.path()).await;
        let form = "connection=nowhere&name=hello";
        let (status, body) = post(&state, "/api/get_action", form).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{body}");
        assert_eq!(
            serde_json::from_value::<AppError>(body).unwrap(),
            AppError::UnknownConnection("nowhere".into())
        );
        let form = "connection=local-ncp&name=-bad&description=";
        let (status, body) = post(&state, "/api/save_package", form).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
        let error = serde_json::from_value::<AppError>(body).unwrap();
        assert_eq!(error.field(), Some("name"));
        // The provider's own refusal keeps the provider's 4xx.
        let form = "connection=local-openwhisk&name=demo";
        let (status, body) = post(&state, "/api/delete_package", form).await;
        assert_eq!(status, StatusCode::CONFLICT, "{body}");
    })
}

#[test]
fn the_engines_connections_write_packages_through_their_dialects_and_others_refuse() {
    run(async move {
        let dir = tempfile::tempdir().unwrap();
        let state = console_over_an_engine(dir.path()).await;
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
    });
}
