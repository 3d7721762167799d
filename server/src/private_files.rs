//! Files that hold secrets (the engine's keys, its database of actions and results): the
//! data directory created 0700, files 0600, looser modes on existing files corrected with a
//! warning, and whole-file writes that are atomic.
//!
//! The modes apply on Unix; elsewhere the files are made without them.

use std::fs::{self, File, OpenOptions};
use std::io::{self, Write};
use std::path::Path;

/// The mode of the data directory: its owner only.
#[cfg(unix)]
const DIR_MODE: u32 = 0o700;
/// The mode of a private file: its owner may read and write it, nobody else anything.
#[cfg(unix)]
const FILE_MODE: u32 = 0o600;
/// The permission bits of group and others.
#[cfg(unix)]
const OTHERS: u32 = 0o077;

/// Creates `dir` and any missing parents, each 0700. A directory that already exists keeps
/// its mode (it may be a shared one the operator chose), with a warning when group or others
/// can enter it.
pub fn create_private_dir(dir: &Path) -> io::Result<()> {
    let existed = dir.is_dir();
    let mut builder = fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        builder.mode(DIR_MODE);
    }
    builder.create(dir)?;
    #[cfg(unix)]
    if existed {
        use std::os::unix::fs::PermissionsExt;
        let mode = fs::metadata(dir)?.permissions().mode();
        if mode & OTHERS != 0 {
            tracing::warn!(
                path = %dir.display(),
                mode = format!("{:o}", mode & 0o777),
                "the data directory {} is open to other users and holds the engine's keys and \
                 database; consider `chmod 700` on it",
                dir.display()
            );
        }
    }
    #[cfg(not(unix))]
    let _ = existed;
    Ok(())
}

/// Makes sure `path` exists and is 0600: creates it empty with that mode when missing, so
/// whatever opens it next (SQLite, which gives its `-wal` and `-shm` files the database's
/// mode) never finds it looser; an existing file is corrected as [`restrict_if_exists`] does.
pub fn ensure_private_file(path: &Path) -> io::Result<()> {
    match private_options().create_new(true).open(path) {
        Ok(_) => Ok(()),
        Err(e) if e.kind() == io::ErrorKind::AlreadyExists => restrict_if_exists(path),
        Err(e) => Err(e),
    }
}

/// Takes group and other permission bits off `path` (to 0600) when it exists with any, with
/// a warning naming it; a missing file is not an error.
pub fn restrict_if_exists(path: &Path) -> io::Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = match fs::metadata(path) {
            Ok(m) => m.permissions().mode(),
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(()),
            Err(e) => return Err(e),
        };
        if mode & OTHERS != 0 {
            fs::set_permissions(path, fs::Permissions::from_mode(FILE_MODE))?;
            tracing::warn!(
                path = %path.display(),
                was = format!("{:o}", mode & 0o777),
                "{} was open to other users; its mode is now 600",
                path.display()
            );
        }
    }
    #[cfg(not(unix))]
    let _ = path;
    Ok(())
}

/// Replaces `path` with `contents` atomically and privately: a temporary file in the same
/// directory, created 0600, written and synced, then renamed over `path`, and the directory
/// synced. A crash leaves the old file or the new one, never a part; nobody else can read
/// either at any moment.
pub fn write_private_atomically(path: &Path, contents: &[u8]) -> io::Result<()> {
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    let name = path.file_name().ok_or_else(|| {
        io::Error::new(
            io::ErrorKind::InvalidInput,
            format!("{} names no file", path.display()),
        )
    })?;
    let temp = dir.join(format!(
        ".{}.{}.tmp",
        name.to_string_lossy(),
        engine::new_id()
    ));
    let written = (|| {
        let mut file = private_options().create_new(true).open(&temp)?;
        file.write_all(contents)?;
        file.sync_all()?;
        fs::rename(&temp, path)?;
        // The rename itself reaches the disk with the directory.
        #[cfg(unix)]
        File::open(dir)?.sync_all()?;
        Ok(())
    })();
    if written.is_err() {
        // Best effort: the temporary file may not exist (creating it is what failed).
        let _ = fs::remove_file(&temp);
    }
    written
}

/// Options that write a file created with mode 0600.
fn private_options() -> OpenOptions {
    let mut options = OpenOptions::new();
    options.write(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(FILE_MODE);
    }
    options
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt;

    fn mode(path: &Path) -> u32 {
        fs::metadata(path).unwrap().permissions().mode() & 0o777
    }

    #[test]
    fn the_data_directory_and_its_missing_parents_are_created_0700() {
        let root = tempfile::tempdir().unwrap();
        let dir = root.path().join("a/b/data");
        create_private_dir(&dir).unwrap();
        assert_eq!(mode(&dir), 0o700);
        assert_eq!(mode(&root.path().join("a")), 0o700);
        // Again: an existing directory is fine, and keeps its mode.
        fs::set_permissions(&dir, fs::Permissions::from_mode(0o750)).unwrap();
        create_private_dir(&dir).unwrap();
        assert_eq!(mode(&dir), 0o750);
    }

    #[test]
    fn a_missing_file_is_created_0600_and_a_loose_one_corrected() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("engine.db");
        ensure_private_file(&path).unwrap();
        assert_eq!((mode(&path), fs::read(&path).unwrap()), (0o600, vec![]));
        fs::write(&path, b"kept").unwrap();
        fs::set_permissions(&path, fs::Permissions::from_mode(0o644)).unwrap();
        ensure_private_file(&path).unwrap();
        assert_eq!(
            (mode(&path), fs::read(&path).unwrap()),
            (0o600, b"kept".to_vec())
        );
        // Tighter than 0600 is left alone; a missing file is no error.
        fs::set_permissions(&path, fs::Permissions::from_mode(0o400)).unwrap();
        restrict_if_exists(&path).unwrap();
        assert_eq!(mode(&path), 0o400);
        restrict_if_exists(&dir.path().join("absent")).unwrap();
    }

    #[test]
    fn an_atomic_write_replaces_the_file_0600_and_leaves_no_temporary_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("engine-keys.toml");
        fs::write(&path, b"old").unwrap();
        fs::set_permissions(&path, fs::Permissions::from_mode(0o644)).unwrap();
        write_private_atomically(&path, b"new").unwrap();
        assert_eq!(fs::read(&path).unwrap(), b"new");
        assert_eq!(mode(&path), 0o600);
        let names: Vec<_> = fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        assert_eq!(names, ["engine-keys.toml"]);
        // A directory that is not there: an error, and nothing left behind.
        let nowhere = dir.path().join("missing/engine-keys.toml");
        assert!(write_private_atomically(&nowhere, b"x").is_err());
    }
}
