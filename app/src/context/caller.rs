//! Who is using the page, as the server decided it (`server/src/access_layer.rs`): rendered
//! into the page once and read back by the browser at hydration ([`SharedValue`]), so the
//! header and every control a role cannot use agree on both sides with no extra request.
//!
//! This only hides what a role cannot do; the server refuses it anyway.

use access::{Caller, Role};
use leptos::prelude::*;

/// The page's caller; `None` on a page rendered without one (no access layer).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PageCaller(pub Option<Caller>);

/// Provides the page's caller: on the server from the request, in the browser from what
/// the server rendered.
pub fn provide_caller() {
    let caller = SharedValue::new(request_caller).into_inner();
    provide_context(PageCaller(caller));
}

#[cfg(feature = "ssr")]
fn request_caller() -> Option<Caller> {
    use_context::<http::request::Parts>()
        .and_then(|parts| parts.extensions.get::<Caller>().cloned())
}

/// In the browser the value comes from the page; this runs only for a page not hydrated
/// from the server's HTML (never, in this app).
#[cfg(not(feature = "ssr"))]
fn request_caller() -> Option<Caller> {
    None
}

/// The page's caller.
pub fn use_caller() -> Option<Caller> {
    use_context::<PageCaller>().and_then(|c| c.0)
}

/// Whether the page's caller has at least `role`.
pub fn caller_can(role: Role) -> bool {
    use_caller().is_some_and(|c| c.role >= role)
}
