//! Server functions: declared for both targets, with bodies that run on the server only.

mod connections;

pub use connections::{ListConnections, list_connections};
