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

use access::audit::{AuditEntry, AuditFilter, Outcome, OutcomeFilter};
use access::connections::{Sealer, StoredConnection};
use access::key::SecretKey;
use access::postgres::PgStore;
use access::sessions::SessionPolicy;
use access::sqlite::SqliteStore;
use access::{AccessError, Role, Store};

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
    async fn exec(&self, sql: &str) -> Result<(), String> {
        let sql = sql.to_owned();
        match &self.raw {
            Raw::Sqlite(store) => store
                .with_conn(move |c| Ok(c.execute_batch(&sql).map_err(|e| e.to_string())))
                .await
                .unwrap(),
            Raw::Pg(url) => pg_cluster::shared().psql(url, &sql).map(drop),
        }
    }

    /// The single integer `sql` selects.
    async fn count(&self, sql: &str) -> i64 {
        let sql = sql.to_owned();
        match &self.raw {
            Raw::Sqlite(store) => store
                .with_conn(move |c| Ok(c.query_row(&sql, [], |r| r.get(0))?))
                .await
                .unwrap(),
            Raw::Pg(url) => pg_cluster::shared()
                .psql(url, &sql)
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
    accounts_are_created_found_case_insensitively_and_refused_when_bad,
    the_database_refuses_a_second_account_differing_only_in_case,
    sign_in_needs_the_right_password_and_an_enabled_account,
    the_last_enabled_admin_cannot_be_demoted_disabled_or_deleted,
    two_admins_demoting_each_other_at_once_cannot_both_succeed,
    one_name_created_twice_at_once_is_taken_once,
    a_session_expires_when_idle_or_old_and_ends_on_sign_out,
    a_password_change_ends_the_accounts_other_sessions_and_disabling_ends_all,
    a_token_carries_its_accounts_role_until_revoked_and_only_its_hash_is_stored,
    the_setup_token_makes_one_first_admin_and_then_is_dead,
    a_setup_token_redeemed_twice_at_once_makes_one_admin,
    audit_entries_come_back_newest_first_with_every_field,
    audit_filters_narrow_and_paging_counts_the_whole_match,
    the_database_refuses_to_edit_or_delete_an_audit_entry,
    concurrent_audit_appends_all_land_with_distinct_ids,
    connections_are_added_replaced_listed_in_order_and_deleted,
    a_connection_without_values_lists_and_sealed_secrets_open_again,
);

// ---- accounts, sign-in, sessions, tokens, setup ----

const PW: &str = "a long enough password";
const POLICY: SessionPolicy = SessionPolicy {
    idle_ms: 60_000,
    absolute_ms: 600_000,
};

async fn accounts_are_created_found_case_insensitively_and_refused_when_bad(s: Subject) {
    let s = &s.store;
    let ann = s.create_account("ann", Role::Editor, PW, 1).await.unwrap();
    assert_eq!(ann.role, Role::Editor);
    assert!(matches!(
        s.create_account("ANN", Role::Viewer, PW, 2).await,
        Err(AccessError::Taken(_))
    ));
    match s.create_account("a b", Role::Viewer, PW, 2).await {
        Err(AccessError::Invalid {
            field: "name",
            message,
        }) => {
            assert!(message.contains("' '"), "{message}")
        }
        other => panic!("{other:?}"),
    }
    match s.create_account("bob", Role::Viewer, "short", 2).await {
        Err(AccessError::Invalid {
            field: "password",
            message,
        }) => {
            assert!(message.contains("at least 12"), "{message}")
        }
        other => panic!("{other:?}"),
    }
    s.0.set_role("Ann", Role::Viewer).await.unwrap();
    let listed = s.0.list_accounts().await.unwrap();
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0].role, Role::Viewer);
    assert_eq!(listed[0].name, "ann", "the name is kept as it was typed");
    assert_eq!(
        s.0.account_by_id(ann.id).await.unwrap(),
        Some(listed[0].clone())
    );
    assert_eq!(s.0.account_by_id(ann.id + 1000).await.unwrap(), None);
    let (found, hash) = s.0.account_and_hash("ANN").await.unwrap().unwrap();
    assert_eq!(found.id, ann.id);
    assert!(hash.starts_with("$argon2id$"), "{hash}");
    assert!(matches!(
        s.0.set_role("nobody", Role::Admin).await,
        Err(AccessError::NoSuchAccount(_))
    ));
    assert_eq!(s.0.account_count().await.unwrap(), 1);
}

async fn the_database_refuses_a_second_account_differing_only_in_case(s: Subject) {
    s.store
        .create_account("ann", Role::Editor, PW, 1)
        .await
        .unwrap();
    let error = s
        .exec(
            "INSERT INTO accounts (name, role, password_hash, created_at_ms) \
             VALUES ('ANN', 'viewer', 'x', 1)",
        )
        .await
        .unwrap_err()
        .to_lowercase();
    assert!(
        error.contains("unique") || error.contains("duplicate"),
        "{error}"
    );
    assert_eq!(s.count("SELECT count(*) FROM accounts").await, 1);
}

async fn sign_in_needs_the_right_password_and_an_enabled_account(s: Subject) {
    let s = &s.store;
    // An editor: the last admin could not be disabled.
    s.create_account("ann", Role::Editor, PW, 1).await.unwrap();
    assert!(s.authenticate("ann", PW).await.unwrap().is_some());
    assert!(s.authenticate("Ann", PW).await.unwrap().is_some());
    assert!(
        s.authenticate("ann", "a long enough passwork")
            .await
            .unwrap()
            .is_none()
    );
    assert!(s.authenticate("nobody", PW).await.unwrap().is_none());
    s.0.set_disabled("ann", true).await.unwrap();
    assert!(s.authenticate("ann", PW).await.unwrap().is_none());
    s.0.set_disabled("ann", false).await.unwrap();
    assert!(s.authenticate("ann", PW).await.unwrap().is_some());
}

async fn the_last_enabled_admin_cannot_be_demoted_disabled_or_deleted(subject: Subject) {
    let s = &subject.store;
    s.create_account("root", Role::Admin, PW, 1).await.unwrap();
    s.create_account("ann", Role::Editor, PW, 1).await.unwrap();
    for refused in [
        s.0.set_role("root", Role::Viewer).await,
        s.0.set_disabled("ROOT", true).await,
        s.0.delete_account("root").await,
    ] {
        match refused {
            Err(AccessError::LastAdmin(name)) => assert_eq!(name, "root"),
            other => panic!("{other:?}"),
        }
    }
    // Refused means unchanged.
    assert_eq!(
        subject
            .count("SELECT count(*) FROM accounts WHERE name = 'root' AND role = 'admin'")
            .await,
        1
    );
    // Another admin, and the first may go; a disabled admin does not count as one.
    s.0.set_role("ann", Role::Admin).await.unwrap();
    s.0.set_disabled("ann", true).await.unwrap();
    assert!(matches!(
        s.0.delete_account("root").await,
        Err(AccessError::LastAdmin(_))
    ));
    s.0.set_disabled("ann", false).await.unwrap();
    let root = s.0.account_and_hash("root").await.unwrap().unwrap().0;
    s.0.create_session(root.id, 1).await.unwrap();
    s.0.delete_account("root").await.unwrap();
    let names: Vec<_> =
        s.0.list_accounts()
            .await
            .unwrap()
            .into_iter()
            .map(|a| a.name)
            .collect();
    assert_eq!(names, ["ann"]);
    assert_eq!(subject.count("SELECT count(*) FROM sessions").await, 0);
    assert!(matches!(
        s.0.delete_account("nobody").await,
        Err(AccessError::NoSuchAccount(_))
    ));
    // A deleted account's tokens stop with it.
    let bob = s.create_account("bob", Role::Viewer, PW, 1).await.unwrap();
    let (_, token) = s.0.create_token(bob.id, "script", 1).await.unwrap();
    assert!(s.0.token_account(&token, 2).await.unwrap().is_some());
    s.0.delete_account("bob").await.unwrap();
    assert!(s.0.token_account(&token, 3).await.unwrap().is_none());
    assert_eq!(subject.count("SELECT count(*) FROM api_tokens").await, 0);
}

async fn two_admins_demoting_each_other_at_once_cannot_both_succeed(s: Subject) {
    let s = &s.store;
    // Hashes are not checked here: no one signs in.
    for name in ["a", "b"] {
        s.0.insert_account(name, Role::Admin, "x".into(), 1)
            .await
            .unwrap();
    }
    for round in 0..9 {
        let change = |name: &'static str| async move {
            match round % 3 {
                0 => s.0.set_role(name, Role::Viewer).await,
                1 => s.0.set_disabled(name, true).await,
                _ => s.0.delete_account(name).await,
            }
        };
        let (a, b) = tokio::join!(change("a"), change("b"));
        let (done, refused) = match (a, b) {
            (Ok(()), Err(AccessError::LastAdmin(other))) => ("a", other),
            (Err(AccessError::LastAdmin(other)), Ok(())) => ("b", other),
            other => panic!("round {round}: {other:?}"),
        };
        assert_ne!(done, refused);
        let admins: Vec<_> =
            s.0.list_accounts()
                .await
                .unwrap()
                .into_iter()
                .filter(|a| a.role == Role::Admin && !a.disabled)
                .map(|a| a.name)
                .collect();
        assert_eq!(admins, [refused], "round {round}");
        // Make `done` an enabled admin again for the next round.
        match round % 3 {
            0 => s.0.set_role(done, Role::Admin).await.unwrap(),
            1 => s.0.set_disabled(done, false).await.unwrap(),
            _ => {
                s.0.insert_account(done, Role::Admin, "x".into(), 1)
                    .await
                    .unwrap();
            }
        }
    }
}

async fn one_name_created_twice_at_once_is_taken_once(s: Subject) {
    let s = &s.store;
    let (one, two) = tokio::join!(
        s.0.insert_account("ann", Role::Editor, "x".into(), 1),
        s.0.insert_account("ANN", Role::Viewer, "x".into(), 1),
    );
    match (one, two) {
        (Ok(_), Err(AccessError::Taken(_))) | (Err(AccessError::Taken(_)), Ok(_)) => {}
        other => panic!("{other:?}"),
    }
    assert_eq!(s.0.account_count().await.unwrap(), 1);
}

async fn a_session_expires_when_idle_or_old_and_ends_on_sign_out(subject: Subject) {
    let s = &subject.store;
    let ann = s.create_account("ann", Role::Editor, PW, 0).await.unwrap();
    let id = s.0.create_session(ann.id, 0).await.unwrap();
    // Only the id's digest is stored.
    assert_eq!(
        subject
            .count(&format!(
                "SELECT count(*) FROM sessions WHERE id_hash = '{id}'"
            ))
            .await,
        0
    );
    let found =
        s.0.session_account(&id, 59_000, POLICY)
            .await
            .unwrap()
            .unwrap();
    assert_eq!((found.name.as_str(), found.role), ("ann", Role::Editor));
    // Used at 59 s, so still live at 118 s (idle 59 s), though 118 s after sign-in.
    assert!(
        s.0.session_account(&id, 118_000, POLICY)
            .await
            .unwrap()
            .is_some()
    );
    // 61 s without a request: ended, and its row deleted.
    assert!(
        s.0.session_account(&id, 179_001, POLICY)
            .await
            .unwrap()
            .is_none()
    );
    assert_eq!(subject.count("SELECT count(*) FROM sessions").await, 0);
    assert!(
        s.0.session_account(&id, 179_002, POLICY)
            .await
            .unwrap()
            .is_none()
    );

    // Busy but past the absolute limit: ended.
    let busy = s.0.create_session(ann.id, 0).await.unwrap();
    let mut t = 0;
    while t < 600_000 {
        t += 50_000;
        assert!(
            s.0.session_account(&busy, t, POLICY)
                .await
                .unwrap()
                .is_some(),
            "{t}"
        );
    }
    assert!(
        s.0.session_account(&busy, 600_001, POLICY)
            .await
            .unwrap()
            .is_none()
    );

    let other = s.0.create_session(ann.id, 0).await.unwrap();
    s.0.end_session(&other).await.unwrap();
    assert!(
        s.0.session_account(&other, 1, POLICY)
            .await
            .unwrap()
            .is_none()
    );
    assert!(
        s.0.session_account("made up", 1, POLICY)
            .await
            .unwrap()
            .is_none()
    );
}

async fn a_password_change_ends_the_accounts_other_sessions_and_disabling_ends_all(s: Subject) {
    let s = &s.store;
    let ann = s.create_account("ann", Role::Editor, PW, 0).await.unwrap();
    let bob = s.create_account("bob", Role::Editor, PW, 0).await.unwrap();
    let here = s.0.create_session(ann.id, 0).await.unwrap();
    let there = s.0.create_session(ann.id, 0).await.unwrap();
    let bobs = s.0.create_session(bob.id, 0).await.unwrap();
    assert!(matches!(
        s.change_password(&ann, "wrong password!", "another long password")
            .await,
        Err(AccessError::Invalid {
            field: "current",
            ..
        })
    ));
    s.change_password(&ann, PW, "another long password")
        .await
        .unwrap();
    assert_eq!(
        s.0.end_other_sessions(ann.id, Some(&here)).await.unwrap(),
        1
    );
    assert!(
        s.0.session_account(&here, 1, POLICY)
            .await
            .unwrap()
            .is_some()
    );
    assert!(
        s.0.session_account(&there, 1, POLICY)
            .await
            .unwrap()
            .is_none()
    );
    assert!(
        s.0.session_account(&bobs, 1, POLICY)
            .await
            .unwrap()
            .is_some()
    );
    assert!(
        s.authenticate("ann", "another long password")
            .await
            .unwrap()
            .is_some()
    );
    assert!(s.authenticate("ann", PW).await.unwrap().is_none());
    s.0.set_disabled("ann", true).await.unwrap();
    assert!(
        s.0.session_account(&here, 2, POLICY)
            .await
            .unwrap()
            .is_none()
    );
    // Without a session to keep, every one of the account's ends.
    s.0.create_session(bob.id, 0).await.unwrap();
    assert_eq!(s.0.end_other_sessions(bob.id, None).await.unwrap(), 2);
}

async fn a_token_carries_its_accounts_role_until_revoked_and_only_its_hash_is_stored(
    subject: Subject,
) {
    let s = &subject.store;
    let ann = s.create_account("ann", Role::Editor, PW, 0).await.unwrap();
    let (info, token) = s.0.create_token(ann.id, " ci ", 5).await.unwrap();
    assert_eq!(info.name, "ci");
    assert!(token.starts_with("fnc_") && token.len() > 40, "{token}");
    assert_eq!(
        subject
            .count(&format!(
                "SELECT count(*) FROM api_tokens WHERE hash = '{token}' OR name = '{token}'"
            ))
            .await,
        0
    );
    assert_eq!(subject.count("SELECT count(*) FROM api_tokens").await, 1);
    let who = s.0.token_account(&token, 10).await.unwrap().unwrap();
    assert_eq!(who.role, Role::Editor);
    s.0.set_role("ann", Role::Viewer).await.unwrap();
    assert_eq!(
        s.0.token_account(&token, 20).await.unwrap().unwrap().role,
        Role::Viewer
    );
    let listed = s.0.list_tokens(ann.id).await.unwrap();
    assert_eq!(
        listed,
        [access::tokens::TokenInfo {
            id: info.id,
            name: "ci".into(),
            created_at_ms: 5,
            // Written at its first use, not again within a minute.
            last_used_ms: Some(10),
        }]
    );
    // Newest first.
    let (second, _) = s.0.create_token(ann.id, "laptop", 30).await.unwrap();
    let ids: Vec<_> =
        s.0.list_tokens(ann.id)
            .await
            .unwrap()
            .iter()
            .map(|t| t.id)
            .collect();
    assert_eq!(ids, [second.id, info.id]);
    // Neither a stranger's token nor one without the prefix names anyone.
    assert!(
        s.0.token_account("fnc_made_up", 30)
            .await
            .unwrap()
            .is_none()
    );
    assert!(s.0.token_account(&token[4..], 30).await.unwrap().is_none());
    // Disabled: the token stops; enabled again, it works again.
    s.0.insert_account("root", Role::Admin, "x".into(), 0)
        .await
        .unwrap();
    s.0.set_disabled("ann", true).await.unwrap();
    assert!(s.0.token_account(&token, 40).await.unwrap().is_none());
    s.0.set_disabled("ann", false).await.unwrap();
    assert!(s.0.token_account(&token, 40).await.unwrap().is_some());
    // Another account cannot revoke it; its own can.
    assert!(!s.0.revoke_token(ann.id + 1, info.id).await.unwrap());
    assert!(s.0.revoke_token(ann.id, info.id).await.unwrap());
    assert!(!s.0.revoke_token(ann.id, info.id).await.unwrap());
    assert!(s.0.token_account(&token, 50).await.unwrap().is_none());
    assert!(matches!(
        s.0.create_token(ann.id, "  ", 5).await,
        Err(AccessError::Invalid {
            field: "token_name",
            ..
        })
    ));
}

async fn the_setup_token_makes_one_first_admin_and_then_is_dead(subject: Subject) {
    let s = &subject.store;
    let old = s.0.new_setup_token(0).await.unwrap().unwrap();
    let token = s.0.new_setup_token(1).await.unwrap().unwrap();
    assert_eq!(subject.count("SELECT count(*) FROM setup_token").await, 1);
    // A newer start's token replaces the older one.
    assert!(matches!(
        s.set_up_first_admin(&old, "root", PW, 2).await,
        Err(AccessError::SetupClosed)
    ));
    let admin = s.set_up_first_admin(&token, "root", PW, 2).await.unwrap();
    assert_eq!(admin.role, Role::Admin);
    assert!(s.authenticate("root", PW).await.unwrap().is_some());
    assert!(matches!(
        s.set_up_first_admin(&token, "root2", PW, 3).await,
        Err(AccessError::SetupClosed)
    ));
    // With an account, no new token is made, and any left is deleted.
    assert_eq!(s.0.new_setup_token(4).await.unwrap(), None);
    assert_eq!(subject.count("SELECT count(*) FROM setup_token").await, 0);
    assert_eq!(s.0.account_count().await.unwrap(), 1);
}

async fn a_setup_token_redeemed_twice_at_once_makes_one_admin(s: Subject) {
    let s = &s.store;
    let token = s.0.new_setup_token(0).await.unwrap().unwrap();
    let (one, two) = tokio::join!(
        s.0.redeem_setup_token(&token, "root", "x".into(), 1),
        s.0.redeem_setup_token(&token, "admin", "x".into(), 1),
    );
    match (one, two) {
        (Ok(_), Err(AccessError::SetupClosed)) | (Err(AccessError::SetupClosed), Ok(_)) => {}
        other => panic!("{other:?}"),
    }
    assert_eq!(s.0.account_count().await.unwrap(), 1);
}

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
