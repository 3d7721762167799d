//! `/actions`: the packages and actions of the connection in view, filtered as you type, with
//! "New action", "New package" and delete behind a confirmation. Server-rendered (readable
//! with JavaScript off, filters applied from the URL) and hydrated.

mod dialog;
mod filter;
mod forms;

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::{LazyRoute, hooks::use_query_map, lazy_route};
use providers::{ActionSummary, Capability};

use crate::api::{
    ActionListing, CreateAction, DeleteAction, DeletePackage, SavePackage, list_actions,
};
use crate::context::use_connection_id;
use crate::errors::AppError;
use dialog::{ConfirmDelete, Deletion, Target};
use filter::{ActionType, Filter, count_text, runtimes, type_label};
use forms::{NewActionFields, NewActionForm, NewPackageForm};

/// Which form is open.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum OpenForm {
    Action,
    Package,
}

/// What the page's pieces share: filters, forms, the pending deletion, the server actions.
#[derive(Clone, Copy)]
struct PageState {
    name: RwSignal<String>,
    kind: RwSignal<String>,
    action_type: RwSignal<String>,
    open: RwSignal<Option<OpenForm>>,
    deleting: RwSignal<Option<Deletion>>,
    notice: RwSignal<String>,
    fields: NewActionFields,
    create: ServerAction<CreateAction>,
    save_package: ServerAction<SavePackage>,
    delete_action: ServerAction<DeleteAction>,
    delete_package: ServerAction<DeletePackage>,
}

impl PageState {
    fn filter(&self) -> Filter {
        Filter {
            name: self.name.get(),
            kind: self.kind.get(),
            action_type: self.action_type.get(),
        }
    }

    fn open_form(&self, form: OpenForm) {
        self.create.value().set(None);
        self.save_package.value().set(None);
        self.notice.set(String::new());
        self.open.set(Some(form));
    }

    fn ask_delete(&self, deletion: Deletion) {
        self.delete_action.value().set(None);
        self.delete_package.value().set(None);
        self.notice.set(String::new());
        self.deleting.set(Some(deletion));
    }
}

/// The actions page as a lazy route: its code is a chunk of its own (`cargo leptos build
/// --split`), fetched when `/actions` is first shown, so the other pages do not carry it.
pub struct ActionsRoute;

#[lazy_route]
impl LazyRoute for ActionsRoute {
    fn data() -> Self {
        Self
    }

    fn view(_this: Self) -> AnyView {
        view! { <ActionsPage /> }.into_any()
    }
}

/// The actions page.
#[component]
fn ActionsPage() -> impl IntoView {
    let connection = use_connection_id();
    let query = use_query_map();
    let initial = move |key: &str| query.with_untracked(|q| q.get(key)).unwrap_or_default();
    let state = PageState {
        name: RwSignal::new(initial("q")),
        kind: RwSignal::new(initial("kind")),
        action_type: RwSignal::new(initial("type")),
        open: RwSignal::new(None),
        deleting: RwSignal::new(None),
        notice: RwSignal::new(String::new()),
        fields: NewActionFields::new(),
        create: ServerAction::new(),
        save_package: ServerAction::new(),
        delete_action: ServerAction::new(),
        delete_package: ServerAction::new(),
    };
    let listing = Resource::new(
        move || {
            (
                connection.get(),
                state.create.version().get(),
                state.save_package.version().get(),
                state.delete_action.version().get(),
                state.delete_package.version().get(),
            )
        },
        |(connection, ..)| list_actions(connection),
    );

    // A finished write closes its form or dialog and says what was done.
    Effect::new(move |_| {
        if let Some(Ok(created)) = state.create.value().get() {
            state
                .notice
                .set(format!("Created action {}.", created.action));
            state.fields.reset();
            state.open.set(None);
        }
    });
    Effect::new(move |_| {
        if let Some(Ok(package)) = state.save_package.value().get() {
            state
                .notice
                .set(format!("Created package {}.", package.name));
            state.open.set(None);
        }
    });
    Effect::new(move |_| {
        let done = matches!(state.delete_action.value().get(), Some(Ok(())))
            || matches!(state.delete_package.value().get(), Some(Ok(())));
        if done && let Some(deletion) = state.deleting.get_untracked() {
            state.notice.set(deletion.done());
            state.deleting.set(None);
        }
    });
    // A new connection closes what was open on the previous one.
    Effect::new(move |previous: Option<Option<String>>| {
        let current = connection.get();
        if previous.is_some_and(|p| p != current) {
            state.open.set(None);
            state.deleting.set(None);
            state.notice.set(String::new());
        }
        current
    });

    view! {
        <Title text="Actions" />
        <section class="actions-page" id="content">
            <h1>"Actions"</h1>
            <p class="notice" role="status">
                {move || state.notice.get()}
            </p>
            <Transition fallback=|| {
                view! {
                    <p class="loading" role="status">
                        "Loading actions…"
                    </p>
                }
            }>
                {move || Suspend::new(async move {
                    match listing.await {
                        Ok(listing) => view! { <Listing listing state /> }.into_any(),
                        Err(error) => view! { <ListingProblem error /> }.into_any(),
                    }
                })}
            </Transition>
            {move || {
                state
                    .deleting
                    .get()
                    .map(|deletion| {
                        let is_action = matches!(deletion.target, Target::Action(_));
                        let pending = Signal::derive(move || {
                            if is_action {
                                state.delete_action.pending().get()
                            } else {
                                state.delete_package.pending().get()
                            }
                        });
                        let error = Signal::derive(move || {
                            if is_action {
                                state.delete_action.value().get().and_then(Result::err)
                            } else {
                                state.delete_package.value().get().and_then(Result::err)
                            }
                        });
                        let confirm = Callback::new(move |d: Deletion| match d.target {
                            Target::Action(action) => {
                                state
                                    .delete_action
                                    .dispatch(DeleteAction {
                                        connection: d.connection,
                                        package: action.package,
                                        name: action.name,
                                    });
                            }
                            Target::Package(name, _) => {
                                state
                                    .delete_package
                                    .dispatch(DeletePackage {
                                        connection: d.connection,
                                        name,
                                    });
                            }
                        });
                        let cancel = Callback::new(move |()| state.deleting.set(None));
                        view! {
                            <ConfirmDelete
                                deletion
                                pending
                                error
                                on_confirm=confirm
                                on_cancel=cancel
                            />
                        }
                    })
            }}
        </section>
    }
}

/// What a connection that cannot be listed shows: the provider's answer; the rest of the
/// console still works.
#[component]
fn ListingProblem(error: AppError) -> impl IntoView {
    view! {
        <div class="problem" role="alert">
            <h2>"This connection's actions could not be listed"</h2>
            <p>{error.to_string()}</p>
            <p class="muted">
                "The rest of the console still works: pick another connection in the header, or check this one with "
                <code>"fnconsole connections test"</code> "."
            </p>
        </div>
    }
}

/// The listing of one connection: notes on what it cannot do, the toolbar, the open form,
/// the filters, the counts and the groups.
#[component]
fn Listing(listing: ActionListing, state: PageState) -> impl IntoView {
    let ActionListing {
        connection,
        capabilities,
        packages_read_only,
        packages,
        actions,
    } = listing;
    let writable = capabilities.has(Capability::ActionsWrite);
    let packages_writable = writable && packages_read_only.is_none();
    let provider = connection.provider;
    let id = connection.id.clone();
    let total = actions.len();
    let package_count = packages.len();
    let kinds = runtimes(&actions);
    let actions = std::sync::Arc::new(actions);
    let shown = {
        let actions = actions.clone();
        Memo::new(move |_| {
            let filter = state.filter();
            actions.iter().filter(|a| filter.keeps(a)).count()
        })
    };
    let filtered = move || state.filter().is_active();
    let package_names: Vec<String> = packages.iter().map(|p| p.name.clone()).collect();

    let mut groups: Vec<(Option<String>, usize)> = Vec::new();
    if actions.iter().any(|a| a.action.package.is_none()) {
        groups.push((None, 0));
    }
    groups.extend(packages.iter().map(|p| (Some(p.name.clone()), p.actions)));

    let on = format!(
        "On {} — {}{}",
        connection.name,
        provider,
        if connection.local {
            " (local engine)"
        } else {
            ""
        }
    );
    view! {
        <p class="connection-line muted">{on}</p>
        {(!writable)
            .then(|| {
                view! {
                    <p class="note">
                        {format!(
                            "{provider} functions are listed read-only here: the console cannot create, change or delete them on this provider yet.",
                        )}
                    </p>
                }
            })}
        {(writable && !packages_writable)
            .then(|| {
                view! { <p class="note">{packages_read_only.clone().unwrap_or_default()}</p> }
            })}
        <div class="toolbar">
            {writable
                .then(|| {
                    view! {
                        <button
                            type="button"
                            class="primary"
                            aria-expanded=move || {
                                (state.open.get() == Some(OpenForm::Action)).to_string()
                            }
                            on:click=move |_| state.open_form(OpenForm::Action)
                        >
                            "New action"
                        </button>
                    }
                })}
            {packages_writable
                .then(|| {
                    view! {
                        <button
                            type="button"
                            aria-expanded=move || {
                                (state.open.get() == Some(OpenForm::Package)).to_string()
                            }
                            on:click=move |_| state.open_form(OpenForm::Package)
                        >
                            "New package"
                        </button>
                    }
                })}
        </div>
        {
            let id = id.clone();
            move || {
                let close = Callback::new(move |()| state.open.set(None));
                match state.open.get() {
                    Some(OpenForm::Action) if writable => {
                        view! {
                            <NewActionForm
                                connection=id.clone()
                                packages=package_names.clone()
                                fields=state.fields
                                action=state.create
                                on_cancel=close
                            />
                        }
                            .into_any()
                    }
                    Some(OpenForm::Package) if packages_writable => {
                        view! {
                            <NewPackageForm
                                connection=id.clone()
                                action=state.save_package
                                on_cancel=close
                            />
                        }
                            .into_any()
                    }
                    _ => ().into_any(),
                }
            }
        }
        <form class="filters" method="get" role="search" on:submit=|ev| ev.prevent_default()>
            <input type="hidden" name="connection" value=id.clone() />
            <div class="field">
                <label for="filter-name">"Filter by name"</label>
                <input
                    id="filter-name"
                    name="q"
                    type="search"
                    autocomplete="off"
                    bind:value=state.name
                />
            </div>
            <div class="field">
                <label for="filter-kind">"Kind"</label>
                <select
                    id="filter-kind"
                    name="kind"
                    prop:value=move || state.kind.get()
                    on:change=move |ev| state.kind.set(event_target_value(&ev))
                >
                    <option value="">"All kinds"</option>
                    {kinds
                        .into_iter()
                        .map(|k| {
                            let value = k.clone();
                            let label = k.clone();
                            view! {
                                <option value=k selected=move || state.kind.get() == value>
                                    {label}
                                </option>
                            }
                        })
                        .collect_view()}
                </select>
            </div>
            <div class="field">
                <label for="filter-type">"Type"</label>
                <select
                    id="filter-type"
                    name="type"
                    prop:value=move || state.action_type.get()
                    on:change=move |ev| state.action_type.set(event_target_value(&ev))
                >
                    <option value="">"All types"</option>
                    {ActionType::ALL
                        .into_iter()
                        .map(|t| {
                            view! {
                                <option
                                    value=t.value()
                                    selected=move || state.action_type.get() == t.value()
                                >
                                    {t.label()}
                                </option>
                            }
                        })
                        .collect_view()}
                </select>
            </div>
            <noscript>
                <button type="submit">"Apply"</button>
            </noscript>
        </form>
        <p class="counts" role="status" aria-live="polite">
            {move || count_text(shown.get(), total, package_count, filtered())}
        </p>
        {(total == 0 && package_count == 0)
            .then(|| {
                view! {
                    <p class="empty">
                        {if writable {
                            "This connection has no actions yet. Create one with “New action”."
                        } else {
                            "This connection has no functions."
                        }}
                    </p>
                }
            })}
        <p class="empty" hidden=move || !(filtered() && shown.get() == 0 && total > 0)>
            "No action matches these filters. "
            <button
                type="button"
                class="link"
                on:click=move |_| {
                    state.name.set(String::new());
                    state.kind.set(String::new());
                    state.action_type.set(String::new());
                }
            >
                "Clear filters"
            </button>
        </p>
        {groups
            .into_iter()
            .map(|(package, count)| {
                let members: Vec<ActionSummary> = actions
                    .iter()
                    .filter(|a| a.action.package == package)
                    .cloned()
                    .collect();
                view! {
                    <PackageGroup
                        connection=id.clone()
                        package
                        count
                        members
                        writable
                        packages_writable
                        state
                    />
                }
            })
            .collect_view()}
    }
}

/// One package (or the top level) and its actions.
#[component]
fn PackageGroup(
    connection: String,
    package: Option<String>,
    count: usize,
    members: Vec<ActionSummary>,
    writable: bool,
    packages_writable: bool,
    state: PageState,
) -> impl IntoView {
    let members = std::sync::Arc::new(members);
    let any_shown = {
        let members = members.clone();
        Memo::new(move |_| {
            let filter = state.filter();
            members.iter().any(|a| filter.keeps(a))
        })
    };
    let hidden = move || state.filter().is_active() && !any_shown.get();
    let title = package.clone().unwrap_or_else(|| "Top level".into());
    let heading_id = format!("package-{}", package.as_deref().unwrap_or("-"));
    let labelled_by = heading_id.clone();
    let count_label = if package.is_some() {
        format!("{count} action{}", if count == 1 { "" } else { "s" })
    } else {
        format!(
            "{} action{}, in no package",
            members.len(),
            if members.len() == 1 { "" } else { "s" }
        )
    };
    let delete_package = package.clone().filter(|_| packages_writable).map(|name| {
        let deletion = Deletion {
            connection: connection.clone(),
            target: Target::Package(name.clone(), count),
        };
        view! {
            <button
                type="button"
                class="danger-outline"
                aria-label=format!("Delete package {name}")
                on:click=move |_| state.ask_delete(deletion.clone())
            >
                "Delete package"
            </button>
        }
    });
    let rows = members
        .iter()
        .cloned()
        .map(|a| {
            let keep = a.clone();
            let hidden = move || !state.filter().keeps(&keep);
            let full = a.action.to_string();
            let href = crate::routes::action_href(&a.action, Some(&connection), None);
            let delete = writable.then(|| {
                let deletion = Deletion {
                    connection: connection.clone(),
                    target: Target::Action(a.action.clone()),
                };
                view! {
                    <button
                        type="button"
                        class="danger-outline"
                        aria-label=format!("Delete {full}")
                        on:click=move |_| state.ask_delete(deletion.clone())
                    >
                        "Delete"
                    </button>
                }
            });
            view! {
                <tr hidden=hidden>
                    <th scope="row" data-label="Name">
                        <a href=href aria-label=format!("Open {full}")>
                            <code>{a.action.name.clone()}</code>
                        </a>
                    </th>
                    <td data-label="Type">{type_label(a.kind)}</td>
                    <td data-label="Kind">
                        {a.runtime.clone().unwrap_or_else(|| "—".into())}
                    </td>
                    <td data-label="Description" class="description">
                        {a.description.clone().unwrap_or_default()}
                    </td>
                    {writable.then(|| view! { <td class="row-actions">{delete}</td> })}
                </tr>
            }
        })
        .collect_view();
    let empty = members.is_empty();
    view! {
        <section class="package" aria-labelledby=labelled_by hidden=hidden>
            <div class="package-head">
                <h2 id=heading_id>{title}</h2>
                <span class="muted">{count_label}</span>
                {delete_package}
            </div>
            {if empty {
                view! { <p class="muted empty-package">"No actions in this package yet."</p> }
                    .into_any()
            } else {
                view! {
                    <table class="data-table actions-table">
                        <thead>
                            <tr>
                                <th scope="col">"Name"</th>
                                <th scope="col">"Type"</th>
                                <th scope="col">"Kind"</th>
                                <th scope="col">"Description"</th>
                                {writable
                                    .then(|| {
                                        view! {
                                            <th scope="col">
                                                <span class="visually-hidden">"Actions"</span>
                                            </th>
                                        }
                                    })}
                            </tr>
                        </thead>
                        <tbody>{rows}</tbody>
                    </table>
                }
                    .into_any()
            }}
        </section>
    }
}
