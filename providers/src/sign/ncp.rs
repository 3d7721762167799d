//! NAVER Cloud API Gateway signature v2.
//!
//! `base64(HMAC-SHA256(secret, METHOD + " " + target + "\n" + timestamp_ms + "\n" + access_key))`
//! where `target` is exactly the path and query put on the wire. Host and body are not signed.

use base64::{Engine, engine::general_purpose::STANDARD as BASE64};
use std::fmt;

use super::crypto::{constant_time_eq, hmac_sha256};
use super::{Secret, VerifyError};

/// Header carrying the request time, epoch milliseconds.
pub const TIMESTAMP_HEADER: &str = "x-ncp-apigw-timestamp";
/// Header carrying the access key.
pub const ACCESS_KEY_HEADER: &str = "x-ncp-iam-access-key";
/// Header carrying the signature (v2, as the Cloud Functions docs and the Java SDK name it).
pub const SIGNATURE_HEADER: &str = "x-ncp-apigw-signature-v2";
/// How far a request's timestamp may be from the gateway's clock.
pub const MAX_SKEW_MS: u64 = 5 * 60 * 1000;

/// The string that is signed, printed exactly as the gateway builds it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StringToSign<'a> {
    /// HTTP method, upper case.
    pub method: &'a str,
    /// Path and query exactly as sent (`/api/v2/packages?platform=vpc`).
    pub request_target: &'a str,
    /// Epoch milliseconds, as sent in [`TIMESTAMP_HEADER`].
    pub timestamp_ms: &'a str,
    /// The access key, as sent in [`ACCESS_KEY_HEADER`].
    pub access_key: &'a str,
}

impl fmt::Display for StringToSign<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} {}\n{}\n{}",
            self.method.to_ascii_uppercase(),
            self.request_target,
            self.timestamp_ms,
            self.access_key
        )
    }
}

impl StringToSign<'_> {
    /// The base64 signature of this string under `secret`.
    pub fn sign(&self, secret: &Secret) -> String {
        BASE64.encode(hmac_sha256(
            secret.expose().as_bytes(),
            self.to_string().as_bytes(),
        ))
    }
}

/// The three headers to add to a request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignedHeaders {
    /// `(name, value)` pairs, in the order the SDKs send them.
    pub headers: [(&'static str, String); 3],
}

/// Signs a request: returns the headers to add; the request itself is not touched.
pub fn sign(
    method: &str,
    request_target: &str,
    timestamp_ms: u64,
    access_key: &str,
    secret: &Secret,
) -> SignedHeaders {
    let timestamp = timestamp_ms.to_string();
    let signature = StringToSign {
        method,
        request_target,
        timestamp_ms: &timestamp,
        access_key,
    }
    .sign(secret);
    SignedHeaders {
        headers: [
            (TIMESTAMP_HEADER, timestamp),
            (ACCESS_KEY_HEADER, access_key.to_string()),
            (SIGNATURE_HEADER, signature),
        ],
    }
}

/// What a verifier read from a request's headers.
#[derive(Debug, Clone, Copy)]
pub struct PresentedSignature<'a> {
    /// [`TIMESTAMP_HEADER`]'s value.
    pub timestamp_ms: Option<&'a str>,
    /// [`ACCESS_KEY_HEADER`]'s value.
    pub access_key: Option<&'a str>,
    /// [`SIGNATURE_HEADER`]'s value.
    pub signature: Option<&'a str>,
}

/// Verifies a request the way the API gateway does. `secret_for` finds the secret of an
/// access key; `now_ms` is the verifier's clock.
pub fn verify(
    method: &str,
    request_target: &str,
    presented: PresentedSignature<'_>,
    secret_for: impl Fn(&str) -> Option<Secret>,
    now_ms: u64,
) -> Result<String, VerifyError> {
    let timestamp = presented
        .timestamp_ms
        .ok_or(VerifyError::Missing(TIMESTAMP_HEADER))?;
    let access_key = presented
        .access_key
        .ok_or(VerifyError::Missing(ACCESS_KEY_HEADER))?;
    let signature = presented
        .signature
        .ok_or(VerifyError::Missing(SIGNATURE_HEADER))?;
    let ts: u64 = timestamp
        .parse()
        .map_err(|_| VerifyError::Malformed(TIMESTAMP_HEADER))?;
    super::within_skew(now_ms.abs_diff(ts), MAX_SKEW_MS, 1000)?;
    let secret = secret_for(access_key).ok_or(VerifyError::UnknownKey)?;
    let expected = StringToSign {
        method,
        request_target,
        timestamp_ms: timestamp,
        access_key,
    }
    .sign(&secret);
    if constant_time_eq(expected.as_bytes(), signature.as_bytes()) {
        Ok(access_key.to_string())
    } else {
        Err(VerifyError::BadSignature)
    }
}
