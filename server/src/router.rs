//! The axum router: health endpoints, the Leptos pages and server functions, static files.

use app::{App, shell};
use axum::{Router, routing::get};
use leptos::prelude::provide_context;
use leptos_axum::{LeptosRoutes, file_and_error_handler_with_context, generate_route_list};
use tower_http::{compression::CompressionLayer, trace::TraceLayer};

use crate::{AppState, assets, health};

/// The whole application, ready to serve or to test with `oneshot`.
pub fn router(state: AppState) -> Router {
    let routes = generate_route_list(App);
    let directory = state.directory.clone();
    let clients = state.clients.clone();
    let store = state.store.clone();
    // Rendering and server functions both read the connection directory and the
    // connections' clients from context.
    let context = move || {
        provide_context(directory.clone());
        provide_context(clients.clone());
        provide_context(store.clone());
        // The hydration scripts carry the nonce the response's CSP allows.
        if let Some(nonce) =
            leptos::prelude::use_context::<axum::http::request::Parts>().and_then(|parts| {
                parts
                    .extensions
                    .get::<crate::security_headers::CspNonce>()
                    .cloned()
            })
        {
            provide_context(leptos::nonce::Nonce::from_value(nonce.0));
        }
    };
    let options = state.leptos_options.clone();
    let site_root = std::path::PathBuf::from(options.site_root.as_ref());

    Router::new()
        .route("/healthz", get(health::healthz))
        .route("/readyz", get(health::readyz))
        .merge(crate::sign_in::routes())
        .leptos_routes_with_context(&state, routes, context.clone(), move || {
            shell(options.clone())
        })
        .merge(assets::routes(&site_root))
        .fallback(file_and_error_handler_with_context::<AppState, _>(
            context, shell,
        ))
        .layer(axum::middleware::from_fn(
            crate::fn_status::refusals_are_4xx,
        ))
        // Decides who the caller is before any page or server function runs.
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            crate::access_layer::identify,
        ))
        // A state-changing request from another site is refused before anything else.
        .layer(axum::middleware::from_fn(crate::same_origin::check))
        .layer(axum::middleware::from_fn(crate::cache::cache_policy))
        .layer(axum::middleware::from_fn(
            crate::security_headers::security_headers,
        ))
        // Pages, server functions and any asset without a precompressed sibling go out gzipped.
        .layer(CompressionLayer::new())
        .layer(TraceLayer::new_for_http())
        .with_state(state)
}
