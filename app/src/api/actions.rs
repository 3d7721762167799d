//! Server functions for the actions page: packages and actions of one connection, over the one
//! client surface (`providers::client::Operations`), in the common model.
//!
//! Each checks the caller with [`guard`](super::guard::guard) first, then reaches the
//! connection's client, built once by the server ([`ConnectionClients`] in context). The rules
//! a form checks before sending live here too ([`validate_new_action`], [`validate_name`]) and
//! run again on the server.
//!
//! [`ConnectionClients`]: crate::context::server::ConnectionClients

use leptos::prelude::*;
use providers::{ActionSpec, ActionSummary, Capabilities, ConnectionSummary};
use serde::{Deserialize, Serialize};

use crate::errors::AppError;

/// The runtimes offered in the "New action" form (the embedded engine runs the Node.js ones).
pub const KINDS: [&str; 4] = ["nodejs:20", "nodejs:22", "nodejs:18", "python:3.11"];
pub use providers::rules::{MEMORY_SIZES, TIMEOUT_RANGE};
/// The default timeout of a new action, ms.
pub const DEFAULT_TIMEOUT_MS: u64 = 60_000;
/// The pattern of package and action names, as the `pattern` attribute writes it.
pub const NAME_PATTERN: &str = "[A-Za-z0-9_][A-Za-z0-9_\\-]{0,49}";

/// A package in the list: its name, description and how many actions it holds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PackageSummary {
    /// The name.
    pub name: String,
    /// Its description, when it has one.
    pub description: Option<String>,
    /// How many actions it holds.
    pub actions: usize,
}

/// What the actions page shows of one connection.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ActionListing {
    /// The connection listed (the first configured when none was named).
    pub connection: ConnectionSummary,
    /// What it can do, so the page hides what it cannot.
    pub capabilities: Capabilities,
    /// Why packages cannot be created or deleted on it, when they cannot.
    pub packages_read_only: Option<String>,
    /// Its packages, by name.
    pub packages: Vec<PackageSummary>,
    /// Its actions, top-level ones first, then by package and name.
    pub actions: Vec<ActionSummary>,
}

/// Checks a package or action name by seed 004's rule (`providers::rules`), worded for the
/// form.
pub fn validate_name(field: &str, value: &str) -> Result<(), AppError> {
    if providers::rules::is_allowed_name(value) {
        Ok(())
    } else if value.is_empty() {
        Err(AppError::invalid(field, "Enter a name."))
    } else {
        Err(AppError::invalid(
            field,
            format!("Use {}.", providers::rules::NAME_RULE),
        ))
    }
}

/// What the "New action" form sends.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewAction {
    /// The package; empty for the top level.
    pub package: String,
    /// The action's name.
    pub name: String,
    /// Its runtime, one of [`KINDS`].
    pub kind: String,
    /// Its source code.
    pub code: String,
    /// Its timeout, ms, in [`TIMEOUT_RANGE`].
    pub timeout_ms: u64,
    /// Its memory, MB, one of [`MEMORY_SIZES`].
    pub memory_mb: u64,
}

/// Every problem of `new`, one per field, in the form's order.
pub fn validate_new_action(new: &NewAction) -> Vec<AppError> {
    let mut problems = Vec::new();
    if !new.package.is_empty()
        && let Err(e) = validate_name("package", &new.package)
    {
        problems.push(e);
    }
    if let Err(e) = validate_name("name", &new.name) {
        problems.push(e);
    }
    if !KINDS.contains(&new.kind.as_str()) {
        problems.push(AppError::invalid(
            "kind",
            format!("Pick one of {}.", KINDS.join(", ")),
        ));
    }
    if new.code.trim().is_empty() {
        problems.push(AppError::invalid("code", "Enter the action's code."));
    }
    if !TIMEOUT_RANGE.contains(&new.timeout_ms) {
        problems.push(AppError::invalid(
            "timeout_ms",
            "The timeout must be 500 to 300,000 ms.",
        ));
    }
    if !MEMORY_SIZES.contains(&new.memory_mb) {
        problems.push(AppError::invalid(
            "memory_mb",
            "The memory must be 128, 256, 512 or 1024 MB.",
        ));
    }
    problems
}

/// The packages of `connection` (the first configured when `None`), with their action counts.
#[server(endpoint = "list_packages")]
pub async fn list_packages(connection: Option<String>) -> Result<Vec<PackageSummary>, AppError> {
    super::guard::guard(<ListPackages as leptos::server_fn::ServerFn>::PATH)?;
    let c = super::backend::connection(connection.as_deref())?;
    Ok(super::backend::listing(&c).await?.0)
}

/// The packages and actions of `connection` (the first configured when `None`), with what the
/// connection can do.
#[server(endpoint = "list_actions")]
pub async fn list_actions(connection: Option<String>) -> Result<ActionListing, AppError> {
    use providers::client::Operations;
    super::guard::guard(<ListActions as leptos::server_fn::ServerFn>::PATH)?;
    let c = super::backend::connection(connection.as_deref())?;
    let (packages, actions) = super::backend::listing(&c).await?;
    let capabilities = c
        .client
        .as_ref()
        .map(|client| client.capabilities())
        .unwrap_or_default();
    Ok(ActionListing {
        packages_read_only: super::backend::packages_read_only(&c),
        connection: c.summary.clone(),
        capabilities,
        packages,
        actions,
    })
}

/// One action in full.
#[server(endpoint = "get_action")]
pub async fn get_action(
    connection: Option<String>,
    package: Option<String>,
    name: String,
) -> Result<ActionSpec, AppError> {
    use providers::client::Operations;
    super::guard::guard(<GetAction as leptos::server_fn::ServerFn>::PATH)?;
    let c = super::backend::connection(connection.as_deref())?;
    let action = providers::ActionRef { package, name };
    Ok(super::backend::client(&c)?.get_action(&action).await?)
}

/// Creates a package, or updates its description.
#[server(endpoint = "save_package")]
pub async fn save_package(
    connection: String,
    name: String,
    description: Option<String>,
) -> Result<PackageSummary, AppError> {
    use providers::client::Operations;
    super::guard::guard(<SavePackage as leptos::server_fn::ServerFn>::PATH)?;
    validate_name("name", &name)?;
    let c = super::backend::connection(Some(&connection))?;
    let spec = providers::PackageSpec {
        description: description.filter(|d| !d.trim().is_empty()),
        ..providers::PackageSpec::named(name)
    };
    let stored = super::backend::client(&c)?.put_package(&spec).await?;
    Ok(PackageSummary {
        name: stored.name,
        description: stored.description,
        actions: 0,
    })
}

/// Creates an action; one that already exists is refused on its name, never replaced.
#[server(endpoint = "create_action")]
pub async fn create_action(
    connection: String,
    package: String,
    name: String,
    kind: String,
    code: String,
    timeout_ms: u64,
    memory_mb: u64,
) -> Result<ActionSummary, AppError> {
    super::guard::guard(<CreateAction as leptos::server_fn::ServerFn>::PATH)?;
    let new = NewAction {
        package,
        name,
        kind,
        code,
        timeout_ms,
        memory_mb,
    };
    if let Some(problem) = validate_new_action(&new).into_iter().next() {
        return Err(problem);
    }
    let c = super::backend::connection(Some(&connection))?;
    super::backend::create_action(&c, new).await
}

/// Deletes an action.
#[server(endpoint = "delete_action")]
pub async fn delete_action(
    connection: String,
    package: Option<String>,
    name: String,
) -> Result<(), AppError> {
    use providers::client::Operations;
    super::guard::guard(<DeleteAction as leptos::server_fn::ServerFn>::PATH)?;
    let c = super::backend::connection(Some(&connection))?;
    let action = providers::ActionRef { package, name };
    Ok(super::backend::client(&c)?.delete_action(&action).await?)
}

/// Deletes an empty package (one that still holds actions is refused by the provider).
#[server(endpoint = "delete_package")]
pub async fn delete_package(connection: String, name: String) -> Result<(), AppError> {
    use providers::client::Operations;
    super::guard::guard(<DeletePackage as leptos::server_fn::ServerFn>::PATH)?;
    let c = super::backend::connection(Some(&connection))?;
    Ok(super::backend::client(&c)?.delete_package(&name).await?)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn new() -> NewAction {
        NewAction {
            package: "demo".into(),
            name: "hello".into(),
            kind: "nodejs:20".into(),
            code: "function main() { return {}; }".into(),
            timeout_ms: 60_000,
            memory_mb: 256,
        }
    }

    #[test]
    fn a_good_new_action_passes() {
        assert_eq!(validate_new_action(&new()), vec![]);
        assert_eq!(
            validate_new_action(&NewAction {
                package: String::new(),
                ..new()
            }),
            vec![]
        );
    }

    #[test]
    fn each_bad_field_is_named() {
        let bad = NewAction {
            package: "-x".into(),
            name: "has space".into(),
            kind: "cobol".into(),
            code: "  ".into(),
            timeout_ms: 499,
            memory_mb: 300,
        };
        let fields: Vec<_> = validate_new_action(&bad)
            .iter()
            .map(|e| e.field().unwrap().to_string())
            .collect();
        assert_eq!(
            fields,
            ["package", "name", "kind", "code", "timeout_ms", "memory_mb"]
        );
        let limits = NewAction {
            timeout_ms: 300_001,
            ..new()
        };
        assert_eq!(validate_new_action(&limits).len(), 1);
        for ok in [500, 300_000] {
            assert!(
                validate_new_action(&NewAction {
                    timeout_ms: ok,
                    ..new()
                })
                .is_empty()
            );
        }
    }

    #[test]
    fn names_follow_the_common_pattern() {
        for ok in ["a", "hello_world-2", &"x".repeat(50)] {
            assert!(validate_name("name", ok).is_ok(), "{ok}");
        }
        for bad in ["", "-a", "a/b", "ä", &"x".repeat(51)] {
            assert!(validate_name("name", bad).is_err(), "{bad}");
        }
    }
}
