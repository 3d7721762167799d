//! Huawei Cloud APIG `SDK-HMAC-SHA256` (AK/SK), as `huaweicloudsdkcore`'s signer builds it.
//!
//! Canonical request: method, canonical URI (every segment re-encoded, always ending in `/`),
//! the query sorted and encoded, the signed headers (every header without `_`, lower case,
//! sorted), and the hex SHA-256 of the body (or `UNSIGNED-PAYLOAD`). The string to sign is
//! `SDK-HMAC-SHA256\n{X-Sdk-Date}\n{hex sha256(canonical request)}`; the signature is the hex
//! HMAC-SHA256 of it under the secret key.

use std::fmt;

use super::crypto::{constant_time_eq, hmac_sha256, sha256_hex};
use super::encoding::{quote, unquote};
use super::{Secret, VerifyError};

/// The algorithm's name, first word of the `Authorization` header.
pub const ALGORITHM: &str = "SDK-HMAC-SHA256";
/// Header carrying the signing time, `YYYYMMDDTHHMMSSZ`.
pub const DATE_HEADER: &str = "X-Sdk-Date";
/// Header that, set to [`UNSIGNED_PAYLOAD`], excludes the body from the signature.
pub const CONTENT_SHA256_HEADER: &str = "X-Sdk-Content-Sha256";
/// The payload hash used when the body is not signed.
pub const UNSIGNED_PAYLOAD: &str = "UNSIGNED-PAYLOAD";
/// Header carrying an IAM token, the alternative to AK/SK.
pub const TOKEN_HEADER: &str = "X-Auth-Token";
/// How far `X-Sdk-Date` may be from the gateway's clock (APIG allows 15 minutes).
pub const MAX_SKEW_SECS: u64 = 15 * 60;

/// A request as the signer sees it: what goes on the wire.
#[derive(Debug, Clone, Copy)]
pub struct RequestParts<'a> {
    /// HTTP method.
    pub method: &'a str,
    /// The path as sent (already percent-encoded).
    pub path: &'a str,
    /// Query parameters, decoded, in any order.
    pub query: &'a [(String, String)],
    /// Every header sent, `Host` and `X-Sdk-Date` included.
    pub headers: &'a [(String, String)],
    /// The body bytes.
    pub body: &'a [u8],
}

/// The canonical URI: each segment of the decoded path encoded again, ending in `/`.
pub fn canonical_uri(path: &str) -> String {
    let decoded = unquote(path);
    let mut uri = decoded.split('/').map(quote).collect::<Vec<_>>().join("/");
    if !uri.ends_with('/') {
        uri.push('/');
    }
    uri
}

/// The canonical query: pairs sorted by key then value, each side encoded.
pub fn canonical_query(query: &[(String, String)]) -> String {
    let mut pairs: Vec<_> = query.iter().collect();
    pairs.sort();
    pairs
        .into_iter()
        .map(|(k, v)| format!("{}={}", quote(k), quote(v)))
        .collect::<Vec<_>>()
        .join("&")
}

/// The canonical request, printed exactly as signed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CanonicalRequest {
    method: String,
    uri: String,
    query: String,
    /// `(lower-case name, trimmed value)`, sorted by name.
    headers: Vec<(String, String)>,
    payload_hash: String,
}

impl CanonicalRequest {
    /// Builds the canonical request of `parts`, signing the headers `include` accepts (the
    /// signer: all without `_`; the verifier: the ones the request says it signed).
    pub fn new(parts: RequestParts<'_>, include: impl Fn(&str) -> bool) -> Self {
        let mut headers: Vec<(String, String)> = parts
            .headers
            .iter()
            .filter(|(name, _)| include(name))
            .map(|(name, value)| (name.to_ascii_lowercase(), value.trim().to_string()))
            .collect();
        headers.sort();
        let unsigned = parts.headers.iter().any(|(name, value)| {
            name.eq_ignore_ascii_case(CONTENT_SHA256_HEADER) && value == UNSIGNED_PAYLOAD
        });
        Self {
            method: parts.method.to_ascii_uppercase(),
            uri: canonical_uri(parts.path),
            query: canonical_query(parts.query),
            headers,
            payload_hash: if unsigned {
                UNSIGNED_PAYLOAD.to_string()
            } else {
                sha256_hex(parts.body)
            },
        }
    }

    /// `content-type;host;…`: the names of the signed headers.
    pub fn signed_headers(&self) -> String {
        self.headers
            .iter()
            .map(|(n, _)| n.as_str())
            .collect::<Vec<_>>()
            .join(";")
    }

    /// The string to sign for this request at `sdk_date`.
    pub fn string_to_sign(&self, sdk_date: &str) -> String {
        format!(
            "{ALGORITHM}\n{sdk_date}\n{}",
            sha256_hex(self.to_string().as_bytes())
        )
    }
}

impl fmt::Display for CanonicalRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "{}", self.method)?;
        writeln!(f, "{}", self.uri)?;
        writeln!(f, "{}", self.query)?;
        for (name, value) in &self.headers {
            writeln!(f, "{name}:{value}")?;
        }
        writeln!(f)?;
        writeln!(f, "{}", self.signed_headers())?;
        write!(f, "{}", self.payload_hash)
    }
}

/// The hex signature of a string to sign.
pub fn signature(string_to_sign: &str, secret: &Secret) -> String {
    hex::encode(hmac_sha256(
        secret.expose().as_bytes(),
        string_to_sign.as_bytes(),
    ))
}

/// Signs `parts` (whose headers must already hold `Host` and `X-Sdk-Date`): returns the
/// `Authorization` header value.
pub fn sign(
    parts: RequestParts<'_>,
    access_key: &str,
    secret: &Secret,
) -> Result<String, VerifyError> {
    let date = header(parts.headers, DATE_HEADER).ok_or(VerifyError::Missing(DATE_HEADER))?;
    let canonical = CanonicalRequest::new(parts, |name| !name.contains('_'));
    let signature = signature(&canonical.string_to_sign(date), secret);
    Ok(format!(
        "{ALGORITHM} Access={access_key}, SignedHeaders={}, Signature={signature}",
        canonical.signed_headers()
    ))
}

/// `X-Sdk-Date` for a Unix time in seconds.
pub fn sdk_date(unix_secs: i64) -> String {
    super::utc::Layout::COMPACT.format(unix_secs.saturating_mul(1000))
}

/// Parses `YYYYMMDDTHHMMSSZ` into Unix seconds.
pub fn parse_sdk_date(value: &str) -> Option<i64> {
    let b = value.as_bytes();
    if b.len() != 16 || b[8] != b'T' || b[15] != b'Z' {
        return None;
    }
    let num = |range: std::ops::Range<usize>| value.get(range)?.parse::<u16>().ok();
    let two = |at: usize| num(at..at + 2).and_then(|n| u8::try_from(n).ok());
    let ms = super::utc::from_fields(
        i32::from(num(0..4)?),
        two(4)?,
        two(6)?,
        two(9)?,
        two(11)?,
        two(13)?,
    )?;
    Some(ms / 1000)
}

/// The parts of an `Authorization: SDK-HMAC-SHA256 …` header.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Authorization {
    /// `Access=`.
    pub access_key: String,
    /// `SignedHeaders=`, split.
    pub signed_headers: Vec<String>,
    /// `Signature=`.
    pub signature: String,
}

impl Authorization {
    /// Parses the header value.
    pub fn parse(value: &str) -> Result<Self, VerifyError> {
        let (access_key, signed_headers, signature) =
            super::authorization_params(value, ALGORITHM, "Access")?;
        Ok(Self {
            access_key: access_key.to_string(),
            signed_headers,
            signature,
        })
    }
}

/// Verifies a request the way APIG does; returns the access key on success.
pub fn verify(
    parts: RequestParts<'_>,
    secret_for: impl Fn(&str) -> Option<Secret>,
    now_unix_secs: i64,
) -> Result<String, VerifyError> {
    let auth = Authorization::parse(
        header(parts.headers, "Authorization")
            .ok_or(VerifyError::Missing("Authorization header"))?,
    )?;
    let date = header(parts.headers, DATE_HEADER).ok_or(VerifyError::Missing(DATE_HEADER))?;
    let signed_at = parse_sdk_date(date).ok_or(VerifyError::Malformed(DATE_HEADER))?;
    super::within_skew(now_unix_secs.abs_diff(signed_at), MAX_SKEW_SECS, 1)?;
    super::host_signed(&auth.signed_headers)?;
    let secret = secret_for(&auth.access_key).ok_or(VerifyError::UnknownKey)?;
    let canonical = CanonicalRequest::new(parts, |name| {
        auth.signed_headers
            .iter()
            .any(|h| h.eq_ignore_ascii_case(name))
    });
    if canonical.signed_headers() != auth.signed_headers.join(";") {
        return Err(VerifyError::Malformed(
            "SignedHeaders (a signed header is missing)",
        ));
    }
    let expected = signature(&canonical.string_to_sign(date), &secret);
    if constant_time_eq(expected.as_bytes(), auth.signature.as_bytes()) {
        Ok(auth.access_key)
    } else {
        Err(VerifyError::BadSignature)
    }
}

/// A header's value by case-insensitive name.
pub fn header<'a>(headers: &'a [(String, String)], name: &str) -> Option<&'a str> {
    headers
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case(name))
        .map(|(_, v)| v.as_str())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sdk_dates_format_and_parse() {
        assert_eq!(sdk_date(1_700_000_000), "20231114T221320Z");
        assert_eq!(parse_sdk_date("20231114T221320Z"), Some(1_700_000_000));
        assert_eq!(parse_sdk_date("20231314T221320Z"), None);
        assert_eq!(parse_sdk_date("2023-11-14"), None);
        assert_eq!(parse_sdk_date("2023111가T22132Z"), None);
    }

    #[test]
    fn canonical_uri_always_ends_in_a_slash() {
        assert_eq!(canonical_uri("/v2/p/fgs/functions"), "/v2/p/fgs/functions/");
        assert_eq!(canonical_uri("/"), "/");
        assert_eq!(canonical_uri("/a%20b/c"), "/a%20b/c/");
    }
}

/// Checks an `X-Auth-Token` header (IAM token authentication, the alternative to AK/SK)
/// against the one token the verifier accepts.
pub fn verify_token(presented: Option<&str>, accepted: &Secret) -> Result<(), VerifyError> {
    let presented = presented.ok_or(VerifyError::Missing("X-Auth-Token header"))?;
    if constant_time_eq(presented.as_bytes(), accepted.expose().as_bytes()) {
        Ok(())
    } else {
        Err(VerifyError::BadSignature)
    }
}

#[cfg(test)]
mod token_tests {
    use super::*;

    #[test]
    fn the_accepted_token_passes_and_any_other_is_refused() {
        let accepted = Secret::new("MIIE-token");
        assert_eq!(verify_token(Some("MIIE-token"), &accepted), Ok(()));
        assert_eq!(
            verify_token(Some("MIIE-tokeN"), &accepted),
            Err(VerifyError::BadSignature)
        );
        assert_eq!(
            verify_token(None, &accepted),
            Err(VerifyError::Missing("X-Auth-Token header"))
        );
    }
}
