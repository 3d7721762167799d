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

/// Puts an action from an NCP put-action body and `type` query, as the NCP dialect does:
/// the engine's rules are seed 004's, and these tests state them in its body.
pub trait PutNcp {
    /// Reads the body into a draft and puts it.
    fn put_ncp(
        &self,
        package: Option<&str>,
        name: &str,
        kind: Option<&str>,
        body: &serde_json::Value,
    ) -> Result<engine::store::StoredAction, engine::EngineError>;
}

impl PutNcp for engine::Engine {
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
        self.put_action(package, name, engine::validate::ncp_draft(kind, body)?)
    }
}
