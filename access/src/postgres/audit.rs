//! The audit log in PostgreSQL: append-only in the database itself (triggers refuse every
//! UPDATE, DELETE and TRUNCATE), as SQLite's triggers do.

use tokio_postgres::types::ToSql;

use super::PgStore;
use crate::StoreError;
use crate::audit::{AuditEntry, AuditFilter, AuditPage, AuditStore, Outcome, OutcomeFilter};
use crate::sqlite::Migration;

/// The audit log's table and its guards.
pub(super) const MIGRATIONS: &[Migration] = &[(
    "audit/1",
    "CREATE TABLE audit_log (
         id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
         at_ms BIGINT NOT NULL,
         account TEXT,
         action TEXT NOT NULL,
         connection TEXT,
         target TEXT,
         address TEXT,
         status INTEGER NOT NULL,
         error TEXT
     );
     CREATE INDEX audit_log_at ON audit_log (at_ms);
     CREATE INDEX audit_log_account ON audit_log (account, at_ms);
     CREATE FUNCTION audit_log_refuse() RETURNS trigger LANGUAGE plpgsql AS $$
         BEGIN RAISE EXCEPTION 'the audit log is append-only'; END $$;
     -- Statement triggers: they fire even when no row matches, and for TRUNCATE too.
     CREATE TRIGGER audit_log_no_change BEFORE UPDATE OR DELETE OR TRUNCATE ON audit_log
         FOR EACH STATEMENT EXECUTE FUNCTION audit_log_refuse()",
)];

type Param = Box<dyn ToSql + Sync + Send>;

/// The `WHERE` clause (numbered `$1`…) and its values for `filter`.
fn conditions(filter: &AuditFilter) -> (String, Vec<Param>) {
    let mut clauses: Vec<String> = Vec::new();
    let mut values: Vec<Param> = Vec::new();
    let mut add = |column: &str, op: &str, value: Param| {
        values.push(value);
        clauses.push(format!("{column} {op} ${}", values.len()));
    };
    for (column, value) in [
        ("account", &filter.account),
        ("action", &filter.action),
        ("connection", &filter.connection),
    ] {
        if let Some(v) = value {
            add(column, "=", Box::new(v.clone()));
        }
    }
    if let Some(ms) = filter.since_ms {
        add("at_ms", ">=", Box::new(ms));
    }
    if let Some(ms) = filter.until_ms {
        add("at_ms", "<", Box::new(ms));
    }
    match filter.outcome {
        Some(OutcomeFilter::Ok) => clauses.push("status BETWEEN 200 AND 299".into()),
        Some(OutcomeFilter::Failed) => clauses.push("status NOT BETWEEN 200 AND 299".into()),
        None => {}
    }
    let sql = if clauses.is_empty() {
        String::new()
    } else {
        format!("WHERE {}", clauses.join(" AND "))
    };
    (sql, values)
}

fn refs(values: &[Param]) -> Vec<&(dyn ToSql + Sync)> {
    values
        .iter()
        .map(|v| v.as_ref() as &(dyn ToSql + Sync))
        .collect()
}

#[async_trait::async_trait]
impl AuditStore for PgStore {
    #[tracing::instrument(skip_all, fields(action = %entry.action))]
    async fn append_audit(&self, entry: AuditEntry) -> Result<i64, StoreError> {
        let client = self.client().await?;
        let row = client
            .query_one(
                "INSERT INTO audit_log
                     (at_ms, account, action, connection, target, address, status, error)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
                &[
                    &entry.at_ms,
                    &entry.account,
                    &entry.action,
                    &entry.connection,
                    &entry.target,
                    &entry.address,
                    &i32::from(entry.outcome.status),
                    &entry.outcome.error,
                ],
            )
            .await?;
        Ok(row.try_get(0)?)
    }

    #[tracing::instrument(skip_all)]
    async fn list_audit(&self, filter: AuditFilter) -> Result<AuditPage, StoreError> {
        let client = self.client().await?;
        let (clause, mut values) = conditions(&filter);
        let total: i64 = client
            .query_one(
                &format!("SELECT count(*) FROM audit_log {clause}"),
                &refs(&values),
            )
            .await?
            .try_get(0)?;
        values.push(Box::new(i64::from(filter.page_size())));
        values.push(Box::new(i64::from(filter.offset)));
        let (limit, offset) = (values.len() - 1, values.len());
        let rows = client
            .query(
                &format!(
                    "SELECT id, at_ms, account, action, connection, target, address, status, error
                     FROM audit_log {clause} ORDER BY at_ms DESC, id DESC
                     LIMIT ${limit} OFFSET ${offset}"
                ),
                &refs(&values),
            )
            .await?;
        let entries = rows
            .iter()
            .map(|r| {
                let status: i32 = r.try_get(7)?;
                let status = u16::try_from(status).map_err(|_| StoreError::Corrupt {
                    what: "audit entry",
                    detail: format!("status {status}"),
                })?;
                Ok(AuditEntry {
                    id: r.try_get(0)?,
                    at_ms: r.try_get(1)?,
                    account: r.try_get(2)?,
                    action: r.try_get(3)?,
                    connection: r.try_get(4)?,
                    target: r.try_get(5)?,
                    address: r.try_get(6)?,
                    outcome: Outcome {
                        status,
                        error: r.try_get(8)?,
                    },
                })
            })
            .collect::<Result<Vec<_>, StoreError>>()?;
        Ok(AuditPage {
            entries,
            // count(*) is never negative.
            total: u64::try_from(total).unwrap_or(0),
        })
    }
}
