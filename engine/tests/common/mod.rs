//! What the engine's tests share: engine options whose worker processes are this crate's
//! `engine-worker` binary (the code `fnconsole __engine-worker` runs).
#![allow(dead_code)] // each test file uses its own part

use engine::EngineOptions;
use engine::worker::WorkerOptions;

/// The defaults, with this crate's worker binary.
pub fn options() -> EngineOptions {
    EngineOptions {
        worker: WorkerOptions::for_program(env!("CARGO_BIN_EXE_engine-worker")),
        ..EngineOptions::default()
    }
}

/// An NCP put-action body: `code` on `nodejs:20` with these limits.
pub fn ncp_body(code: &str, timeout_ms: u64, memory_mb: u64) -> serde_json::Value {
    serde_json::json!({"limits": {"timeout": timeout_ms, "memory": memory_mb}, "exec": {"kind": "nodejs:20", "code": code, "binary": false}})
}

/// Puts an action from an NCP put-action body and `type` query, as the NCP dialect does:
/// the engine's rules are seed 004's, and these tests state them in its body.
pub trait PutNcp {
    /// The engine the actions go to.
    fn engine(&self) -> &engine::Engine;

    /// Reads the body into a draft and puts it.
    fn put_ncp(
        &self,
        package: Option<&str>,
        name: &str,
        kind: Option<&str>,
        body: &serde_json::Value,
    ) -> Result<engine::store::StoredAction, engine::EngineError> {
        // Names first, as the NCP dialect checks them before it reads the body.
        if let Some(package) = package {
            engine::validate::name("packageName", package)?;
        }
        engine::validate::name("actionName", name)?;
        let draft = engine::validate::ncp_draft(kind, body)?;
        self.engine().put_action(package, name, draft)
    }

    /// Puts a top-level action running `code` with these limits, which must be accepted.
    fn put_code(&self, name: &str, code: &str, timeout_ms: u64, memory_mb: u64) {
        let body = ncp_body(code, timeout_ms, memory_mb);
        self.put_ncp(None, name, None, &body)
            .unwrap_or_else(|e| panic!("{name} was refused: {e:?}"));
    }
}

impl PutNcp for engine::Engine {
    fn engine(&self) -> &engine::Engine {
        self
    }
}
