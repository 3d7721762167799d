//! Server functions: declared for both targets, with bodies that run on the server only.
//! Every one calls [`guard::guard`] first; its role is in [`guard::ENDPOINTS`].

mod account;
mod actions;
mod activations;
mod audit;
#[cfg(feature = "ssr")]
mod backend;
mod connection_admin;
mod connections;
mod editor;
#[cfg(feature = "ssr")]
mod editor_asset;
pub mod guard;
mod run;
#[cfg(feature = "ssr")]
mod run_follow;
#[cfg(feature = "ssr")]
mod run_lines;
pub mod status;

pub use account::{
    AccountRow, ChangePassword, CreateAccount, CreateToken, DeleteAccount, ListAccounts,
    ListTokens, NewToken, RevokeToken, SetAccountDisabled, SetAccountRole, TokenRow,
    change_password, create_account, create_token, delete_account, list_accounts, list_tokens,
    revoke_token, set_account_disabled, set_account_role,
};
pub use actions::{
    ActionListing, CreateAction, DEFAULT_TIMEOUT_MS, DeleteAction, DeletePackage, GetAction, KINDS,
    ListActions, ListPackages, MEMORY_SIZES, NAME_PATTERN, NewAction, PackageSummary, SavePackage,
    TIMEOUT_RANGE, create_action, delete_action, delete_package, get_action, list_actions,
    list_packages, save_package, validate_name, validate_new_action,
};
pub use activations::{
    ActivationDetail, ActivationListing, ActivationSample, ActivationView, DEFAULT_PAGE_SIZE,
    GetActivation, ListActivations, MAX_PAGE, PAGE_SIZES, SampleActivations, SamplePoint,
    StatusFilter, get_activation, list_activations, sample_activations, sizes_text,
};
pub use activations::{LiveLine, WatchActivations, keeps_live, watch_activations};
pub use audit::{ListAudit, list_audit};
pub use connection_admin::{
    ConnectionInput, ConnectionSource, ConnectionTest, DeleteConnection, FieldKind, FieldSpec,
    ListManagedConnections, ManagedConnection, SaveConnection, SecretSpec, TestConnection,
    delete_connection, fields_of, list_managed_connections, save_connection, secrets_of,
    test_connection,
};
pub use connections::{ListConnections, list_connections};
pub use editor::{
    EditableAction, LoadAction, SaveAction, SaveOutcome, load_action, refused_field, save_action,
};
pub use run::{
    GetRunSetup, RerunInput, RunAction, RunInput, RunSetup, RunUpdate, StopRun, WAIT_RANGE,
    check_timeout, get_run_setup, parse_params, parse_timeout, run_action, stop_run,
};
mod async_invocations;
mod logs;
mod run_async;
pub use async_invocations::{
    AsyncListing, AsyncView, DEFAULT_ASYNC_LIMIT, FollowAsync, FollowAsyncInvocations,
    ListAsyncInvocations, MAX_ASYNC_LIMIT, MAX_FOLLOWED, follow_async_invocations, is_token,
    limit_problem, list_async_invocations,
};
pub use logs::{
    DEFAULT_LOG_LIMIT, FunctionLogs, LOG_LIMITS, LogListing, LogResult, LogView, MAX_LOG_WINDOW,
    function_logs, limits_text, window_problem,
};
pub use run_async::{AsyncRunAnswer, AsyncRunInput, RunAsync, follow_link, run_async};
mod timeline;
pub use timeline::{
    ConnectionPart, DEADLINE_RANGE, DEFAULT_DEADLINE_MS, DEFAULT_LIMIT, EntrySource, EntryStatus,
    LIMIT_RANGE, PartError, Timeline, TimelineAnswer, TimelineEntry, TimelineView, Window,
    merge_into, range_problem, timeline,
};
mod overview;
pub use overview::{FAILURES_HREF, OverviewCard, overview_card};
