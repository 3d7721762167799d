//! `fnconsole backup PATH`: a consistent copy of the data directory's databases, taken while
//! the console runs.
//!
//! Each `*.db` is copied with SQLite's online backup API from a read-only connection of this
//! command's own (never the running engine's `Store`), in one step: one read transaction, so
//! the copy is that database at one instant, and in WAL mode the running engine keeps
//! writing meanwhile. Each copy is checked with `PRAGMA integrity_check` before the command
//! says it is done. The keys come along (the engine's `engine-keys.toml`, the console's
//! `secret.key`), so a restored
//! directory answers the same credentials. The backup is a directory like the data
//! directory: restore by pointing `FNCONSOLE_DATA_DIR` (or `[server] data_dir`) at it, or by
//! copying its files into an empty data directory.

use std::path::{Path, PathBuf};
use std::time::Duration;

use rusqlite::{Connection, OpenFlags};

use crate::private_files;

/// The engine's keys, copied beside the databases.
const KEYS_FILE: &str = "engine-keys.toml";

/// The key files copied beside the databases: without them a restored directory would
/// generate new keys, and the engine's callers and the console's sessions would be refused.
const KEY_FILES: [&str; 2] = [KEYS_FILE, crate::secret_key::FILE];

/// How long a copy waits for a lock another connection holds (a checkpoint, say).
const BUSY_TIMEOUT: Duration = Duration::from_secs(10);

/// One database copied.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Copied {
    /// Its file name (`engine.db`).
    pub name: String,
    /// Pages copied.
    pub pages: u64,
    /// Bytes copied (pages × page size).
    pub bytes: u64,
}

/// What a backup did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Report {
    /// Each database, in name order.
    pub databases: Vec<Copied>,
    /// The key files copied too (`engine-keys.toml`, `secret.key`), those that exist.
    pub keys: Vec<&'static str>,
}

/// Why a backup failed; each names the file.
#[derive(Debug, thiserror::Error)]
pub enum BackupError {
    /// The destination exists and is not an empty directory: nothing is overwritten.
    #[error("{} already exists and is not an empty directory; give a new path", .0.display())]
    DestinationInUse(PathBuf),
    /// The data directory holds no database.
    #[error("no database (*.db) in the data directory {}", .0.display())]
    Nothing(PathBuf),
    /// A file could not be read, written or listed.
    #[error("{}: {source}", path.display())]
    Io {
        /// The file or directory.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// SQLite refused (opening, copying, checking).
    #[error("{}: {source}", path.display())]
    Sqlite {
        /// The database.
        path: PathBuf,
        /// Why.
        source: rusqlite::Error,
    },
    /// The copy is not sound (`PRAGMA integrity_check` said so).
    #[error("the copy {} failed its integrity check: {verdict}", path.display())]
    Corrupt {
        /// The copy.
        path: PathBuf,
        /// What SQLite reported.
        verdict: String,
    },
}

fn io(path: &Path) -> impl FnOnce(std::io::Error) -> BackupError + '_ {
    move |source| BackupError::Io {
        path: path.to_path_buf(),
        source,
    }
}

fn sqlite(path: &Path) -> impl FnOnce(rusqlite::Error) -> BackupError + '_ {
    move |source| BackupError::Sqlite {
        path: path.to_path_buf(),
        source,
    }
}

/// Copies every database in `data_dir` (and the engine's keys) into the new directory
/// `dest` (created 0700; an existing empty directory is used as it is).
pub fn backup(data_dir: &Path, dest: &Path) -> Result<Report, BackupError> {
    let databases = databases(data_dir)?;
    if databases.is_empty() {
        return Err(BackupError::Nothing(data_dir.to_path_buf()));
    }
    if dest.exists() {
        let mut entries = std::fs::read_dir(dest)
            .map_err(|_| BackupError::DestinationInUse(dest.to_path_buf()))?;
        if entries.next().is_some() {
            return Err(BackupError::DestinationInUse(dest.to_path_buf()));
        }
    }
    private_files::create_private_dir(dest).map_err(io(dest))?;
    let mut copied = Vec::with_capacity(databases.len());
    for source in &databases {
        let name = source
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        copied.push(copy_database(source, &dest.join(&name), name)?);
    }
    let mut keys = Vec::new();
    for name in KEY_FILES {
        let from = data_dir.join(name);
        if from.exists() {
            let text = std::fs::read(&from).map_err(io(&from))?;
            let to = dest.join(name);
            private_files::write_private_atomically(&to, &text).map_err(io(&to))?;
            keys.push(name);
        }
    }
    Ok(Report {
        databases: copied,
        keys,
    })
}

/// The `*.db` files of `dir`, in name order.
fn databases(dir: &Path) -> Result<Vec<PathBuf>, BackupError> {
    let mut found = Vec::new();
    for entry in std::fs::read_dir(dir).map_err(io(dir))? {
        let path = entry.map_err(io(dir))?.path();
        if path.extension().is_some_and(|x| x == "db") && path.is_file() {
            found.push(path);
        }
    }
    found.sort();
    Ok(found)
}

/// One database copied from `source` to the new file `to`, then checked.
fn copy_database(source: &Path, to: &Path, name: String) -> Result<Copied, BackupError> {
    // Read-only and of our own: the backup never writes the live database, and takes no
    // connection from the running engine.
    let from = Connection::open_with_flags(
        source,
        OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )
    .map_err(sqlite(source))?;
    from.busy_timeout(BUSY_TIMEOUT).map_err(sqlite(source))?;
    // 0600 before SQLite creates it: the copy holds what the original holds.
    private_files::ensure_private_file(to).map_err(io(to))?;
    let mut into = Connection::open(to).map_err(sqlite(to))?;
    {
        let backup = rusqlite::backup::Backup::new(&from, &mut into).map_err(sqlite(to))?;
        // -1: every page in one step, inside one read transaction of the source, so the
        // copy is one instant of it and a concurrent write cannot make it start over
        // (`run_to_completion` takes only positive steps). Busy or locked: wait, try again.
        let until = std::time::Instant::now() + BUSY_TIMEOUT;
        loop {
            match backup.step(-1).map_err(sqlite(to))? {
                rusqlite::backup::StepResult::Done => break,
                _ if std::time::Instant::now() > until => {
                    return Err(BackupError::Sqlite {
                        path: source.to_path_buf(),
                        source: rusqlite::Error::SqliteFailure(
                            rusqlite::ffi::Error::new(rusqlite::ffi::SQLITE_BUSY),
                            Some(format!("still locked after {} s", BUSY_TIMEOUT.as_secs())),
                        ),
                    });
                }
                _ => std::thread::sleep(Duration::from_millis(50)),
            }
        }
    }
    let verdict: String = into
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .map_err(sqlite(to))?;
    if verdict != "ok" {
        return Err(BackupError::Corrupt {
            path: to.to_path_buf(),
            verdict,
        });
    }
    let pages: u64 = into
        .query_row("PRAGMA page_count", [], |r| r.get(0))
        .map_err(sqlite(to))?;
    let page_size: u64 = into
        .query_row("PRAGMA page_size", [], |r| r.get(0))
        .map_err(sqlite(to))?;
    Ok(Copied {
        name,
        pages,
        bytes: pages * page_size,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn database(path: &Path, rows: usize) {
        let db = Connection::open(path).unwrap();
        db.pragma_update(None, "journal_mode", "WAL").unwrap();
        db.execute_batch("CREATE TABLE t (n INTEGER)").unwrap();
        for n in 0..rows {
            db.execute("INSERT INTO t VALUES (?1)", [n as i64]).unwrap();
        }
    }

    fn rows(path: &Path) -> i64 {
        Connection::open(path)
            .unwrap()
            .query_row("SELECT count(*) FROM t", [], |r| r.get(0))
            .unwrap()
    }

    #[test]
    fn every_database_and_the_keys_are_copied_and_checked() {
        let dir = tempfile::tempdir().unwrap();
        let data = dir.path().join("data");
        std::fs::create_dir(&data).unwrap();
        database(&data.join("engine.db"), 100);
        database(&data.join("other.db"), 3);
        std::fs::write(data.join(KEYS_FILE), "ncp_access_key = \"k\"\n").unwrap();
        std::fs::write(data.join("secret.key"), "c2VjcmV0\n").unwrap();
        std::fs::write(data.join("notes.txt"), "not a database").unwrap();
        let dest = dir.path().join("backup");
        let report = backup(&data, &dest).unwrap();
        let names: Vec<&str> = report.databases.iter().map(|c| c.name.as_str()).collect();
        assert_eq!(names, ["engine.db", "other.db"]);
        assert!(
            report.keys == ["engine-keys.toml", "secret.key"]
                && report.databases.iter().all(|c| c.pages > 0 && c.bytes > 0)
        );
        assert_eq!(
            (rows(&dest.join("engine.db")), rows(&dest.join("other.db"))),
            (100, 3)
        );
        assert_eq!(
            std::fs::read_to_string(dest.join(KEYS_FILE)).unwrap(),
            "ncp_access_key = \"k\"\n"
        );
        assert!(!dest.join("notes.txt").exists());
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
            assert_eq!(
                (
                    mode(&dest),
                    mode(&dest.join("engine.db")),
                    mode(&dest.join(KEYS_FILE))
                ),
                (0o700, 0o600, 0o600)
            );
        }
    }

    #[test]
    fn a_destination_in_use_or_an_empty_data_directory_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let data = dir.path().join("data");
        std::fs::create_dir(&data).unwrap();
        assert!(matches!(
            backup(&data, &dir.path().join("b")),
            Err(BackupError::Nothing(_))
        ));
        database(&data.join("engine.db"), 1);
        let used = dir.path().join("used");
        std::fs::create_dir(&used).unwrap();
        std::fs::write(used.join("engine.db"), "precious").unwrap();
        let refused = backup(&data, &used).unwrap_err();
        assert!(
            matches!(refused, BackupError::DestinationInUse(_)),
            "{refused}"
        );
        assert_eq!(
            std::fs::read_to_string(used.join("engine.db")).unwrap(),
            "precious"
        );
        // An empty directory is fine.
        let empty = dir.path().join("empty");
        std::fs::create_dir(&empty).unwrap();
        assert_eq!(backup(&data, &empty).unwrap().databases.len(), 1);
    }

    #[test]
    fn a_copy_taken_while_another_connection_writes_is_one_instant_of_it() {
        let dir = tempfile::tempdir().unwrap();
        let data = dir.path().join("data");
        std::fs::create_dir(&data).unwrap();
        let path = data.join("engine.db");
        database(&path, 0);
        let writer_path = path.clone();
        let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
        let stopping = stop.clone();
        // Writes pairs of rows in one transaction each: a consistent copy has an even count.
        let writer = std::thread::spawn(move || {
            let mut db = Connection::open(&writer_path).unwrap();
            db.busy_timeout(Duration::from_secs(5)).unwrap();
            let mut n = 0i64;
            while !stopping.load(std::sync::atomic::Ordering::Relaxed) {
                let tx = db.transaction().unwrap();
                tx.execute("INSERT INTO t VALUES (?1)", [n]).unwrap();
                tx.execute("INSERT INTO t VALUES (?1)", [n + 1]).unwrap();
                tx.commit().unwrap();
                n += 2;
            }
            n
        });
        std::thread::sleep(Duration::from_millis(50));
        for i in 0..5 {
            let dest = dir.path().join(format!("b{i}"));
            backup(&data, &dest).unwrap();
            assert_eq!(
                rows(&dest.join("engine.db")) % 2,
                0,
                "a copy holds half a transaction"
            );
        }
        stop.store(true, std::sync::atomic::Ordering::Relaxed);
        assert!(writer.join().unwrap() > 0);
    }
}
