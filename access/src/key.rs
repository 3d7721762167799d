//! The console's secret key: 32 random bytes from which every purpose's own key is derived
//! (session cookies, connection secrets), so that one value shared by several replicas
//! (`FNCONSOLE_SECRET_KEY`) lets them share sessions and read each other's stored secrets.

use hmac::{Hmac, Mac};
use sha2::Sha256;

/// The master key. Never printed: `Debug` shows only that it is set.
#[derive(Clone)]
pub struct SecretKey([u8; 32]);

/// A key that is not 32 bytes of standard Base64.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "the secret key must be 32 random bytes in standard Base64 (44 characters, e.g. from `openssl rand -base64 32`)"
)]
pub struct BadKey;

impl SecretKey {
    /// 32 bytes from the operating system's random source.
    pub fn generate() -> Result<Self, getrandom::Error> {
        let mut bytes = [0u8; 32];
        getrandom::fill(&mut bytes)?;
        Ok(Self(bytes))
    }

    /// The key written as standard Base64 (how it is kept in the data directory).
    pub fn to_base64(&self) -> String {
        use base64::Engine as _;
        base64::engine::general_purpose::STANDARD.encode(self.0)
    }

    /// Reads a key written by [`to_base64`](Self::to_base64) (surrounding whitespace ignored).
    pub fn from_base64(text: &str) -> Result<Self, BadKey> {
        use base64::Engine as _;
        let bytes = base64::engine::general_purpose::STANDARD
            .decode(text.trim())
            .map_err(|_| BadKey)?;
        Ok(Self(bytes.try_into().map_err(|_| BadKey)?))
    }

    /// The key for one `purpose` ("session-cookie", "connection-secrets"…): HMAC-SHA256 of the
    /// purpose under the master key, so no two purposes share a key and none reveals another.
    pub fn derive(&self, purpose: &str) -> [u8; 32] {
        // HMAC accepts a key of any length: `new_from_slice` cannot fail here.
        let mut mac = Hmac::<Sha256>::new_from_slice(&self.0).expect("HMAC takes any key length");
        mac.update(purpose.as_bytes());
        mac.finalize().into_bytes().into()
    }
}

impl std::fmt::Debug for SecretKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SecretKey(set)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_key_round_trips_through_base64_and_purposes_get_different_keys() {
        let key = SecretKey::generate().unwrap();
        let again = SecretKey::from_base64(&format!(" {}\n", key.to_base64())).unwrap();
        assert_eq!(key.derive("session-cookie"), again.derive("session-cookie"));
        assert_ne!(
            key.derive("session-cookie"),
            key.derive("connection-secrets")
        );
        assert_ne!(key.0, SecretKey::generate().unwrap().0);
    }

    #[test]
    fn a_short_or_garbled_key_is_refused_and_debug_hides_it() {
        assert_eq!(SecretKey::from_base64("c2hvcnQ=").unwrap_err(), BadKey);
        assert_eq!(SecretKey::from_base64("not base64!").unwrap_err(), BadKey);
        let key = SecretKey::generate().unwrap();
        assert_eq!(format!("{key:?}"), "SecretKey(set)");
    }
}
