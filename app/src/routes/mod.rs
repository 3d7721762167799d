//! One module per page.

mod home;
mod not_found;
mod sections;
mod settings;

pub use home::HomePage;
pub use not_found::NotFoundPage;
pub use sections::{ActionsPage, ActivationsPage, AsyncInvocationsPage, LogsPage};
pub use settings::SettingsPage;
