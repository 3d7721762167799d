//! What a run streams to whoever follows it: its activation id, its console lines as they are
//! printed, and its end. The engine's follow endpoint, the console's server and the browser's
//! run panel all speak it, so a run looks the same whichever side it comes from.

use serde::{Deserialize, Serialize};

use super::{Activation, LogLine};

/// One thing that happened to a run, in the order it happened.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "event", rename_all = "snake_case")]
pub enum RunEvent {
    /// The provider accepted the run: it is followed by this id.
    Started {
        /// The activation (or request) id.
        activation_id: String,
    },
    /// A console line, as the action printed it.
    Log(LogLine),
    /// Still running past the provider's blocking wait; whoever follows keeps asking.
    Pending {
        /// How long the run has been followed so far, ms.
        waited_ms: u64,
    },
    /// It ended: the activation with its result, status and timing.
    Ended(Activation),
}

impl RunEvent {
    /// Whether nothing follows this event.
    pub fn is_end(&self) -> bool {
        matches!(self, Self::Ended(_))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Stream;

    #[test]
    fn events_are_tagged_so_a_browser_can_tell_them_apart() {
        let line = RunEvent::Log(LogLine {
            ts_ms: 5,
            stream: Stream::Stdout,
            text: "hi".into(),
        });
        let json = serde_json::to_value(&line).expect("plain data serialises");
        assert_eq!(json["event"], "log");
        assert_eq!(json["text"], "hi");
        let back: RunEvent = serde_json::from_value(json).expect("and reads back");
        assert_eq!(back, line);
        assert!(!back.is_end());
    }
}
