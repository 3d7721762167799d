//! The WASM entry point: hydrates the page the server rendered.

/// Called by the hydration script Leptos puts in every page.
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    // Lazy: a page whose code is a split chunk (`#[lazy_route]`) is hydrated once its chunk has loaded.
    // The view is type-erased: hydrating asynchronously holds the whole view type in a future,
    // which is deeper than the compiler's default query limit.
    leptos::mount::hydrate_lazy(|| leptos::prelude::IntoAny::into_any(app::App()));
}
