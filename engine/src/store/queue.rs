//! The durable queue of asynchronous invocations: WAIT → RUNNING → SUCCESS/FAIL, or DISCARD
//! when one waits past its deadline. A row is written before the request is acknowledged, so
//! nothing acknowledged is lost.

use providers::AsyncStatus;
use rusqlite::{Row, ToSql, params};
use serde_json::Value;

use super::{
    Paging, Scope, Store, corrupt, json_column, package_from_disk, package_to_disk, sql_count,
};
use crate::error::EngineError;

/// One asynchronous invocation.
#[derive(Debug, Clone, PartialEq)]
pub struct AsyncRecord {
    /// Request id (32 hex).
    pub request_id: String,
    /// Its action's package; `None` outside any.
    pub package: Option<String>,
    /// Action.
    pub action: String,
    /// Runtime parameters.
    pub params: Value,
    /// Who asked.
    pub subject: String,
    /// Status.
    pub status: AsyncStatus,
    /// 0 on success.
    pub error_code: i64,
    /// Empty on success.
    pub error_message: String,
    /// When it was accepted, epoch ms.
    pub enqueued_ms: i64,
    /// When waiting turns into DISCARD, epoch ms.
    pub deadline_ms: i64,
    /// When it started running.
    pub start_ms: Option<i64>,
    /// When it ended.
    pub end_ms: Option<i64>,
    /// The activation it is recorded as once it runs (chosen when it is accepted, so a
    /// non-blocking caller can be told it at once).
    pub activation_id: Option<String>,
}

/// Which asynchronous invocations to list.
#[derive(Debug, Clone, Default)]
pub struct AsyncFilter {
    /// Only these packages' actions'.
    pub package: Scope,
    /// Action.
    pub action: Option<String>,
    /// One request.
    pub request_id: Option<String>,
    /// One status.
    pub status: Option<AsyncStatus>,
    /// Accepted at or after, epoch ms.
    pub since_ms: Option<i64>,
    /// Accepted at or before, epoch ms.
    pub upto_ms: Option<i64>,
}

const COLUMNS: &str = "request_id, package, action, params, subject, status, error_code, error_message, enqueued_ms, deadline_ms, start_ms, end_ms, activation_id";

fn from_row(r: &Row<'_>) -> Result<AsyncRecord, EngineError> {
    let request_id: String = r.get(0)?;
    let params: String = r.get(3)?;
    let status: String = r.get(5)?;
    Ok(AsyncRecord {
        package: package_from_disk(r.get(1)?),
        action: r.get(2)?,
        params: json_column("async_invocations", &request_id, "params", &params)?,
        subject: r.get(4)?,
        status: AsyncStatus::parse(&status).ok_or_else(|| {
            corrupt(
                "async_invocations",
                &request_id,
                "status",
                format_args!("\"{status}\" is not WAIT, RUNNING, SUCCESS, FAIL or DISCARD"),
            )
        })?,
        error_code: r.get(6)?,
        error_message: r.get(7)?,
        enqueued_ms: r.get(8)?,
        deadline_ms: r.get(9)?,
        start_ms: r.get(10)?,
        end_ms: r.get(11)?,
        activation_id: r.get(12)?,
        request_id,
    })
}

impl Store {
    /// Accepts an invocation (status WAIT), unless `max_waiting` already wait: then answers
    /// how many do, and nothing is written.
    pub fn enqueue(
        &self,
        r: &AsyncRecord,
        max_waiting: usize,
    ) -> Result<Result<(), u64>, EngineError> {
        let waiting = self.waiting()?;
        if waiting >= max_waiting as u64 {
            return Ok(Err(waiting));
        }
        self.conn.execute(
            "INSERT INTO async_invocations (request_id, package, action, params, subject, status, enqueued_ms, deadline_ms, activation_id) VALUES (?1, ?2, ?3, ?4, ?5, 'WAIT', ?6, ?7, ?8)",
            params![r.request_id, package_to_disk(r.package.as_deref()), r.action, r.params.to_string(), r.subject, r.enqueued_ms, r.deadline_ms, r.activation_id],
        )?;
        Ok(Ok(()))
    }

    /// How many invocations wait to run.
    pub fn waiting(&self) -> Result<u64, EngineError> {
        let n: i64 = self.conn.query_row(
            "SELECT COUNT(*) FROM async_invocations WHERE status = 'WAIT'",
            [],
            |r| r.get(0),
        )?;
        Ok(n as u64)
    }

    /// Puts a claimed invocation back to WAIT, in its old place (it could not be admitted).
    pub fn requeue(&self, request_id: &str) -> Result<(), EngineError> {
        self.conn.execute(
            "UPDATE async_invocations SET status = 'WAIT', start_ms = NULL WHERE request_id = ?1 AND status = 'RUNNING'",
            params![request_id],
        )?;
        Ok(())
    }

    /// Removes ended invocations (SUCCESS, FAIL, DISCARD) that ended before `cutoff_ms`.
    pub fn purge_async_before(&self, cutoff_ms: i64) -> Result<usize, EngineError> {
        Ok(self.conn.execute(
            "DELETE FROM async_invocations WHERE status IN ('SUCCESS', 'FAIL', 'DISCARD') AND COALESCE(end_ms, enqueued_ms) < ?1",
            params![cutoff_ms],
        )?)
    }

    /// Takes the oldest waiting invocation and marks it RUNNING; ones already past their
    /// deadline are marked DISCARD on the way.
    pub fn claim_next(&self, now_ms: i64) -> Result<Option<AsyncRecord>, EngineError> {
        self.conn.execute(
            "UPDATE async_invocations SET status = 'DISCARD', error_code = 1, error_message = 'the invocation waited past its deadline and was not run', end_ms = ?1 WHERE status = 'WAIT' AND deadline_ms < ?1",
            params![now_ms],
        )?;
        let mut stmt = self.conn.prepare(&format!("UPDATE async_invocations SET status = 'RUNNING', start_ms = ?1 WHERE request_id = (SELECT request_id FROM async_invocations WHERE status = 'WAIT' ORDER BY enqueued_ms, request_id LIMIT 1) RETURNING {COLUMNS}"))?;
        stmt.query_and_then(params![now_ms], from_row)?
            .next()
            .transpose()
    }

    /// Records how a running invocation ended.
    pub fn finish_async(
        &self,
        request_id: &str,
        status: AsyncStatus,
        error_code: i64,
        error_message: &str,
        activation_id: Option<&str>,
        now_ms: i64,
    ) -> Result<(), EngineError> {
        self.conn.execute(
            "UPDATE async_invocations SET status = ?2, error_code = ?3, error_message = ?4, activation_id = COALESCE(?5, activation_id), end_ms = ?6 WHERE request_id = ?1",
            params![request_id, status.as_str(), error_code, error_message, activation_id, now_ms],
        )?;
        Ok(())
    }

    /// After a crash: whatever was RUNNING did not finish; mark it FAIL with why.
    pub fn fail_interrupted(&self, now_ms: i64) -> Result<usize, EngineError> {
        Ok(self.conn.execute(
            "UPDATE async_invocations SET status = 'FAIL', error_code = 2, error_message = 'the engine stopped while this invocation was running; it did not complete', end_ms = ?1 WHERE status = 'RUNNING'",
            params![now_ms],
        )?)
    }

    /// One asynchronous invocation.
    pub fn async_invocation(&self, request_id: &str) -> Result<Option<AsyncRecord>, EngineError> {
        let mut stmt = self.conn.prepare(&format!(
            "SELECT {COLUMNS} FROM async_invocations WHERE request_id = ?1"
        ))?;
        stmt.query_and_then(params![request_id], from_row)?
            .next()
            .transpose()
    }

    /// A page (newest first) and the total matching.
    pub fn async_invocations(
        &self,
        f: &AsyncFilter,
        page: Paging,
    ) -> Result<(Vec<AsyncRecord>, u64), EngineError> {
        let condition = "(?1 IS NULL OR package = ?1) AND (?2 IS NULL OR action = ?2) AND (?3 IS NULL OR request_id = ?3) AND (?4 IS NULL OR status = ?4) AND (?5 IS NULL OR enqueued_ms >= ?5) AND (?6 IS NULL OR enqueued_ms <= ?6)";
        let (package, status) = (f.package.bind(), f.status.map(AsyncStatus::as_str));
        // The filter's values, bound the same way in the count and in the page.
        let filter: [&dyn ToSql; 6] = [
            &package,
            &f.action,
            &f.request_id,
            &status,
            &f.since_ms,
            &f.upto_ms,
        ];
        let total: i64 = self.conn.query_row(
            &format!("SELECT COUNT(*) FROM async_invocations WHERE {condition}"),
            &filter[..],
            |r| r.get(0),
        )?;
        let mut stmt = self.conn.prepare(&format!(
            "SELECT {COLUMNS} FROM async_invocations WHERE {condition} ORDER BY enqueued_ms DESC, request_id DESC LIMIT ?7 OFFSET ?8"
        ))?;
        let (limit, offset) = (sql_count(page.limit), sql_count(page.offset));
        let paged: Vec<&dyn ToSql> = filter
            .into_iter()
            .chain([&limit as _, &offset as _])
            .collect();
        let rows = stmt.query_and_then(paged.as_slice(), from_row)?;
        Ok((rows.collect::<Result<_, _>>()?, total as u64))
    }
}
