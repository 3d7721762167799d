//! One guard for every server function: each endpoint needs a role, written in [`ENDPOINTS`],
//! and every server function calls [`guard`] before anything else.
//!
//! Who the caller is, the server's access layer decides before the server function runs
//! (`server/src/access_layer.rs`, from the session cookie or API token); the guard only
//! compares the caller's role with the endpoint's.

pub use access::{Caller, Role};

/// Every server function's endpoint and the role it needs. A server function missing here is
/// refused at run time, and fails the test that compares this table with the registered
/// server functions.
pub const ENDPOINTS: &[(&str, Role)] = &[
    ("/api/connections", Role::Viewer),
    ("/api/list_packages", Role::Viewer),
    ("/api/list_actions", Role::Viewer),
    ("/api/get_action", Role::Viewer),
    ("/api/save_package", Role::Editor),
    ("/api/create_action", Role::Editor),
    ("/api/delete_action", Role::Editor),
    ("/api/delete_package", Role::Editor),
    ("/api/run_action", Role::Editor),
    ("/api/get_run_setup", Role::Viewer),
    ("/api/stop_run", Role::Editor),
    ("/api/load_action", Role::Viewer),
    ("/api/save_action", Role::Editor),
    ("/api/list_activations", Role::Viewer),
    ("/api/get_activation", Role::Viewer),
    ("/api/sample_activations", Role::Viewer),
    ("/api/watch_activations", Role::Viewer),
    ("/api/list_async_invocations", Role::Viewer),
    ("/api/follow_async_invocations", Role::Viewer),
    ("/api/function_logs", Role::Viewer),
    ("/api/run_async", Role::Editor),
    ("/api/timeline", Role::Viewer),
    ("/api/overview_card", Role::Viewer),
    ("/api/list_audit", Role::Admin),
    ("/api/list_managed_connections", Role::Admin),
    ("/api/save_connection", Role::Admin),
    ("/api/delete_connection", Role::Admin),
    ("/api/test_connection", Role::Admin),
    // The caller's own account: any signed-in role (an anonymous visitor has no account and
    // is refused by the function).
    ("/api/change_password", Role::Viewer),
    ("/api/list_tokens", Role::Viewer),
    ("/api/create_token", Role::Viewer),
    ("/api/revoke_token", Role::Viewer),
    ("/api/list_accounts", Role::Admin),
    ("/api/create_account", Role::Admin),
    ("/api/set_account_role", Role::Admin),
    ("/api/set_account_disabled", Role::Admin),
    ("/api/delete_account", Role::Admin),
];

/// The role `endpoint` needs, when it is in the table.
pub fn required_role(endpoint: &str) -> Option<Role> {
    ENDPOINTS
        .iter()
        .find(|(path, _)| *path == endpoint)
        .map(|(_, role)| *role)
}

/// The caller of the current request, as the server's access layer put it in the request's
/// extensions (`server/src/access_layer.rs`). None there (a server function called outside a
/// request, or a router built without the layer) is no one: refused.
#[cfg(feature = "ssr")]
fn current_caller() -> Result<Caller, crate::errors::AppError> {
    leptos::prelude::use_context::<http::request::Parts>()
        .and_then(|parts| parts.extensions.get::<Caller>().cloned())
        .ok_or_else(|| {
            tracing::error!("a server function ran with no caller in its request");
            crate::errors::AppError::Misconfigured("the request has no caller".into())
        })
}

/// The current request's caller's role, when it has a caller.
#[cfg(feature = "ssr")]
pub fn caller_role() -> Option<Role> {
    leptos::prelude::use_context::<http::request::Parts>()
        .and_then(|parts| parts.extensions.get::<Caller>().map(|c| c.role))
}

/// Admits the caller to `endpoint` (a server function's `PATH`) or refuses: an endpoint not in
/// [`ENDPOINTS`] is refused for everyone, so a forgotten entry fails closed.
#[cfg(feature = "ssr")]
pub fn guard(endpoint: &str) -> Result<Caller, crate::errors::AppError> {
    use crate::errors::AppError;
    let needs = required_role(endpoint).ok_or_else(|| {
        tracing::error!(
            endpoint,
            "a server function has no entry in the guard's table"
        );
        AppError::Misconfigured(format!("{endpoint} has no role in the guard's table"))
    })?;
    admit(current_caller()?, needs)
}

/// Whether `caller` may do what needs `needs`.
pub fn admit(caller: Caller, needs: Role) -> Result<Caller, crate::errors::AppError> {
    if caller.role >= needs {
        Ok(caller)
    } else {
        Err(crate::errors::AppError::Forbidden { needs })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_are_ordered_and_a_lower_one_is_refused() {
        assert!(Role::Viewer < Role::Editor && Role::Editor < Role::Admin);
        let viewer = Caller::account("vera", Role::Viewer);
        assert!(admit(viewer.clone(), Role::Viewer).is_ok());
        assert_eq!(
            admit(viewer, Role::Editor),
            Err(crate::errors::AppError::Forbidden {
                needs: Role::Editor
            })
        );
    }

    #[test]
    fn every_endpoint_is_listed_once() {
        let mut paths: Vec<_> = ENDPOINTS.iter().map(|(p, _)| *p).collect();
        paths.sort();
        paths.dedup();
        assert_eq!(paths.len(), ENDPOINTS.len());
    }

    /// Fails when a server function is added without an entry (or an entry outlives its
    /// function): the registered server functions are exactly the table's endpoints.
    #[cfg(feature = "ssr")]
    #[test]
    fn every_registered_server_function_has_a_role_and_every_role_a_function() {
        use std::collections::BTreeSet;
        let registered: BTreeSet<&str> = leptos::server_fn::axum::server_fn_paths()
            .map(|(path, _)| path)
            .collect();
        let table: BTreeSet<&str> = ENDPOINTS.iter().map(|(p, _)| *p).collect();
        let missing: Vec<_> = registered.difference(&table).collect();
        let stale: Vec<_> = table.difference(&registered).collect();
        assert!(
            missing.is_empty() && stale.is_empty(),
            "server functions with no role in ENDPOINTS: {missing:?}; entries with no server function: {stale:?}"
        );
    }

    #[cfg(feature = "ssr")]
    #[test]
    fn an_endpoint_missing_from_the_table_is_refused() {
        assert!(matches!(
            guard("/api/not_in_the_table"),
            Err(crate::errors::AppError::Misconfigured(_))
        ));
    }

    /// With no caller in the request (no access layer), even a viewer's endpoint is refused.
    #[cfg(feature = "ssr")]
    #[test]
    fn a_request_without_a_caller_is_refused() {
        assert!(matches!(
            guard("/api/list_actions"),
            Err(crate::errors::AppError::Misconfigured(_))
        ));
    }
}
