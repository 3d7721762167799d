//! Pieces of UI used by several pages.

mod coming_soon;
mod connection_switcher;
mod error_view;
pub mod field;
pub mod format;
mod header;
pub mod run_panel;

pub use coming_soon::ComingSoon;
pub use connection_switcher::ConnectionSwitcher;
pub use error_view::ErrorView;
pub use header::{AppHeader, SECTIONS};
