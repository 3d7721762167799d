//! The store's concerns on a real SQLite database: accounts, sign-in, sessions, tokens, setup.

use std::sync::Arc;

use access::sessions::SessionPolicy;
use access::sqlite::SqliteStore;
use access::{AccessError, Role, Store};

fn store() -> Store {
    Store(Arc::new(SqliteStore::in_memory().unwrap()))
}

const PW: &str = "a long enough password";
const POLICY: SessionPolicy = SessionPolicy {
    idle_ms: 60_000,
    absolute_ms: 600_000,
};

#[tokio::test]
async fn accounts_are_created_found_case_insensitively_and_refused_when_bad() {
    let s = store();
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
    assert!(matches!(
        s.0.set_role("nobody", Role::Admin).await,
        Err(AccessError::NoSuchAccount(_))
    ));
}

#[tokio::test]
async fn sign_in_needs_the_right_password_and_an_enabled_account() {
    let s = store();
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
}

#[tokio::test]
async fn a_session_expires_when_idle_or_old_and_ends_on_sign_out() {
    let s = store();
    let ann = s.create_account("ann", Role::Editor, PW, 0).await.unwrap();
    let id = s.0.create_session(ann.id, 0).await.unwrap();
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
    // 61 s without a request: ended.
    assert!(
        s.0.session_account(&id, 179_001, POLICY)
            .await
            .unwrap()
            .is_none()
    );
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

#[tokio::test]
async fn a_password_change_ends_the_accounts_other_sessions_and_disabling_ends_all() {
    let s = store();
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
}

#[tokio::test]
async fn a_token_carries_its_accounts_role_until_revoked_and_only_its_hash_is_stored() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("access.db");
    let s = Store(Arc::new(SqliteStore::open(&path).unwrap()));
    let ann = s.create_account("ann", Role::Editor, PW, 0).await.unwrap();
    let (info, token) = s.0.create_token(ann.id, "ci", 5).await.unwrap();
    assert!(token.starts_with("fnc_") && token.len() > 40, "{token}");
    let who = s.0.token_account(&token, 10).await.unwrap().unwrap();
    assert_eq!(who.role, Role::Editor);
    s.0.set_role("ann", Role::Viewer).await.unwrap();
    assert_eq!(
        s.0.token_account(&token, 20).await.unwrap().unwrap().role,
        Role::Viewer
    );
    let listed = s.0.list_tokens(ann.id).await.unwrap();
    assert_eq!(listed[0].name, "ci");
    assert_eq!(listed[0].last_used_ms, Some(10));
    let raw = std::fs::read(&path).unwrap();
    let wal = std::fs::read(dir.path().join("access.db-wal")).unwrap_or_default();
    let needle = token.as_bytes();
    for bytes in [&raw, &wal] {
        assert!(
            !bytes.windows(needle.len()).any(|w| w == needle),
            "the token is stored"
        );
    }
    // Another account cannot revoke it; its own can.
    assert!(!s.0.revoke_token(ann.id + 1, info.id).await.unwrap());
    assert!(s.0.revoke_token(ann.id, info.id).await.unwrap());
    assert!(s.0.token_account(&token, 30).await.unwrap().is_none());
    assert!(matches!(
        s.0.create_token(ann.id, "  ", 5).await,
        Err(AccessError::Invalid {
            field: "token_name",
            ..
        })
    ));
}

#[tokio::test]
async fn the_setup_token_makes_one_first_admin_and_then_is_dead() {
    let s = store();
    let old = s.0.new_setup_token(0).await.unwrap().unwrap();
    let token = s.0.new_setup_token(1).await.unwrap().unwrap();
    // A newer start's token replaces the older one.
    assert!(matches!(
        s.set_up_first_admin(&old, "root", PW, 2).await,
        Err(AccessError::SetupClosed)
    ));
    let admin = s.set_up_first_admin(&token, "root", PW, 2).await.unwrap();
    assert_eq!(admin.role, Role::Admin);
    assert!(matches!(
        s.set_up_first_admin(&token, "root2", PW, 3).await,
        Err(AccessError::SetupClosed)
    ));
    // With an account, no new token is made.
    assert_eq!(s.0.new_setup_token(4).await.unwrap(), None);
    assert_eq!(s.0.account_count().await.unwrap(), 1);
}

#[tokio::test]
async fn the_last_enabled_admin_cannot_be_demoted_disabled_or_deleted() {
    let s = store();
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
    // Another admin, and the first may go; a disabled admin does not count as one.
    s.0.set_role("ann", Role::Admin).await.unwrap();
    s.0.set_disabled("ann", true).await.unwrap();
    assert!(matches!(
        s.0.delete_account("root").await,
        Err(AccessError::LastAdmin(_))
    ));
    s.0.set_disabled("ann", false).await.unwrap();
    s.0.delete_account("root").await.unwrap();
    let names: Vec<_> =
        s.0.list_accounts()
            .await
            .unwrap()
            .into_iter()
            .map(|a| a.name)
            .collect();
    assert_eq!(names, ["ann"]);
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
}
