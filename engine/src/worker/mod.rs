//! Supervised worker processes: where action code runs.
//!
//! QuickJS checks its interrupt handler only at certain points, and some built-ins loop in C
//! without reaching one (`Array.prototype.join.call({length: 2**53-1})`), so an in-process
//! deadline can be outlasted. Each action therefore runs in a worker process — the same
//! binary started with a hidden subcommand ([`WORKER_SUBCOMMAND`]) that calls [`serve`] —
//! which the engine kills when the deadline plus a short grace passes. Workers are long-lived
//! and reused for many invocations (a killed one is replaced), run with a cleared
//! environment, an address-space limit, no core dumps and a system-call allow-list
//! (seccomp), and die with their parent.
//!
//! The protocol is one JSON object a line over the worker's stdin and stdout
//! ([`protocol`]): a job in; its console lines as they are written, then its end, out.
//! A worker runs one job at a time; the pool keeps idle ones for the next. Each worker keeps
//! the runtimes of the action versions it ran warm for their next runs ([`WarmLimits`]).

mod child;
mod confine;
mod lines;
mod pool;
pub(crate) mod protocol;
mod syscalls;
mod warm;

pub use child::serve;
pub use pool::{WorkerPool, WorkerStats};
pub use warm::WarmLimits;

use std::ffi::OsString;
use std::path::PathBuf;
use std::time::Duration;

/// The argument that turns the `fnconsole` binary into a worker.
pub const WORKER_SUBCOMMAND: &str = "__engine-worker";

/// The program started as a worker, and its arguments.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WorkerProgram {
    /// The executable.
    pub program: PathBuf,
    /// Its arguments.
    pub args: Vec<OsString>,
}

impl WorkerProgram {
    /// A program that is a worker with no arguments (a test's or benchmark's worker binary).
    pub fn new(program: impl Into<PathBuf>) -> Self {
        Self {
            program: program.into(),
            args: Vec::new(),
        }
    }

    /// This process's own executable with [`WORKER_SUBCOMMAND`]: how `fnconsole` starts
    /// its workers. Linux's `/proc/self/exe` is the running binary itself even after the
    /// file on disk was replaced (a rebuild, an upgrade), so a worker always speaks the same
    /// protocol as its engine; elsewhere the executable's path.
    pub fn current_exe() -> Self {
        let proc_exe = PathBuf::from("/proc/self/exe");
        let program = if proc_exe.exists() {
            proc_exe
        } else {
            std::env::current_exe().unwrap_or(proc_exe)
        };
        Self {
            program,
            args: vec![WORKER_SUBCOMMAND.into()],
        }
    }
}

/// How workers are started and supervised.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WorkerOptions {
    /// What to start.
    pub program: WorkerProgram,
    /// Idle workers kept for the next invocations; more are started on demand and stopped
    /// when they finish past this count.
    pub max_idle: usize,
    /// The address-space limit of each worker (`RLIMIT_AS`), bytes: a backstop beneath
    /// QuickJS's own per-action memory limit.
    pub address_space_bytes: u64,
    /// How long past an action's deadline its worker may take to report before it is killed.
    pub grace: Duration,
    /// The warm runtimes each worker keeps (`[engine] warm_runtimes`, `warm_memory_mb`).
    pub warm: WarmLimits,
}

impl Default for WorkerOptions {
    fn default() -> Self {
        Self {
            program: WorkerProgram::current_exe(),
            max_idle: 8,
            // The largest action memory (1024 MB) with room for the binary and the runtime.
            address_space_bytes: 2 * 1024 * 1024 * 1024,
            grace: Duration::from_millis(500),
            warm: WarmLimits::default(),
        }
    }
}

impl WorkerOptions {
    /// The defaults, starting `program` (with no arguments) as the worker.
    pub fn for_program(program: impl Into<PathBuf>) -> Self {
        Self {
            program: WorkerProgram::new(program),
            ..Self::default()
        }
    }
}
