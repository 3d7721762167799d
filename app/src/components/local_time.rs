//! A time in the viewer's own zone with its offset written (`2026-12-01 23:30:05 +01:00`).
//! The server cannot know the zone: it renders UTC (`+00:00`), and once hydrated the browser
//! writes the same instant in its zone, each time with the offset that zone had then.

use leptos::prelude::*;

use crate::routes::times::input_value;

/// `ms` as `YYYY-MM-DD HH:MM:SS ±HH:MM` at `offset_min` minutes east of UTC.
pub fn zoned_text(ms: i64, offset_min: i32) -> String {
    let local = input_value(ms + i64::from(offset_min) * 60_000).replacen('T', " ", 1);
    let sign = if offset_min < 0 { '-' } else { '+' };
    let off = offset_min.unsigned_abs();
    format!("{local} {sign}{:02}:{:02}", off / 60, off % 60)
}

/// The browser's offset from UTC at `ms`, minutes east (daylight saving included).
#[cfg(feature = "hydrate")]
fn browser_offset_min(ms: i64) -> i32 {
    let date = js_sys::Date::new(&wasm_bindgen::JsValue::from_f64(ms as f64));
    -(date.get_timezone_offset() as i32)
}

/// On the server: UTC.
#[cfg(not(feature = "hydrate"))]
fn browser_offset_min(_ms: i64) -> i32 {
    0
}

/// The instant `ms`, in the viewer's zone once hydrated.
#[component]
pub fn LocalTime(ms: i64) -> impl IntoView {
    let offset = RwSignal::new(0);
    Effect::new(move |_| offset.set(browser_offset_min(ms)));
    let machine = format!("{}Z", input_value(ms));
    view! { <time datetime=machine>{move || zoned_text(ms, offset.get())}</time> }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_offset_is_written_and_applied() {
        let ms = 1_796_164_205_123; // 2026-12-01 22:30:05.123 UTC
        assert_eq!(zoned_text(ms, 0), "2026-12-01 22:30:05 +00:00");
        assert_eq!(zoned_text(ms, 330), "2026-12-02 04:00:05 +05:30");
        assert_eq!(zoned_text(ms, -300), "2026-12-01 17:30:05 -05:00");
    }
}
