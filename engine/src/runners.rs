//! The threads blocking invocations run on: started when none is free, then kept and reused,
//! never more than the invocations that may run at once (each task holds an admission slot,
//! so there are never more tasks than slots). A caller hands a task over and waits for its
//! answer however it likes (an async channel, a timed receive): no thread is started per
//! request, and none is held by a caller that stopped waiting.

use std::collections::VecDeque;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::{Arc, Condvar, Mutex, MutexGuard};

use crate::engine::panic_message;

/// A unit of work: one invocation, which reports its own result.
pub(crate) type Task = Box<dyn FnOnce() + Send + 'static>;

/// The runner threads.
#[derive(Debug)]
pub(crate) struct Runners {
    shared: Arc<Shared>,
    max: usize,
}

#[derive(Debug)]
struct Shared {
    state: Mutex<State>,
    ready: Condvar,
}

#[derive(Default)]
struct State {
    tasks: VecDeque<Task>,
    /// Threads waiting for a task.
    idle: usize,
    /// Threads started.
    threads: usize,
}

impl std::fmt::Debug for State {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("State")
            .field("tasks", &self.tasks.len())
            .field("idle", &self.idle)
            .field("threads", &self.threads)
            .finish()
    }
}

impl Runners {
    /// At most `max` threads (at least one).
    pub(crate) fn new(max: usize) -> Self {
        Self {
            shared: Arc::new(Shared {
                state: Mutex::new(State::default()),
                ready: Condvar::new(),
            }),
            max: max.max(1),
        }
    }

    /// Runs `task` on a free thread, starting one if none is free and fewer than the most
    /// run; past that it waits for the first to come free.
    pub(crate) fn submit(&self, task: Task) -> std::io::Result<()> {
        let mut state = self.shared.lock();
        state.tasks.push_back(task);
        if state.idle >= state.tasks.len() {
            drop(state);
            self.shared.ready.notify_one();
            return Ok(());
        }
        if state.threads >= self.max {
            return Ok(());
        }
        state.threads += 1;
        let n = state.threads;
        drop(state);
        let shared = self.shared.clone();
        let started = std::thread::Builder::new()
            .name(format!("engine-runner-{n}"))
            .spawn(move || shared.serve());
        if let Err(e) = started {
            let mut state = self.shared.lock();
            state.threads -= 1;
            // With no thread at all, the task would never run: hand it back as an error.
            if state.threads == 0 {
                state.tasks.pop_back();
                return Err(e);
            }
        }
        Ok(())
    }

    /// Threads started so far.
    #[cfg(test)]
    fn threads(&self) -> usize {
        self.shared.lock().threads
    }
}

impl Shared {
    fn lock(&self) -> MutexGuard<'_, State> {
        // A queue of boxed tasks and two counters, each changed in one statement.
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// One runner's loop: take a task, run it, wait for the next. Runners live as long as
    /// the engine's process (they hold nothing between tasks).
    fn serve(&self) {
        let mut state = self.lock();
        loop {
            if let Some(task) = state.tasks.pop_front() {
                drop(state);
                if let Err(panic) = catch_unwind(AssertUnwindSafe(task)) {
                    tracing::error!(
                        "an invocation's runner recovered from a panic: {}",
                        panic_message(&*panic)
                    );
                }
                state = self.lock();
                continue;
            }
            state.idle += 1;
            state = self.ready.wait(state).unwrap_or_else(|p| p.into_inner());
            state.idle -= 1;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::mpsc;
    use std::time::Duration;

    #[test]
    fn tasks_run_on_reused_threads_never_more_than_the_most() {
        let runners = Runners::new(2);
        let (tx, rx) = mpsc::channel();
        for i in 0..20 {
            let tx = tx.clone();
            runners
                .submit(Box::new(move || {
                    std::thread::sleep(Duration::from_millis(2));
                    tx.send(i).unwrap();
                }))
                .unwrap();
        }
        let mut got: Vec<i32> = (0..20)
            .map(|_| rx.recv_timeout(Duration::from_secs(5)).unwrap())
            .collect();
        got.sort();
        assert_eq!(got, (0..20).collect::<Vec<_>>());
        assert!(runners.threads() <= 2, "{} threads", runners.threads());
        // One after the other: the first thread is reused, no new one starts.
        let runners = Runners::new(8);
        for _ in 0..5 {
            let (tx, rx) = mpsc::channel();
            runners
                .submit(Box::new(move || tx.send(()).unwrap()))
                .unwrap();
            rx.recv_timeout(Duration::from_secs(5)).unwrap();
            // Let the runner get back to waiting.
            std::thread::sleep(Duration::from_millis(5));
        }
        assert_eq!(runners.threads(), 1);
    }

    #[test]
    fn a_panicking_task_leaves_its_thread_serving() {
        let runners = Runners::new(1);
        runners.submit(Box::new(|| panic!("boom"))).unwrap();
        let (tx, rx) = mpsc::channel();
        runners
            .submit(Box::new(move || tx.send(7).unwrap()))
            .unwrap();
        assert_eq!(rx.recv_timeout(Duration::from_secs(5)).unwrap(), 7);
    }
}
