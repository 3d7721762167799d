//! Random secrets handed to a person or a browser (session ids, API tokens, the setup token)
//! and the SHA-256 digests the store keeps of them instead, so a copy of the database lets
//! no one in.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use sha2::{Digest, Sha256};

use crate::StoreError;

/// 32 random bytes as URL-safe Base64 (43 characters), after `prefix`.
pub(crate) fn random(prefix: &str) -> Result<String, StoreError> {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes)
        .map_err(|e| StoreError::Database(format!("no random source for a secret: {e}")))?;
    Ok(format!("{prefix}{}", URL_SAFE_NO_PAD.encode(bytes)))
}

/// What the store keeps of `secret`.
pub(crate) fn digest(secret: &str) -> String {
    URL_SAFE_NO_PAD.encode(Sha256::digest(secret.as_bytes()))
}

/// Milliseconds since the Unix epoch, as the store records times. The server passes its own
/// clock to every call that compares times, so tests can move it.
pub fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
        .unwrap_or(0)
}
