//! Connections added in the UI, in PostgreSQL: the same tables as SQLite's, secrets stored
//! exactly as sealed there (nonce then AES-256-GCM ciphertext, in a `BYTEA`), so a replica
//! with the same `FNCONSOLE_SECRET_KEY` opens what another sealed.

use std::collections::BTreeMap;

use super::{PgStore, now_ms};
use crate::StoreError;
use crate::connections::{ConnectionStore, StoredConnection};
use crate::sqlite::Migration;

/// The UI's connections' tables. `seq` keeps the order they were first added (SQLite's
/// rowid), which replacing a connection does not change.
pub(super) const MIGRATIONS: &[Migration] = &[(
    "connections/1",
    "CREATE TABLE ui_connections (
         id TEXT PRIMARY KEY,
         seq BIGINT GENERATED ALWAYS AS IDENTITY UNIQUE,
         provider TEXT NOT NULL,
         created_at_ms BIGINT NOT NULL
     );
     CREATE TABLE ui_connection_values (
         connection_id TEXT NOT NULL REFERENCES ui_connections (id) ON DELETE CASCADE,
         field TEXT NOT NULL,
         value TEXT,
         sealed BYTEA,
         PRIMARY KEY (connection_id, field),
         CHECK ((value IS NULL) <> (sealed IS NULL))
     )",
)];

#[async_trait::async_trait]
impl ConnectionStore for PgStore {
    #[tracing::instrument(skip_all)]
    async fn list_ui_connections(&self) -> Result<Vec<StoredConnection>, StoreError> {
        let client = self.client().await?;
        // One consistent snapshot of both tables, even while another replica saves.
        let rows = client
            .query(
                "SELECT c.id, c.provider, v.field, v.value, v.sealed
                 FROM ui_connections c
                 LEFT JOIN ui_connection_values v ON v.connection_id = c.id
                 ORDER BY c.seq, v.field",
                &[],
            )
            .await?;
        let mut connections: Vec<StoredConnection> = Vec::new();
        for r in &rows {
            let id: String = r.try_get(0)?;
            if connections.last().is_none_or(|c| c.id != id) {
                connections.push(StoredConnection {
                    id: id.clone(),
                    provider: r.try_get(1)?,
                    fields: BTreeMap::new(),
                    secrets: BTreeMap::new(),
                });
            }
            // Just pushed when it was missing.
            let Some(connection) = connections.last_mut() else {
                continue;
            };
            let field: Option<String> = r.try_get(2)?;
            let value: Option<String> = r.try_get(3)?;
            let sealed: Option<Vec<u8>> = r.try_get(4)?;
            match (field, value, sealed) {
                // A connection without values: the LEFT JOIN's empty row.
                (None, None, None) => {}
                (Some(field), Some(value), None) => {
                    connection.fields.insert(field, value);
                }
                (Some(field), None, Some(sealed)) => {
                    connection.secrets.insert(field, sealed);
                }
                (field, _, _) => {
                    return Err(StoreError::Corrupt {
                        what: "connection value",
                        detail: format!("{}: field {}", id, field.unwrap_or_default()),
                    });
                }
            }
        }
        Ok(connections)
    }

    #[tracing::instrument(skip_all, fields(id = %connection.id))]
    async fn put_ui_connection(&self, connection: StoredConnection) -> Result<(), StoreError> {
        let mut client = self.client().await?;
        let tx = client.transaction().await?;
        tx.execute(
            "INSERT INTO ui_connections (id, provider, created_at_ms) VALUES ($1, $2, $3)
             ON CONFLICT (id) DO UPDATE SET provider = excluded.provider",
            &[&connection.id, &connection.provider, &now_ms()],
        )
        .await?;
        tx.execute(
            "DELETE FROM ui_connection_values WHERE connection_id = $1",
            &[&connection.id],
        )
        .await?;
        for (field, value) in &connection.fields {
            tx.execute(
                "INSERT INTO ui_connection_values (connection_id, field, value) VALUES ($1, $2, $3)",
                &[&connection.id, field, value],
            )
            .await?;
        }
        for (field, sealed) in &connection.secrets {
            tx.execute(
                "INSERT INTO ui_connection_values (connection_id, field, sealed) VALUES ($1, $2, $3)",
                &[&connection.id, field, sealed],
            )
            .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    #[tracing::instrument(skip(self))]
    async fn delete_ui_connection(&self, id: &str) -> Result<bool, StoreError> {
        let client = self.client().await?;
        Ok(client
            .execute("DELETE FROM ui_connections WHERE id = $1", &[&id])
            .await?
            > 0)
    }
}
