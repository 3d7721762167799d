//! The WASM entry point: hydrates the page the server rendered.

/// Called by the hydration script Leptos puts in every page.
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    // A page whose code is a split chunk (`#[lazy_route]`) has its chunk fetched first, so
    // hydration itself stays synchronous (`hydrate_body`): the asynchronous `hydrate_lazy`
    // would add its own copy of every view's hydration code to the main bundle.
    wasm_bindgen_futures::spawn_local(async {
        app::routes::preload_current_page().await;
        leptos::mount::hydrate_body(app::App);
    });
}
