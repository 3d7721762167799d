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
