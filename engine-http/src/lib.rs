//! The embedded engine's HTTP dialects. Each answers exactly as its cloud does and checks that
//! cloud's signature with the verifying half of `providers::sign`, so the console's clients,
//! and the providers' own SDKs, work against the engine unchanged.
#![warn(missing_docs, unreachable_pub)]

mod huawei;
mod keys;
mod ncp;
mod openwhisk;
mod tencent;

pub use keys::DialectKeys;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use engine::Engine;
use std::sync::Arc;

/// The largest request body accepted (NCP and OpenWhisk: 1 MB payloads).
pub const MAX_BODY_BYTES: usize = 1024 * 1024;

/// What every dialect handler reaches.
#[derive(Clone)]
pub struct DialectState {
    /// The engine.
    pub engine: Arc<Engine>,
    /// The accepted keys.
    pub keys: Arc<DialectKeys>,
}

/// Every dialect, on one router.
pub fn router(engine: Arc<Engine>, keys: Arc<DialectKeys>) -> Router {
    let state = DialectState { engine, keys };
    Router::new()
        .merge(ncp::routes())
        .merge(openwhisk::routes())
        .merge(huawei::routes())
        .merge(tencent::routes())
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
        .with_state(state)
}

/// Runs a blocking engine call off the async threads.
pub(crate) async fn blocking<T: Send + 'static>(
    f: impl FnOnce() -> T + Send + 'static,
) -> Option<T> {
    tokio::task::spawn_blocking(f).await.ok()
}
