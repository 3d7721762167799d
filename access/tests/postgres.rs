//! What only the PostgreSQL backend has: several stores (replicas) on one database, replicas
//! migrating a new database at the same moment, start-up errors that name the database but
//! not the password, and migrations that are named and all-or-nothing.

#[path = "support/pg_cluster.rs"]
mod pg_cluster;

use std::sync::Arc;

use access::audit::{AuditEntry, AuditFilter, AuditStore, Outcome};
use access::connections::{ConnectionStore, StoredConnection};
use access::postgres::{PgStore, is_postgres_url, migrate_for_tests};
use access::sessions::SessionPolicy;
use access::{Role, Store};

fn entry(action: &str) -> AuditEntry {
    AuditEntry {
        id: 0,
        at_ms: 1,
        account: Some("ada".into()),
        action: action.into(),
        connection: None,
        target: None,
        address: None,
        outcome: Outcome {
            status: 200,
            error: None,
        },
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn replicas_migrating_a_new_database_together_all_start_and_share_it() {
    let url = pg_cluster::shared().new_database();
    let starts: Vec<_> = (0..4)
        .map(|_| {
            let url = url.clone();
            tokio::spawn(async move { PgStore::connect(&url).await })
        })
        .collect();
    let mut stores = Vec::new();
    for start in starts {
        stores.push(start.await.unwrap().expect("every replica starts"));
    }
    let migrations = pg_cluster::shared()
        .psql(
            &url,
            "SELECT string_agg(name, ',' ORDER BY name) FROM schema_migrations",
        )
        .unwrap();
    assert_eq!(
        migrations,
        "accounts/1,audit/1,connections/1,sessions/1,setup/1,tokens/1"
    );

    // What one replica writes, the others read.
    stores[0].append_audit(entry("from_one")).await.unwrap();
    stores[1].append_audit(entry("from_two")).await.unwrap();
    stores[2]
        .put_ui_connection(StoredConnection {
            id: "shared".into(),
            provider: "openwhisk".into(),
            fields: [("endpoint".to_string(), "https://ow".to_string())].into(),
            secrets: Default::default(),
        })
        .await
        .unwrap();
    let page = stores[3].list_audit(AuditFilter::default()).await.unwrap();
    let mut actions: Vec<_> = page.entries.iter().map(|e| e.action.as_str()).collect();
    actions.sort();
    assert_eq!(actions, ["from_one", "from_two"]);
    assert_eq!(
        stores[3].list_ui_connections().await.unwrap()[0].id,
        "shared"
    );
}

#[tokio::test]
async fn a_session_or_token_made_on_one_replica_works_on_another_until_ended_there() {
    let url = pg_cluster::shared().new_database();
    let one = Store(Arc::new(PgStore::connect(&url).await.unwrap()));
    let two = Store(Arc::new(PgStore::connect(&url).await.unwrap()));
    let policy = SessionPolicy {
        idle_ms: 60_000,
        absolute_ms: 600_000,
    };
    let ann = one
        .create_account("ann", Role::Editor, "a long enough password", 0)
        .await
        .unwrap();
    assert!(
        two.authenticate("ANN", "a long enough password")
            .await
            .unwrap()
            .is_some()
    );
    let session = one.0.create_session(ann.id, 0).await.unwrap();
    let (_, token) = one.0.create_token(ann.id, "ci", 0).await.unwrap();
    let on_two = two.0.session_account(&session, 1, policy).await.unwrap();
    assert_eq!(on_two.map(|a| a.id), Some(ann.id));
    assert_eq!(
        two.0.token_account(&token, 1).await.unwrap().map(|a| a.id),
        Some(ann.id)
    );
    // Signed out and revoked on two: refused on one at once.
    two.0.end_session(&session).await.unwrap();
    let tokens = two.0.list_tokens(ann.id).await.unwrap();
    assert!(two.0.revoke_token(ann.id, tokens[0].id).await.unwrap());
    assert!(
        one.0
            .session_account(&session, 2, policy)
            .await
            .unwrap()
            .is_none()
    );
    assert!(one.0.token_account(&token, 2).await.unwrap().is_none());
}

#[tokio::test]
async fn a_bad_url_or_an_unreachable_server_is_named_without_the_password() {
    assert!(is_postgres_url("postgres://u@h/db"));
    assert!(is_postgres_url("postgresql://u@h/db"));
    assert!(!is_postgres_url("sqlite:///data/access.db"));

    let error = PgStore::connect("postgres://ada:hunter2@127.0.0.1:notaport/db")
        .await
        .unwrap_err()
        .to_string();
    assert!(error.contains("not a PostgreSQL URL"), "{error}");
    assert!(!error.contains("hunter2"), "{error}");

    // A port nobody listens on: bound then released.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let started = std::time::Instant::now();
    let error = PgStore::connect(&format!("postgres://ada:hunter2@127.0.0.1:{port}/console"))
        .await
        .unwrap_err()
        .to_string();
    assert!(
        error.contains(&format!(
            "cannot reach PostgreSQL at 127.0.0.1 port {port} database console"
        )),
        "{error}"
    );
    assert!(!error.contains("hunter2"), "{error}");
    assert!(started.elapsed() < std::time::Duration::from_secs(15));

    // A server that answers but has no such database.
    let cluster = pg_cluster::shared();
    let error = PgStore::connect(&cluster.url("missing"))
        .await
        .unwrap_err()
        .to_string();
    assert!(error.contains("\"missing\" does not exist"), "{error}");
}

#[tokio::test]
async fn migrations_run_once_each_and_a_failing_one_is_named_and_leaves_nothing() {
    let cluster = pg_cluster::shared();
    let url = cluster.new_database();
    let store = PgStore::connect(&url).await.unwrap();
    // Opening again finds everything done (re-running "audit/1" would fail: table exists).
    PgStore::connect(&url).await.unwrap();

    const ONE: &[(&str, &str)] = &[("t/1", "CREATE TABLE t (x INTEGER)")];
    const TWO: &[(&str, &str)] = &[
        ("t/1", "CREATE TABLE t (x INTEGER)"),
        ("t/2", "ALTER TABLE t ADD COLUMN y TEXT"),
    ];
    migrate_for_tests(&store, &[ONE]).await.unwrap();
    migrate_for_tests(&store, &[ONE]).await.unwrap();
    migrate_for_tests(&store, &[TWO]).await.unwrap();
    cluster
        .psql(&url, "INSERT INTO t (x, y) VALUES (1, 'a')")
        .unwrap();

    let bad: &[(&str, &str)] = &[(
        "bad/1",
        "CREATE TABLE u (x INTEGER); CREATE TABLE u (x INTEGER)",
    )];
    let error = migrate_for_tests(&store, &[bad])
        .await
        .unwrap_err()
        .to_string();
    assert!(error.contains("migration bad/1"), "{error}");
    assert!(error.contains("already exists"), "{error}");
    let left = cluster
        .psql(
            &url,
            "SELECT count(*) FROM pg_tables WHERE tablename = 'u'
             UNION ALL SELECT count(*) FROM schema_migrations WHERE name = 'bad/1'",
        )
        .unwrap();
    assert_eq!(left, "0\n0");
    // The pooled connection that ran it is still usable (the lock was released).
    store.append_audit(entry("after")).await.unwrap();
    migrate_for_tests(&store, &[TWO]).await.unwrap();
}

#[tokio::test]
async fn a_unix_socket_and_the_key_value_form_connect_and_required_tls_is_refused() {
    let cluster = pg_cluster::shared();
    let url = cluster.new_database();
    let name = url.rsplit('/').next().unwrap();
    let socket = format!(
        "host={} port={} user={} dbname={name}",
        cluster.socket_dir().display(),
        cluster.port,
        cluster.user
    );
    let store = PgStore::connect(&socket).await.unwrap();
    store.append_audit(entry("over_a_socket")).await.unwrap();
    let encoded = format!(
        "postgres://{}@{}:{}/{name}",
        cluster.user,
        cluster
            .socket_dir()
            .display()
            .to_string()
            .replace('/', "%2F"),
        cluster.port
    );
    let store = PgStore::connect(&encoded).await.unwrap();
    assert_eq!(
        store
            .list_audit(AuditFilter::default())
            .await
            .unwrap()
            .total,
        1
    );
    // No TLS client is built in: asking for TLS fails instead of going on in the clear.
    let error = PgStore::connect(&format!("{url}?sslmode=require"))
        .await
        .unwrap_err()
        .to_string();
    assert!(error.contains("cannot reach"), "{error}");
}
