//! Pieces of UI used by several pages.

mod coming_soon;
mod connection_switcher;
mod error_view;
pub mod field;
pub mod format;
mod header;
mod listing;
mod local_time;
mod problems;
pub mod run_panel;
mod table;

pub use coming_soon::ComingSoon;
pub use connection_switcher::ConnectionSwitcher;
pub use error_view::ErrorView;
pub use header::{AppHeader, SECTIONS};
pub use listing::{
    FilterButtons, ListingProblem, RequestIdField, TimeField, connection_line, hidden_fields,
    url_view,
};
pub use local_time::{LocalTime, zoned_text};
pub use problems::{AddressProblems, FieldProblem};
pub use table::DataTable;
