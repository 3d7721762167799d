//! Packages and actions.

use providers::ActionKind;
use providers::wire::ncp::PutActionBody;

use crate::draft::ActionDraft;
use rusqlite::{OptionalExtension, params};
use serde_json::{Map, Value};

use super::{Scope, Store, action_path, corrupt, package_from_disk, package_to_disk};
use crate::error::{EngineError, ErrorCode};

/// The refusal of a conditional write: what was found instead.
fn changed(path: &str, found: Option<u64>) -> EngineError {
    let message = match found {
        Some(r) => format!("action {path} changed since it was read: it is at revision {r} now"),
        None => format!("action {path} no longer exists"),
    };
    EngineError::new(ErrorCode::ActionChanged, message)
}

/// An action as stored: its address and its validated draft.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredAction {
    /// Its package; `None` outside any.
    pub package: Option<String>,
    /// Name.
    pub name: String,
    /// What it is and runs.
    pub draft: ActionDraft,
    /// Last change, epoch ms.
    pub updated_ms: i64,
    /// How many times it was written: 1 when created, one more at each write.
    pub revision: u64,
}

/// What a write expects to find, checked in the same transaction as the write.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Expect {
    /// Anything: create or replace.
    Any,
    /// No such action yet.
    Absent,
    /// The action at this revision, unchanged since it was read.
    Revision(u64),
}

impl StoredAction {
    /// Basic, web, sequence or sequence-web.
    pub fn kind(&self) -> ActionKind {
        self.draft.kind
    }
}

/// A stored row's kind; anything but the kinds the engine writes is corruption.
fn kind_from(package: Option<&str>, name: &str, kind: &str) -> Result<ActionKind, EngineError> {
    crate::validate::kind(Some(kind)).map_err(|_| {
        corrupt(
            "actions",
            &action_path(package, name),
            "kind",
            format_args!("\"{kind}\" is not basic, web, sequence or sequence-web"),
        )
    })
}

/// A stored row's draft: its kind, and its body as NCP's put-action body (the format the
/// rows have always had on disk).
fn draft_from(
    package: Option<&str>,
    name: &str,
    kind: &str,
    body: &str,
) -> Result<ActionDraft, EngineError> {
    let kind = kind_from(package, name, kind)?;
    let corrupt_body = |why: String| {
        corrupt(
            "actions",
            &action_path(package, name),
            "body",
            format_args!("is not an action body ({why})"),
        )
    };
    let body: PutActionBody =
        serde_json::from_str(body).map_err(|e| corrupt_body(e.to_string()))?;
    ActionDraft::from_ncp_body(kind, body).map_err(corrupt_body)
}

impl Store {
    /// The action, if it exists.
    pub fn action(
        &self,
        package: Option<&str>,
        name: &str,
    ) -> Result<Option<StoredAction>, EngineError> {
        // Every invocation asks this: the statement is prepared once per connection.
        let row = self
            .conn
            .prepare_cached(
                "SELECT kind, body, updated_ms, revision FROM actions WHERE package = ?1 AND name = ?2",
            )?
            .query_row(
                params![package_to_disk(package), name],
                |r| {
                    Ok((
                        r.get::<_, String>(0)?,
                        r.get::<_, String>(1)?,
                        r.get::<_, i64>(2)?,
                        r.get::<_, i64>(3)?,
                    ))
                },
            )
            .optional()?;
        row.map(|(kind, body, updated_ms, revision)| {
            Ok(StoredAction {
                package: package.map(str::to_string),
                name: name.into(),
                draft: draft_from(package, name, &kind, &body)?,
                updated_ms,
                revision: revision.max(1) as u64,
            })
        })
        .transpose()
    }

    /// The actions `scope` covers, by package (the top level first) and name.
    pub fn actions(&self, scope: &Scope) -> Result<Vec<StoredAction>, EngineError> {
        let mut stmt = self.conn.prepare(
            "SELECT package, name, kind, body, updated_ms, revision FROM actions WHERE ?1 IS NULL OR package = ?1 ORDER BY package, name",
        )?;
        let rows = stmt.query_map(params![scope.bind()], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, String>(3)?,
                r.get::<_, i64>(4)?,
                r.get::<_, i64>(5)?,
            ))
        })?;
        let mut out = Vec::new();
        for row in rows {
            let (package, name, kind, body, updated_ms, revision) = row?;
            let package = package_from_disk(package);
            out.push(StoredAction {
                draft: draft_from(package.as_deref(), &name, &kind, &body)?,
                package,
                name,
                updated_ms,
                revision: revision.max(1) as u64,
            });
        }
        Ok(out)
    }

    /// How many actions exist.
    pub fn action_count(&self) -> Result<usize, EngineError> {
        Ok(self
            .conn
            .query_row("SELECT COUNT(*) FROM actions", [], |r| r.get::<_, i64>(0))?
            as usize)
    }

    /// Inserts or replaces an action, whatever is stored; answers its new revision.
    pub fn put_action(&self, action: &StoredAction) -> Result<u64, EngineError> {
        self.put_action_if(action, Expect::Any)
    }

    /// Writes `action` if what is stored is what `expect` says, and answers its new
    /// revision; otherwise writes nothing and answers [`ErrorCode::ActionChanged`] with the
    /// revision found. The check and the write are one `IMMEDIATE` transaction: a second
    /// writer (another connection to the file, another process) waits for it, then sees the
    /// new revision.
    pub fn put_action_if(&self, action: &StoredAction, expect: Expect) -> Result<u64, EngineError> {
        let body = serde_json::to_string(&action.draft.to_ncp_body())
            .map_err(|e| EngineError::internal(e.to_string()))?;
        let package = package_to_disk(action.package.as_deref());
        let tx = rusqlite::Transaction::new_unchecked(
            &self.conn,
            rusqlite::TransactionBehavior::Immediate,
        )?;
        let found: Option<u64> = tx
            .query_row(
                "SELECT revision FROM actions WHERE package = ?1 AND name = ?2",
                params![package, action.name],
                |r| r.get::<_, i64>(0),
            )
            .optional()?
            .map(|r| r.max(1) as u64);
        let path = action_path(action.package.as_deref(), &action.name);
        match (expect, found) {
            (Expect::Any, _) | (Expect::Absent, None) => {}
            (Expect::Revision(want), Some(have)) if want == have => {}
            (Expect::Absent, Some(r)) => {
                let message = format!("action {path} already exists (revision {r})");
                return Err(EngineError::new(ErrorCode::ActionChanged, message));
            }
            (_, found) => return Err(changed(&path, found)),
        }
        let revision = found.map_or(1, |r| r + 1);
        tx.execute(
            "INSERT INTO actions (package, name, kind, body, updated_ms, revision) VALUES (?1, ?2, ?3, ?4, ?5, ?6)
             ON CONFLICT (package, name) DO UPDATE SET kind = excluded.kind, body = excluded.body, updated_ms = excluded.updated_ms, revision = excluded.revision",
            params![package, action.name, action.kind().as_str(), body, action.updated_ms, revision as i64],
        )?;
        tx.commit()?;
        Ok(revision)
    }

    /// Deletes an action; answers whether it existed.
    pub fn delete_action(&self, package: Option<&str>, name: &str) -> Result<bool, EngineError> {
        Ok(self.conn.execute(
            "DELETE FROM actions WHERE package = ?1 AND name = ?2",
            params![package_to_disk(package), name],
        )? > 0)
    }

    /// A package's description and default parameters, if it exists.
    pub fn package(
        &self,
        name: &str,
    ) -> Result<Option<(Option<String>, Map<String, Value>)>, EngineError> {
        let row = self
            .conn
            .prepare_cached("SELECT description, parameters FROM packages WHERE name = ?1")?
            .query_row(params![name], |r| {
                Ok((r.get::<_, Option<String>>(0)?, r.get::<_, String>(1)?))
            })
            .optional()?;
        row.map(|(description, parameters)| {
            let parameters = serde_json::from_str(&parameters).map_err(|e| {
                corrupt(
                    "packages",
                    name,
                    "parameters",
                    format_args!("is not a JSON object ({e})"),
                )
            })?;
            Ok((description, parameters))
        })
        .transpose()
    }

    /// Every package name.
    pub fn packages(&self) -> Result<Vec<(String, Option<String>)>, EngineError> {
        let mut stmt = self
            .conn
            .prepare("SELECT name, description FROM packages ORDER BY name")?;
        let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Inserts or replaces a package.
    pub fn put_package(
        &self,
        name: &str,
        description: Option<&str>,
        parameters: &Map<String, Value>,
        now_ms: i64,
    ) -> Result<(), EngineError> {
        let parameters = Value::Object(parameters.clone()).to_string();
        self.conn.execute(
            "INSERT INTO packages (name, description, parameters, updated_ms) VALUES (?1, ?2, ?3, ?4)
             ON CONFLICT (name) DO UPDATE SET description = excluded.description, parameters = excluded.parameters, updated_ms = excluded.updated_ms",
            params![name, description, parameters, now_ms],
        )?;
        Ok(())
    }

    /// Deletes a package row; answers whether it existed.
    pub fn delete_package(&self, name: &str) -> Result<bool, EngineError> {
        Ok(self
            .conn
            .execute("DELETE FROM packages WHERE name = ?1", params![name])?
            > 0)
    }

    /// Whether a package of this name exists: a row of its own, or actions in it (a package
    /// whose actions were put before it exists too, bare).
    pub fn package_exists(&self, name: &str) -> Result<bool, EngineError> {
        Ok(self.conn.query_row(
            "SELECT EXISTS (SELECT 1 FROM packages WHERE name = ?1)
                 OR EXISTS (SELECT 1 FROM actions WHERE package = ?1)",
            params![name],
            |r| r.get(0),
        )?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::draft::{Code, Limits, Run};
    use crate::store::Durability;
    use std::sync::{Arc, Barrier};

    fn action(code: &str) -> StoredAction {
        StoredAction {
            package: None,
            name: "hello".into(),
            draft: ActionDraft {
                kind: ActionKind::Basic,
                description: None,
                run: Run::Code(Code {
                    runtime: "nodejs:20".into(),
                    code: code.into(),
                    binary: false,
                    main: None,
                    image_uri: None,
                    parameters: Map::new(),
                    limits: Limits {
                        timeout_ms: 60_000,
                        memory_mb: 256,
                    },
                    vpc: None,
                    raw_http: None,
                    custom_options: None,
                }),
            },
            updated_ms: 1,
            revision: 0,
        }
    }

    fn code_of(store: &Store) -> String {
        let stored = store.action(None, "hello").unwrap().unwrap();
        stored.draft.code().unwrap().code.clone()
    }

    #[test]
    fn each_write_counts_up_and_a_stale_revision_writes_nothing() {
        let store = Store::in_memory().unwrap();
        assert_eq!(
            store.put_action_if(&action("v1"), Expect::Absent).unwrap(),
            1
        );
        assert_eq!(store.action(None, "hello").unwrap().unwrap().revision, 1);
        assert_eq!(
            store
                .put_action_if(&action("v2"), Expect::Revision(1))
                .unwrap(),
            2
        );
        let stale = store
            .put_action_if(&action("v3"), Expect::Revision(1))
            .unwrap_err();
        assert_eq!(stale.code, ErrorCode::ActionChanged);
        assert_eq!(stale.code.status(), 412);
        assert!(stale.message.contains("revision 2"), "{}", stale.message);
        assert_eq!(code_of(&store), "v2");
        let exists = store
            .put_action_if(&action("v4"), Expect::Absent)
            .unwrap_err();
        assert_eq!(exists.code, ErrorCode::ActionChanged);
        assert_eq!(store.put_action(&action("v5")).unwrap(), 3);
        assert_eq!(code_of(&store), "v5");
    }

    /// Two connections to one database file (as two processes would have), both holding
    /// revision 1 and writing at the same instant: exactly one write lands, the other is
    /// refused, and what is stored is the one that landed.
    #[test]
    fn two_concurrent_writers_of_one_revision_cannot_both_win() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("engine.db");
        Store::open(&path, Durability::Normal)
            .unwrap()
            .put_action(&action("v1"))
            .unwrap();
        for round in 0..20 {
            let barrier = Arc::new(Barrier::new(2));
            let writers: Vec<_> = ["mine", "theirs"]
                .into_iter()
                .map(|who| {
                    let (path, barrier) = (path.clone(), barrier.clone());
                    std::thread::spawn(move || {
                        let store = Store::open(&path, Durability::Normal).unwrap();
                        let base = store.action(None, "hello").unwrap().unwrap().revision;
                        barrier.wait();
                        (
                            who,
                            store.put_action_if(&action(who), Expect::Revision(base)),
                        )
                    })
                })
                .collect();
            let results: Vec<_> = writers.into_iter().map(|w| w.join().unwrap()).collect();
            let won: Vec<_> = results.iter().filter(|(_, r)| r.is_ok()).collect();
            let lost: Vec<_> = results.iter().filter(|(_, r)| r.is_err()).collect();
            assert_eq!(
                (won.len(), lost.len()),
                (1, 1),
                "round {round}: {results:?}"
            );
            let lost_error = lost[0].1.as_ref().unwrap_err();
            assert_eq!(lost_error.code, ErrorCode::ActionChanged, "round {round}");
            let store = Store::open(&path, Durability::Normal).unwrap();
            assert_eq!(code_of(&store), won[0].0, "round {round}");
            assert_eq!(won[0].1.as_ref().unwrap(), &(round + 2), "round {round}");
        }
    }
}
