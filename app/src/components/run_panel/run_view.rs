//! What the panel knows of the current run, changed by each line of its stream: plain data,
//! so each step is tested without a browser.

use providers::{Activation, ActivationStatus, LogLine, RunEvent};

use crate::api::RunUpdate;
/// A duration for people, as every page writes one.
pub use crate::components::format::duration;
use crate::errors::AppError;

/// Where the run is.
#[derive(Debug, Clone, PartialEq, Default)]
pub enum Phase {
    /// Nothing run yet.
    #[default]
    Idle,
    /// Sent, or running; `waited_ms` once the server follows it past the provider's wait.
    Running {
        /// How long the server has followed it, ms.
        waited_ms: Option<u64>,
    },
    /// It ended.
    Ended,
    /// The server stopped following a run that had not ended.
    GaveUp {
        /// How long it was followed, ms.
        waited_ms: u64,
    },
    /// The person stopped following it.
    StoppedFollowing,
    /// It could not be run or followed.
    Failed(AppError),
}

/// The current run.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct RunView {
    /// Where it is.
    pub phase: Phase,
    /// Its activation id, once the provider gave one.
    pub activation_id: Option<String>,
    /// Its end, with the result.
    pub ended: Option<Activation>,
    /// Whether the person asked the provider to stop it.
    pub stopping: bool,
}

impl RunView {
    /// A run just sent.
    pub fn sent() -> Self {
        Self {
            phase: Phase::Running { waited_ms: None },
            ..Self::default()
        }
    }

    /// Whether the stream is still being read.
    pub fn is_running(&self) -> bool {
        matches!(self.phase, Phase::Running { .. })
    }

    /// Takes in one update; answers the log line to show, if it is one.
    pub fn apply(&mut self, update: RunUpdate) -> Option<LogLine> {
        match update {
            RunUpdate::Event(RunEvent::Started { activation_id }) => {
                self.activation_id = Some(activation_id);
            }
            RunUpdate::Event(RunEvent::Log(line)) => return Some(line),
            RunUpdate::Event(RunEvent::Pending { waited_ms }) => {
                self.phase = Phase::Running {
                    waited_ms: Some(waited_ms),
                };
            }
            RunUpdate::Event(RunEvent::Ended(activation)) => {
                self.activation_id = Some(activation.id.clone());
                self.ended = Some(activation);
                self.phase = Phase::Ended;
            }
            RunUpdate::GaveUp {
                activation_id,
                waited_ms,
            } => {
                self.activation_id = Some(activation_id);
                self.phase = Phase::GaveUp { waited_ms };
            }
            RunUpdate::Failed { error } => self.phase = Phase::Failed(error),
        }
        None
    }

    /// The stream closed: a run that had not ended was cut off. Answers whether that changed
    /// anything (after an end it does not, and the panel is not drawn again for it).
    pub fn closed(&mut self) -> bool {
        let cut = self.is_running();
        if cut {
            self.phase = Phase::Failed(AppError::Transport(
                "the console server closed the run's stream before the run ended".into(),
            ));
        }
        cut
    }

    /// The status line. `limit_ms` is the action's time limit, where known: OpenWhisk (and
    /// NCP) report a run killed at its limit as a developer error, so a developer error that
    /// lasted the whole limit is shown as the timeout it was.
    pub fn status(&self, limit_ms: Option<u64>) -> String {
        match &self.phase {
            Phase::Idle => "Not run yet".into(),
            Phase::Running { waited_ms: None } => "Running".into(),
            Phase::Running {
                waited_ms: Some(ms),
            } => format!("Running (followed for {})", duration(*ms)),
            Phase::Ended => match &self.ended {
                Some(a) if self.stopping && !a.status.is_success() => "Stopped".into(),
                Some(a) if timed_out(a, limit_ms) => "Timed out".into(),
                Some(a) => ended_status(a.status).into(),
                None => "Ended".into(),
            },
            Phase::GaveUp { waited_ms } => format!(
                "Still running after {}: the console stopped following it",
                duration(*waited_ms)
            ),
            Phase::StoppedFollowing => "Stopped following".into(),
            Phase::Failed(error) => format!("Could not run: {error}"),
        }
    }

    /// Whether the status is bad news (styled as such).
    pub fn is_failure(&self) -> bool {
        match &self.phase {
            Phase::Ended => self.ended.as_ref().is_some_and(|a| !a.status.is_success()),
            Phase::Failed(_) | Phase::GaveUp { .. } => true,
            _ => false,
        }
    }
}

/// Whether `a` ended at its time limit.
fn timed_out(a: &Activation, limit_ms: Option<u64>) -> bool {
    a.status == ActivationStatus::Timeout
        || (a.status == ActivationStatus::DeveloperError
            && matches!((a.duration_ms, limit_ms), (Some(d), Some(l)) if d >= l))
}

fn ended_status(status: ActivationStatus) -> &'static str {
    match status {
        ActivationStatus::Success => "Succeeded",
        ActivationStatus::ApplicationError => "Failed: application error",
        ActivationStatus::DeveloperError => "Failed: action developer error",
        ActivationStatus::InternalError => "Failed: internal error",
        ActivationStatus::Timeout => "Timed out",
        ActivationStatus::Pending => "Ended, status not known",
    }
}

/// The time of day of `ts_ms`, UTC, to the millisecond: `14:03:07.250`.
pub fn clock(ts_ms: i64) -> String {
    let ms_of_day = ts_ms.rem_euclid(86_400_000);
    let (h, rest) = (ms_of_day / 3_600_000, ms_of_day % 3_600_000);
    let (m, rest) = (rest / 60_000, rest % 60_000);
    format!("{h:02}:{m:02}:{:02}.{:03}", rest / 1_000, rest % 1_000)
}

/// `ts_ms` as RFC 3339 UTC to the millisecond, for a `<time datetime>`.
pub fn iso(ts_ms: i64) -> String {
    let days = ts_ms.div_euclid(86_400_000);
    let (year, month, day) = providers::clock::civil_from_days(days);
    format!("{year:04}-{month:02}-{day:02}T{}Z", clock(ts_ms))
}

#[cfg(test)]
mod tests {
    use super::*;
    use providers::Stream;

    /// Built from JSON, as the stream brings one: fields the model gains later stay unset.
    fn ended(status: ActivationStatus, duration_ms: u64) -> Activation {
        serde_json::from_value(serde_json::json!({
            "id": "a1",
            "start_ms": 0,
            "end_ms": duration_ms,
            "duration_ms": duration_ms,
            "status": status,
            "result": {"ok": true},
        }))
        .expect("an activation")
    }

    #[test]
    fn a_run_goes_from_running_through_its_lines_to_its_end() {
        let mut run = RunView::sent();
        assert_eq!(run.status(None), "Running");
        let started = RunEvent::Started {
            activation_id: "a1".into(),
        };
        assert_eq!(run.apply(RunUpdate::Event(started)), None);
        let line = LogLine {
            ts_ms: 5,
            stream: Stream::Stdout,
            text: "step 1".into(),
        };
        assert_eq!(
            run.apply(RunUpdate::Event(RunEvent::Log(line.clone()))),
            Some(line)
        );
        run.apply(RunUpdate::Event(RunEvent::Pending { waited_ms: 2_500 }));
        assert_eq!(run.status(None), "Running (followed for 2.5 s)");
        assert!(run.is_running());
        run.apply(RunUpdate::Event(RunEvent::Ended(ended(
            ActivationStatus::Success,
            10,
        ))));
        assert_eq!(run.status(None), "Succeeded");
        assert_eq!(run.activation_id.as_deref(), Some("a1"));
        assert!(!run.is_running() && !run.is_failure());
        // Closing after the end changes nothing.
        assert!(!run.closed());
        assert_eq!(run.phase, Phase::Ended);
    }

    #[test]
    fn failures_say_what_failed() {
        let mut run = RunView::sent();
        run.apply(RunUpdate::Event(RunEvent::Ended(ended(
            ActivationStatus::ApplicationError,
            10,
        ))));
        assert_eq!(run.status(None), "Failed: application error");
        assert!(run.is_failure());

        let mut cut = RunView::sent();
        assert!(cut.closed());
        assert!(cut.status(None).starts_with("Could not run: "));

        let mut gave_up = RunView::sent();
        gave_up.apply(RunUpdate::GaveUp {
            activation_id: "a2".into(),
            waited_ms: 330_000,
        });
        assert_eq!(
            gave_up.status(None),
            "Still running after 5 min 30 s: the console stopped following it"
        );
        assert_eq!(gave_up.activation_id.as_deref(), Some("a2"));
    }

    #[test]
    fn a_developer_error_that_lasted_the_whole_limit_is_a_timeout() {
        let mut run = RunView::sent();
        run.apply(RunUpdate::Event(RunEvent::Ended(ended(
            ActivationStatus::DeveloperError,
            1_000,
        ))));
        assert_eq!(run.status(Some(1_000)), "Timed out");
        assert_eq!(run.status(Some(5_000)), "Failed: action developer error");
        assert_eq!(run.status(None), "Failed: action developer error");
    }

    #[test]
    fn a_run_stopped_on_request_says_so() {
        let mut run = RunView::sent();
        run.stopping = true;
        run.apply(RunUpdate::Event(RunEvent::Ended(ended(
            ActivationStatus::DeveloperError,
            300,
        ))));
        assert_eq!(run.status(Some(60_000)), "Stopped");
        // One that succeeded before the stop arrived is shown as it ended.
        let mut quick = RunView::sent();
        quick.stopping = true;
        quick.apply(RunUpdate::Event(RunEvent::Ended(ended(
            ActivationStatus::Success,
            5,
        ))));
        assert_eq!(quick.status(None), "Succeeded");
    }

    #[test]
    fn clock_times_read_plainly() {
        assert_eq!(clock(1_704_067_387_250), "00:03:07.250");
        assert_eq!(clock(-1), "23:59:59.999");
        assert_eq!(iso(1_709_208_000_250), "2024-02-29T12:00:00.250Z");
        assert_eq!(iso(0), "1970-01-01T00:00:00.000Z");
    }
}
