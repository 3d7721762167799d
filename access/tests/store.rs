//! What only the SQLite backend can show: its files on disk. Every other case of the
//! accounts, sessions, tokens and setup runs on both backends in `store_contract.rs`.

use std::sync::Arc;

use access::sqlite::SqliteStore;
use access::{Role, Store};

#[tokio::test]
async fn neither_a_token_nor_a_session_id_is_in_the_database_files() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("access.db");
    let s = Store(Arc::new(SqliteStore::open(&path, false).unwrap()));
    let ann = s
        .create_account("ann", Role::Editor, "a long enough password", 0)
        .await
        .unwrap();
    let (_, token) = s.0.create_token(ann.id, "ci", 5).await.unwrap();
    let session = s.0.create_session(ann.id, 5).await.unwrap();
    assert!(s.0.token_account(&token, 10).await.unwrap().is_some());
    let raw = std::fs::read(&path).unwrap();
    let wal = std::fs::read(dir.path().join("access.db-wal")).unwrap_or_default();
    assert!(!raw.is_empty() || !wal.is_empty(), "nothing was written");
    for secret in [&token, &session] {
        let needle = secret.as_bytes();
        for bytes in [&raw, &wal] {
            assert!(
                !bytes.windows(needle.len()).any(|w| w == needle),
                "a secret is stored as it is"
            );
        }
    }
}
