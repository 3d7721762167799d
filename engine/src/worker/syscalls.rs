//! The system calls a worker may make once it runs action code, and nothing else.
//!
//! A worker reads jobs from stdin, writes their lines to stdout, allocates, sleeps for timers
//! and exits. If a flaw in the JavaScript engine ever let action code run machine code, it
//! would still be unable to open a file (the engine's keys and database belong to the same
//! user), connect anywhere, start a process, or signal its parent: every other call fails
//! with `EPERM`. Installing the filter also sets `no_new_privs`.

use seccompiler::{BpfProgram, SeccompAction, SeccompFilter, TargetArch, apply_filter};
use std::collections::BTreeMap;

/// The allowed calls: stdin/stdout/stderr I/O, memory, time and sleep, signals' own
/// bookkeeping, randomness for hash maps, exiting.
const ALLOWED: &[libc::c_long] = &[
    libc::SYS_read,
    libc::SYS_write,
    libc::SYS_readv,
    libc::SYS_writev,
    libc::SYS_close,
    libc::SYS_mmap,
    libc::SYS_munmap,
    libc::SYS_mremap,
    libc::SYS_mprotect,
    libc::SYS_brk,
    libc::SYS_madvise,
    libc::SYS_futex,
    libc::SYS_clock_gettime,
    libc::SYS_clock_nanosleep,
    libc::SYS_nanosleep,
    libc::SYS_gettimeofday,
    libc::SYS_getrandom,
    libc::SYS_rt_sigreturn,
    libc::SYS_rt_sigprocmask,
    libc::SYS_rt_sigaction,
    libc::SYS_sigaltstack,
    libc::SYS_sched_yield,
    libc::SYS_getpid,
    libc::SYS_gettid,
    libc::SYS_exit,
    libc::SYS_exit_group,
];

/// Installs the allow-list on this (the worker's only) thread.
pub(crate) fn restrict() -> Result<(), String> {
    let arch = TargetArch::try_from(std::env::consts::ARCH)
        .map_err(|e| format!("no system-call filter for this architecture: {e}"))?;
    let rules: BTreeMap<i64, Vec<_>> = ALLOWED.iter().map(|&n| (n, Vec::new())).collect();
    let filter = SeccompFilter::new(
        rules,
        SeccompAction::Errno(libc::EPERM as u32),
        SeccompAction::Allow,
        arch,
    )
    .map_err(|e| format!("the system-call filter could not be built: {e}"))?;
    let program: BpfProgram = filter
        .try_into()
        .map_err(|e| format!("the system-call filter could not be compiled: {e}"))?;
    apply_filter(&program)
        .map_err(|e| format!("the system-call filter could not be installed: {e}"))
}
