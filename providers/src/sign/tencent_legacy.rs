//! Tencent Cloud's older signature: API 2.0 (`qcloudapi-sdk-python`) and API 3.0's
//! `HmacSHA1`/`HmacSHA256` mode (`tencentcloud-sdk-python`).
//!
//! `base64(HMAC(secret, METHOD + host + path + "?" + k=v&… sorted by key))`, values raw
//! (not encoded) in the signed string but form-encoded on the wire.

use base64::{Engine, engine::general_purpose::STANDARD as BASE64};
use std::fmt;

use super::crypto::{constant_time_eq, hmac_sha1, hmac_sha256};
use super::{Secret, VerifyError};

/// How far `Timestamp` may be from the server's clock.
pub const MAX_SKEW_SECS: u64 = 5 * 60;

/// `SignatureMethod`: which HMAC.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SignatureMethod {
    /// `HmacSHA1`, the default when the parameter is absent.
    HmacSha1,
    /// `HmacSHA256`.
    HmacSha256,
}

impl SignatureMethod {
    /// The parameter value.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::HmacSha1 => "HmacSHA1",
            Self::HmacSha256 => "HmacSHA256",
        }
    }

    /// Parses the parameter value.
    pub fn parse(value: &str) -> Option<Self> {
        match value {
            "HmacSHA1" => Some(Self::HmacSha1),
            "HmacSHA256" => Some(Self::HmacSha256),
            _ => None,
        }
    }
}

/// How keys appear in the signed string.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyStyle {
    /// API 2.0 (`qcloudapi-sdk-python`): `_` in a key is signed as `.` (`filter_retCode` →
    /// `filter.retCode`); the wire keeps `_`.
    DotsForUnderscores,
    /// API 3.0's HmacSHA mode: keys as they are.
    AsIs,
}

/// The string that is signed.
#[derive(Debug, Clone)]
pub struct StringToSign<'a> {
    /// HTTP method.
    pub method: &'a str,
    /// Host (`scf.api.qcloud.com`).
    pub host: &'a str,
    /// Path (`/v2/index.php`, or `/` for API 3.0).
    pub path: &'a str,
    /// Every parameter but `Signature`, decoded.
    pub params: &'a [(String, String)],
    /// How keys are written.
    pub key_style: KeyStyle,
}

impl fmt::Display for StringToSign<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let post = self.method.eq_ignore_ascii_case("POST");
        let mut params: Vec<_> = self
            .params
            .iter()
            .filter(|(k, _)| k != "Signature")
            // A POST value starting with '@' is a file upload, which the SDK leaves unsigned.
            .filter(|(_, v)| !(post && v.starts_with('@')))
            .collect();
        params.sort_by(|a, b| a.0.cmp(&b.0));
        write!(
            f,
            "{}{}{}?",
            self.method.to_ascii_uppercase(),
            self.host,
            self.path
        )?;
        for (i, (k, v)) in params.into_iter().enumerate() {
            if i > 0 {
                f.write_str("&")?;
            }
            match self.key_style {
                KeyStyle::DotsForUnderscores => write!(f, "{}={v}", k.replace('_', "."))?,
                KeyStyle::AsIs => write!(f, "{k}={v}")?,
            }
        }
        Ok(())
    }
}

impl StringToSign<'_> {
    /// The base64 signature under `secret`.
    pub fn sign(&self, method: SignatureMethod, secret: &Secret) -> String {
        let text = self.to_string();
        let key = secret.expose().as_bytes();
        match method {
            SignatureMethod::HmacSha1 => BASE64.encode(hmac_sha1(key, text.as_bytes())),
            SignatureMethod::HmacSha256 => BASE64.encode(hmac_sha256(key, text.as_bytes())),
        }
    }
}

/// Verifies a request's parameters (decoded, `Signature` included). Returns the secret id.
pub fn verify(
    to_sign: &StringToSign<'_>,
    secret_for: impl Fn(&str) -> Option<Secret>,
    now_unix_secs: i64,
) -> Result<String, VerifyError> {
    let param = |name: &str| {
        to_sign
            .params
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    };
    let presented = param("Signature").ok_or(VerifyError::Missing("Signature parameter"))?;
    let secret_id = param("SecretId").ok_or(VerifyError::Missing("SecretId parameter"))?;
    let ts: i64 = param("Timestamp")
        .ok_or(VerifyError::Missing("Timestamp parameter"))?
        .parse()
        .map_err(|_| VerifyError::Malformed("Timestamp parameter"))?;
    super::within_skew(now_unix_secs.abs_diff(ts), MAX_SKEW_SECS, 1)?;
    let method = match param("SignatureMethod") {
        None => SignatureMethod::HmacSha1,
        Some(m) => {
            SignatureMethod::parse(m).ok_or(VerifyError::Malformed("SignatureMethod parameter"))?
        }
    };
    let secret = secret_for(secret_id).ok_or(VerifyError::UnknownKey)?;
    let expected = to_sign.sign(method, &secret);
    if constant_time_eq(expected.as_bytes(), presented.as_bytes()) {
        Ok(secret_id.to_string())
    } else {
        Err(VerifyError::BadSignature)
    }
}
