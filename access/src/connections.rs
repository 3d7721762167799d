//! Connections added in the UI by admins, beside those in `fnconsole.toml`: each one's
//! provider, its plain fields (endpoint, region…) and its secrets, each secret sealed with
//! AES-256-GCM under the key derived for `"connection-secrets"` (a random 96-bit nonce per
//! value; the connection's id and the field's name as associated data, so a sealed value
//! copied to another connection or field does not open).

use std::collections::BTreeMap;

use aes_gcm::aead::{Aead, KeyInit, Payload};
use aes_gcm::{Aes256Gcm, Key, Nonce};

use crate::StoreError;
use crate::sqlite::{Migration, SqliteStore};

/// The purpose the secrets' key is derived for ([`crate::key::SecretKey::derive`]).
pub const PURPOSE: &str = "connection-secrets";

/// A connection as stored: plain fields in the clear, secrets sealed.
#[derive(Clone, PartialEq, Eq)]
pub struct StoredConnection {
    /// Its id, unique among every connection (the file's too).
    pub id: String,
    /// The provider's config name (`ncp`, `openwhisk`, `huawei`, `tencent`).
    pub provider: String,
    /// Plain fields by their config name (`endpoint`, `region`…).
    pub fields: BTreeMap<String, String>,
    /// Sealed secrets by field name (`access_key`, `auth`…): nonce then ciphertext.
    pub secrets: BTreeMap<String, Vec<u8>>,
}

impl std::fmt::Debug for StoredConnection {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("StoredConnection")
            .field("id", &self.id)
            .field("provider", &self.provider)
            .field("fields", &self.fields)
            .field("secrets", &self.secrets.keys().collect::<Vec<_>>())
            .finish()
    }
}

/// A secret that could not be sealed or opened: the key changed, or the value was altered.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "the secret `{field}` of connection \"{id}\" cannot be opened: it was sealed with another secret key, or altered; enter it again"
)]
pub struct SealError {
    /// The connection.
    pub id: String,
    /// The field.
    pub field: String,
}

/// Seals and opens connection secrets. `Debug` shows nothing of the key.
pub struct Sealer(Aes256Gcm);

impl std::fmt::Debug for Sealer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Sealer(set)")
    }
}

const NONCE_BYTES: usize = 12;

impl Sealer {
    /// The sealer of the console's key (derived for [`PURPOSE`]).
    pub fn new(key: &crate::key::SecretKey) -> Self {
        let derived = key.derive(PURPOSE);
        Self(Aes256Gcm::new(Key::<Aes256Gcm>::from_slice(&derived)))
    }

    fn aad(id: &str, field: &str) -> Vec<u8> {
        // A NUL cannot occur in an id, so (id, field) pairs never collide.
        [id.as_bytes(), b"\0", field.as_bytes()].concat()
    }

    /// `secret` sealed for field `field` of connection `id`: a fresh random nonce, then the
    /// ciphertext with its tag.
    pub fn seal(&self, id: &str, field: &str, secret: &str) -> Result<Vec<u8>, SealError> {
        let error = || SealError {
            id: id.into(),
            field: field.into(),
        };
        let mut nonce = [0u8; NONCE_BYTES];
        getrandom::fill(&mut nonce).map_err(|_| error())?;
        let aad = Self::aad(id, field);
        let sealed = self
            .0
            .encrypt(
                Nonce::from_slice(&nonce),
                Payload {
                    msg: secret.as_bytes(),
                    aad: &aad,
                },
            )
            .map_err(|_| error())?;
        Ok([nonce.as_slice(), &sealed].concat())
    }

    /// Opens what [`seal`](Self::seal) made for the same `id` and `field`.
    pub fn open(&self, id: &str, field: &str, sealed: &[u8]) -> Result<String, SealError> {
        let error = || SealError {
            id: id.into(),
            field: field.into(),
        };
        if sealed.len() < NONCE_BYTES {
            return Err(error());
        }
        let (nonce, ciphertext) = sealed.split_at(NONCE_BYTES);
        let aad = Self::aad(id, field);
        let plain = self
            .0
            .decrypt(
                Nonce::from_slice(nonce),
                Payload {
                    msg: ciphertext,
                    aad: &aad,
                },
            )
            .map_err(|_| error())?;
        String::from_utf8(plain).map_err(|_| error())
    }
}

/// The UI's connections' tables.
pub const MIGRATIONS: &[Migration] = &[(
    "connections/1",
    "CREATE TABLE ui_connections (
         id TEXT PRIMARY KEY,
         provider TEXT NOT NULL,
         created_at_ms INTEGER NOT NULL
     );
     CREATE TABLE ui_connection_values (
         connection_id TEXT NOT NULL REFERENCES ui_connections (id) ON DELETE CASCADE,
         field TEXT NOT NULL,
         value TEXT,
         sealed BLOB,
         PRIMARY KEY (connection_id, field),
         CHECK ((value IS NULL) <> (sealed IS NULL))
     )",
)];

/// Connections added in the UI.
#[async_trait::async_trait]
pub trait ConnectionStore {
    /// Every stored connection, in the order they were first added.
    async fn list_ui_connections(&self) -> Result<Vec<StoredConnection>, StoreError>;
    /// Adds `connection`, or replaces the one with its id (fields and secrets together).
    async fn put_ui_connection(&self, connection: StoredConnection) -> Result<(), StoreError>;
    /// Removes the connection `id`; whether there was one.
    async fn delete_ui_connection(&self, id: &str) -> Result<bool, StoreError>;
}

fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
        .unwrap_or(0)
}

#[async_trait::async_trait]
impl ConnectionStore for SqliteStore {
    #[tracing::instrument(skip_all)]
    async fn list_ui_connections(&self) -> Result<Vec<StoredConnection>, StoreError> {
        self.with_conn(|c| {
            let mut heads = c.prepare("SELECT id, provider FROM ui_connections ORDER BY rowid")?;
            let mut connections: Vec<StoredConnection> = heads
                .query_map([], |r| {
                    Ok(StoredConnection {
                        id: r.get(0)?,
                        provider: r.get(1)?,
                        fields: BTreeMap::new(),
                        secrets: BTreeMap::new(),
                    })
                })?
                .collect::<Result<_, _>>()?;
            let mut values = c.prepare(
                "SELECT field, value, sealed FROM ui_connection_values WHERE connection_id = ?1",
            )?;
            for connection in &mut connections {
                let rows = values.query_map([&connection.id], |r| {
                    Ok((
                        r.get::<_, String>(0)?,
                        r.get::<_, Option<String>>(1)?,
                        r.get::<_, Option<Vec<u8>>>(2)?,
                    ))
                })?;
                for row in rows {
                    match row? {
                        (field, Some(value), None) => {
                            connection.fields.insert(field, value);
                        }
                        (field, None, Some(sealed)) => {
                            connection.secrets.insert(field, sealed);
                        }
                        (field, _, _) => {
                            return Err(StoreError::Corrupt {
                                what: "connection value",
                                detail: format!("{}: field {field}", connection.id),
                            });
                        }
                    }
                }
            }
            Ok(connections)
        })
        .await
    }

    #[tracing::instrument(skip_all, fields(id = %connection.id))]
    async fn put_ui_connection(&self, connection: StoredConnection) -> Result<(), StoreError> {
        self.with_conn(move |c| {
            let tx = c.transaction()?;
            tx.execute(
                "INSERT INTO ui_connections (id, provider, created_at_ms) VALUES (?1, ?2, ?3)
                 ON CONFLICT (id) DO UPDATE SET provider = excluded.provider",
                rusqlite::params![connection.id, connection.provider, now_ms()],
            )?;
            tx.execute(
                "DELETE FROM ui_connection_values WHERE connection_id = ?1",
                [&connection.id],
            )?;
            for (field, value) in &connection.fields {
                tx.execute(
                    "INSERT INTO ui_connection_values (connection_id, field, value) VALUES (?1, ?2, ?3)",
                    rusqlite::params![connection.id, field, value],
                )?;
            }
            for (field, sealed) in &connection.secrets {
                tx.execute(
                    "INSERT INTO ui_connection_values (connection_id, field, sealed) VALUES (?1, ?2, ?3)",
                    rusqlite::params![connection.id, field, sealed],
                )?;
            }
            tx.commit()?;
            Ok(())
        })
        .await
    }

    #[tracing::instrument(skip(self))]
    async fn delete_ui_connection(&self, id: &str) -> Result<bool, StoreError> {
        let id = id.to_owned();
        self.with_conn(
            move |c| Ok(c.execute("DELETE FROM ui_connections WHERE id = ?1", [id])? > 0),
        )
        .await
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::key::SecretKey;

    #[test]
    fn a_sealed_secret_opens_only_with_its_key_connection_and_field() {
        let key = SecretKey::generate().unwrap();
        let sealer = Sealer::new(&key);
        let sealed = sealer.seal("prod", "auth", "uuid:s3cr3t").unwrap();
        assert!(!sealed.windows(6).any(|w| w == b"s3cr3t"));
        assert_eq!(sealer.open("prod", "auth", &sealed).unwrap(), "uuid:s3cr3t");
        // A fresh nonce each time: the same secret never seals to the same bytes.
        assert_ne!(sealed, sealer.seal("prod", "auth", "uuid:s3cr3t").unwrap());
        assert!(sealer.open("staging", "auth", &sealed).is_err());
        assert!(sealer.open("prod", "secret_key", &sealed).is_err());
        let other = Sealer::new(&SecretKey::generate().unwrap());
        let error = other.open("prod", "auth", &sealed).unwrap_err();
        assert!(!error.to_string().contains("s3cr3t"));
        let mut altered = sealed.clone();
        *altered.last_mut().unwrap() ^= 1;
        assert!(sealer.open("prod", "auth", &altered).is_err());
        assert!(sealer.open("prod", "auth", b"short").is_err());
        assert_eq!(format!("{sealer:?}"), "Sealer(set)");
    }

    fn stored(id: &str, endpoint: &str, secret: &[u8]) -> StoredConnection {
        StoredConnection {
            id: id.into(),
            provider: "openwhisk".into(),
            fields: [("endpoint".to_string(), endpoint.to_string())].into(),
            secrets: [("auth".to_string(), secret.to_vec())].into(),
        }
    }

    #[tokio::test]
    async fn connections_are_added_replaced_listed_in_order_and_deleted() {
        let store = SqliteStore::in_memory().unwrap();
        store
            .put_ui_connection(stored("b", "https://b", b"1"))
            .await
            .unwrap();
        store
            .put_ui_connection(stored("a", "https://a", b"2"))
            .await
            .unwrap();
        store
            .put_ui_connection(stored("b", "https://b2", b"3"))
            .await
            .unwrap();
        let listed = store.list_ui_connections().await.unwrap();
        assert_eq!(
            listed,
            [
                stored("b", "https://b2", b"3"),
                stored("a", "https://a", b"2")
            ]
        );
        assert!(store.delete_ui_connection("b").await.unwrap());
        assert!(!store.delete_ui_connection("b").await.unwrap());
        assert_eq!(
            store.list_ui_connections().await.unwrap(),
            [stored("a", "https://a", b"2")]
        );
        let leftovers: i64 = store
            .with_conn(|c| {
                Ok(c.query_row(
                    "SELECT count(*) FROM ui_connection_values WHERE connection_id = 'b'",
                    [],
                    |r| r.get(0),
                )?)
            })
            .await
            .unwrap();
        assert_eq!(leftovers, 0);
        let debug = format!("{:?}", stored("x", "e", b"sealed bytes"));
        assert!(debug.ends_with(r#"secrets: ["auth"] }"#), "{debug}");
    }
}
