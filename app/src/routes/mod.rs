//! One module per page.

mod account;
mod accounts;
mod action;
mod actions;
mod activations;
mod async_invocations;
mod audit;
mod home;
mod logs;
mod not_found;
mod overview;
mod query;
mod settings;
mod timeline;

pub use account::AccountRoute;
pub use accounts::AccountsRoute;
pub use action::{ActionRoute, action_href};
pub use actions::ActionsRoute;
pub use activations::{ActionActivations, ActivationRoute, ActivationsRoute};
pub(crate) use activations::{
    activation_view_from_query, detail_href as activation_detail_href, format_duration, format_utc,
    input_value, parse_time, thousands,
};
pub use async_invocations::AsyncInvocationsRoute;
pub use audit::AuditRoute;
pub use home::HomePage;
pub use logs::LogsRoute;
pub use not_found::NotFoundPage;
pub(crate) use query::query_href;
pub use settings::SettingsRoute;
pub use timeline::TimelineRoute;
#[cfg(feature = "ssr")]
pub(crate) use timeline::url::view_href as timeline_href;

/// Fetches the split chunk of the page at the browser's current address, when that page is a
/// lazy route, so the page can be hydrated synchronously once it is here.
#[cfg(feature = "hydrate")]
pub async fn preload_current_page() {
    use leptos_router::LazyRoute;
    let path = leptos::prelude::window()
        .location()
        .pathname()
        .unwrap_or_default();
    match path.trim_end_matches('/') {
        "/actions" => <ActionsRoute as LazyRoute>::preload().await,
        p if p.starts_with("/actions/") => <ActionRoute as LazyRoute>::preload().await,
        "/settings" => <SettingsRoute as LazyRoute>::preload().await,
        "/activations" => <ActivationsRoute as LazyRoute>::preload().await,
        p if p.starts_with("/activations/") => <ActivationRoute as LazyRoute>::preload().await,
        "/async" => <AsyncInvocationsRoute as LazyRoute>::preload().await,
        "/audit" => <AuditRoute as LazyRoute>::preload().await,
        "/account" => <AccountRoute as LazyRoute>::preload().await,
        "/accounts" => <AccountsRoute as LazyRoute>::preload().await,
        "/logs" => <LogsRoute as LazyRoute>::preload().await,
        "/timeline" => <TimelineRoute as LazyRoute>::preload().await,
        _ => {}
    }
}
pub(crate) use activations::time as times;

/// Writes `text` to the clipboard; whether the browser allowed it.
#[cfg(feature = "hydrate")]
pub(crate) async fn copy_text(text: &str) -> bool {
    let clipboard = leptos::prelude::window().navigator().clipboard();
    wasm_bindgen_futures::JsFuture::from(clipboard.write_text(text))
        .await
        .is_ok()
}
