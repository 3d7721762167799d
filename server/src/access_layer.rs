//! Who the caller of a request is, decided once per request before any page or server
//! function runs: the guard (`app::api::guard`) reads the [`access::Caller`] this layer puts
//! in the request's extensions, and refuses a request that has none.

use axum::{extract::Request, extract::State, middleware::Next, response::Response};

use crate::AppState;

/// Puts the request's caller in its extensions.
///
/// Until sign-in exists, every caller is the local user as an admin (the console binds to
/// loopback by default); sessions and API tokens replace this.
pub async fn identify(
    State(_state): State<AppState>,
    mut request: Request,
    next: Next,
) -> Response {
    request
        .extensions_mut()
        .insert(access::Caller::account("local", access::Role::Admin));
    next.run(request).await
}
