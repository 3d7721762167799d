//! The axum router: health endpoints, the Leptos pages and server functions, static files.

use app::{App, shell};
use axum::{Router, routing::get};
use leptos::prelude::provide_context;
use leptos_axum::{LeptosRoutes, file_and_error_handler_with_context, generate_route_list};
use tower_http::{compression::CompressionLayer, trace::TraceLayer};

use crate::{AppState, assets, health};

/// The whole application, ready to serve or to test with `oneshot`.
pub fn router(state: AppState) -> Router {
    let routes = pages(state.clone())
        // Decides who the caller is before any page or server function runs.
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            crate::access_layer::identify,
        ));
    finish(routes, state)
}

/// The application with every request's caller fixed to `caller` instead of decided by the
/// access layer: for tests of what each role may do and of what the audit log records.
pub fn router_as(state: AppState, caller: access::Caller) -> Router {
    let routes = pages(state.clone()).layer(axum::middleware::from_fn(
        move |mut request: axum::extract::Request, next: axum::middleware::Next| {
            request.extensions_mut().insert(caller.clone());
            next.run(request)
        },
    ));
    finish(routes, state)
}

/// The pages, server functions and files, with the layers that need to know the caller.
fn pages(state: AppState) -> Router<AppState> {
    let routes = generate_route_list(App);
    let live = state.connections.clone();
    let store = state.store.clone();
    let admin = app::context::server::ConnectionAdminHandle(std::sync::Arc::new(
        crate::ui_connections::Admin {
            live: live.clone(),
            store: store.clone(),
            sealer: std::sync::Arc::new(state.sealer()),
        },
    ));
    // Rendering and server functions both read the connection directory and the
    // connections' clients from context: each request takes the current snapshot.
    let context = move || {
        provide_context(live.directory());
        provide_context(live.clients());
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
        provide_context(admin.clone());
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
        // A server function's role is checked before its arguments are read (its own guard
        // checks it again); inside the audit layer, so a refused call is recorded too.
        .layer(axum::middleware::from_fn(crate::access_layer::check_role))
        // Inside the caller's layer (it reads the caller), outside fn_status and the role
        // check (it records the status a refusal is finally answered with).
        .layer(axum::middleware::from_fn_with_state(
            state,
            crate::audit_layer::record,
        ))
}

/// The layers every answer passes through, and the state.
fn finish(routes: Router<AppState>, state: AppState) -> Router {
    routes
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
