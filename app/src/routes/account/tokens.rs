//! The account page's API tokens: create (the token shown once, with "Copy"), list, revoke.

use leptos::prelude::*;

use super::{on_field, on_none};
use crate::api::{CreateToken, RevokeToken, TokenRow, list_tokens};
use crate::components::LocalTime;

/// The caller's tokens and the form that makes one.
#[component]
pub(super) fn ApiTokens() -> impl IntoView {
    let create = ServerAction::<CreateToken>::new();
    let revoke = ServerAction::<RevokeToken>::new();
    // Refetched after each creation or revocation.
    let tokens = Resource::new(
        move || (create.version().get(), revoke.version().get()),
        |_| list_tokens(),
    );
    let name = RwSignal::new(String::new());
    let refused = move || create.value().get().and_then(Result::err);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        create.dispatch(CreateToken {
            name: name.get_untracked(),
        });
    };
    Effect::new(move |_| {
        if let Some(Ok(_)) = create.value().get() {
            name.set(String::new());
        }
    });
    view! {
        <h2 id="tokens-title">"API tokens"</h2>
        <p class="muted">
            "For scripts: send " <code>"Authorization: Bearer <token>"</code>
            " to the server functions. A token acts with your role; only its hash is kept."
        </p>
        <form class="account-form token-form" on:submit=submit aria-labelledby="tokens-title" novalidate=true>
            <div class="field">
                <label for="token-name">"Token name"</label>
                <input id="token-name" autocomplete="off" aria-describedby="token-name-error"
                    prop:value=move || name.get() on:input=move |ev| name.set(event_target_value(&ev)) />
                <p id="token-name-error" class="field-error" role="alert">{move || on_field(refused(), "name")}</p>
            </div>
            <p class="form-error" role="alert">{move || on_none(refused(), &["name"])}</p>
            <div class="filter-buttons">
                <button type="submit" class="primary" disabled=move || create.pending().get()>"Create token"</button>
            </div>
        </form>
        {move || create.value().get().and_then(Result::ok).map(|made| view! { <NewTokenShown token=made.token /> })}
        <Transition fallback=|| view! { <p class="loading" role="status">"Loading your tokens…"</p> }>
            {move || Suspend::new(async move {
                match tokens.await {
                    Ok(rows) if rows.is_empty() => view! { <p class="empty">"You have no API token."</p> }.into_any(),
                    Ok(rows) => view! { <TokenTable rows revoke /> }.into_any(),
                    Err(error) => view! {
                        <p class="problem" role="alert">{format!("Your tokens could not be read: {error}")}</p>
                    }
                    .into_any(),
                }
            })}
        </Transition>
        <p role="status">{move || revoke.value().get().and_then(Result::err).map(|e| format!("Not revoked: {e}"))}</p>
    }
}

/// The token just made: shown this once, with "Copy".
#[component]
fn NewTokenShown(token: String) -> impl IntoView {
    let said = RwSignal::new("");
    let copy = {
        let token = token.clone();
        move |_| {
            #[cfg(feature = "hydrate")]
            {
                let token = token.clone();
                leptos::task::spawn_local(async move {
                    let ok = crate::routes::copy_text(&token).await;
                    said.set(if ok {
                        "Copied."
                    } else {
                        "The browser refused: select the token and copy it."
                    });
                });
            }
            #[cfg(not(feature = "hydrate"))]
            let _ = &token;
        }
    };
    view! {
        <div class="new-token" role="status">
            <p><strong>"Copy this token now: it is not shown again."</strong></p>
            <p><code class="token-value" aria-label="New API token">{token}</code></p>
            <button type="button" on:click=copy>"Copy"</button>
            " "
            <span class="muted">{move || said.get()}</span>
        </div>
    }
}

#[component]
fn TokenTable(rows: Vec<TokenRow>, revoke: ServerAction<RevokeToken>) -> impl IntoView {
    view! {
        <table class="data-table tokens-table">
            <thead>
                <tr><th scope="col">"Name"</th><th scope="col">"Created"</th><th scope="col">"Last used"</th><th scope="col"><span class="visually-hidden">"Revoke"</span></th></tr>
            </thead>
            <tbody>
                {rows.into_iter().map(|t| {
                    let label = format!("Revoke {}", t.name);
                    let id = t.id;
                    view! {
                        <tr>
                            <td>{t.name.clone()}</td>
                            <td><LocalTime ms=t.created_at_ms /></td>
                            <td>{match t.last_used_ms {
                                Some(ms) => view! { <LocalTime ms /> }.into_any(),
                                None => view! { <span class="muted">"never"</span> }.into_any(),
                            }}</td>
                            <td class="row-actions">
                                <button type="button" class="danger-outline" aria-label=label
                                    disabled=move || revoke.pending().get()
                                    on:click=move |_| { revoke.dispatch(RevokeToken { id }); }>"Revoke"</button>
                            </td>
                        </tr>
                    }
                }).collect_view()}
            </tbody>
        </table>
    }
}
