//! Packages and actions.

use providers::ActionKind;
use providers::wire::ncp::PutActionBody;

use crate::draft::ActionDraft;
use rusqlite::{OptionalExtension, params};
use serde_json::{Map, Value};

use super::{Scope, Store, action_path, corrupt, package_from_disk, package_to_disk};
use crate::error::EngineError;

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
        let row = self
            .conn
            .query_row(
                "SELECT kind, body, updated_ms FROM actions WHERE package = ?1 AND name = ?2",
                params![package_to_disk(package), name],
                |r| {
                    Ok((
                        r.get::<_, String>(0)?,
                        r.get::<_, String>(1)?,
                        r.get::<_, i64>(2)?,
                    ))
                },
            )
            .optional()?;
        row.map(|(kind, body, updated_ms)| {
            Ok(StoredAction {
                package: package.map(str::to_string),
                name: name.into(),
                draft: draft_from(package, name, &kind, &body)?,
                updated_ms,
            })
        })
        .transpose()
    }

    /// The actions `scope` covers, by package (the top level first) and name.
    pub fn actions(&self, scope: &Scope) -> Result<Vec<StoredAction>, EngineError> {
        let mut stmt = self.conn.prepare(
            "SELECT package, name, kind, body, updated_ms FROM actions WHERE ?1 IS NULL OR package = ?1 ORDER BY package, name",
        )?;
        let rows = stmt.query_map(params![scope.bind()], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, String>(3)?,
                r.get::<_, i64>(4)?,
            ))
        })?;
        let mut out = Vec::new();
        for row in rows {
            let (package, name, kind, body, updated_ms) = row?;
            let package = package_from_disk(package);
            out.push(StoredAction {
                draft: draft_from(package.as_deref(), &name, &kind, &body)?,
                package,
                name,
                updated_ms,
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

    /// Inserts or replaces an action.
    pub fn put_action(&self, action: &StoredAction) -> Result<(), EngineError> {
        let body = serde_json::to_string(&action.draft.to_ncp_body())
            .map_err(|e| EngineError::internal(e.to_string()))?;
        self.conn.execute(
            "INSERT INTO actions (package, name, kind, body, updated_ms) VALUES (?1, ?2, ?3, ?4, ?5)
             ON CONFLICT (package, name) DO UPDATE SET kind = excluded.kind, body = excluded.body, updated_ms = excluded.updated_ms",
            params![package_to_disk(action.package.as_deref()), action.name, action.kind().as_str(), body, action.updated_ms],
        )?;
        Ok(())
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
            .query_row(
                "SELECT description, parameters FROM packages WHERE name = ?1",
                params![name],
                |r| Ok((r.get::<_, Option<String>>(0)?, r.get::<_, String>(1)?)),
            )
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
