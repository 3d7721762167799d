//! Context the server provides to rendering and to server functions.

use providers::ConnectionSummary;
use std::sync::Arc;

/// The configured connections, as the browser may see them.
#[derive(Debug, Clone, Default)]
pub struct ConnectionDirectory(pub Arc<Vec<ConnectionSummary>>);
