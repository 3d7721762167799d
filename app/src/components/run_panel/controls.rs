//! What the panel's buttons do: run (remembering the input for "Run again"), stop following
//! (drop the stream), stop (ask the provider to end the run; its end then arrives on the
//! stream).

use leptos::prelude::*;
use providers::ActionRef;

use super::run_view::{Phase, RunView};
use super::stream::{Following, RunSignals};
use crate::api::{RunInput, parse_params, parse_timeout, stop_run};

/// The panel's run and what can be done with it.
#[derive(Clone)]
pub struct RunControls {
    connection: Option<String>,
    action: ActionRef,
    /// Whether the connection can end a run ("Stop").
    pub can_stop: bool,
    /// The run's state.
    pub signals: RunSignals,
    /// Why "Stop" failed, when it did.
    pub stop_error: RwSignal<Option<String>>,
    following: Following,
    last: StoredValue<Option<RunInput>>,
}

impl RunControls {
    /// Controls for runs of `action`; leaving the page stops following.
    pub fn new(connection: Option<String>, action: ActionRef, can_stop: bool) -> Self {
        let following = Following::default();
        on_cleanup({
            let following = following.clone();
            move || {
                following.stop();
            }
        });
        Self {
            connection,
            action,
            can_stop,
            signals: RunSignals {
                view: RwSignal::new(RunView::default()),
                lines: RwSignal::new(Vec::new()),
            },
            stop_error: RwSignal::new(None),
            following,
            last: StoredValue::new(None),
        }
    }

    /// Whether a run's stream is being read.
    pub fn is_running(&self) -> bool {
        self.signals.view.with_untracked(RunView::is_running)
    }

    /// Runs with the fields' text; fields that do not parse already show why.
    pub fn run(&self, params: &str, timeout: &str) {
        let (Ok(params), Ok(timeout_ms)) = (parse_params(params), parse_timeout(timeout)) else {
            return;
        };
        self.start(RunInput {
            connection: self.connection.clone(),
            action: self.action.clone(),
            params,
            timeout_ms,
        });
    }

    /// Runs the last input again, whatever the fields hold now.
    pub fn run_again(&self) {
        if let Some(input) = self.last.get_value() {
            self.start(input);
        }
    }

    fn start(&self, input: RunInput) {
        self.last.set_value(Some(input.clone()));
        self.stop_error.set(None);
        self.following.start(input, self.signals);
    }

    /// Stops reading the run; the run itself goes on.
    pub fn stop_following(&self) {
        if self.following.stop() {
            self.signals
                .view
                .update(|v| v.phase = Phase::StoppedFollowing);
        }
    }

    /// Asks the provider to end the run; the stream then brings its end.
    pub fn stop(&self) {
        let Some(id) = self
            .signals
            .view
            .with_untracked(|v| v.activation_id.clone())
        else {
            return;
        };
        self.signals.view.update(|v| v.stopping = true);
        let (connection, action) = (self.connection.clone(), self.action.clone());
        let (error, view) = (self.stop_error, self.signals.view);
        leptos::task::spawn_local(async move {
            if let Err(e) = stop_run(connection, action.package, action.name, id).await {
                error.try_set(Some(format!("Could not stop the run: {e}")));
                view.try_update(|v| v.stopping = false);
            }
        });
    }
}
