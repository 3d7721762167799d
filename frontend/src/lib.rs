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

/// Room for the splitter's alignment padding. `cargo leptos build --split` re-lays the
/// read-only data out per module, each module's part aligned; when that comes out even a few
/// bytes longer than the linked segment, it gives up and keeps *every* page's data in the
/// first page (+70 KB gzip, seen three times). These bytes are in the linked segment but used
/// by no module, so the split output never carries them: they only make the segment long
/// enough. `#[used]` keeps the linker from dropping them.
#[used]
static SPLIT_SLACK: [u8; 4096] = [0xA5; 4096];
