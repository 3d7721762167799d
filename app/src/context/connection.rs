//! Which connection the pages show.

use leptos::prelude::*;

/// The id of the connection picked in the header's switcher; `None` until the directory is
/// loaded (the first connection is then chosen).
#[derive(Debug, Clone, Copy)]
pub struct SelectedConnection(pub RwSignal<Option<String>>);

/// Puts an empty selection in context; called once by [`crate::App`].
pub fn provide_selected_connection() {
    provide_context(SelectedConnection(RwSignal::new(None)));
}

/// The selection provided by [`crate::App`].
pub fn use_selected_connection() -> SelectedConnection {
    // `App` provides it before rendering anything that calls this; a missing context is a
    // programming error caught by every page test, not something input can cause.
    expect_context::<SelectedConnection>()
}
