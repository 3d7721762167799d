//! OpenWhisk's basic authentication: `Authorization: Basic base64(uuid:key)`.

use base64::{Engine, engine::general_purpose::STANDARD as BASE64};

use super::crypto::constant_time_eq;
use super::{Secret, VerifyError};

/// The `Authorization` header value for an auth key `uuid:key`.
pub fn authorization(auth: &Secret) -> String {
    format!("Basic {}", BASE64.encode(auth.expose()))
}

/// Checks an `Authorization` header against the accepted `uuid:key`; returns the subject
/// (the uuid) when it matches.
pub fn verify(header: Option<&str>, accepted: &Secret) -> Result<String, VerifyError> {
    let header = header.ok_or(VerifyError::Missing("Authorization header"))?;
    let encoded = header
        .strip_prefix("Basic ")
        .ok_or(VerifyError::Malformed("Authorization header"))?;
    let decoded = BASE64
        .decode(encoded.trim())
        .map_err(|_| VerifyError::Malformed("Authorization header"))?;
    let presented =
        String::from_utf8(decoded).map_err(|_| VerifyError::Malformed("Authorization header"))?;
    let (user, _) = presented
        .split_once(':')
        .ok_or(VerifyError::Malformed("Authorization header"))?;
    let (accepted_user, _) = accepted
        .expose()
        .split_once(':')
        .unwrap_or((accepted.expose(), ""));
    if user != accepted_user {
        return Err(VerifyError::UnknownKey);
    }
    if constant_time_eq(presented.as_bytes(), accepted.expose().as_bytes()) {
        Ok(user.to_string())
    } else {
        Err(VerifyError::BadSignature)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn basic_auth_round_trips_and_refuses_wrong_keys() {
        let auth = Secret::new(
            "23bc46b1-71f6-4ed5-8c54-816aa4f8c502:123zO3xZCLrMN6v2BKK1dXYFpXlPkccOFqm12CdAsMgRU4VrNZ9lyGVCGuMDGIwP",
        );
        let header = authorization(&auth);
        assert_eq!(
            verify(Some(&header), &auth).unwrap(),
            "23bc46b1-71f6-4ed5-8c54-816aa4f8c502"
        );
        let wrong = authorization(&Secret::new("23bc46b1-71f6-4ed5-8c54-816aa4f8c502:nope"));
        assert_eq!(verify(Some(&wrong), &auth), Err(VerifyError::BadSignature));
        let stranger = authorization(&Secret::new("someone:else"));
        assert_eq!(verify(Some(&stranger), &auth), Err(VerifyError::UnknownKey));
        assert_eq!(
            verify(Some("Bearer x"), &auth),
            Err(VerifyError::Malformed("Authorization header"))
        );
        assert_eq!(
            verify(None, &auth),
            Err(VerifyError::Missing("Authorization header"))
        );
    }
}
