//! What the router tests share.

/// Runs a test body on one runtime shared by the whole file, one test at a time. Leptos
/// registers its task executor and its route generation globally, once per process; tests
/// that each build a router and render at the same moment occasionally never finished
/// (a harness artefact: the served binary renders 2,000 concurrent requests without a stall,
/// see the closing note of the foundation issue). Serving concurrency is not what these
/// tests check, so they take turns.
pub fn run<F>(future: F) -> F::Output
where
    F: std::future::Future + Send + 'static,
    F::Output: Send + 'static,
{
    static RUNTIME: std::sync::OnceLock<tokio::runtime::Runtime> = std::sync::OnceLock::new();
    static TURN: std::sync::Mutex<()> = std::sync::Mutex::new(());
    let _turn = TURN.lock().unwrap_or_else(|p| p.into_inner());
    let runtime = RUNTIME.get_or_init(|| {
        tokio::runtime::Builder::new_multi_thread()
            .enable_all()
            .build()
            .unwrap()
    });
    runtime
        .block_on(runtime.spawn(future))
        .expect("the test task panicked")
}

/// An API token of an account with `role` in `state`'s store (created on first use; cheap:
/// the account's password hash is a placeholder no password matches).
#[allow(dead_code)]
pub async fn token_for(state: &server::AppState, role: access::Role) -> String {
    let name = format!("test-{role}");
    let store = &state.store.0;
    let id = match store.account_and_hash(&name).await.unwrap() {
        Some((account, _)) => account.id,
        None => {
            store
                .insert_account(&name, role, "no password".into(), 0)
                .await
                .unwrap()
                .id
        }
    };
    store.create_token(id, "test", 0).await.unwrap().1
}

/// `request` with an admin's API token, unless it has an `Authorization` already.
#[allow(dead_code)]
pub async fn as_admin(
    state: &server::AppState,
    mut request: axum::http::Request<axum::body::Body>,
) -> axum::http::Request<axum::body::Body> {
    if !request
        .headers()
        .contains_key(axum::http::header::AUTHORIZATION)
    {
        let token = token_for(state, access::Role::Admin).await;
        request.headers_mut().insert(
            axum::http::header::AUTHORIZATION,
            format!("Bearer {token}").parse().unwrap(),
        );
    }
    request
}

/// The console's state over an in-memory engine (demo data) whose dialects listen on a
/// loopback port with generated keys, the engine's connections pointing at it.
#[allow(dead_code)] // Not every test file that shares this module starts an engine.
pub async fn console_over_an_engine(dir: &std::path::Path) -> server::AppState {
    use engine::{Engine, EngineOptions};
    use server::config::Config;
    use std::sync::Arc;
    let engine = Arc::new(Engine::in_memory(EngineOptions::default()).unwrap());
    engine::demo::seed_if_empty(&engine).unwrap();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let listen = listener.local_addr().unwrap();
    let config = Config::from_toml(
        &format!("[engine]\nlisten = \"{listen}\"\n"),
        std::path::Path::new("test.toml"),
    )
    .unwrap();
    let keys = Arc::new(server::engine_host::load_or_generate_keys(&config.engine, dir).unwrap());
    let dialects = engine_http::router(engine, keys.clone());
    tokio::spawn(async move { axum::serve(listener, dialects).await.unwrap() });
    server::AppState::with_engine(
        config,
        server::site::options("127.0.0.1:3000".parse().unwrap()),
        Some(&server::clients::LocalEngine { keys }),
    )
}
