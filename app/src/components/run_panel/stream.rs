//! Reading a run's stream in the browser: each NDJSON line (cut by [`crate::ndjson`]) a
//! [`RunUpdate`] for the panel.

use futures::future::{AbortHandle, abortable};
use leptos::prelude::*;
use providers::LogLine;
use std::sync::{Arc, Mutex};

use super::run_view::RunView;
use crate::api::{RunInput, RunUpdate, run_action};
use crate::errors::AppError;

/// One line of the stream as an update; a line that is not one fails the run with what it
/// was (a server and a browser of different versions, say).
pub fn parse_update(line: &str) -> RunUpdate {
    serde_json::from_str(line).unwrap_or_else(|e| RunUpdate::Failed {
        error: AppError::Transport(format!(
            "the run's stream sent a line that is not an update ({e})"
        )),
    })
}

/// Where a run's state goes: the view and the log lines, apart, so a line only appends.
#[derive(Clone, Copy)]
pub struct RunSignals {
    /// The run.
    pub view: RwSignal<RunView>,
    /// Its log lines so far.
    pub lines: RwSignal<Vec<LogLine>>,
}

impl RunSignals {
    fn apply(&self, update: RunUpdate) {
        if let Some(Some(line)) = self.view.try_update(|v| v.apply(update)) {
            self.lines.try_update(|lines| lines.push(line));
        }
    }
}

/// The run being read, so it can be stopped; stopping drops the stream, which cancels the
/// browser's request, which ends the server's following.
#[derive(Clone, Default)]
pub struct Following(Arc<Mutex<Option<AbortHandle>>>);

impl Following {
    /// Stops reading the current run, if any; answers whether one was read.
    pub fn stop(&self) -> bool {
        let handle = self.0.lock().ok().and_then(|mut h| h.take());
        handle.map(|h| h.abort()).is_some()
    }

    /// Starts `input` and reads its stream into `signals`.
    pub fn start(&self, input: RunInput, signals: RunSignals) {
        self.stop();
        let (read, handle) = abortable(read(input, signals));
        if let Ok(mut slot) = self.0.lock() {
            *slot = Some(handle);
        }
        // Queued before the panel's re-render ("Running", the last run cleared), which the
        // signals below queue: the request is sent first, and the render overlaps the wait.
        leptos::task::spawn_local(async move {
            let _ = read.await;
        });
        signals.view.set(RunView::sent());
        signals.lines.set(Vec::new());
    }
}

/// Runs `input` and applies each update of its stream as it arrives.
async fn read(input: RunInput, signals: RunSignals) {
    let stream = match run_action(input).await {
        Ok(stream) => stream,
        Err(error) => return signals.apply(RunUpdate::Failed { error }),
    };
    let read = crate::ndjson::for_each_line(stream, |line| signals.apply(parse_update(line))).await;
    if let Err(error) = read {
        return signals.apply(RunUpdate::Failed { error });
    }
    // Only a cut-off run changes: after `ended`, nothing is drawn again.
    signals.view.try_maybe_update(|v| (v.closed(), ()));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_line_that_is_not_an_update_fails_the_run_plainly() {
        let RunUpdate::Failed { error } = parse_update("<html>") else {
            panic!("not an update")
        };
        assert!(error.to_string().contains("not an update"), "{error}");
        let started = parse_update(r#"{"event":"started","activation_id":"a1"}"#);
        assert!(matches!(
            started,
            RunUpdate::Event(providers::RunEvent::Started { .. })
        ));
    }
}
