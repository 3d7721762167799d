//! What a worker process does to itself before it runs any action code.

use rustix::process::{
    Resource, Rlimit, Signal, getppid, getrlimit, set_parent_process_death_signal, setrlimit,
};

/// Environment variable: the engine's process id, so a worker whose parent is already gone
/// exits instead of running on.
pub(crate) const PARENT_ENV: &str = "FNCONSOLE_WORKER_PARENT";
/// Environment variable: the address-space limit, bytes.
pub(crate) const ADDRESS_SPACE_ENV: &str = "FNCONSOLE_WORKER_ADDRESS_SPACE";

/// Environment variable: how many warm runtimes the worker keeps.
pub(crate) const WARM_RUNTIMES_ENV: &str = "FNCONSOLE_WORKER_WARM_RUNTIMES";
/// Environment variable: how many bytes its warm runtimes may hold together.
pub(crate) const WARM_BYTES_ENV: &str = "FNCONSOLE_WORKER_WARM_BYTES";

/// The warm-runtime limits the engine gave this worker; the defaults where it gave none.
pub(crate) fn warm_limits() -> super::WarmLimits {
    let default = super::WarmLimits::default();
    super::WarmLimits {
        runtimes: env_number(WARM_RUNTIMES_ENV).map_or(default.runtimes, |n| n as usize),
        bytes: env_number(WARM_BYTES_ENV).unwrap_or(default.bytes),
    }
}

/// Dies with the parent, limits the address space and open files, writes no core dumps, and
/// keeps only the system calls it needs.
pub(crate) fn confine() -> Result<(), String> {
    set_parent_process_death_signal(Some(Signal::KILL))
        .map_err(|e| format!("cannot ask to die with the engine: {e}"))?;
    // The parent may have died before the request above took effect.
    if let Some(expected) = env_number(PARENT_ENV) {
        let parent = getppid().map(|p| p.as_raw_nonzero().get() as u64);
        if parent != Some(expected) {
            return Err("the engine that started this worker is gone".into());
        }
    }
    let limit = |resource, value| {
        setrlimit(
            resource,
            Rlimit {
                current: Some(value),
                maximum: Some(value),
            },
        )
    };
    if let Some(bytes) = env_number(ADDRESS_SPACE_ENV) {
        // Under a lower hard limit already (`ulimit -v`, systemd's LimitAS=), raising it is
        // refused: keep the lower one rather than fail every worker.
        let bytes = bytes.min(getrlimit(Resource::As).maximum.unwrap_or(u64::MAX));
        limit(Resource::As, bytes).map_err(|e| format!("cannot limit the address space: {e}"))?;
    }
    limit(Resource::Core, 0).map_err(|e| format!("cannot turn off core dumps: {e}"))?;
    // stdin, stdout, stderr and a few for the runtime; actions open nothing.
    limit(Resource::Nofile, 16).map_err(|e| format!("cannot limit open files: {e}"))?;
    // Last: after it, only the calls a running worker needs are left.
    super::syscalls::restrict()
}

fn env_number(name: &str) -> Option<u64> {
    std::env::var(name).ok()?.parse().ok()
}
