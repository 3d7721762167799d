//! Server functions of the action editor: read an action with its version, and save it only
//! if it has not changed since that version (otherwise answer both sides, never overwrite).
//!
//! Where the provider tags an action with a revision (the embedded engine's `ETag`), the
//! version is that revision and the save is the provider's conditional write (`If-Match`):
//! the check and the write are one transaction there. Elsewhere the version is a fingerprint
//! of the action as its provider answers it (SHA-256 of the common model's JSON), since no
//! cloud has a conditional write in its public API: the save reads the action again and
//! compares just before it writes.

use leptos::prelude::*;
use leptos::server_fn::codec::Json;
use providers::ActionSpec;
use serde::{Deserialize, Serialize};

use crate::errors::AppError;

/// An action as the editor opens it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EditableAction {
    /// The connection's id (the first configured one when the page named none).
    pub connection: String,
    /// The action as its provider answers it.
    pub spec: ActionSpec,
    /// Its version: what a save sends back to say which one it changes.
    pub version: String,
    /// Why it cannot be changed here, when it cannot (FunctionGraph, SCF).
    pub read_only: Option<String>,
    /// The address of the code editor's script (hashed name), when the site has it.
    pub editor_src: Option<String>,
}

/// What a save did.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum SaveOutcome {
    /// Written; the action as stored now, with its new version.
    Saved(EditableAction),
    /// Nothing written: the action changed since the version sent. Theirs, as stored now.
    Conflict(EditableAction),
}

/// The field of a put-action a provider's refusal names, for the editor to show it there.
/// The providers name the field only in their message (NCP's and the engine's
/// `limits.timeout is 100; …`), so this looks for the known field names, nothing else.
pub fn refused_field(message: &str) -> Option<&'static str> {
    const FIELDS: [&str; 11] = [
        "exec.components",
        "exec.code",
        "exec.kind",
        "exec.main",
        "limits.timeout",
        "limits.memory",
        "description",
        "parameters",
        "raw-http",
        "custom-options",
        "actionName",
    ];
    FIELDS
        .iter()
        .filter_map(|f| message.find(f).map(|at| (at, *f)))
        .min()
        .map(|(_, f)| f)
}

/// The action `package/name` on `connection`, with its version.
#[server(endpoint = "load_action")]
pub async fn load_action(
    connection: Option<String>,
    package: Option<String>,
    name: String,
) -> Result<EditableAction, AppError> {
    super::guard::guard(<LoadAction as leptos::server_fn::ServerFn>::PATH)?;
    let action = providers::ActionRef { package, name };
    super::status::answer(server::load(connection.as_deref(), &action).await)
}

/// Saves `spec` if the action is still at `version`; checked by seed 004's rules first.
#[server(endpoint = "save_action", input = Json)]
pub async fn save_action(
    connection: String,
    spec: ActionSpec,
    version: String,
) -> Result<SaveOutcome, AppError> {
    super::guard::guard(<SaveAction as leptos::server_fn::ServerFn>::PATH)?;
    super::status::answer(server::save(&connection, spec, &version).await)
}

#[cfg(feature = "ssr")]
mod server {
    use providers::client::{Client, Operations};
    use providers::validate::{ActionFields, check_action};
    use providers::{ActionRef, ActionSpec, Capability, ErrorKind};
    use sha2::{Digest, Sha256};

    use super::{EditableAction, SaveOutcome};
    use crate::api::backend::{client, connection};
    use crate::context::server::ConnectionClient;
    use crate::errors::AppError;

    /// How a version that is a provider's revision begins (a fingerprint is plain hex).
    const REVISION: &str = "revision:";

    /// The version a save sends back: the provider's revision when it tags one, else the
    /// fingerprint.
    pub(super) fn version_for(spec: &ActionSpec) -> String {
        match &spec.revision {
            Some(revision) => format!("{REVISION}{revision}"),
            None => version_of(spec),
        }
    }

    /// The version of `spec`: a fingerprint of its JSON (the model's maps are ordered, so
    /// the same action always gives the same text).
    pub(super) fn version_of(spec: &ActionSpec) -> String {
        // Cannot fail: the model is plain data whose maps have string keys.
        let json = serde_json::to_vec(spec).expect("an ActionSpec always serialises");
        let digest = Sha256::digest(&json);
        digest.iter().take(16).map(|b| format!("{b:02x}")).collect()
    }

    /// Why `c`'s actions cannot be changed in the console, when they cannot.
    fn read_only(c: &ConnectionClient) -> Option<String> {
        (!crate::api::backend::offers(c, Capability::ActionsWrite)).then(|| {
            format!(
                "{} functions are shown read-only: the console does not change their code or configuration yet. Use the provider's own console or CLI to edit them.",
                c.summary.provider
            )
        })
    }

    /// Why the caller cannot change actions, when their role does not allow it (the save
    /// is refused by the guard anyway; this only says so before they type).
    fn role_read_only() -> Option<String> {
        let role = crate::api::guard::caller_role()?;
        (role < crate::api::guard::Role::Editor).then(|| {
            format!("You are a {role}: you can read this action; changing it needs the editor role.")
        })
    }

    fn editable(c: &ConnectionClient, spec: ActionSpec) -> EditableAction {
        EditableAction {
            connection: c.summary.id.clone(),
            version: version_for(&spec),
            read_only: read_only(c).or_else(role_read_only),
            editor_src: crate::api::editor_asset::editor_src(),
            spec,
        }
    }

    pub(super) async fn load(
        id: Option<&str>,
        action: &ActionRef,
    ) -> Result<EditableAction, AppError> {
        let c = connection(id)?;
        let client = client(&c)?;
        let spec = if client.capabilities().has(Capability::ActionsRead) {
            client.get_action(action).await?
        } else {
            listed(&c, action).await?
        };
        Ok(editable(&c, spec))
    }

    /// What the list says of `action`, where a provider cannot read one in full
    /// (FunctionGraph, SCF): its runtime and description, no code.
    async fn listed(c: &ConnectionClient, action: &ActionRef) -> Result<ActionSpec, AppError> {
        let (_, actions) = crate::api::backend::listing(c).await?;
        let found = actions
            .into_iter()
            .find(|a| &a.action == action)
            .ok_or_else(|| {
                AppError::Provider(providers::ProviderError::new(
                    providers::ErrorKind::NotFound,
                    format!("{} lists no function {action}", c.summary.provider),
                ))
            })?;
        let exec = providers::ActionExec::runtime(found.runtime.unwrap_or_default());
        Ok(ActionSpec {
            kind: found.kind.unwrap_or_default(),
            description: found.description,
            ..ActionSpec::basic(found.action, exec)
        })
    }

    pub(super) async fn save(
        id: &str,
        spec: ActionSpec,
        version: &str,
    ) -> Result<SaveOutcome, AppError> {
        let c = connection(Some(id))?;
        if let Some(why) = read_only(&c) {
            return Err(AppError::Unsupported(why));
        }
        if let Some(refusal) = check_action(&ActionFields::of(&spec)).into_iter().next() {
            return Err(AppError::invalid(&refusal.field, refusal.message));
        }
        let client = client(&c)?;
        // Only the version the editor loaded says which write this is.
        let spec = ActionSpec {
            revision: None,
            ..spec
        };
        let outcome = match version.strip_prefix(REVISION) {
            Some(revision) => save_over(client, spec, revision).await?,
            None => save_compared(client, spec, version).await?,
        };
        Ok(match outcome {
            Ok(stored) => {
                tracing::info!(connection = %c.summary.id, action = %stored.action, "action saved");
                SaveOutcome::Saved(editable(&c, stored))
            }
            Err(theirs) => {
                tracing::info!(connection = %c.summary.id, action = %theirs.action, "save refused: the action changed since it was read");
                SaveOutcome::Conflict(editable(&c, theirs))
            }
        })
    }

    /// What a save wrote (`Ok`), or theirs when the action changed since it was read.
    type Written = Result<ActionSpec, ActionSpec>;

    /// The provider's conditional write over `revision`: it refuses (412) when the action
    /// moved on, and the check and the write are one step on its side.
    async fn save_over(
        client: &Client,
        spec: ActionSpec,
        revision: &str,
    ) -> Result<Written, AppError> {
        let spec = ActionSpec {
            revision: Some(revision.to_string()),
            ..spec
        };
        match client.put_action(&spec).await {
            Ok(stored) => Ok(Ok(stored)),
            Err(e) if e.kind == ErrorKind::Conflict => {
                Ok(Err(client.get_action(&spec.action).await?))
            }
            Err(e) => Err(e.into()),
        }
    }

    /// Reads again, compares with the fingerprint `version`, then writes: for providers with
    /// no conditional write.
    async fn save_compared(
        client: &Client,
        spec: ActionSpec,
        version: &str,
    ) -> Result<Written, AppError> {
        let theirs = client.get_action(&spec.action).await?;
        if version_of(&theirs) != version {
            return Ok(Err(theirs));
        }
        if theirs.kind != spec.kind {
            return Err(AppError::invalid(
                "kind",
                format!("The type is {} and cannot change.", theirs.kind.as_str()),
            ));
        }
        client.put_action(&spec).await?;
        // Read back, so the version is the one the next read gives.
        Ok(Ok(client.get_action(&spec.action).await?))
    }

    #[cfg(test)]
    mod tests {
        use super::*;
        use providers::{ActionExec, ActionLimits};

        fn spec(code: &str) -> ActionSpec {
            ActionSpec {
                limits: Some(ActionLimits {
                    timeout_ms: 60_000,
                    memory_mb: 256,
                }),
                ..ActionSpec::basic(
                    ActionRef::top("hello"),
                    ActionExec::source("nodejs:20", code),
                )
            }
        }

        #[test]
        fn the_version_is_stable_and_changes_with_any_field() {
            assert_eq!(version_of(&spec("a")), version_of(&spec("a")));
            assert_ne!(version_of(&spec("a")), version_of(&spec("b")));
            let mut described = spec("a");
            described.description = Some("x".into());
            assert_ne!(version_of(&spec("a")), version_of(&described));
            let mut with_param = spec("a");
            with_param.parameters.insert("k".into(), 1.into());
            assert_ne!(version_of(&spec("a")), version_of(&with_param));
            assert_eq!(version_of(&spec("a")).len(), 32);
        }

        #[test]
        fn a_tagged_action_is_versioned_by_its_revision_the_rest_by_fingerprint() {
            let tagged = ActionSpec {
                revision: Some("\"7\"".into()),
                ..spec("a")
            };
            assert_eq!(version_for(&tagged), "revision:\"7\"");
            assert_eq!(version_for(&spec("a")), version_of(&spec("a")));
            assert!(!version_of(&spec("a")).starts_with(REVISION));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::refused_field;

    #[test]
    fn a_refusal_is_placed_on_the_field_its_message_names_first() {
        let cases = [
            (
                "ACTION_BODY_INVALID_VALUE: limits.timeout is 100; it must be 500 to 300,000 ms",
                Some("limits.timeout"),
            ),
            (
                "exec.components entry \"-/gone\" does not exist",
                Some("exec.components"),
            ),
            (
                "description is 3003 bytes; at most 3000 are allowed",
                Some("description"),
            ),
            (
                "exec.code must be Base64 when exec.binary is true",
                Some("exec.code"),
            ),
            ("the namespace already holds 500 actions", None),
        ];
        for (message, field) in cases {
            assert_eq!(refused_field(message), field, "{message}");
        }
    }
}
