//! One module per page.

mod actions;
mod home;
mod not_found;
mod sections;
mod settings;

pub use actions::ActionsRoute;
pub use home::HomePage;
pub use not_found::NotFoundPage;
pub use sections::{ActivationsPage, AsyncInvocationsPage, LogsPage};
pub use settings::SettingsPage;
