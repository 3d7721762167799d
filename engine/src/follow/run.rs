//! One running activation's lines and end, and its followers.

use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll, Wake, Waker};

use tokio::sync::watch;

use super::{LiveEvent, StopSwitch, lock};
use crate::runtime::LogLine;

/// The running activations, by id.
#[derive(Debug, Default)]
pub(crate) struct Runs {
    table: Mutex<HashMap<String, Arc<Run>>>,
    /// Followers alive now, over every run (so a test can see one is freed).
    followers: Arc<AtomicUsize>,
}

impl Runs {
    /// The run of `id`, made now if it is not running yet (an invoke-and-follow makes it
    /// before the run's thread starts, so its follower misses nothing).
    pub(crate) fn start(&self, id: &str) -> Arc<Run> {
        lock(&self.table)
            .entry(id.to_string())
            .or_insert_with(|| Arc::new(Run::new()))
            .clone()
    }

    /// The run of `id`, if it is running.
    pub(crate) fn get(&self, id: &str) -> Option<Arc<Run>> {
        lock(&self.table).get(id).cloned()
    }

    /// Ends the run of `id`: its followers get `end`, and it leaves the table.
    pub(crate) fn end(&self, id: &str, end: LiveEvent) {
        // Out of the table first: its followers are woken without the table locked.
        let run = lock(&self.table).remove(id);
        if let Some(run) = run {
            run.end(end);
        }
    }

    /// A follower of `run`, from its first line.
    pub(crate) fn follower(&self, run: Arc<Run>) -> Follower {
        self.followers.fetch_add(1, Ordering::Relaxed);
        Follower {
            changes: run.changed.subscribe(),
            run,
            next: 0,
            finished: false,
            count: self.followers.clone(),
        }
    }

    /// Followers alive now.
    pub(crate) fn follower_count(&self) -> usize {
        self.followers.load(Ordering::Relaxed)
    }

    /// How many activations run now.
    pub(crate) fn running(&self) -> usize {
        lock(&self.table).len()
    }
}

/// One running activation.
#[derive(Debug)]
pub(crate) struct Run {
    state: Mutex<RunState>,
    changed: watch::Sender<u64>,
    /// Stops the worker running it.
    pub(crate) stop: StopSwitch,
}

#[derive(Debug, Default)]
struct RunState {
    lines: Vec<LogLine>,
    end: Option<LiveEvent>,
}

impl Run {
    fn new() -> Self {
        Self {
            state: Mutex::new(RunState::default()),
            changed: watch::Sender::new(0),
            stop: StopSwitch::default(),
        }
    }

    /// A line as printed (already within the log cap).
    pub(crate) fn line(&self, line: &LogLine) {
        lock(&self.state).lines.push(line.clone());
        self.changed.send_modify(|v| *v += 1);
    }

    fn end(&self, end: LiveEvent) {
        lock(&self.state).end = Some(end);
        self.changed.send_modify(|v| *v += 1);
    }
}

/// One follower of a running activation. Dropping it frees it.
#[derive(Debug)]
pub struct Follower {
    run: Arc<Run>,
    changes: watch::Receiver<u64>,
    next: usize,
    finished: bool,
    count: Arc<AtomicUsize>,
}

impl Drop for Follower {
    fn drop(&mut self) {
        self.count.fetch_sub(1, Ordering::Relaxed);
    }
}

impl Follower {
    /// The next line, or the end; `None` after the end.
    pub async fn next(&mut self) -> Option<LiveEvent> {
        loop {
            if let Some(event) = self.ready() {
                return event;
            }
            // The sender lives in the run this follower holds, so this cannot fail; if it
            // somehow did, stopping is the honest answer.
            if self.changes.changed().await.is_err() {
                return None;
            }
        }
    }

    /// As [`Follower::next`], waiting on this thread.
    pub fn blocking_next(&mut self) -> Option<LiveEvent> {
        block_on(self.next())
    }

    /// Every event to the end, waiting on this thread.
    pub fn iter(mut self) -> impl Iterator<Item = LiveEvent> {
        std::iter::from_fn(move || self.blocking_next())
    }

    /// What is there without waiting: `Some(event)`, `Some(None)` past the end, or `None`.
    fn ready(&mut self) -> Option<Option<LiveEvent>> {
        if self.finished {
            return Some(None);
        }
        // Marked seen before reading, so a change after the read wakes the next wait.
        self.changes.borrow_and_update();
        let state = lock(&self.run.state);
        if let Some(line) = state.lines.get(self.next) {
            self.next += 1;
            return Some(Some(LiveEvent::Line(line.clone())));
        }
        let end = state.end.clone()?;
        self.finished = true;
        Some(Some(end))
    }
}

/// Runs a future to its end on this thread, parking between polls (the follower's futures
/// need no runtime: a watch channel wakes them).
pub(crate) fn block_on<F: Future>(future: F) -> F::Output {
    struct Unpark(std::thread::Thread);
    impl Wake for Unpark {
        fn wake(self: Arc<Self>) {
            self.0.unpark();
        }
    }
    let waker = Waker::from(Arc::new(Unpark(std::thread::current())));
    let mut cx = Context::from_waker(&waker);
    let mut future = std::pin::pin!(future);
    loop {
        if let Poll::Ready(output) = future.as_mut().poll(&mut cx) {
            return output;
        }
        std::thread::park();
    }
}
