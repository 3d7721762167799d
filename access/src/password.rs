//! Password hashing: Argon2id with OWASP's parameters (19 MiB, 2 passes, 1 lane), a random
//! 16-byte salt per hash, stored as a PHC string. Verification compares in constant time (the
//! `password-hash` crate's `Output` equality) and, for a name with no account, a fixed dummy
//! hash is verified instead so the answer takes as long whether or not the account exists.

use std::sync::OnceLock;

use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};

use crate::StoreError;

/// Shortest password accepted (NIST SP 800-63B asks for at least 8; a console that can run
/// code on a team's cloud accounts asks for more).
pub const MIN_LEN: usize = 12;
/// Longest password accepted: enough for any passphrase, short of a denial of service.
pub const MAX_LEN: usize = 256;

fn argon2() -> Argon2<'static> {
    // OWASP Password Storage Cheat Sheet: Argon2id, m = 19456 KiB, t = 2, p = 1. The
    // parameters are valid constants, so `new` cannot fail; the fallback is the same values.
    let params = Params::new(19 * 1024, 2, 1, None).unwrap_or_default();
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

/// Why a new password is refused: what is allowed.
pub fn check_new(password: &str) -> Result<(), String> {
    let chars = password.chars().count();
    if chars < MIN_LEN {
        return Err(format!(
            "the password must be at least {MIN_LEN} characters (it has {chars})"
        ));
    }
    if chars > MAX_LEN {
        return Err(format!("the password must be at most {MAX_LEN} characters"));
    }
    Ok(())
}

/// The PHC string of `password` under a fresh random salt. Slow on purpose (tens of
/// milliseconds): call it on a blocking thread.
pub fn hash(password: &str) -> Result<String, StoreError> {
    let mut salt = [0u8; 16];
    getrandom::fill(&mut salt)
        .map_err(|e| StoreError::Database(format!("no random source for a salt: {e}")))?;
    let salt = SaltString::encode_b64(&salt)
        .map_err(|e| StoreError::Database(format!("cannot encode a salt: {e}")))?;
    argon2()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| StoreError::Database(format!("cannot hash a password: {e}")))
}

/// Whether `password` is the one `stored` was made from. A stored value that is not a PHC
/// string never matches.
pub fn verify(password: &str, stored: &str) -> bool {
    match PasswordHash::new(stored) {
        Ok(parsed) => argon2()
            .verify_password(password.as_bytes(), &parsed)
            .is_ok(),
        Err(_) => false,
    }
}

/// Spends the time of one verification for a name that has no account, and answers false.
pub fn verify_nobody(password: &str) -> bool {
    static DUMMY: OnceLock<String> = OnceLock::new();
    let dummy = DUMMY.get_or_init(|| hash("no account has this password").unwrap_or_default());
    let _ = verify(password, dummy);
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_hash_verifies_its_password_only_and_is_argon2id_with_owasp_parameters() {
        let stored = hash("correct horse battery").unwrap();
        assert!(
            stored.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"),
            "{stored}"
        );
        assert!(verify("correct horse battery", &stored));
        assert!(!verify("correct horse batterz", &stored));
        assert!(!verify("correct horse battery", "not a hash"));
        // Salted: the same password hashes differently each time.
        assert_ne!(stored, hash("correct horse battery").unwrap());
        assert!(!verify_nobody("correct horse battery"));
    }

    #[test]
    fn a_new_password_is_checked_for_length() {
        assert!(check_new("short").unwrap_err().contains("at least 12"));
        assert!(check_new("twelve chars").is_ok());
        assert!(
            check_new(&"x".repeat(257))
                .unwrap_err()
                .contains("at most 256")
        );
    }
}
