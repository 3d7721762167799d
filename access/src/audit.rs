//! The audit log: who did what to which connection and target, when, from where, and how it
//! ended. Rows are only ever appended; nothing in the store's interface edits or deletes one.
//!
//! The types are shared with the browser (the `/audit` page); the store behind `store`.

use serde::{Deserialize, Serialize};

/// One recorded attempt at a change (a save, a delete, a run…), refused ones included.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditEntry {
    /// Its place in the log, increasing; set by the store.
    pub id: i64,
    /// When the attempt was answered, ms since the Unix epoch.
    pub at_ms: i64,
    /// The account (or API token's account); `None` for an anonymous caller or a request
    /// refused before anyone was identified.
    pub account: Option<String>,
    /// What was attempted: the server function's name (`save_action`, `run_action`…).
    pub action: String,
    /// The connection it was aimed at, when the request named one.
    pub connection: Option<String>,
    /// The action or package it was aimed at (`package/name` or `name`), when named.
    pub target: Option<String>,
    /// The caller's address (the peer, or `X-Forwarded-For`'s first hop behind a proxy).
    pub address: Option<String>,
    /// How it ended.
    pub outcome: Outcome,
}

/// How an audited request ended: the HTTP status it was answered with, and for a failure the
/// kind of the error (`Forbidden`, `Invalid`, `Provider`…).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Outcome {
    /// The answer's status (for a streamed run, the status of the stream's head).
    pub status: u16,
    /// The error's kind, for a failure whose body named one.
    pub error: Option<String>,
}

impl Outcome {
    /// Whether the attempt succeeded (a 2xx answer).
    pub fn ok(&self) -> bool {
        (200..300).contains(&self.status)
    }
}

impl std::fmt::Display for Outcome {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match (&self.error, self.ok()) {
            (_, true) => write!(f, "ok"),
            (Some(kind), false) => write!(f, "{kind} ({})", self.status),
            (None, false) => write!(f, "failed ({})", self.status),
        }
    }
}

/// Which outcomes a listing keeps.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum OutcomeFilter {
    /// 2xx answers only.
    Ok,
    /// Refusals and errors only (any non-2xx).
    Failed,
}

impl OutcomeFilter {
    /// The filter's name in URLs.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Ok => "ok",
            Self::Failed => "failed",
        }
    }

    /// Reads [`as_str`](Self::as_str)'s names.
    pub fn parse(value: &str) -> Option<Self> {
        [Self::Ok, Self::Failed]
            .into_iter()
            .find(|f| f.as_str() == value)
    }
}

/// The largest page a listing returns.
pub const MAX_PAGE: u32 = 200;

/// What a listing keeps; every field left `None` keeps everything. Newest first.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditFilter {
    /// Only this account's entries.
    pub account: Option<String>,
    /// Only this server function's.
    pub action: Option<String>,
    /// Only this connection's.
    pub connection: Option<String>,
    /// Only these outcomes.
    pub outcome: Option<OutcomeFilter>,
    /// Only entries at or after this time, ms.
    pub since_ms: Option<i64>,
    /// Only entries before this time, ms.
    pub until_ms: Option<i64>,
    /// Entries skipped (newest first) before the page starts.
    pub offset: u32,
    /// The page's size, 1 to [`MAX_PAGE`] (0 means the default, 50).
    pub limit: u32,
}

impl AuditFilter {
    /// The page size this filter asks for, within `1..=MAX_PAGE`.
    pub fn page_size(&self) -> u32 {
        match self.limit {
            0 => 50,
            n => n.min(MAX_PAGE),
        }
    }
}

/// One page of the log.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditPage {
    /// The entries, newest first.
    pub entries: Vec<AuditEntry>,
    /// How many entries match the filter in all.
    pub total: u64,
}

#[cfg(feature = "store")]
pub use store::{AuditStore, MIGRATIONS};

#[cfg(feature = "store")]
mod store {
    use super::*;
    use crate::StoreError;
    use crate::sqlite::{Migration, SqliteStore};
    use rusqlite::types::Value;

    /// The audit log's tables.
    pub const MIGRATIONS: &[Migration] = &[(
        "audit/1",
        "CREATE TABLE audit_log (
             id INTEGER PRIMARY KEY AUTOINCREMENT,
             at_ms INTEGER NOT NULL,
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
         CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
             BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
         CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
             BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END",
    )];

    /// The audit log: append and read, never edit.
    #[async_trait::async_trait]
    pub trait AuditStore {
        /// Appends `entry` (its `id` is ignored) and answers the id it was given.
        async fn append_audit(&self, entry: AuditEntry) -> Result<i64, StoreError>;
        /// The page of entries `filter` asks for, newest first, and how many match in all.
        async fn list_audit(&self, filter: AuditFilter) -> Result<AuditPage, StoreError>;
    }

    /// The `WHERE` clause and its values for `filter`.
    fn conditions(filter: &AuditFilter) -> (String, Vec<Value>) {
        let mut clauses: Vec<&str> = Vec::new();
        let mut values: Vec<Value> = Vec::new();
        let mut text = |clause, value: &Option<String>| {
            if let Some(v) = value {
                clauses.push(clause);
                values.push(Value::Text(v.clone()));
            }
        };
        text("account = ?", &filter.account);
        text("action = ?", &filter.action);
        text("connection = ?", &filter.connection);
        match filter.outcome {
            Some(OutcomeFilter::Ok) => clauses.push("status BETWEEN 200 AND 299"),
            Some(OutcomeFilter::Failed) => clauses.push("status NOT BETWEEN 200 AND 299"),
            None => {}
        }
        if let Some(ms) = filter.since_ms {
            clauses.push("at_ms >= ?");
            values.push(Value::Integer(ms));
        }
        if let Some(ms) = filter.until_ms {
            clauses.push("at_ms < ?");
            values.push(Value::Integer(ms));
        }
        let sql = if clauses.is_empty() {
            String::new()
        } else {
            format!("WHERE {}", clauses.join(" AND "))
        };
        (sql, values)
    }

    #[async_trait::async_trait]
    impl AuditStore for SqliteStore {
        #[tracing::instrument(skip_all, fields(action = %entry.action))]
        async fn append_audit(&self, entry: AuditEntry) -> Result<i64, StoreError> {
            self.with_conn(move |c| {
                c.execute(
                    "INSERT INTO audit_log
                         (at_ms, account, action, connection, target, address, status, error)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
                    rusqlite::params![
                        entry.at_ms,
                        entry.account,
                        entry.action,
                        entry.connection,
                        entry.target,
                        entry.address,
                        entry.outcome.status,
                        entry.outcome.error,
                    ],
                )?;
                Ok(c.last_insert_rowid())
            })
            .await
        }

        #[tracing::instrument(skip_all)]
        async fn list_audit(&self, filter: AuditFilter) -> Result<AuditPage, StoreError> {
            self.with_conn(move |c| {
                let (clause, mut values) = conditions(&filter);
                let total: i64 = c.query_row(
                    &format!("SELECT count(*) FROM audit_log {clause}"),
                    rusqlite::params_from_iter(values.iter()),
                    |r| r.get(0),
                )?;
                values.push(Value::Integer(filter.page_size().into()));
                values.push(Value::Integer(filter.offset.into()));
                let mut statement = c.prepare(&format!(
                    "SELECT id, at_ms, account, action, connection, target, address, status, error
                     FROM audit_log {clause} ORDER BY at_ms DESC, id DESC LIMIT ? OFFSET ?"
                ))?;
                let entries = statement
                    .query_map(rusqlite::params_from_iter(values.iter()), |r| {
                        Ok(AuditEntry {
                            id: r.get(0)?,
                            at_ms: r.get(1)?,
                            account: r.get(2)?,
                            action: r.get(3)?,
                            connection: r.get(4)?,
                            target: r.get(5)?,
                            address: r.get(6)?,
                            outcome: Outcome {
                                status: r.get(7)?,
                                error: r.get(8)?,
                            },
                        })
                    })?
                    .collect::<Result<Vec<_>, _>>()?;
                Ok(AuditPage {
                    entries,
                    // count(*) is never negative.
                    total: u64::try_from(total).unwrap_or(0),
                })
            })
            .await
        }
    }

    #[cfg(test)]
    mod tests {
        use super::*;

        // The store's behaviour (order, filters, paging, append-only) is tested once for both
        // backends in tests/store_contract.rs; here only what needs no database.
        #[test]
        fn outcomes_read_as_ok_or_their_error_with_its_status() {
            let refused = Outcome {
                status: 403,
                error: Some("Forbidden".into()),
            };
            assert_eq!(refused.to_string(), "Forbidden (403)");
            let ok = Outcome {
                status: 200,
                error: None,
            };
            assert_eq!(ok.to_string(), "ok");
        }

        #[test]
        fn outcome_filters_round_trip_and_page_sizes_are_bounded() {
            for f in [OutcomeFilter::Ok, OutcomeFilter::Failed] {
                assert_eq!(OutcomeFilter::parse(f.as_str()), Some(f));
            }
            assert_eq!(OutcomeFilter::parse("maybe"), None);
            let size = |limit| {
                AuditFilter {
                    limit,
                    ..Default::default()
                }
                .page_size()
            };
            assert_eq!((size(0), size(10), size(10_000)), (50, 10, MAX_PAGE));
        }
    }
}
