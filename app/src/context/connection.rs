//! Which connection the pages show: the one named in the URL (`?connection=ID`), so a link
//! opens the same view; else the one last picked in the switcher; else (`None`) the first
//! configured.

use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

/// The id of the connection picked in the header's switcher; `None` until a person picks one.
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

/// The current connection's id: the URL's `connection`, else the switcher's pick; `None`
/// means the first configured. Call it inside the `<Router>`.
pub fn use_connection_id() -> Signal<Option<String>> {
    let query = use_query_map();
    let selected = use_selected_connection().0;
    Signal::derive(move || {
        query
            .with(|q| q.get("connection"))
            .filter(|id| !id.is_empty())
            .or_else(|| selected.get())
    })
}

/// `path` with the current connection in its query, so a link keeps the view's connection.
pub fn with_connection(path: &str, connection: Option<&str>) -> String {
    match connection {
        Some(id) => format!("{path}?connection={id}"),
        None => path.to_string(),
    }
}
