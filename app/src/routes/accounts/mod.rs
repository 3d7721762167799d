//! `/accounts`: the admins' page of accounts — each with its role, which an admin changes;
//! disable (or enable) and delete; create one with a name, role and initial password. The
//! last admin cannot be demoted, disabled or deleted: the server refuses with why. A lazy
//! route; anyone but an admin gets only the refusal.

use access::Role;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::{LazyRoute, lazy_route};

use super::account::{on_field, on_none};
use crate::api::{
    AccountRow, CreateAccount, DeleteAccount, SetAccountDisabled, SetAccountRole, list_accounts,
};
use crate::errors::AppError;

/// The accounts page as a lazy route: its code is a chunk of its own.
pub struct AccountsRoute;

#[lazy_route]
impl LazyRoute for AccountsRoute {
    fn data() -> Self {
        Self
    }

    fn view(_this: Self) -> AnyView {
        view! {
            <Title text="Accounts" />
            <section class="accounts-page" id="content">
                <h1>"Accounts"</h1>
                <AccountsAdmin />
            </section>
        }
        .into_any()
    }
}

/// Every change here is one of these; the list is read again after each.
#[derive(Clone, Copy)]
struct Changes {
    create: ServerAction<CreateAccount>,
    role: ServerAction<SetAccountRole>,
    disabled: ServerAction<SetAccountDisabled>,
    delete: ServerAction<DeleteAccount>,
}

#[component]
fn AccountsAdmin() -> impl IntoView {
    let changes = Changes {
        create: ServerAction::new(),
        role: ServerAction::new(),
        disabled: ServerAction::new(),
        delete: ServerAction::new(),
    };
    let accounts = Resource::new(
        move || {
            (
                changes.create.version().get(),
                changes.role.version().get(),
                changes.disabled.version().get(),
                changes.delete.version().get(),
            )
        },
        |_| list_accounts(),
    );
    // The last refusal of a change to a listed account (the last admin, a vanished name).
    let row_refusal = move || {
        [
            changes.role.value().get().and_then(Result::err),
            changes.disabled.value().get().and_then(Result::err),
            changes.delete.value().get().and_then(Result::err),
        ]
        .into_iter()
        .flatten()
        .next()
    };
    view! {
        <Transition fallback=|| view! { <p class="loading" role="status">"Loading the accounts…"</p> }>
            {move || Suspend::new(async move {
                match accounts.await {
                    Ok(rows) => view! {
                        <AccountsTable rows changes />
                        <p class="form-error" role="alert">{move || row_refusal().map(|e| format!("Not changed: {e}"))}</p>
                        <NewAccountForm create=changes.create />
                    }
                    .into_any(),
                    Err(AppError::Forbidden { .. }) => view! {
                        <p class="problem" role="alert">"Only admins can manage accounts."</p>
                    }
                    .into_any(),
                    Err(error) => view! {
                        <p class="problem" role="alert">{format!("The accounts could not be read: {error}")}</p>
                    }
                    .into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn AccountsTable(rows: Vec<AccountRow>, changes: Changes) -> impl IntoView {
    view! {
        <table class="data-table accounts-table">
            <thead>
                <tr><th scope="col">"Account"</th><th scope="col">"Role"</th><th scope="col">"State"</th><th scope="col"><span class="visually-hidden">"Actions"</span></th></tr>
            </thead>
            <tbody>
                {rows.into_iter().map(|a| view! { <AccountLine a changes /> }).collect_view()}
            </tbody>
        </table>
    }
}

#[component]
fn AccountLine(a: AccountRow, changes: Changes) -> impl IntoView {
    let name = a.name.clone();
    let select_id = format!("role-{name}");
    let role_label = format!("Role of {name}");
    let (role_name, disable_name, delete_name) = (name.clone(), name.clone(), name.clone());
    let on_role = move |ev: leptos::ev::Event| {
        if let Ok(role) = event_target_value(&ev).parse::<Role>() {
            changes.role.dispatch(SetAccountRole {
                name: role_name.clone(),
                role,
            });
        }
    };
    let disabled = a.disabled;
    let toggle_label = format!("{} {name}", if disabled { "Enable" } else { "Disable" });
    let delete_label = format!("Delete {name}");
    let busy = move || {
        changes.role.pending().get()
            || changes.disabled.pending().get()
            || changes.delete.pending().get()
    };
    view! {
        <tr>
            <td>{name.clone()}</td>
            <td>
                <label for=select_id.clone() class="visually-hidden">{role_label}</label>
                <select id=select_id on:change=on_role disabled=busy>
                    {Role::ALL.map(|r| view! { <option value=r.as_str() selected=r == a.role>{r.as_str()}</option> }).collect_view()}
                </select>
            </td>
            <td>{if disabled { "disabled" } else { "enabled" }}</td>
            <td class="row-actions">
                <button type="button" aria-label=toggle_label disabled=busy
                    on:click=move |_| { changes.disabled.dispatch(SetAccountDisabled { name: disable_name.clone(), disabled: !disabled }); }>
                    {if disabled { "Enable" } else { "Disable" }}
                </button>
                <button type="button" class="danger-outline" aria-label=delete_label disabled=busy
                    on:click=move |_| { changes.delete.dispatch(DeleteAccount { name: delete_name.clone() }); }>"Delete"</button>
            </td>
        </tr>
    }
}

/// Name, role and initial password of a new account.
#[component]
fn NewAccountForm(create: ServerAction<CreateAccount>) -> impl IntoView {
    let name = RwSignal::new(String::new());
    let role = RwSignal::new(Role::Viewer);
    let password = RwSignal::new(String::new());
    let refused = move || create.value().get().and_then(Result::err);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        create.dispatch(CreateAccount {
            name: name.get_untracked(),
            role: role.get_untracked(),
            password: password.get_untracked(),
        });
    };
    Effect::new(move |_| {
        if let Some(Ok(_)) = create.value().get() {
            name.set(String::new());
            password.set(String::new());
        }
    });
    view! {
        <h2 id="new-account-title">"New account"</h2>
        <form class="account-form" on:submit=submit aria-labelledby="new-account-title" novalidate=true>
            <div class="field">
                <label for="account-name">"Name"</label>
                <input id="account-name" autocomplete="off" aria-describedby="account-name-error"
                    prop:value=move || name.get() on:input=move |ev| name.set(event_target_value(&ev)) />
                <p id="account-name-error" class="field-error" role="alert">{move || on_field(refused(), "name")}</p>
            </div>
            <div class="field">
                <label for="account-role">"Role"</label>
                <select id="account-role" on:change=move |ev| {
                    if let Ok(r) = event_target_value(&ev).parse::<Role>() { role.set(r); }
                }>
                    {Role::ALL.map(|r| view! { <option value=r.as_str() selected=r == Role::Viewer>{r.as_str()}</option> }).collect_view()}
                </select>
                <p class="hint">"viewer: browse; editor: also save, delete and run; admin: also connections, accounts and the audit log."</p>
            </div>
            <div class="field">
                <label for="account-password">"Initial password"</label>
                <input id="account-password" type="password" autocomplete="new-password" aria-describedby="account-password-error"
                    prop:value=move || password.get() on:input=move |ev| password.set(event_target_value(&ev)) />
                <p id="account-password-error" class="field-error" role="alert">{move || on_field(refused(), "password")}</p>
            </div>
            <p class="form-error" role="alert">{move || on_none(refused(), &["name", "password"])}</p>
            <p role="status">{move || create.value().get().and_then(Result::ok).map(|a| format!("Created {} ({}).", a.name, a.role))}</p>
            <div class="filter-buttons">
                <button type="submit" class="primary" disabled=move || create.pending().get()>"Create account"</button>
            </div>
        </form>
    }
}
