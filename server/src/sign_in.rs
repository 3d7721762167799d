//! Signing in and out, and the first admin's setup: small server-rendered forms (no WASM, so
//! they work before the bundle loads and cost the first page nothing), posted back here.
//!
//! Every failed sign-in answers the same message, whatever was wrong (no such account, wrong
//! password, disabled account), after the same work (`access::Store::authenticate`).

use std::net::SocketAddr;

use axum::extract::{ConnectInfo, Query, State};
use axum::http::request::Parts;
use axum::http::{StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use serde::Deserialize;

use crate::access_layer::SignedIn;
use crate::{AppState, session_cookie};

/// What every failed sign-in says.
pub const FAILED: &str = "The account or password is not right.";

/// `/login`, `/logout`, `/setup`.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/login", get(login_page).post(login))
        .route("/logout", post(logout))
        .route("/setup", get(setup_page).post(setup))
}

#[derive(Deserialize)]
struct NextQuery {
    next: Option<String>,
}

#[derive(Deserialize)]
struct LoginForm {
    account: String,
    password: String,
    #[serde(default)]
    next: String,
}

#[derive(Deserialize)]
struct SetupQuery {
    token: Option<String>,
}

#[derive(Deserialize)]
struct SetupForm {
    token: String,
    account: String,
    password: String,
}

/// Where to go after signing in: a path on this console only (never `//host` or a URL).
fn safe_next(next: &str) -> &str {
    let ok = next.starts_with('/') && !next.starts_with("//") && !next.contains('\\');
    if ok { next } else { "/" }
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&#39;")
}

fn page(state: &AppState, title: &str, body: &str) -> Html<String> {
    let css = app::assets::StylesheetHref::cached(&state.leptos_options).0;
    Html(format!(
        "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <meta name=\"color-scheme\" content=\"light dark\">\
         <link rel=\"icon\" type=\"image/svg+xml\" href=\"/favicon.svg\">\
         <link rel=\"stylesheet\" href=\"{}\"><title>{} · fnconsole</title></head>\
         <body><main class=\"page sign-in\"><h1>{}</h1>{body}</main></body></html>",
        escape(&css),
        escape(title),
        escape(title)
    ))
}

fn login_form(state: &AppState, message: Option<&str>, account: &str, next: &str) -> Html<String> {
    let message = message
        .map(|m| format!("<p class=\"form-error\" role=\"alert\">{}</p>", escape(m)))
        .unwrap_or_default();
    page(
        state,
        "Sign in",
        &format!(
            "<form class=\"form\" method=\"post\" action=\"/login\">{message}\
             <label>Account <input name=\"account\" autocomplete=\"username\" required value=\"{}\"></label>\
             <label>Password <input name=\"password\" type=\"password\" autocomplete=\"current-password\" required></label>\
             <input type=\"hidden\" name=\"next\" value=\"{}\">\
             <div class=\"form-buttons\"><button type=\"submit\">Sign in</button></div></form>",
            escape(account),
            escape(next)
        ),
    )
}

async fn login_page(State(state): State<AppState>, Query(q): Query<NextQuery>) -> Html<String> {
    login_form(
        &state,
        None,
        "",
        safe_next(q.next.as_deref().unwrap_or("/")),
    )
}

/// The client's address for the per-address limit: the socket's peer (a proxy's address when
/// behind one: then every client shares the proxy's limit, which only makes it stricter).
fn address(parts: &Parts) -> String {
    parts
        .extensions
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| c.0.ip().to_string())
        .unwrap_or_else(|| "unknown".into())
}

/// Starts a session for `account` and answers the redirect that sets its cookie.
async fn start_session(state: &AppState, parts: &Parts, account_id: i64, to: &str) -> Response {
    let now = state.clock.now_ms();
    let id = match state.store.0.create_session(account_id, now).await {
        Ok(id) => id,
        Err(error) => return failed(error),
    };
    let secure = session_cookie::over_https(&parts.headers, &parts.uri);
    let max_age = state.config.access.session_policy().absolute_ms / 1000;
    let mut response = Redirect::to(to).into_response();
    if let Some(cookie) = session_cookie::set(&id, &state.cookie_key, secure, max_age) {
        response.headers_mut().append(header::SET_COOKIE, cookie);
    }
    response
}

fn failed(error: impl std::fmt::Display) -> Response {
    tracing::error!(%error, "signing in failed in the store");
    (
        StatusCode::INTERNAL_SERVER_ERROR,
        "the console's database failed; see the server's log",
    )
        .into_response()
}

async fn login(
    State(state): State<AppState>,
    parts: Parts,
    Form(form): Form<LoginForm>,
) -> Response {
    let now = state.clock.now_ms();
    let from = address(&parts);
    let next = safe_next(&form.next).to_owned();
    if let Some(wait_ms) = state.limiter.blocked_for(&form.account, &from, now) {
        let minutes = (wait_ms + 59_999) / 60_000;
        let message = format!("Too many failed sign-ins: try again in {minutes} minute(s).");
        let mut response = login_form(&state, Some(&message), &form.account, &next).into_response();
        *response.status_mut() = StatusCode::TOO_MANY_REQUESTS;
        return response;
    }
    match state
        .store
        .authenticate(&form.account, &form.password)
        .await
    {
        Ok(Some(account)) => {
            state.limiter.succeeded(&form.account);
            tracing::info!(account = %account.name, "signed in");
            start_session(&state, &parts, account.id, &next).await
        }
        Ok(None) => {
            state.limiter.failed(&form.account, &from, now);
            let mut response =
                login_form(&state, Some(FAILED), &form.account, &next).into_response();
            *response.status_mut() = StatusCode::UNAUTHORIZED;
            response
        }
        Err(error) => failed(error),
    }
}

async fn logout(State(state): State<AppState>, parts: Parts) -> Response {
    if let Some(SignedIn {
        session: Some(id), ..
    }) = parts.extensions.get::<SignedIn>()
        && let Err(error) = state.store.0.end_session(id).await
    {
        return failed(error);
    }
    let secure = session_cookie::over_https(&parts.headers, &parts.uri);
    let mut response = Redirect::to("/login").into_response();
    response
        .headers_mut()
        .append(header::SET_COOKIE, session_cookie::clear(secure));
    response
}

fn setup_form(state: &AppState, token: &str, message: Option<&str>) -> Html<String> {
    let message = message
        .map(|m| format!("<p class=\"form-error\" role=\"alert\">{}</p>", escape(m)))
        .unwrap_or_default();
    page(
        state,
        "Create the first admin",
        &format!(
            "<form class=\"form\" method=\"post\" action=\"/setup\">{message}\
             <label>Account <input name=\"account\" autocomplete=\"username\" required></label>\
             <label>Password <input name=\"password\" type=\"password\" autocomplete=\"new-password\" required minlength=\"{}\"></label>\
             <input type=\"hidden\" name=\"token\" value=\"{}\">\
             <div class=\"form-buttons\"><button type=\"submit\">Create admin</button></div></form>",
            access::password::MIN_LEN,
            escape(token)
        ),
    )
}

async fn setup_page(State(state): State<AppState>, Query(q): Query<SetupQuery>) -> Response {
    match state.store.0.account_count().await {
        Ok(0) => setup_form(&state, q.token.as_deref().unwrap_or(""), None).into_response(),
        Ok(_) => page(
            &state,
            "Already set up",
            "<p>The first admin exists. <a href=\"/login\">Sign in</a>.</p>",
        )
        .into_response(),
        Err(error) => failed(error),
    }
}

async fn setup(
    State(state): State<AppState>,
    parts: Parts,
    Form(form): Form<SetupForm>,
) -> Response {
    let now = state.clock.now_ms();
    match state
        .store
        .set_up_first_admin(&form.token, &form.account, &form.password, now)
        .await
    {
        Ok(admin) => {
            tracing::info!(account = %admin.name, "the first admin was created");
            start_session(&state, &parts, admin.id, "/").await
        }
        Err(access::AccessError::Store(error)) => failed(error),
        Err(refused) => {
            let status = match refused {
                access::AccessError::SetupClosed => StatusCode::FORBIDDEN,
                _ => StatusCode::BAD_REQUEST,
            };
            let mut response =
                setup_form(&state, &form.token, Some(&refused.to_string())).into_response();
            *response.status_mut() = status;
            response
        }
    }
}
