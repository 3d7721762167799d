//! Activations: every run, kept with its input so it can be re-run.

use providers::ActivationStatus;
use rusqlite::types::Value as SqlValue;
use rusqlite::{Row, params, params_from_iter};
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

/// An activation as its row's values: encoded on the invocation's own thread, so the writer
/// only writes.
#[derive(Debug, Clone)]
pub(crate) struct EncodedActivation {
    pub(crate) id: String,
    namespace: String,
    package: String,
    action: String,
    subject: String,
    start_ms: i64,
    end_ms: i64,
    duration_ms: i64,
    status: &'static str,
    result: String,
    logs: String,
    params: String,
    memory_used: i64,
    billed_ms: i64,
    components: String,
}

impl EncodedActivation {
    /// `a`'s row.
    pub(crate) fn of(a: &ActivationRecord) -> Self {
        let strings = |v: &[String]| serde_json::to_string(v).unwrap_or_else(|_| "[]".into());
        Self {
            id: a.id.clone(),
            namespace: a.namespace.clone(),
            package: package_to_disk(a.package.as_deref()).to_string(),
            action: a.action.clone(),
            subject: a.subject.clone(),
            start_ms: a.start_ms,
            end_ms: a.end_ms,
            duration_ms: a.duration_ms as i64,
            status: a.status.as_str(),
            result: a.result.to_string(),
            // A list of strings always serialises (no map keys, no floats): the fallback
            // is never taken.
            logs: strings(&a.logs),
            params: a.params.to_string(),
            memory_used: a.memory_used as i64,
            billed_ms: a.billed_ms as i64,
            components: strings(&a.components),
        }
    }
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

/// `WHERE …` with only the conditions `filter` sets, and their values in order: a condition
/// written for every filter (`?1 IS NULL OR package = ?1`) would keep SQLite from using the
/// indexes, and a million rows would be read for every page.
fn where_clause(filter: &ActivationFilter) -> (String, Vec<SqlValue>) {
    let mut conditions: Vec<&str> = Vec::new();
    let mut values = Vec::new();
    let mut add = |condition, value: SqlValue| {
        conditions.push(condition);
        values.push(value);
    };
    if let Some(package) = filter.package.bind() {
        add("package = ?", SqlValue::Text(package.to_string()));
    }
    if let Some(action) = &filter.action {
        add("action = ?", SqlValue::Text(action.clone()));
    }
    if let Some(since) = filter.since_ms {
        add("start_ms >= ?", SqlValue::Integer(since));
    }
    if let Some(upto) = filter.upto_ms {
        add("start_ms <= ?", SqlValue::Integer(upto));
    }
    if let Some(id) = &filter.id {
        add("id = ?", SqlValue::Text(id.clone()));
    }
    let success = || SqlValue::Text(ActivationStatus::Success.as_str().into());
    match filter.succeeded {
        Some(true) => add("status = ?", success()),
        Some(false) => add("status <> ?", success()),
        None => {}
    }
    if conditions.is_empty() {
        (String::new(), values)
    } else {
        (format!("WHERE {}", conditions.join(" AND ")), values)
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
        self.insert_rows(std::slice::from_ref(&EncodedActivation::of(a)))
    }

    /// Records activations already encoded, in one transaction: all or none.
    pub(crate) fn insert_rows(&self, rows: &[EncodedActivation]) -> Result<(), EngineError> {
        // Inside a transaction the caller opened, the rows are part of it.
        let tx = match self.conn.is_autocommit() {
            true => Some(self.conn.unchecked_transaction()?),
            false => None,
        };
        {
            let mut stmt = self.conn.prepare_cached(&format!("INSERT INTO activations ({COLUMNS}) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15)"))?;
            for a in rows {
                stmt.execute(params![
                    a.id,
                    a.namespace,
                    a.package,
                    a.action,
                    a.subject,
                    a.start_ms,
                    a.end_ms,
                    a.duration_ms,
                    a.status,
                    a.result,
                    a.logs,
                    a.params,
                    a.memory_used,
                    a.billed_ms,
                    a.components,
                ])?;
            }
        }
        if let Some(tx) = tx {
            tx.commit()?;
        }
        Ok(())
    }

    /// One activation.
    pub fn activation(&self, id: &str) -> Result<Option<ActivationRecord>, EngineError> {
        let mut stmt = self
            .conn
            .prepare_cached(&format!("SELECT {COLUMNS} FROM activations WHERE id = ?1"))?;
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
        let (condition, mut values) = where_clause(filter);
        let total: i64 = self.conn.query_row(
            &format!("SELECT COUNT(*) FROM activations {condition}"),
            params_from_iter(values.iter()),
            |r| r.get(0),
        )?;
        let column = match order.by {
            ActivationOrder::Start => "start_ms",
            ActivationOrder::Duration => "duration_ms",
            ActivationOrder::Memory => "memory_used",
            ActivationOrder::Action => "action",
            ActivationOrder::Id => "id",
        };
        let direction = if order.ascending { "ASC" } else { "DESC" };
        values.push(SqlValue::Integer(sql_count(page.limit)));
        values.push(SqlValue::Integer(sql_count(page.offset)));
        let mut stmt = self.conn.prepare_cached(&format!(
            "SELECT {COLUMNS} FROM activations {condition} ORDER BY {column} {direction}, id {direction} LIMIT ? OFFSET ?"
        ))?;
        let rows = stmt.query_and_then(params_from_iter(values.iter()), from_row)?;
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::Scope;
    use serde_json::json;

    /// 10,000 activations: actions `a0`…`a9` alternating between packages `p0` and `p1`
    /// (so `a3` is always in `p1`), one a second, every seventh failed.
    fn store_with_10_000() -> Store {
        let store = Store::in_memory().unwrap();
        store.conn.execute_batch("BEGIN").unwrap();
        for i in 0..10_000_i64 {
            let status = if i % 7 == 0 {
                ActivationStatus::ApplicationError
            } else {
                ActivationStatus::Success
            };
            store
                .insert_activation(&ActivationRecord {
                    id: format!("{i:032x}"),
                    namespace: "guest".into(),
                    package: Some(format!("p{}", i % 10 % 2)),
                    action: format!("a{}", i % 10),
                    subject: "guest".into(),
                    start_ms: i * 1000,
                    end_ms: i * 1000 + 5,
                    duration_ms: 5,
                    status,
                    result: json!({}),
                    logs: vec![],
                    params: json!({"i": i}),
                    memory_used: 0,
                    billed_ms: 100,
                    components: vec![],
                })
                .unwrap();
        }
        store.conn.execute_batch("COMMIT").unwrap();
        store
    }

    fn starts(rows: &[ActivationRecord]) -> Vec<i64> {
        rows.iter().map(|r| r.start_ms / 1000).collect()
    }

    #[test]
    fn ten_thousand_activations_list_newest_first_by_every_filter_with_their_totals() {
        let store = store_with_10_000();
        let list = |filter: ActivationFilter, offset| {
            let page = Paging { offset, limit: 3 };
            store.activations(&filter, Order::default(), page).unwrap()
        };
        let (rows, total) = list(ActivationFilter::default(), 0);
        assert_eq!((starts(&rows), total), (vec![9999, 9998, 9997], 10_000));
        let (rows, _) = list(ActivationFilter::default(), 3);
        assert_eq!(
            starts(&rows),
            [9996, 9995, 9994],
            "the second page follows the first"
        );

        let in_package = ActivationFilter {
            package: Scope::of(Some("p1")),
            action: Some("a3".into()),
            ..Default::default()
        };
        let (rows, total) = list(in_package, 0);
        assert_eq!((starts(&rows), total), (vec![9993, 9983, 9973], 1_000));
        let wrong_package = ActivationFilter {
            package: Scope::of(Some("p0")),
            action: Some("a3".into()),
            ..Default::default()
        };
        assert_eq!(list(wrong_package, 0).1, 0);
        let by_name = ActivationFilter {
            action: Some("a3".into()),
            ..Default::default()
        };
        assert_eq!(
            list(by_name, 0).1,
            1_000,
            "an action named without its package"
        );

        let window = ActivationFilter {
            since_ms: Some(100_000),
            upto_ms: Some(199_000),
            ..Default::default()
        };
        let (rows, total) = list(window, 0);
        assert_eq!((starts(&rows), total), (vec![199, 198, 197], 100));

        let failed = ActivationFilter {
            succeeded: Some(false),
            ..Default::default()
        };
        let (rows, total) = list(failed, 0);
        assert_eq!((starts(&rows), total), (vec![9996, 9989, 9982], 1_429));
        assert!(
            rows.iter()
                .all(|r| r.status == ActivationStatus::ApplicationError)
        );
        let succeeded = ActivationFilter {
            succeeded: Some(true),
            ..Default::default()
        };
        assert_eq!(list(succeeded, 0).1, 10_000 - 1_429);
    }

    /// The plan SQLite picks for a page: an index, never a sort of every matching row.
    #[test]
    fn a_page_is_read_from_an_index_in_order_without_sorting() {
        let store = store_with_10_000();
        let filters = [
            ActivationFilter::default(),
            ActivationFilter {
                since_ms: Some(5),
                ..Default::default()
            },
            ActivationFilter {
                package: Scope::of(Some("p1")),
                action: Some("a3".into()),
                ..Default::default()
            },
            ActivationFilter {
                action: Some("a3".into()),
                since_ms: Some(5),
                ..Default::default()
            },
        ];
        for filter in filters {
            let (condition, mut values) = where_clause(&filter);
            values.extend([SqlValue::Integer(20), SqlValue::Integer(0)]);
            let sql = format!(
                "EXPLAIN QUERY PLAN SELECT {COLUMNS} FROM activations {condition} ORDER BY start_ms DESC, id DESC LIMIT ? OFFSET ?"
            );
            let mut stmt = store.conn.prepare(&sql).unwrap();
            let plan: Vec<String> = stmt
                .query_map(params_from_iter(values.iter()), |r| r.get::<_, String>(3))
                .unwrap()
                .collect::<Result<_, _>>()
                .unwrap();
            let plan = plan.join("; ");
            assert!(plan.contains("USING INDEX"), "{filter:?}: {plan}");
            assert!(!plan.contains("TEMP B-TREE"), "{filter:?}: {plan}");
            let (condition, values) = where_clause(&filter);
            let sql = format!("EXPLAIN QUERY PLAN SELECT COUNT(*) FROM activations {condition}");
            let plan: String = store
                .conn
                .query_row(&sql, params_from_iter(values.iter()), |r| r.get(3))
                .unwrap();
            assert!(
                plan.contains("COVERING INDEX"),
                "the total of {filter:?}: {plan}"
            );
        }
    }
}
