//! Activations: every run, kept with its input so it can be re-run.

use providers::ActivationStatus;
use rusqlite::{Row, params};
use serde_json::Value;

use super::{
    Order, Paging, Scope, Store, corrupt, json_column, package_from_disk, package_to_disk,
    sql_count, strings_column,
};
use crate::error::EngineError;

/// One stored activation.
#[derive(Debug, Clone, PartialEq)]
pub struct ActivationRecord {
    /// 32 hex digits.
    pub id: String,
    /// Namespace.
    pub namespace: String,
    /// Its action's package; `None` outside any.
    pub package: Option<String>,
    /// Action name.
    pub action: String,
    /// Who ran it.
    pub subject: String,
    /// Start, epoch ms.
    pub start_ms: i64,
    /// End, epoch ms.
    pub end_ms: i64,
    /// ms.
    pub duration_ms: u64,
    /// How it ended (stored as OpenWhisk's text, [`ActivationStatus::as_str`]).
    pub status: ActivationStatus,
    /// The result object (`{"error": …}` on failure).
    pub result: Value,
    /// Formatted log lines.
    pub logs: Vec<String>,
    /// The input parameters, after merging defaults (so the run can be repeated).
    pub params: Value,
    /// Peak memory, bytes.
    pub memory_used: u64,
    /// Billed duration: the duration rounded up to 100 ms.
    pub billed_ms: u64,
    /// For a sequence: its components' activation ids.
    pub components: Vec<String>,
}

impl ActivationRecord {
    /// The result's `error` as text (a string as it is, anything else as JSON), if any.
    pub fn error_text(&self) -> Option<String> {
        self.result.get("error").map(|e| {
            e.as_str()
                .map(str::to_string)
                .unwrap_or_else(|| e.to_string())
        })
    }

    /// OpenWhisk's status code: 0 success, 1 application error, 2 developer error (and
    /// timeout), 3 internal error.
    pub fn status_code(&self) -> i64 {
        self.status.code()
    }
}

/// Which activations to list.
#[derive(Debug, Clone, Default)]
pub struct ActivationFilter {
    /// Only these packages' actions'.
    pub package: Scope,
    /// Only this action's.
    pub action: Option<String>,
    /// Started at or after, epoch ms.
    pub since_ms: Option<i64>,
    /// Started at or before, epoch ms.
    pub upto_ms: Option<i64>,
    /// One activation only.
    pub id: Option<String>,
    /// Only successes (`true`) or only failures (`false`).
    pub succeeded: Option<bool>,
}

/// Sort order of a listing.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum ActivationOrder {
    /// Start time.
    #[default]
    Start,
    /// Duration.
    Duration,
    /// Memory used.
    Memory,
    /// Action name.
    Action,
    /// Activation id.
    Id,
}

const COLUMNS: &str = "id, namespace, package, action, subject, start_ms, end_ms, duration_ms, status, result, logs, params, memory_used, billed_ms, components";

/// A stored status: one of the texts the engine writes; never `pending`, never unknown.
fn status_from(id: &str, text: &str) -> Result<ActivationStatus, EngineError> {
    let status = ActivationStatus::parse(text);
    if status.as_str() == text && status != ActivationStatus::Pending {
        Ok(status)
    } else {
        Err(corrupt(
            "activations",
            id,
            "status",
            format_args!("\"{text}\" is not a status an activation ends with"),
        ))
    }
}

fn from_row(r: &Row<'_>) -> Result<ActivationRecord, EngineError> {
    let id: String = r.get(0)?;
    let text = |i: usize| r.get::<_, String>(i);
    let json = |i: usize, column: &str| json_column("activations", &id, column, &text(i)?);
    let strings = |i: usize, column: &str| strings_column("activations", &id, column, &text(i)?);
    Ok(ActivationRecord {
        namespace: r.get(1)?,
        package: package_from_disk(r.get(2)?),
        action: r.get(3)?,
        subject: r.get(4)?,
        start_ms: r.get(5)?,
        end_ms: r.get(6)?,
        duration_ms: r.get::<_, i64>(7)? as u64,
        status: status_from(&id, &text(8)?)?,
        result: json(9, "result")?,
        logs: strings(10, "logs")?,
        params: json(11, "params")?,
        memory_used: r.get::<_, i64>(12)? as u64,
        billed_ms: r.get::<_, i64>(13)? as u64,
        components: strings(14, "components")?,
        id,
    })
}

impl Store {
    /// Records an activation.
    pub fn insert_activation(&self, a: &ActivationRecord) -> Result<(), EngineError> {
        self.conn.execute(
            &format!("INSERT INTO activations ({COLUMNS}) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15)"),
            params![
                a.id,
                a.namespace,
                package_to_disk(a.package.as_deref()),
                a.action,
                a.subject,
                a.start_ms,
                a.end_ms,
                a.duration_ms as i64,
                a.status.as_str(),
                a.result.to_string(),
                Value::from(a.logs.clone()).to_string(),
                a.params.to_string(),
                a.memory_used as i64,
                a.billed_ms as i64,
                Value::from(a.components.clone()).to_string(),
            ],
        )?;
        Ok(())
    }

    /// One activation.
    pub fn activation(&self, id: &str) -> Result<Option<ActivationRecord>, EngineError> {
        let mut stmt = self
            .conn
            .prepare(&format!("SELECT {COLUMNS} FROM activations WHERE id = ?1"))?;
        stmt.query_and_then(params![id], from_row)?
            .next()
            .transpose()
    }

    /// A page of the activations matching `filter`, sorted by `order`, and the total
    /// matching.
    pub fn activations(
        &self,
        filter: &ActivationFilter,
        order: Order,
        page: Paging,
    ) -> Result<(Vec<ActivationRecord>, u64), EngineError> {
        let column = match order.by {
            ActivationOrder::Start => "start_ms",
            ActivationOrder::Duration => "duration_ms",
            ActivationOrder::Memory => "memory_used",
            ActivationOrder::Action => "action",
            ActivationOrder::Id => "id",
        };
        let direction = if order.ascending { "ASC" } else { "DESC" };
        // ?5 and ?6 are the page (LIMIT, OFFSET); the count binds them as NULL, unused.
        let condition = "(?1 IS NULL OR package = ?1) AND (?2 IS NULL OR action = ?2) \
            AND (?3 IS NULL OR start_ms >= ?3) AND (?4 IS NULL OR start_ms <= ?4) \
            AND (?7 IS NULL OR id = ?7) AND (?8 IS NULL OR (status = ?9) = ?8)";
        let success = ActivationStatus::Success.as_str();
        let total: i64 = self.conn.query_row(
            &format!("SELECT COUNT(*) FROM activations WHERE {condition}"),
            params![
                filter.package.bind(),
                filter.action,
                filter.since_ms,
                filter.upto_ms,
                Option::<i64>::None,
                Option::<i64>::None,
                filter.id,
                filter.succeeded,
                success
            ],
            |r| r.get(0),
        )?;
        let mut stmt = self.conn.prepare(&format!(
            "SELECT {COLUMNS} FROM activations WHERE {condition} ORDER BY {column} {direction}, id {direction} LIMIT ?5 OFFSET ?6"
        ))?;
        let rows = stmt.query_and_then(
            params![
                filter.package.bind(),
                filter.action,
                filter.since_ms,
                filter.upto_ms,
                sql_count(page.limit),
                sql_count(page.offset),
                filter.id,
                filter.succeeded,
                success
            ],
            from_row,
        )?;
        Ok((rows.collect::<Result<_, _>>()?, total as u64))
    }

    /// Removes activations that started before `cutoff_ms`; answers how many.
    pub fn purge_activations_before(&self, cutoff_ms: i64) -> Result<usize, EngineError> {
        Ok(self.conn.execute(
            "DELETE FROM activations WHERE start_ms < ?1",
            params![cutoff_ms],
        )?)
    }
}
