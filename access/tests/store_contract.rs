//! One set of store tests, run against both backends: each case is an `async fn` taking a
//! [`Subject`] (the store, and a way to run raw SQL on its database to check what the
//! database itself refuses); `contract!` makes one SQLite test and one PostgreSQL test of
//! each. The PostgreSQL ones run on a throwaway cluster (`support/pg_cluster.rs`), a new
//! database per test; they fail, never skip, when PostgreSQL is missing.
//!
//! A new concern adds its cases to the `contract!` list at the end.

#[path = "support/pg_cluster.rs"]
mod pg_cluster;

use std::sync::Arc;

use access::Store;
use access::audit::{AuditEntry, AuditFilter, Outcome, OutcomeFilter};
use access::connections::{Sealer, StoredConnection};
use access::key::SecretKey;
use access::postgres::PgStore;
use access::sqlite::SqliteStore;

/// A backend under test.
struct Subject {
    store: Store,
    raw: Raw,
}

/// The backend's database, for raw SQL.
enum Raw {
    Sqlite(SqliteStore),
    Pg(String),
}

impl Subject {
    fn sqlite() -> Self {
        let store = SqliteStore::in_memory().unwrap();
        Self {
            store: Store(Arc::new(store.clone())),
            raw: Raw::Sqlite(store),
        }
    }

    async fn postgres() -> Self {
        let url = pg_cluster::shared().new_database();
        let store = PgStore::connect(&url).await.unwrap();
        Self {
            store: Store(Arc::new(store)),
            raw: Raw::Pg(url),
        }
    }

    /// Runs `sql` directly on the database: its error's text, if it failed.
    async fn exec(&self, sql: &'static str) -> Result<(), String> {
        match &self.raw {
            Raw::Sqlite(store) => store
                .with_conn(move |c| Ok(c.execute_batch(sql).map_err(|e| e.to_string())))
                .await
                .unwrap(),
            Raw::Pg(url) => pg_cluster::shared().psql(url, sql).map(drop),
        }
    }

    /// The single integer `sql` selects.
    async fn count(&self, sql: &'static str) -> i64 {
        match &self.raw {
            Raw::Sqlite(store) => store
                .with_conn(move |c| Ok(c.query_row(sql, [], |r| r.get(0))?))
                .await
                .unwrap(),
            Raw::Pg(url) => pg_cluster::shared()
                .psql(url, sql)
                .unwrap()
                .parse()
                .unwrap(),
        }
    }
}

macro_rules! contract {
    ($($case:ident),* $(,)?) => {
        mod sqlite {
            $(
                #[tokio::test]
                async fn $case() {
                    super::$case(super::Subject::sqlite()).await
                }
            )*
        }
        mod postgres {
            $(
                #[tokio::test]
                async fn $case() {
                    super::$case(super::Subject::postgres().await).await
                }
            )*
        }
    };
}

contract!(
    audit_entries_come_back_newest_first_with_every_field,
    audit_filters_narrow_and_paging_counts_the_whole_match,
    the_database_refuses_to_edit_or_delete_an_audit_entry,
    concurrent_audit_appends_all_land_with_distinct_ids,
    connections_are_added_replaced_listed_in_order_and_deleted,
    a_connection_without_values_lists_and_sealed_secrets_open_again,
);

// ---- the audit log ----

fn entry(at_ms: i64, account: &str, action: &str, status: u16) -> AuditEntry {
    AuditEntry {
        id: 0,
        at_ms,
        account: Some(account.into()),
        action: action.into(),
        connection: Some(
            if (at_ms / 1000) % 2 == 0 {
                "even"
            } else {
                "odd"
            }
            .into(),
        ),
        target: Some("pkg/greet".into()),
        address: Some("127.0.0.1".into()),
        outcome: Outcome {
            status,
            error: (status != 200).then(|| "Forbidden".into()),
        },
    }
}

async fn fill(store: &Store) {
    for (at, who, what, status) in [
        (1_000, "ada", "save_action", 200),
        (2_000, "bob", "run_action", 200),
        (3_000, "bob", "delete_action", 403),
        (4_000, "ada", "run_action", 200),
        (5_000, "ada", "save_action", 409),
    ] {
        store
            .0
            .append_audit(entry(at, who, what, status))
            .await
            .unwrap();
    }
}

async fn audit_entries_come_back_newest_first_with_every_field(s: Subject) {
    fill(&s.store).await;
    let page = s.store.0.list_audit(AuditFilter::default()).await.unwrap();
    assert_eq!(page.total, 5);
    let times: Vec<_> = page.entries.iter().map(|e| e.at_ms).collect();
    assert_eq!(times, [5_000, 4_000, 3_000, 2_000, 1_000]);
    let mut expected = entry(3_000, "bob", "delete_action", 403);
    expected.id = page.entries[2].id;
    assert_eq!(page.entries[2], expected);
    // Nothing optional is required: an anonymous, untargeted entry round-trips too.
    let bare = AuditEntry {
        id: 0,
        at_ms: 6_000,
        account: None,
        action: "login".into(),
        connection: None,
        target: None,
        address: None,
        outcome: Outcome {
            status: 401,
            error: None,
        },
    };
    let id = s.store.0.append_audit(bare.clone()).await.unwrap();
    assert!(id > page.entries[0].id, "ids increase: {id}");
    let newest = s.store.0.list_audit(AuditFilter::default()).await.unwrap();
    assert_eq!(newest.entries[0], AuditEntry { id, ..bare });
}

async fn audit_filters_narrow_and_paging_counts_the_whole_match(s: Subject) {
    fill(&s.store).await;
    let list = |filter: AuditFilter| {
        let store = s.store.clone();
        async move {
            let page = store.0.list_audit(filter).await.unwrap();
            let times: Vec<_> = page.entries.iter().map(|e| e.at_ms).collect();
            (times, page.total)
        }
    };
    let only = |f: fn(&mut AuditFilter)| {
        let mut filter = AuditFilter::default();
        f(&mut filter);
        filter
    };
    assert_eq!(
        list(only(|f| f.account = Some("ada".into()))).await,
        (vec![5_000, 4_000, 1_000], 3)
    );
    assert_eq!(
        list(only(|f| f.action = Some("run_action".into()))).await,
        (vec![4_000, 2_000], 2)
    );
    assert_eq!(
        list(only(|f| f.connection = Some("odd".into()))).await,
        (vec![5_000, 3_000, 1_000], 3)
    );
    assert_eq!(
        list(only(|f| f.outcome = Some(OutcomeFilter::Failed))).await,
        (vec![5_000, 3_000], 2)
    );
    assert_eq!(
        list(only(|f| f.outcome = Some(OutcomeFilter::Ok))).await,
        (vec![4_000, 2_000, 1_000], 3)
    );
    assert_eq!(
        list(only(|f| {
            f.since_ms = Some(2_000);
            f.until_ms = Some(4_000);
        }))
        .await,
        (vec![3_000, 2_000], 2)
    );
    assert_eq!(
        list(only(|f| {
            f.account = Some("ada".into());
            f.outcome = Some(OutcomeFilter::Ok);
            f.since_ms = Some(1_000);
        }))
        .await,
        (vec![4_000, 1_000], 2)
    );
    assert_eq!(
        list(only(|f| {
            f.limit = 2;
            f.offset = 2;
        }))
        .await,
        (vec![3_000, 2_000], 5)
    );
}

async fn the_database_refuses_to_edit_or_delete_an_audit_entry(s: Subject) {
    fill(&s.store).await;
    for sql in [
        "UPDATE audit_log SET account = 'eve'",
        "DELETE FROM audit_log",
    ] {
        let error = s.exec(sql).await.expect_err(sql);
        assert!(error.contains("append-only"), "{sql}: {error}");
    }
    // PostgreSQL's statement triggers also refuse TRUNCATE and a change matching no row
    // (SQLite has no TRUNCATE, and its row triggers fire only on rows).
    if let Raw::Pg(_) = s.raw {
        for sql in ["TRUNCATE audit_log", "DELETE FROM audit_log WHERE id = -1"] {
            let error = s.exec(sql).await.expect_err(sql);
            assert!(error.contains("append-only"), "{sql}: {error}");
        }
    }
    assert_eq!(
        s.count("SELECT count(*) FROM audit_log WHERE account = 'eve'")
            .await,
        0
    );
    let page = s.store.0.list_audit(AuditFilter::default()).await.unwrap();
    assert_eq!(page.total, 5);
}

async fn concurrent_audit_appends_all_land_with_distinct_ids(s: Subject) {
    let tasks: Vec<_> = (0..40)
        .map(|i| {
            let store = s.store.clone();
            tokio::spawn(async move {
                store
                    .0
                    .append_audit(entry(i * 1000, "ada", "run_action", 200))
                    .await
            })
        })
        .collect();
    let mut ids = Vec::new();
    for task in tasks {
        ids.push(task.await.unwrap().unwrap());
    }
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), 40);
    let page = s.store.0.list_audit(AuditFilter::default()).await.unwrap();
    assert_eq!(page.total, 40);
}

// ---- connections added in the UI ----

fn stored(id: &str, endpoint: &str, secret: &[u8]) -> StoredConnection {
    StoredConnection {
        id: id.into(),
        provider: "openwhisk".into(),
        fields: [("endpoint".to_string(), endpoint.to_string())].into(),
        secrets: [("auth".to_string(), secret.to_vec())].into(),
    }
}

async fn connections_are_added_replaced_listed_in_order_and_deleted(s: Subject) {
    let c = &s.store.0;
    c.put_ui_connection(stored("b", "https://b", b"1"))
        .await
        .unwrap();
    c.put_ui_connection(stored("a", "https://a", b"2"))
        .await
        .unwrap();
    c.put_ui_connection(stored("b", "https://b2", b"3"))
        .await
        .unwrap();
    assert_eq!(
        c.list_ui_connections().await.unwrap(),
        [
            stored("b", "https://b2", b"3"),
            stored("a", "https://a", b"2")
        ]
    );
    assert!(c.delete_ui_connection("b").await.unwrap());
    assert!(!c.delete_ui_connection("b").await.unwrap());
    assert_eq!(
        c.list_ui_connections().await.unwrap(),
        [stored("a", "https://a", b"2")]
    );
    assert_eq!(
        s.count("SELECT count(*) FROM ui_connection_values WHERE connection_id = 'b'")
            .await,
        0
    );
    // The database refuses a value that is both plain and sealed, or neither.
    let error = s
        .exec("INSERT INTO ui_connection_values (connection_id, field) VALUES ('a', 'x')")
        .await
        .unwrap_err();
    assert!(error.to_lowercase().contains("check"), "{error}");
}

async fn a_connection_without_values_lists_and_sealed_secrets_open_again(s: Subject) {
    let c = &s.store.0;
    let bare = StoredConnection {
        id: "bare".into(),
        provider: "ncp".into(),
        fields: Default::default(),
        secrets: Default::default(),
    };
    c.put_ui_connection(bare.clone()).await.unwrap();
    let key = SecretKey::generate().unwrap();
    let sealer = Sealer::new(&key);
    let mut full = stored("full", "https://ow", b"");
    full.fields.insert("namespace".into(), "guest".into());
    full.secrets.insert(
        "auth".into(),
        sealer.seal("full", "auth", "uuid:s3cr3t").unwrap(),
    );
    // Every byte value survives, NUL and high bytes included.
    full.secrets.insert("raw".into(), (0u8..=255).collect());
    c.put_ui_connection(full.clone()).await.unwrap();
    let listed = c.list_ui_connections().await.unwrap();
    assert_eq!(listed, [bare, full]);
    let opened = sealer
        .open("full", "auth", &listed[1].secrets["auth"])
        .unwrap();
    assert_eq!(opened, "uuid:s3cr3t");
    // Another replica with the same key opens it too.
    let same = SecretKey::from_base64(&key.to_base64()).unwrap();
    assert_eq!(
        Sealer::new(&same)
            .open("full", "auth", &listed[1].secrets["auth"])
            .unwrap(),
        "uuid:s3cr3t"
    );
}
