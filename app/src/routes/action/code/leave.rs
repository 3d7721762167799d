//! Asks before leaving the page with unsaved changes: a link inside the console, the back
//! button, reloading or closing the tab. (A draft is kept anyway; this keeps a person from
//! walking away from work by accident.)

use leptos::prelude::*;
use leptos_router::NavigateOptions;
use leptos_router::hooks::use_navigate;
use wasm_bindgen::JsCast;
use wasm_bindgen::closure::Closure;

/// What the question says.
const QUESTION: &str =
    "This action has unsaved changes. Leave without saving? (A draft stays in this browser.)";
/// The marker of the history entry pushed while there are unsaved changes.
const GUARD: &str = "fnconsole-unsaved-guard";

fn ask() -> bool {
    window().confirm_with_message(QUESTION).unwrap_or(true)
}

/// The link a click on `event` follows to another page of the console, if it does.
fn leaving_link(event: &web_sys::MouseEvent) -> Option<web_sys::HtmlAnchorElement> {
    if event.default_prevented()
        || event.button() != 0
        || event.ctrl_key()
        || event.meta_key()
        || event.shift_key()
        || event.alt_key()
    {
        return None;
    }
    let link = event
        .target()
        .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
        .and_then(|e| e.closest("a[href]").ok().flatten())
        .and_then(|e| e.dyn_into::<web_sys::HtmlAnchorElement>().ok())?;
    let here = window().location();
    let leaves = link.target().is_empty()
        && here.origin().is_ok_and(|o| o == link.origin())
        && here.href().is_ok_and(|h| h != link.href());
    leaves.then_some(link)
}

fn is_guard(state: &wasm_bindgen::JsValue) -> bool {
    state.as_string().as_deref() == Some(GUARD)
}

/// Where the guard stands: whether there is something to lose, whether its history entry is
/// on top, whether the person has already said to leave.
#[derive(Clone, Copy)]
struct Guard {
    dirty: Memo<bool>,
    /// The extra entry for this page is on top of the history.
    pushed: StoredValue<bool>,
    /// The person confirmed leaving: nothing more is asked, no entry pushed again (the page is
    /// on its way out, and a second question or a stray entry would be wrong).
    leaving: StoredValue<bool>,
}

impl Guard {
    fn push(self, history: &web_sys::History) {
        self.pushed
            .set_value(history.push_state(&GUARD.into(), "").is_ok());
    }

    /// Whether leaving may go on: nothing to lose, or the person said so (asked once).
    fn may_leave(self) -> bool {
        if self.leaving.get_value() || !self.dirty.get_untracked() {
            return true;
        }
        let yes = ask();
        self.leaving.set_value(yes);
        yes
    }
}

/// A click on a link that leaves: asked first; when the guard's entry is on top, the next page
/// takes its place instead of going above it, or Back from there would land on this page twice.
fn on_link_click(guard: Guard, navigate: &impl Fn(&str, NavigateOptions), e: &web_sys::MouseEvent) {
    let Some(link) = leaving_link(e) else { return };
    if !guard.may_leave() {
        e.prevent_default();
        e.stop_immediate_propagation();
    } else if guard.pushed.get_value() {
        e.prevent_default();
        e.stop_immediate_propagation();
        guard.pushed.set_value(false);
        let to = format!("{}{}{}", link.pathname(), link.search(), link.hash());
        navigate(
            &to,
            NavigateOptions {
                replace: true,
                ..Default::default()
            },
        );
    }
}

/// Back from the guard's entry lands on this page's own: asked, then on to where Back meant
/// to go, or the entry is pushed again.
fn on_pop(guard: Guard, e: &web_sys::PopStateEvent) {
    if !guard.pushed.get_value() || is_guard(&e.state()) {
        return;
    }
    guard.pushed.set_value(false);
    let Ok(history) = window().history() else {
        return;
    };
    if guard.may_leave() {
        let _ = history.back();
    } else {
        guard.push(&history);
    }
}

/// Installs the guard for as long as the calling component lives; `dirty` says whether
/// there is something to lose.
pub fn guard_leaving(dirty: Memo<bool>) {
    let guard = Guard {
        dirty,
        pushed: StoredValue::new(false),
        leaving: StoredValue::new(false),
    };
    // Closing or reloading the tab (or Back to another document): the browser asks with its
    // own words, unless the person already said to leave.
    let unload = window_event_listener(leptos::ev::beforeunload, move |e| {
        if dirty.get_untracked() && !guard.leaving.get_value() {
            e.prevent_default();
            e.set_return_value("");
        }
    });
    // Links: checked in the capture phase, before the router takes the click.
    let navigate = use_navigate();
    let click = Closure::<dyn Fn(web_sys::MouseEvent)>::new(move |e: web_sys::MouseEvent| {
        on_link_click(guard, &navigate, &e)
    });
    let _ = document().add_event_listener_with_callback_and_bool(
        "click",
        click.as_ref().unchecked_ref(),
        true,
    );
    // The back button cannot be stopped, so while there are unsaved changes an extra entry
    // for this same page sits on top: going back lands on this page again, and asks.
    Effect::new(move |_| {
        if dirty.get()
            && !guard.pushed.get_value()
            && !guard.leaving.get_value()
            && let Ok(h) = window().history()
        {
            guard.push(&h);
        }
    });
    let pop = Closure::<dyn Fn(web_sys::PopStateEvent)>::new(move |e: web_sys::PopStateEvent| {
        on_pop(guard, &e)
    });
    let _ = window().add_event_listener_with_callback("popstate", pop.as_ref().unchecked_ref());
    let (click, pop) = (
        send_wrapper::SendWrapper::new(click),
        send_wrapper::SendWrapper::new(pop),
    );
    on_cleanup(move || {
        unload.remove();
        let _ = document().remove_event_listener_with_callback_and_bool(
            "click",
            click.as_ref().unchecked_ref(),
            true,
        );
        let _ =
            window().remove_event_listener_with_callback("popstate", pop.as_ref().unchecked_ref());
    });
}
