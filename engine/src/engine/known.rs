//! The actions invocations run, kept in memory between their saves. Every invocation looked
//! its action up on a read connection and parsed its stored body again (13 % of the engine
//! side's instructions of a warm invocation on disk, and a read transaction's file locks).
//!
//! Every write of an action or a package goes through the engine, which calls
//! [`KnownActions::changed`] once the write committed, while it still holds the store's lock.
//! A lookup that read the store before such a change cannot put its (possibly old) action in
//! after it: [`KnownActions::remember`] takes the generation seen before the read and keeps
//! nothing if a change came since. So an action saved again is never run from here in its
//! old version, and the warm runtimes' key (revision and save time) stays exact.

use std::collections::HashMap;
use std::sync::{Mutex, MutexGuard};

use crate::store::StoredAction;

/// At most this many actions are kept; past it the map starts over (a bound, not a cache
/// policy: an engine holds far fewer actions).
const MOST_KEPT: usize = 4096;

#[derive(Debug, Default)]
pub(super) struct KnownActions {
    inner: Mutex<Inner>,
}

#[derive(Debug, Default)]
struct Inner {
    /// Counts the changes; a lookup notes it before reading the store.
    generation: u64,
    /// By package (`None`: the top level) and name.
    actions: HashMap<(Option<String>, String), StoredAction>,
}

impl KnownActions {
    /// The action as last read, if no change came since.
    pub(super) fn get(&self, package: Option<&str>, name: &str) -> Option<StoredAction> {
        let key = (package.map(str::to_string), name.to_string());
        self.lock().actions.get(&key).cloned()
    }

    /// What [`KnownActions::remember`] needs: call before reading the store.
    pub(super) fn generation(&self) -> u64 {
        self.lock().generation
    }

    /// Keeps `action`, read from the store after [`KnownActions::generation`] answered
    /// `seen`, unless an action or a package changed since.
    pub(super) fn remember(&self, seen: u64, action: &StoredAction) {
        let mut inner = self.lock();
        if inner.generation != seen {
            return;
        }
        if inner.actions.len() >= MOST_KEPT {
            inner.actions.clear();
        }
        let key = (action.package.clone(), action.name.clone());
        inner.actions.insert(key, action.clone());
    }

    /// An action or a package was written: forget every action (a package's change can
    /// change what its actions are, and writes are rare next to invocations).
    pub(super) fn changed(&self) {
        let mut inner = self.lock();
        inner.generation += 1;
        inner.actions.clear();
    }

    fn lock(&self) -> MutexGuard<'_, Inner> {
        // A map of copies cannot be left half-updated in a way that matters: at worst an
        // entry is missing, and the store is read again.
        self.inner.lock().unwrap_or_else(|p| p.into_inner())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn action(name: &str, revision: u64) -> StoredAction {
        let body = serde_json::json!({
            "limits": {"timeout": 1000, "memory": 128},
            "exec": {"kind": "nodejs:20", "code": "function main() { return {}; }", "binary": false}
        });
        StoredAction {
            package: None,
            name: name.into(),
            draft: crate::validate::ncp_draft(None, &body).unwrap(),
            updated_ms: 1,
            revision,
        }
    }

    #[test]
    fn a_change_forgets_every_action_and_refuses_what_was_read_before_it() {
        let known = KnownActions::default();
        let seen = known.generation();
        known.remember(seen, &action("a", 1));
        assert_eq!(known.get(None, "a").map(|a| a.revision), Some(1));
        assert!(
            known.get(Some("a"), "a").is_none(),
            "a package's action is another"
        );
        // A lookup read revision 1, then the action was saved again before it remembered.
        let seen = known.generation();
        known.changed();
        assert!(known.get(None, "a").is_none());
        known.remember(seen, &action("a", 1));
        assert!(
            known.get(None, "a").is_none(),
            "an old read must not come back"
        );
        // Read after the change: kept.
        known.remember(known.generation(), &action("a", 2));
        assert_eq!(known.get(None, "a").map(|a| a.revision), Some(2));
    }
}
