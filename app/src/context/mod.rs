//! Reactive context shared by the pages.

mod caller;
mod connection;
#[cfg(feature = "ssr")]
pub mod server;

pub use caller::{PageCaller, caller_can, provide_caller, use_caller};
pub use connection::{
    SelectedConnection, provide_selected_connection, use_connection_id, use_selected_connection,
    with_connection,
};
