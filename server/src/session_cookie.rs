//! The session cookie: the session's random id, encrypted and authenticated with AES-256-GCM
//! (the `cookie` crate's private jar) under a key derived from the console's secret key, so
//! the browser can neither read nor forge it and every replica sharing the key can read it.
//! `HttpOnly`, `SameSite=Lax`, `Path=/`, and `Secure` when the console is reached over HTTPS.

use axum::http::{HeaderMap, HeaderValue, header};
use cookie::{Cookie, CookieJar, Key, SameSite};

/// The cookie's name.
pub const NAME: &str = "fnconsole_session";

/// The cookie key for `secret`: 64 bytes derived for this purpose only.
pub fn key(secret: &access::key::SecretKey) -> Key {
    let mut bytes = [0u8; 64];
    bytes[..32].copy_from_slice(&secret.derive("session-cookie/encryption"));
    bytes[32..].copy_from_slice(&secret.derive("session-cookie/signing"));
    Key::from(&bytes)
}

/// The session id the request's cookie holds, when it decrypts under `key`.
pub fn read(headers: &HeaderMap, key: &Key) -> Option<String> {
    let mut jar = CookieJar::new();
    for value in headers.get_all(header::COOKIE) {
        let Ok(text) = value.to_str() else { continue };
        for cookie in Cookie::split_parse_encoded(text.to_owned()).flatten() {
            if cookie.name() == NAME {
                jar.add_original(cookie.into_owned());
            }
        }
    }
    jar.private(key).get(NAME).map(|c| c.value().to_owned())
}

/// Whether the browser reached the console over HTTPS (directly, or through a proxy that says
/// so in `X-Forwarded-Proto`).
pub fn over_https(headers: &HeaderMap, uri: &axum::http::Uri) -> bool {
    uri.scheme_str() == Some("https")
        || headers
            .get("x-forwarded-proto")
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.trim().eq_ignore_ascii_case("https"))
}

fn base(value: String, secure: bool) -> Cookie<'static> {
    Cookie::build((NAME, value))
        .http_only(true)
        .same_site(SameSite::Lax)
        .path("/")
        .secure(secure)
        .build()
}

/// The `Set-Cookie` value that gives the browser session `id` for `max_age_s` seconds.
pub fn set(id: &str, key: &Key, secure: bool, max_age_s: i64) -> Option<HeaderValue> {
    let mut jar = CookieJar::new();
    let mut cookie = base(id.to_owned(), secure);
    cookie.set_max_age(cookie::time::Duration::seconds(max_age_s));
    jar.private_mut(key).add(cookie);
    let out = jar.delta().next()?.encoded().to_string();
    HeaderValue::from_str(&out).ok()
}

/// The `Set-Cookie` value that removes the cookie.
pub fn clear(secure: bool) -> HeaderValue {
    let mut cookie = base(String::new(), secure);
    cookie.make_removal();
    // A cookie's text is ASCII: the header value is valid.
    HeaderValue::from_str(&cookie.to_string()).unwrap_or(HeaderValue::from_static(""))
}
