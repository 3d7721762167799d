//! A value too big to show whole (a 1 MB result, a log of 10,000 lines) stays usable: the
//! page shows its first part and says where it was cut, and "Copy" and "Download" take the
//! whole value.

use leptos::prelude::*;

/// How much of a text value is shown (the rest is one click away, in "Copy"/"Download").
pub const SHOWN_BYTES: usize = 64 * 1024;

/// `text` cut at `at` bytes (on a character boundary), and whether it was cut.
pub fn clip(text: &str, at: usize) -> (&str, bool) {
    if text.len() <= at {
        return (text, false);
    }
    let mut end = at;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    (&text[..end], true)
}

/// `1.2 MB`, `64 KB`, `120 bytes`.
pub fn size_text(bytes: usize) -> String {
    match bytes {
        0..1024 => format!("{bytes} bytes"),
        1024..1_048_576 => format!("{} KB", bytes / 1024),
        _ => format!("{:.1} MB", bytes as f64 / 1_048_576.0),
    }
}

/// A block of preformatted text, its first [`SHOWN_BYTES`] shown.
#[component]
pub fn LongText(
    /// What it is, for the buttons' names ("result", "log").
    what: &'static str,
    /// The whole value.
    text: String,
    /// The name "Download" saves it as.
    file_name: String,
    /// Its media type.
    media_type: &'static str,
) -> impl IntoView {
    let (shown, cut) = clip(&text, SHOWN_BYTES);
    let shown = shown.to_string();
    let note = cut.then(|| {
        format!(
            "Showing the first {} of {}: “Copy” and “Download” take the whole {what}.",
            size_text(shown.len()),
            size_text(text.len())
        )
    });
    view! {
        <WholeValue what text file_name media_type />
        {note.map(|n| view! { <p class="truncated" role="note">{n}</p> })}
        <pre class="long-value" tabindex="0">{shown}</pre>
    }
}

/// "Copy" and "Download" for a whole value, and what the last one did.
#[component]
pub fn WholeValue(
    what: &'static str,
    text: String,
    file_name: String,
    media_type: &'static str,
) -> impl IntoView {
    let said = RwSignal::new(String::new());
    let text = StoredValue::new(text);
    let file_name = StoredValue::new(file_name);
    let copy = move |_| {
        let text = text.get_value();
        leptos::task::spawn_local(async move {
            let done = browser::copy(&text).await;
            said.set(if done {
                format!("Copied the whole {what}.")
            } else {
                format!("The browser did not allow copying the {what}.")
            });
        });
    };
    let download = move |_| {
        let done =
            text.with_value(|t| file_name.with_value(|f| browser::download(t, f, media_type)));
        if !done {
            said.set(format!("The browser could not save the {what}."));
        }
    };
    view! {
        <div class="value-tools">
            <button type="button" on:click=copy aria-label=format!("Copy the whole {what}")>
                "Copy"
            </button>
            <button type="button" on:click=download aria-label=format!("Download the whole {what}")>
                "Download"
            </button>
            <span class="muted" role="status">{move || said.get()}</span>
        </div>
    }
}

/// The browser's clipboard and downloads; on the server (never clicked there) nothing.
mod browser {
    /// Writes `text` to the clipboard; whether the browser allowed it.
    #[cfg(feature = "hydrate")]
    pub async fn copy(text: &str) -> bool {
        crate::routes::copy_text(text).await
    }

    /// Saves `text` as `file_name` through a temporary object URL.
    #[cfg(feature = "hydrate")]
    pub fn download(text: &str, file_name: &str, media_type: &str) -> bool {
        use leptos::wasm_bindgen::{JsCast, JsValue};
        let save = || -> Result<(), JsValue> {
            let parts = web_sys::js_sys::Array::of1(&JsValue::from_str(text));
            let options = web_sys::BlobPropertyBag::new();
            options.set_type(media_type);
            let blob = web_sys::Blob::new_with_str_sequence_and_options(&parts, &options)?;
            let url = web_sys::Url::create_object_url_with_blob(&blob)?;
            let anchor: web_sys::HtmlAnchorElement = leptos::prelude::document()
                .create_element("a")?
                .unchecked_into();
            anchor.set_href(&url);
            anchor.set_download(file_name);
            anchor.click();
            web_sys::Url::revoke_object_url(&url)
        };
        save().is_ok()
    }

    #[cfg(not(feature = "hydrate"))]
    pub async fn copy(_text: &str) -> bool {
        false
    }

    #[cfg(not(feature = "hydrate"))]
    pub fn download(_text: &str, _file_name: &str, _media_type: &str) -> bool {
        false
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_long_value_is_cut_on_a_character_boundary_and_says_so() {
        assert_eq!(clip("short", 10), ("short", false));
        let text = "é".repeat(10); // 2 bytes each
        let (shown, cut) = clip(&text, 5);
        assert_eq!((shown, cut), ("éé", true));
        assert_eq!(size_text(120), "120 bytes");
        assert_eq!(size_text(64 * 1024), "64 KB");
        assert_eq!(size_text(1_258_291), "1.2 MB");
    }
}
