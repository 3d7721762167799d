//! Asks before leaving the page with unsaved changes: a link inside the console, the back
//! button, reloading or closing the tab. (A draft is kept anyway; this keeps a person from
//! walking away from work by accident.)

use leptos::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen::closure::Closure;

/// What the question says.
const QUESTION: &str = "This action has unsaved changes. Leave without saving? (A draft stays in this browser.)";
/// The marker of the history entry pushed while there are unsaved changes.
const GUARD: &str = "fnconsole-unsaved-guard";

fn ask() -> bool {
    window().confirm_with_message(QUESTION).unwrap_or(true)
}

/// Whether a click on `event` follows a link to another page of the console.
fn leaves_by_link(event: &web_sys::MouseEvent) -> bool {
    if event.default_prevented() || event.button() != 0 || event.ctrl_key() || event.meta_key() || event.shift_key() || event.alt_key() {
        return false;
    }
    let Some(link) = event
        .target()
        .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
        .and_then(|e| e.closest("a[href]").ok().flatten())
        .and_then(|e| e.dyn_into::<web_sys::HtmlAnchorElement>().ok())
    else {
        return false;
    };
    let here = window().location();
    link.target().is_empty()
        && here.origin().is_ok_and(|o| o == link.origin())
        && here.href().is_ok_and(|h| h != link.href())
}

fn is_guard(state: &wasm_bindgen::JsValue) -> bool {
    state.as_string().as_deref() == Some(GUARD)
}

/// Installs the guard for as long as the calling component lives; `dirty` says whether
/// there is something to lose.
pub fn guard_leaving(dirty: Memo<bool>) {
    // Closing or reloading the tab: the browser asks with its own words.
    let unload = window_event_listener(leptos::ev::beforeunload, move |e| {
        if dirty.get_untracked() {
            e.prevent_default();
            e.set_return_value("");
        }
    });
    // Links: checked in the capture phase, before the router takes the click.
    let click = Closure::<dyn Fn(web_sys::MouseEvent)>::new(move |e: web_sys::MouseEvent| {
        if dirty.get_untracked() && leaves_by_link(&e) && !ask() {
            e.prevent_default();
            e.stop_immediate_propagation();
        }
    });
    let _ = document().add_event_listener_with_callback_and_bool("click", click.as_ref().unchecked_ref(), true);
    // The back button cannot be stopped, so while there are unsaved changes an extra entry
    // for this same page sits on top: going back lands on this page again, and asks.
    let history = window().history().ok();
    let pushed = StoredValue::new(false);
    Effect::new(move |_| {
        if dirty.get() && !pushed.get_value() && let Some(h) = &history {
            pushed.set_value(h.push_state(&GUARD.into(), "").is_ok());
        }
    });
    let pop = Closure::<dyn Fn(web_sys::PopStateEvent)>::new(move |e: web_sys::PopStateEvent| {
        if !pushed.get_value() || is_guard(&e.state()) {
            return;
        }
        pushed.set_value(false);
        let h = window().history();
        if dirty.get_untracked() && !ask() {
            if let Ok(h) = &h {
                pushed.set_value(h.push_state(&GUARD.into(), "").is_ok());
            }
        } else if let Ok(h) = &h {
            // Go on to where the back button meant to go.
            let _ = h.back();
        }
    });
    let _ = window().add_event_listener_with_callback("popstate", pop.as_ref().unchecked_ref());
    let (click, pop) = (send_wrapper::SendWrapper::new(click), send_wrapper::SendWrapper::new(pop));
    on_cleanup(move || {
        unload.remove();
        let _ = document().remove_event_listener_with_callback_and_bool("click", click.as_ref().unchecked_ref(), true);
        let _ = window().remove_event_listener_with_callback("popstate", pop.as_ref().unchecked_ref());
    });
}
