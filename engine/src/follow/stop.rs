//! Stopping a run: the worker process running it, killed on request.

use std::sync::Mutex;

use super::lock;

/// The kill switch of a run: the worker process running it, while it runs.
#[derive(Debug, Default)]
pub(crate) struct StopSwitch {
    state: Mutex<Switch>,
}

#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
enum Switch {
    #[default]
    Idle,
    /// This worker process runs the job.
    Armed(u32),
    Stopped,
}

impl StopSwitch {
    /// The job runs in process `pid` now; `false` when the run was stopped already (the
    /// caller kills the worker itself).
    pub(crate) fn arm(&self, pid: u32) -> bool {
        let mut state = lock(&self.state);
        if *state == Switch::Stopped {
            return false;
        }
        *state = Switch::Armed(pid);
        true
    }

    /// The job has ended (its worker is about to be reused, killed or reaped: its pid must
    /// not be signalled past this); answers whether it was stopped.
    pub(crate) fn disarm(&self) -> bool {
        let mut state = lock(&self.state);
        if *state == Switch::Stopped {
            return true;
        }
        *state = Switch::Idle;
        false
    }

    /// Stops the run: kills the worker running it now, and any it is handed next.
    pub(crate) fn stop(&self) {
        let mut state = lock(&self.state);
        if let Switch::Armed(pid) = *state {
            // The process is not reaped while armed (disarm comes first, under this lock),
            // so the pid is still this worker's.
            let pid = i32::try_from(pid)
                .ok()
                .and_then(rustix::process::Pid::from_raw);
            if let Some(pid) = pid {
                let _ = rustix::process::kill_process(pid, rustix::process::Signal::KILL);
            }
        }
        *state = Switch::Stopped;
    }
}
