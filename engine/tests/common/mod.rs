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
