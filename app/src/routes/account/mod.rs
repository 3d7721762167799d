//! `/account`: the signed-in account's own page — change the password (which ends the
//! account's other sessions) and its API tokens (create: shown once with "Copy"; list with
//! when each was made and last used; revoke). A lazy route.

mod tokens;

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::{LazyRoute, lazy_route};

use crate::api::ChangePassword;
use crate::context::use_caller;
use crate::errors::AppError;
use tokens::ApiTokens;

/// The account page as a lazy route: its code is a chunk of its own.
pub struct AccountRoute;

#[lazy_route]
impl LazyRoute for AccountRoute {
    fn data() -> Self {
        Self
    }

    fn view(_this: Self) -> AnyView {
        let caller = use_caller();
        let account = caller.as_ref().and_then(|c| c.account.clone());
        let role = caller.map(|c| c.role.as_str()).unwrap_or("none");
        view! {
            <Title text="Your account" />
            <section class="account-page" id="content">
                <h1>"Your account"</h1>
                {match account {
                    Some(name) => view! {
                        <p class="lead">"Signed in as " <strong>{name}</strong> ", role " <span class="badge">{role}</span></p>
                        <PasswordForm />
                        <ApiTokens />
                    }
                    .into_any(),
                    None => view! {
                        <p class="problem" role="alert">
                            "You are browsing anonymously: there is no account to manage. "
                            <a href="/login?next=/account">"Sign in"</a>
                        </p>
                    }
                    .into_any(),
                }}
            </section>
        }
        .into_any()
    }
}

/// The message of `error` when it is about `field`.
pub(crate) fn on_field(error: Option<AppError>, field: &str) -> Option<String> {
    error
        .filter(|e| e.field() == Some(field))
        .map(|e| e.to_string())
}

/// The message of `error` when it names none of `fields`.
pub(crate) fn on_none(error: Option<AppError>, fields: &[&str]) -> Option<String> {
    error
        .filter(|e| e.field().is_none_or(|f| !fields.contains(&f)))
        .map(|e| e.to_string())
}

/// Current and new password; a refusal is shown under the field it is about.
#[component]
fn PasswordForm() -> impl IntoView {
    let change = ServerAction::<ChangePassword>::new();
    let current = RwSignal::new(String::new());
    let new = RwSignal::new(String::new());
    let refused = move || change.value().get().and_then(Result::err);
    Effect::new(move |_| {
        if let Some(Ok(_)) = change.value().get() {
            current.set(String::new());
            new.set(String::new());
        }
    });
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        change.dispatch(ChangePassword {
            current: current.get_untracked(),
            new: new.get_untracked(),
        });
    };
    view! {
        <h2 id="password-title">"Change password"</h2>
        <form class="account-form" on:submit=submit aria-labelledby="password-title" novalidate=true>
            <div class="field">
                <label for="password-current">"Current password"</label>
                <input id="password-current" type="password" autocomplete="current-password"
                    aria-describedby="password-current-error"
                    prop:value=move || current.get() on:input=move |ev| current.set(event_target_value(&ev)) />
                <p id="password-current-error" class="field-error" role="alert">{move || on_field(refused(), "current")}</p>
            </div>
            <div class="field">
                <label for="password-new">"New password"</label>
                <input id="password-new" type="password" autocomplete="new-password"
                    aria-describedby="password-new-hint password-new-error"
                    prop:value=move || new.get() on:input=move |ev| new.set(event_target_value(&ev)) />
                <p class="hint" id="password-new-hint">"At least 12 characters. Your other sessions end; this one stays signed in."</p>
                <p id="password-new-error" class="field-error" role="alert">{move || on_field(refused(), "new")}</p>
            </div>
            <p class="form-error" role="alert">{move || on_none(refused(), &["current", "new"])}</p>
            <p role="status">
                {move || match change.value().get() {
                    Some(Ok(ended)) => Some(format!("Password changed. {ended} other session(s) ended.")),
                    _ => None,
                }}
            </p>
            <div class="filter-buttons">
                <button type="submit" class="primary" disabled=move || change.pending().get()>"Change password"</button>
            </div>
        </form>
    }
}
