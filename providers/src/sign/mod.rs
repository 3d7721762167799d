//! Request signatures, both halves: the clients sign with them and the engine verifies with
//! them, so one definition of each algorithm serves both sides.
//!
//! Built the `aws-sigv4` way: each intermediate string is a type whose `Display` prints
//! exactly the text the provider's spec defines; the maths take time as a parameter; signing
//! returns what to put on the request and never touches one. Every algorithm is pinned by the
//! providers' own SDK vectors (`tests/vectors/`).

pub mod encoding;
pub mod huawei;
pub mod ncp;
pub mod openwhisk;
pub mod tencent_legacy;
pub mod tencent_tc3;
pub mod utc;

mod crypto;

/// Why a signed request was refused by a verifier.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum VerifyError {
    /// A header or parameter the algorithm needs is absent.
    #[error("the request has no {0}")]
    Missing(&'static str),
    /// A header or parameter is present but malformed.
    #[error("{0} is malformed")]
    Malformed(&'static str),
    /// The access key (or secret id, or user) is not known.
    #[error("the access key is not known")]
    UnknownKey,
    /// The request's time is too far from the verifier's clock.
    #[error(
        "the request time is {skew_secs} s away from the server's clock (at most {max_secs} s allowed)"
    )]
    Expired {
        /// How far off, in seconds.
        skew_secs: u64,
        /// The allowed skew, in seconds.
        max_secs: u64,
    },
    /// The signature does not match the request.
    #[error("the signature does not match the request")]
    BadSignature,
}

/// Refuses a signature whose `SignedHeaders` leave out `host`: it could be replayed against
/// another endpoint (APIG's and TC3's verifiers both require it).
pub(crate) fn host_signed(signed_headers: &[String]) -> Result<(), VerifyError> {
    if signed_headers.iter().any(|h| h == "host") {
        Ok(())
    } else {
        Err(VerifyError::Malformed("SignedHeaders (host is not signed)"))
    }
}

/// Refuses a request signed `skew` away from the verifier's clock when that is more than
/// `max`, both in units of which `per_second` make a second (1 for seconds, 1,000 for NCP's
/// milliseconds).
pub(crate) fn within_skew(skew: u64, max: u64, per_second: u64) -> Result<(), VerifyError> {
    if skew > max {
        return Err(VerifyError::Expired {
            skew_secs: skew / per_second,
            max_secs: max / per_second,
        });
    }
    Ok(())
}

/// Splits an `Authorization` header of the form `ALGORITHM First=…, SignedHeaders=a;b,
/// Signature=…` (Huawei's and Tencent TC3's): answers the value of `first`, the signed header
/// names and the signature.
pub(crate) fn authorization_params<'a>(
    value: &'a str,
    algorithm: &str,
    first: &str,
) -> Result<(&'a str, Vec<String>, String), VerifyError> {
    const WHAT: &str = "Authorization header";
    let rest = value
        .strip_prefix(algorithm)
        .ok_or(VerifyError::Malformed(WHAT))?;
    let (mut lead, mut signed, mut signature) = (None, None, None);
    for part in rest.split(',') {
        match part.trim().split_once('=') {
            Some((key, v)) if key == first => lead = Some(v),
            Some(("SignedHeaders", v)) => signed = Some(v.split(';').map(str::to_string).collect()),
            Some(("Signature", v)) => signature = Some(v.to_string()),
            _ => return Err(VerifyError::Malformed(WHAT)),
        }
    }
    match (lead, signed, signature) {
        (Some(lead), Some(signed), Some(signature)) => Ok((lead, signed, signature)),
        _ => Err(VerifyError::Malformed(WHAT)),
    }
}

/// Redacts a secret in `Debug` output: secrets must never reach a log.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    /// Wraps a secret value.
    pub fn new(value: impl Into<String>) -> Self {
        Self(value.into())
    }

    /// The secret, for the signing maths only.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Secret(** redacted **)")
    }
}

impl From<&str> for Secret {
    fn from(value: &str) -> Self {
        Self::new(value)
    }
}
