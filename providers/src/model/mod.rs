//! The common model: what the console understands, whichever provider answers.
//!
//! Every type here is plain data (serde), compiled into the WASM bundle too; nothing here
//! holds a secret.

mod action;
mod activation;
mod capability;
pub mod clock;
mod connection;
mod console;
mod error;
mod invocation;
mod logs;
mod package;
mod page;
pub mod rules;
mod run;
pub mod validate;

pub use action::{
    ActionExec, ActionKind, ActionLimits, ActionQuery, ActionRef, ActionSpec, ActionSummary,
};
pub use activation::{
    Activation, ActivationExtras, ActivationQuery, ActivationRef, ActivationStatus,
};
pub use capability::{Capabilities, Capability};
pub use connection::{ConnectionSummary, ProviderKind};
pub use console::{LogLine, Stream};
pub use error::{ErrorKind, ProviderError};
pub use invocation::{
    AsyncInvocation, AsyncInvocationQuery, AsyncStatus, InvocationRequest, InvocationResult,
};
pub use logs::{LogEntry, LogOrder, LogOrderBy, LogQuery};
pub use package::{PackageSpec, PackageSummary};
pub use page::{Page, PageRequest};
pub use run::RunEvent;
