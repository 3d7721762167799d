//! Tencent Cloud API 3.0 `TC3-HMAC-SHA256`, as `tencentcloud-sdk-python` builds it.
//!
//! Canonical request `METHOD\n/\n{query}\n{headers}\n\n{signed}\n{hex sha256(body)}`; credential
//! scope `{UTC date}/{service}/tc3_request`; key chain `"TC3"+SK → date → service →
//! "tc3_request"`; hex signature.

use std::fmt;

use super::crypto::{constant_time_eq, hmac_sha256, sha256_hex};
use super::{Secret, VerifyError};

/// The algorithm's name.
pub const ALGORITHM: &str = "TC3-HMAC-SHA256";
/// Header carrying the request time, Unix seconds.
pub const TIMESTAMP_HEADER: &str = "X-TC-Timestamp";
/// How far the timestamp may be from the server's clock (Tencent allows 5 minutes).
pub const MAX_SKEW_SECS: u64 = 5 * 60;

/// The canonical request, printed exactly as signed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CanonicalRequest {
    method: String,
    /// The query string exactly as sent (GET); empty for POST.
    query: String,
    /// `(lower-case name, trimmed value)` in signed order.
    headers: Vec<(String, String)>,
    payload_hash: String,
}

impl CanonicalRequest {
    /// A canonical request over `headers` (name, value), signed in the order given, which for
    /// the SDKs is `content-type` then `host`.
    pub fn new(method: &str, query: &str, headers: &[(&str, &str)], body: &[u8]) -> Self {
        Self {
            method: method.to_ascii_uppercase(),
            query: query.to_string(),
            headers: headers
                .iter()
                .map(|(n, v)| (n.to_ascii_lowercase(), v.trim().to_string()))
                .collect(),
            payload_hash: sha256_hex(body),
        }
    }

    /// `content-type;host`.
    pub fn signed_headers(&self) -> String {
        self.headers
            .iter()
            .map(|(n, _)| n.as_str())
            .collect::<Vec<_>>()
            .join(";")
    }
}

impl fmt::Display for CanonicalRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "{}", self.method)?;
        writeln!(f, "/")?;
        writeln!(f, "{}", self.query)?;
        for (name, value) in &self.headers {
            writeln!(f, "{name}:{value}")?;
        }
        writeln!(f)?;
        writeln!(f, "{}", self.signed_headers())?;
        write!(f, "{}", self.payload_hash)
    }
}

/// The UTC date (`YYYY-MM-DD`) of a Unix time: the credential scope's date.
pub fn scope_date(unix_secs: i64) -> String {
    super::utc::Layout::DATE.format(unix_secs.saturating_mul(1000))
}

/// The string to sign.
pub fn string_to_sign(canonical: &CanonicalRequest, unix_secs: i64, service: &str) -> String {
    format!(
        "{ALGORITHM}\n{unix_secs}\n{}/{service}/tc3_request\n{}",
        scope_date(unix_secs),
        sha256_hex(canonical.to_string().as_bytes())
    )
}

/// The hex signature: the key chain applied to the string to sign.
pub fn signature(string_to_sign: &str, secret: &Secret, date: &str, service: &str) -> String {
    let k_date = hmac_sha256(
        format!("TC3{}", secret.expose()).as_bytes(),
        date.as_bytes(),
    );
    let k_service = hmac_sha256(&k_date, service.as_bytes());
    let k_signing = hmac_sha256(&k_service, b"tc3_request");
    hex::encode(hmac_sha256(&k_signing, string_to_sign.as_bytes()))
}

/// Signs a request; returns the `Authorization` header value.
pub fn sign(
    canonical: &CanonicalRequest,
    unix_secs: i64,
    service: &str,
    secret_id: &str,
    secret: &Secret,
) -> String {
    let date = scope_date(unix_secs);
    let sts = string_to_sign(canonical, unix_secs, service);
    format!(
        "{ALGORITHM} Credential={secret_id}/{date}/{service}/tc3_request, SignedHeaders={}, Signature={}",
        canonical.signed_headers(),
        signature(&sts, secret, &date, service)
    )
}

/// The parts of an `Authorization: TC3-HMAC-SHA256 …` header.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Authorization {
    /// The secret id.
    pub secret_id: String,
    /// The scope's date.
    pub date: String,
    /// The scope's service.
    pub service: String,
    /// Signed header names.
    pub signed_headers: Vec<String>,
    /// The hex signature.
    pub signature: String,
}

impl Authorization {
    /// Parses the header value.
    pub fn parse(value: &str) -> Result<Self, VerifyError> {
        let (credential, signed_headers, signature) =
            super::authorization_params(value, ALGORITHM, "Credential")?;
        let credential: Vec<&str> = credential.split('/').collect();
        let [secret_id, date, service, "tc3_request"] = credential.as_slice() else {
            return Err(VerifyError::Malformed("Authorization credential scope"));
        };
        Ok(Self {
            secret_id: secret_id.to_string(),
            date: date.to_string(),
            service: service.to_string(),
            signed_headers,
            signature,
        })
    }
}

/// Verifies a TC3 request. `header` reads a request header by case-insensitive name; `query`
/// is the raw query string as received. Returns the secret id.
pub fn verify<'a>(
    method: &str,
    query: &str,
    header: impl Fn(&str) -> Option<&'a str>,
    body: &[u8],
    secret_for: impl Fn(&str) -> Option<Secret>,
    now_unix_secs: i64,
) -> Result<String, VerifyError> {
    let auth = Authorization::parse(
        header("Authorization").ok_or(VerifyError::Missing("Authorization header"))?,
    )?;
    let ts: i64 = header(TIMESTAMP_HEADER)
        .ok_or(VerifyError::Missing(TIMESTAMP_HEADER))?
        .parse()
        .map_err(|_| VerifyError::Malformed(TIMESTAMP_HEADER))?;
    super::within_skew(now_unix_secs.abs_diff(ts), MAX_SKEW_SECS, 1)?;
    if auth.date != scope_date(ts) {
        return Err(VerifyError::Malformed(
            "credential scope date (not the UTC date of X-TC-Timestamp)",
        ));
    }
    super::host_signed(&auth.signed_headers)?;
    let secret = secret_for(&auth.secret_id).ok_or(VerifyError::UnknownKey)?;
    let mut headers = Vec::with_capacity(auth.signed_headers.len());
    for name in &auth.signed_headers {
        headers.push((
            name.as_str(),
            header(name).ok_or(VerifyError::Missing("a signed header"))?,
        ));
    }
    // A POST's query is not part of what the SDKs sign; a GET signs it as sent.
    let signed_query = if method.eq_ignore_ascii_case("GET") {
        query
    } else {
        ""
    };
    let canonical = CanonicalRequest::new(method, signed_query, &headers, body);
    let expected = signature(
        &string_to_sign(&canonical, ts, &auth.service),
        &secret,
        &auth.date,
        &auth.service,
    );
    if constant_time_eq(expected.as_bytes(), auth.signature.as_bytes()) {
        Ok(auth.secret_id)
    } else {
        Err(VerifyError::BadSignature)
    }
}
