//! Who the caller of a request is, decided once per request before any page or server
//! function runs: the guard (`app::api::guard`) reads the [`access::Caller`] this layer puts
//! in the request's extensions.
//!
//! In order: an `Authorization: Bearer` API token (a wrong one is refused, never taken for
//! anonymous), the session cookie, then `[access] anonymous = "viewer"`. With none of them
//! there is no caller: a page answers a redirect to `/login?next=…`, a server function 401.
//! The sign-in pages, health probes and the bundle's static files need no caller.

use access::{Caller, Role};
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::{extract::Request, extract::State, middleware::Next};

use crate::AppState;

pub use access::accounts::SignedIn;

/// Paths served to anyone: signing in, health probes, the bundle's files.
fn is_public(path: &str) -> bool {
    matches!(
        path,
        "/login" | "/logout" | "/setup" | "/healthz" | "/readyz" | "/favicon.svg"
    ) || path.starts_with("/pkg/")
        || path.starts_with("/editor/")
}

/// Puts the request's caller in its extensions, or refuses a request that needs one.
pub async fn identify(State(state): State<AppState>, mut request: Request, next: Next) -> Response {
    let now = state.clock.now_ms();
    let headers = request.headers();
    let mut signed: Option<SignedIn> = None;
    let mut stale_cookie = false;

    if let Some(auth) = headers.get(header::AUTHORIZATION) {
        let token = auth
            .to_str()
            .ok()
            .and_then(|v| v.strip_prefix("Bearer "))
            .map(str::trim);
        match match token {
            Some(token) => state.store.0.token_account(token, now).await,
            None => Ok(None),
        } {
            Ok(Some(account)) => {
                signed = Some(SignedIn {
                    account,
                    session: None,
                })
            }
            Ok(None) => {
                return unauthenticated(
                    "the API token is not valid (revoked, or its account disabled)",
                );
            }
            Err(error) => return store_failed(error),
        }
    } else if let Some(id) = crate::session_cookie::read(headers, &state.cookie_key) {
        match state
            .store
            .0
            .session_account(&id, now, state.config.access.session_policy())
            .await
        {
            Ok(Some(account)) => {
                signed = Some(SignedIn {
                    account,
                    session: Some(id),
                })
            }
            Ok(None) => stale_cookie = true,
            Err(error) => return store_failed(error),
        }
    }

    let caller = match &signed {
        Some(s) => Some(Caller::account(s.account.name.clone(), s.account.role)),
        None => state
            .config
            .access
            .anonymous
            .map(|crate::config::Anonymous::Viewer| Caller::anonymous(Role::Viewer)),
    };
    let path = request.uri().path().to_owned();
    let secure = crate::session_cookie::over_https(request.headers(), request.uri());

    let mut response = match caller {
        Some(caller) => {
            request.extensions_mut().insert(caller);
            if let Some(signed) = signed {
                request.extensions_mut().insert(signed);
            }
            next.run(request).await
        }
        None if is_public(&path) => next.run(request).await,
        None if path.starts_with("/api/") || request.method() != Method::GET => {
            unauthenticated("sign in first: this needs an account")
        }
        None => {
            let target = request
                .uri()
                .path_and_query()
                .map(|pq| pq.as_str().to_owned())
                .unwrap_or_else(|| "/".into());
            let next_param: String = url_encode(&target);
            Redirect::to(&format!("/login?next={next_param}")).into_response()
        }
    };
    if stale_cookie {
        response
            .headers_mut()
            .append(header::SET_COOKIE, crate::session_cookie::clear(secure));
    }
    response
}

/// Middleware: a server function called by a role below its need is refused 403 here,
/// before its arguments are read (the function's own guard checks again). Without a caller
/// (only public paths get this far without one) nothing is decided here.
pub async fn check_role(request: Request, next: Next) -> Response {
    let path = request.uri().path();
    if path.starts_with("/api/")
        && let Some(needs) = app::api::guard::required_role(path)
        && let Some(caller) = request.extensions().get::<Caller>()
        && caller.role < needs
    {
        return json_refusal(
            StatusCode::FORBIDDEN,
            &app::errors::AppError::Forbidden { needs },
        );
    }
    next.run(request).await
}

/// A refusal in the shape a server function's error has, so the browser shows its message.
fn json_refusal(status: StatusCode, error: &app::errors::AppError) -> Response {
    let body = serde_json::to_string(error).unwrap_or_default();
    let mut response = (status, body).into_response();
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    response
}

/// 401, saying why.
fn unauthenticated(why: &str) -> Response {
    let mut response = json_refusal(
        StatusCode::UNAUTHORIZED,
        &app::errors::AppError::Unauthenticated(why.into()),
    );
    response
        .headers_mut()
        .insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
    response
}

fn store_failed(error: access::StoreError) -> Response {
    tracing::error!(%error, "the access store failed while identifying a request");
    (
        StatusCode::INTERNAL_SERVER_ERROR,
        "the console's database failed; see the server's log",
    )
        .into_response()
}

/// `text` percent-encoded for a query value.
pub(crate) fn url_encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for b in text.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~' | b'/') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}
