//! Loads the console's secret key: `FNCONSOLE_SECRET_KEY` when set (several replicas share
//! it), else `{data_dir}/secret.key`, generated 0600 on first start.

use std::path::Path;

use access::key::SecretKey;

use crate::private_files;

/// The key file's name in the data directory.
pub const FILE: &str = "secret.key";

/// The environment variable that overrides the file.
pub const ENV: &str = "FNCONSOLE_SECRET_KEY";

/// The key from `env_value` (the variable's value, if set) or the data directory's file,
/// generating the file when neither exists. The error names where the bad key came from,
/// never the key.
pub fn load(data_dir: &Path, env_value: Option<&str>) -> Result<SecretKey, String> {
    if let Some(value) = env_value {
        return SecretKey::from_base64(value).map_err(|e| format!("{ENV}: {e}"));
    }
    let path = data_dir.join(FILE);
    private_files::restrict_if_exists(&path).map_err(|e| format!("{}: {e}", path.display()))?;
    match std::fs::read_to_string(&path) {
        Ok(text) => SecretKey::from_base64(&text).map_err(|e| format!("{}: {e}", path.display())),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            let key = SecretKey::generate()
                .map_err(|e| format!("no random source for a new secret key: {e}"))?;
            private_files::write_private_atomically(
                &path,
                format!("{}\n", key.to_base64()).as_bytes(),
            )
            .map_err(|e| format!("{}: {e}", path.display()))?;
            Ok(key)
        }
        Err(e) => Err(format!("{}: {e}", path.display())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_key_is_generated_once_privately_and_the_variable_wins() {
        let dir = tempfile::tempdir().unwrap();
        let first = load(dir.path(), None).unwrap();
        let second = load(dir.path(), None).unwrap();
        assert_eq!(first.derive("x"), second.derive("x"));
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(dir.path().join(FILE))
                .unwrap()
                .permissions()
                .mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        let other = SecretKey::generate().unwrap();
        let from_env = load(dir.path(), Some(&other.to_base64())).unwrap();
        assert_eq!(from_env.derive("x"), other.derive("x"));
        let error = load(dir.path(), Some("short")).unwrap_err();
        assert!(error.starts_with("FNCONSOLE_SECRET_KEY: "), "{error}");
        assert!(
            !error.contains("short"),
            "the error must not repeat the value: {error}"
        );
    }
}
