//! The activation feed: every activation as it starts (status `pending`) and as it ends, for
//! the Activations page's live mode.
//!
//! A bounded broadcast: the engine never waits for a watcher, and one that falls more than
//! [`FEED_CAPACITY`] activations behind skips the ones it missed (it can list them) rather
//! than holding memory for them.

use providers::{Activation, ActivationStatus};
use tokio::sync::broadcast;

use super::block_on;
use super::record::{activation_of, name_of};
use crate::store::{ActivationRecord, StoredAction};

/// How many activations a watcher may fall behind before it skips some.
pub const FEED_CAPACITY: usize = 1024;

/// Where the engine announces activations.
#[derive(Debug)]
pub(crate) struct Feed {
    sender: broadcast::Sender<Activation>,
}

impl Default for Feed {
    fn default() -> Self {
        Self {
            sender: broadcast::Sender::new(FEED_CAPACITY),
        }
    }
}

impl Feed {
    /// `id` of `action` has started.
    pub(crate) fn started(&self, id: &str, action: &StoredAction, namespace: &str, subject: &str) {
        self.send(Activation {
            id: id.to_string(),
            name: Some(name_of(action.package.as_deref(), &action.name)),
            namespace: Some(namespace.to_string()),
            subject: Some(subject.to_string()),
            start_ms: Some(crate::now_ms()),
            end_ms: None,
            duration_ms: None,
            status: ActivationStatus::Pending,
            result: None,
            logs: None,
            extras: None,
        });
    }

    /// `record` has ended (and is stored).
    pub(crate) fn ended(&self, record: &ActivationRecord) {
        self.send(activation_of(record));
    }

    fn send(&self, activation: Activation) {
        // No watcher is not an error: nobody is looking.
        let _ = self.sender.send(activation);
    }

    pub(crate) fn watch(&self) -> ActivationFeed {
        ActivationFeed {
            receiver: self.sender.subscribe(),
        }
    }
}

/// One watcher of the feed, from the moment it was made. Dropping it frees it.
#[derive(Debug)]
pub struct ActivationFeed {
    receiver: broadcast::Receiver<Activation>,
}

impl ActivationFeed {
    /// The next activation to start or end; `None` once the engine is gone.
    pub async fn next(&mut self) -> Option<Activation> {
        loop {
            match self.receiver.recv().await {
                Ok(activation) => return Some(activation),
                Err(broadcast::error::RecvError::Lagged(missed)) => {
                    tracing::debug!(missed, "an activation feed watcher fell behind");
                }
                Err(broadcast::error::RecvError::Closed) => return None,
            }
        }
    }

    /// As [`ActivationFeed::next`], waiting on this thread.
    pub fn blocking_next(&mut self) -> Option<Activation> {
        block_on(self.next())
    }
}
