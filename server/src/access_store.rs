//! Opens the console's own database, `access.db` in the data directory (0600: it holds
//! password hashes, sessions and encrypted connection secrets).

use std::path::Path;
use std::sync::Arc;

use crate::ServeError;

/// The file name of the console's database in the data directory.
pub const FILE: &str = "access.db";

/// Opens (creating and migrating) `{data_dir}/access.db`.
pub fn open(data_dir: &Path) -> Result<access::Store, ServeError> {
    let path = data_dir.join(FILE);
    // 0600 before SQLite opens it, so its -wal and -shm files are born private too.
    crate::private_files::ensure_private_file(&path)
        .map_err(|e| ServeError::Store(format!("cannot create {}: {e}", path.display())))?;
    let store = access::sqlite::SqliteStore::open(&path)
        .map_err(|e| ServeError::Store(format!("cannot open {}: {e}", path.display())))?;
    Ok(access::Store(Arc::new(store)))
}
