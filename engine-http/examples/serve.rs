//! The engine's dialects on a loopback port, for `scripts/load.sh --dialects-only`: the same
//! router `fnconsole engine` serves, over an engine on disk in a fresh temporary directory,
//! with fixed test keys (loopback only; never a deployment). Prints `running at http://…`.
//!   cargo run --release -p engine-http --example serve
//! The worker processes are `engine-http-worker` beside this example's binary.

use std::sync::Arc;

use engine::{Engine, EngineOptions};
use engine_http::{DialectKeys, HuaweiKeys, NcpKeys, OpenWhiskKeys, TencentKeys};
use providers::sign::Secret;

#[tokio::main(flavor = "multi_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let dir = std::env::temp_dir().join(format!("engine-http-serve-{}", std::process::id()));
    std::fs::create_dir_all(&dir)?;
    let exe = std::env::current_exe()?;
    // target/release/examples/serve → target/release/engine-http-worker
    let worker = exe
        .parent()
        .and_then(|p| p.parent())
        .map(|p| p.join("engine-http-worker"))
        .ok_or("no directory above the example's binary")?;
    let engine = Arc::new(Engine::open(
        &dir.join("engine.db"),
        EngineOptions {
            worker: engine::worker::WorkerOptions::for_program(worker),
            ..EngineOptions::default()
        },
    )?);
    let keys = Arc::new(DialectKeys {
        namespace: "guest".into(),
        ncp: NcpKeys {
            access_key: std::env::var("NCP_AK").unwrap_or_else(|_| "ncp-ak".into()),
            secret_key: Secret::new(std::env::var("NCP_SK").unwrap_or_else(|_| "ncp-sk".into())),
        },
        openwhisk: OpenWhiskKeys {
            auth: Secret::new(std::env::var("OW_AUTH").unwrap_or_else(|_| "u:k".into())),
        },
        huawei: HuaweiKeys {
            project_id: "p".into(),
            access_key: "hw-ak".into(),
            secret_key: Secret::new("hw-sk"),
            auth_token: None,
        },
        tencent: TencentKeys {
            secret_id: "tc-id".into(),
            secret_key: Secret::new("tc-key"),
            region: "ap-guangzhou".into(),
        },
    });
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    println!("running at http://{}", listener.local_addr()?);
    axum::serve(listener, engine_http::router(engine, keys)).await?;
    Ok(())
}
