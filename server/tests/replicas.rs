//! Two `fnconsole` replicas on one PostgreSQL (a throwaway cluster, see
//! access/tests/support/pg_cluster.rs), sharing `FNCONSOLE_SECRET_KEY`: a connection added in
//! the UI of one is listed and usable on the other (which opens its sealed secret), a delete
//! on the other reaches the first, and both write the one audit log; an admin signed in on
//! one continues on the other with the same cookie, and signing out on the other ends the
//! session on both.

#[path = "../../access/tests/support/pg_cluster.rs"]
mod pg_cluster;
#[path = "support/process.rs"]
mod process;

use std::time::{Duration, Instant};

use process::{Console, OW_AUTH};

/// The admin both replicas are started with (each tries to create it on first start: one
/// does, the other finds it made).
const ADMIN: &str = "admin";
const ADMIN_PASSWORD: &str = "replica admin password";

/// A replica: its own directory and data directory (the engine's state is per replica), the
/// shared database and key.
fn replica(root: &std::path::Path, name: &str, url: &str, key: &str) -> Console {
    let dir = root.join(name);
    let data = dir.join("data");
    std::fs::create_dir_all(&data).unwrap();
    let mut console = Console::new(&dir, &data);
    console.env = vec![
        ("FNCONSOLE_DATABASE_URL".into(), url.into()),
        ("FNCONSOLE_SECRET_KEY".into(), key.into()),
        ("FNCONSOLE_ADMIN_USER".into(), ADMIN.into()),
        ("FNCONSOLE_ADMIN_PASSWORD".into(), ADMIN_PASSWORD.into()),
    ];
    console
}

/// Signs `account` in on `console` through the sign-in form; the `name=value` of its session
/// cookie.
async fn sign_in(
    http: &reqwest::Client,
    console: &Console,
    account: &str,
    password: &str,
) -> String {
    let base = console.console_url();
    let response = http
        .post(format!("{base}/login"))
        .header("origin", &base)
        .form(&[("account", account), ("password", password), ("next", "/")])
        .send()
        .await
        .expect("the replica answers");
    assert_eq!(response.status().as_u16(), 303, "signing {account} in");
    let set = response
        .headers()
        .get("set-cookie")
        .and_then(|v| v.to_str().ok())
        .expect("signing in sets the session cookie");
    set.split(';').next().unwrap_or_default().to_owned()
}

/// Calls server function `function` on `console` as the session `cookie` names.
async fn post(
    http: &reqwest::Client,
    console: &Console,
    cookie: &str,
    function: &str,
    body: Body,
) -> (u16, String) {
    let request = http
        .post(format!("{}/api/{function}", console.console_url()))
        .header("cookie", cookie);
    let request = match body {
        Body::Json(json) => request.json(&json),
        Body::Form(form) => request
            .header("content-type", "application/x-www-form-urlencoded")
            .body(form),
    };
    let response = request.send().await.expect("the replica answers");
    let status = response.status().as_u16();
    (status, response.text().await.unwrap_or_default())
}

enum Body {
    Json(serde_json::Value),
    Form(String),
}

async fn connection_ids(http: &reqwest::Client, console: &Console, cookie: &str) -> Vec<String> {
    let (status, body) = post(
        http,
        console,
        cookie,
        "connections",
        Body::Form(String::new()),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    let list: Vec<serde_json::Value> = serde_json::from_str(&body).unwrap();
    list.iter()
        .filter_map(|c| c["id"].as_str().map(str::to_owned))
        .collect()
}

/// Waits (up to 10 s: replicas reread every 2 s) until `console` lists `id` or, when
/// `present` is false, no longer does.
async fn until_listed(
    http: &reqwest::Client,
    console: &Console,
    cookie: &str,
    id: &str,
    present: bool,
) {
    let until = Instant::now() + Duration::from_secs(10);
    loop {
        let ids = connection_ids(http, console, cookie).await;
        if ids.iter().any(|i| i == id) == present {
            return;
        }
        assert!(
            Instant::now() < until,
            "after 10 s the replica still lists {ids:?} ({id} should be {})",
            if present { "there" } else { "gone" }
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_replicas_share_connections_and_the_audit_log() {
    let cluster = pg_cluster::shared();
    let url = cluster.new_database();
    let key = "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=";
    let root = tempfile::tempdir().unwrap();
    let mut one = replica(root.path(), "one", &url, key);
    let mut two = replica(root.path(), "two", &url, key);
    // Started together: both migrate the new database, one of them first.
    let (a, b) = std::thread::scope(|s| {
        let a = s.spawn(|| one.start());
        let b = s.spawn(|| two.start());
        (a.join(), b.join())
    });
    a.unwrap();
    b.unwrap();
    let http = reqwest::Client::builder()
        .timeout(Duration::from_secs(20))
        // Signing in answers a redirect whose cookie the test keeps.
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    // One admin, whichever replica created it.
    assert_eq!(
        cluster
            .psql(
                &url,
                "SELECT string_agg(name || ':' || role, ',') FROM accounts"
            )
            .unwrap(),
        format!("{ADMIN}:admin")
    );
    // Signed in on one, the admin works on both with that cookie.
    let admin = sign_in(&http, &one, ADMIN, ADMIN_PASSWORD).await;

    // Added on one: an OpenWhisk connection to replica one's own engine.
    let staging = serde_json::json!({
        "connection": { "id": "staging", "provider": "openwhisk",
            "fields": { "name": "Staging", "endpoint": one.engine_url(), "namespace": "" },
            "secrets": { "auth": OW_AUTH } },
        "creating": true,
    });
    let (status, body) = post(&http, &one, &admin, "save_connection", Body::Json(staging)).await;
    assert_eq!(status, 200, "{body}");
    assert!(!body.contains(OW_AUTH), "{body}");

    // Seen and usable on two: it opened the secret one sealed, with the shared key.
    until_listed(&http, &two, &admin, "staging", true).await;
    let (status, body) = post(
        &http,
        &two,
        &admin,
        "test_connection",
        Body::Form("id=staging".into()),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    let tested: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(tested["ok"], true, "{body}");

    // Deleted on two: gone from one as well.
    let (status, body) = post(
        &http,
        &two,
        &admin,
        "delete_connection",
        Body::Form("id=staging".into()),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    until_listed(&http, &one, &admin, "staging", false).await;

    // Both wrote the one audit log, and the secret is in it nowhere.
    let actions = cluster
        .psql(
            &url,
            "SELECT string_agg(action || ':' || status, ',' ORDER BY id) FROM audit_log",
        )
        .unwrap();
    assert!(actions.contains("save_connection:200"), "{actions}");
    assert!(actions.contains("delete_connection:200"), "{actions}");
    let leaked = cluster
        .psql(
            &url,
            "SELECT count(*) FROM audit_log WHERE concat_ws(' ', account, action, connection, target, address, error) LIKE '%crash-test-key%'",
        )
        .unwrap();
    assert_eq!(leaked, "0");
    let sealed_in_clear = cluster
        .psql(
            &url,
            "SELECT count(*) FROM ui_connection_values WHERE value LIKE '%crash-test-key%' \
             OR position('crash-test-key'::bytea in coalesce(sealed, ''::bytea)) > 0",
        )
        .unwrap();
    assert_eq!(sealed_in_clear, "0");

    assert!(
        actions.contains("test_connection:200"),
        "two recorded its call too: {actions}"
    );
    let by_admin = cluster
        .psql(
            &url,
            "SELECT count(*) FROM audit_log WHERE action IN \
             ('save_connection', 'test_connection', 'delete_connection') AND account <> 'admin'",
        )
        .unwrap();
    assert_eq!(by_admin, "0", "every change is the signed-in admin's");

    sign_in_on_one_continue_on_the_other(&http, &one, &two, &admin, cluster, &url).await;
}

/// A session begun on `one` works on `two` for the same account (the session row is in the
/// shared database and the cookie is sealed with the shared key); signing out on `two` ends it
/// on `one` at once, and leaves the account's other session (`other`) alone.
async fn sign_in_on_one_continue_on_the_other(
    http: &reqwest::Client,
    one: &Console,
    two: &Console,
    other: &str,
    cluster: &pg_cluster::PgCluster,
    url: &str,
) {
    let cookie = sign_in(http, one, ADMIN, ADMIN_PASSWORD).await;
    assert_ne!(cookie, other, "each sign-in is a session of its own");
    let (status, body) = post(http, two, &cookie, "connections", Body::Form(String::new())).await;
    assert_eq!(status, 200, "{body}");
    // The same account: a token made on two under this session is listed on one.
    let (status, body) = post(
        http,
        two,
        &cookie,
        "create_token",
        Body::Form("name=made-on-two".into()),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    let (status, body) = post(http, one, &cookie, "list_tokens", Body::Form(String::new())).await;
    assert_eq!(status, 200, "{body}");
    assert!(body.contains("made-on-two"), "{body}");
    assert_eq!(
        cluster
            .psql(
                url,
                "SELECT a.name FROM api_tokens t JOIN accounts a ON a.id = t.account_id \
                 WHERE t.name = 'made-on-two'",
            )
            .unwrap(),
        ADMIN
    );

    // Signed out on two: one refuses the cookie (the session row is gone from the database).
    let base = two.console_url();
    let out = http
        .post(format!("{base}/logout"))
        .header("origin", &base)
        .header("cookie", &cookie)
        .send()
        .await
        .expect("the replica answers");
    assert_eq!(out.status().as_u16(), 303);
    for console in [one, two] {
        let (status, body) = post(
            http,
            console,
            &cookie,
            "connections",
            Body::Form(String::new()),
        )
        .await;
        assert_eq!(status, 401, "{body}");
    }
    // The admin's other session, on either replica, still works.
    for console in [one, two] {
        let (status, body) = post(
            http,
            console,
            other,
            "connections",
            Body::Form(String::new()),
        )
        .await;
        assert_eq!(status, 200, "{body}");
    }
}

#[test]
fn a_database_that_cannot_be_reached_stops_the_start_naming_the_setting() {
    let root = tempfile::tempdir().unwrap();
    let port = process::free_port();
    let console = replica(
        root.path(),
        "lone",
        &format!("postgres://fc:hunter2@127.0.0.1:{port}/console"),
        "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=",
    );
    let output = console.command(&[]).output().unwrap();
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("database_url (FNCONSOLE_DATABASE_URL or [server] database_url)")
            && stderr.contains(&format!("cannot reach PostgreSQL at 127.0.0.1 port {port}")),
        "{stderr}"
    );
    assert!(!stderr.contains("hunter2"), "{stderr}");

    let mut bad = replica(root.path(), "bad", "mysql://root:hunter2@db/x", "");
    bad.env.retain(|(k, _)| k != "FNCONSOLE_SECRET_KEY");
    let output = bad.command(&[]).output().unwrap();
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("is not a PostgreSQL URL"), "{stderr}");
    assert!(!stderr.contains("hunter2"), "{stderr}");
}
