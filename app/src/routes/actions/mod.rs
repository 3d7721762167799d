//! `/actions`: the packages and actions of the connection in view, filtered as you type, with
//! "New action", "New package" and delete behind a confirmation. Server-rendered (readable
//! with JavaScript off, filters applied from the URL) and hydrated.

mod dialog;
mod field;
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
use field::{Choice, Field, SelectField};
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
    /// Nothing open, the filters as `initial` reads them from the URL (`q`, `kind`, `type`).
    fn new(initial: impl Fn(&str) -> String) -> Self {
        Self {
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
        }
    }

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
    let state = PageState::new(|key| query.with_untracked(|q| q.get(key)).unwrap_or_default());
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
    close_when_done(state, connection);

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
                // Erased: the page's view type would otherwise nest past the compiler's
                // recursion limit in the release build.
                state
                    .deleting
                    .get()
                    .map(|deletion| view! { <DeletionDialog deletion state /> }.into_any())
            }}
        </section>
    }
}

/// A finished write closes its form or dialog and says what was done; a new connection
/// closes what was open on the previous one.
fn close_when_done(state: PageState, connection: Signal<Option<String>>) {
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
    Effect::new(move |previous: Option<Option<String>>| {
        let current = connection.get();
        if previous.is_some_and(|p| p != current) {
            state.open.set(None);
            state.deleting.set(None);
            state.notice.set(String::new());
        }
        current
    });
}

/// The confirmation of a pending deletion, wired to the server action of what it deletes.
#[component]
fn DeletionDialog(deletion: Deletion, state: PageState) -> impl IntoView {
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
            state.delete_action.dispatch(DeleteAction {
                connection: d.connection,
                package: action.package,
                name: action.name,
            });
        }
        Target::Package(name, _) => {
            state.delete_package.dispatch(DeletePackage {
                connection: d.connection,
                name,
            });
        }
    });
    let cancel = Callback::new(move |()| state.deleting.set(None));
    view! { <ConfirmDelete deletion pending error on_confirm=confirm on_cancel=cancel /> }
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

/// What the connection and the caller's role let the console do.
#[derive(Debug, Clone, Copy)]
struct Rights {
    /// The caller's role may create and delete (editor or more); the server refuses others.
    role_allows: bool,
    /// Actions can be created and deleted.
    writable: bool,
    /// Packages can be created and deleted.
    packages_writable: bool,
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
    let role_allows = crate::context::caller_can(access::Role::Editor);
    let provider_writable = capabilities.has(Capability::ActionsWrite);
    let writable = provider_writable && role_allows;
    let rights = Rights {
        role_allows,
        writable,
        packages_writable: writable && packages_read_only.is_none(),
    };
    let id = connection.id.clone();
    let total = actions.len();
    let package_count = packages.len();
    let kinds = runtimes(&actions);
    let package_names: Vec<String> = packages.iter().map(|p| p.name.clone()).collect();
    let mut groups: Vec<(Option<String>, usize)> = Vec::new();
    if actions.iter().any(|a| a.action.package.is_none()) {
        groups.push((None, 0));
    }
    groups.extend(packages.iter().map(|p| (Some(p.name.clone()), p.actions)));
    let actions = std::sync::Arc::new(actions);
    let shown = {
        let actions = actions.clone();
        Memo::new(move |_| {
            let filter = state.filter();
            actions.iter().filter(|a| filter.keeps(a)).count()
        })
    };
    let counts = Counts {
        shown,
        total,
        packages: package_count,
    };
    view! {
        <ConnectionNotes connection rights packages_read_only />
        <Toolbar rights state />
        <FormPanel connection=id.clone() package_names rights state />
        <Filters connection=id.clone() kinds state />
        <ListingCounts counts writable state />
        {groups
            .into_iter()
            .map(|(package, count)| {
                let members: Vec<ActionSummary> = actions
                    .iter()
                    .filter(|a| a.action.package == package)
                    .cloned()
                    .collect();
                view! { <PackageGroup connection=id.clone() package count members rights state /> }
            })
            .collect_view()}
    }
}

/// Which connection this is, and what the console cannot do on it.
#[component]
fn ConnectionNotes(
    connection: providers::ConnectionSummary,
    rights: Rights,
    packages_read_only: Option<String>,
) -> impl IntoView {
    let provider = connection.provider;
    let local = if connection.local {
        " (local engine)"
    } else {
        ""
    };
    let on = format!("On {} — {provider}{local}", connection.name);
    view! {
        <p class="connection-line muted">{on}</p>
        {(!rights.role_allows)
            .then(|| {
                view! {
                    <p class="note" role="note">
                        "You can browse here; creating, changing, deleting and running actions needs the editor role."
                    </p>
                }
            })}
        {(rights.role_allows && !rights.writable)
            .then(|| {
                view! {
                    <p class="note">
                        {format!(
                            "{provider} functions are listed read-only here: the console cannot create, change or delete them on this provider yet.",
                        )}
                    </p>
                }
            })}
        {(rights.writable && !rights.packages_writable)
            .then(|| view! { <p class="note">{packages_read_only.unwrap_or_default()}</p> })}
    }
}

/// "New action" and "New package", each shown where the connection allows it.
#[component]
fn Toolbar(rights: Rights, state: PageState) -> impl IntoView {
    let button = move |form: OpenForm, label: &'static str, class: Option<&'static str>| {
        view! {
            <button
                type="button"
                class=class
                aria-expanded=move || (state.open.get() == Some(form)).to_string()
                on:click=move |_| state.open_form(form)
            >
                {label}
            </button>
        }
    };
    view! {
        <div class="toolbar">
            {rights.writable.then(|| button(OpenForm::Action, "New action", Some("primary")))}
            {rights.packages_writable.then(|| button(OpenForm::Package, "New package", None))}
        </div>
    }
}

/// The form the toolbar opened, if the connection allows it.
#[component]
fn FormPanel(
    connection: String,
    package_names: Vec<String>,
    rights: Rights,
    state: PageState,
) -> impl IntoView {
    move || {
        let close = Callback::new(move |()| state.open.set(None));
        match state.open.get() {
            Some(OpenForm::Action) if rights.writable => view! {
                <NewActionForm
                    connection=connection.clone()
                    packages=package_names.clone()
                    fields=state.fields
                    action=state.create
                    on_cancel=close
                />
            }
            .into_any(),
            Some(OpenForm::Package) if rights.packages_writable => view! {
                <NewPackageForm
                    connection=connection.clone()
                    action=state.save_package
                    on_cancel=close
                />
            }
            .into_any(),
            _ => ().into_any(),
        }
    }
}

/// The filters: applied as you type, and from the URL without JavaScript.
#[component]
fn Filters(connection: String, kinds: Vec<String>, state: PageState) -> impl IntoView {
    let kinds = std::iter::once(Choice::new("", "All kinds"))
        .chain(kinds.into_iter().map(Choice::plain))
        .collect();
    let types = std::iter::once(Choice::new("", "All types"))
        .chain(ActionType::ALL.map(|t| Choice::new(t.value(), t.label())))
        .collect();
    view! {
        <form class="filters" method="get" role="search" on:submit=|ev| ev.prevent_default()>
            <input type="hidden" name="connection" value=connection />
            <Field id="filter-name" label="Filter by name">
                <input
                    id="filter-name"
                    name="q"
                    type="search"
                    autocomplete="off"
                    bind:value=state.name
                />
            </Field>
            <SelectField id="filter-kind" name="kind" label="Kind" value=state.kind choices=kinds />
            <SelectField
                id="filter-type"
                name="type"
                label="Type"
                value=state.action_type
                choices=types
            />
            <noscript>
                <button type="submit">"Apply"</button>
            </noscript>
        </form>
    }
}

/// How many actions there are and how many the filters show.
#[derive(Debug, Clone, Copy)]
struct Counts {
    shown: Memo<usize>,
    total: usize,
    packages: usize,
}

/// The counts, and what an empty connection or an empty filter result says.
#[component]
fn ListingCounts(counts: Counts, writable: bool, state: PageState) -> impl IntoView {
    let Counts {
        shown,
        total,
        packages,
    } = counts;
    let filtered = move || state.filter().is_active();
    view! {
        <p class="counts" role="status" aria-live="polite">
            {move || count_text(shown.get(), total, packages, filtered())}
        </p>
        {(total == 0 && packages == 0)
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
    }
}

/// A "Delete" button that asks before deleting `deletion`.
#[component]
fn DeleteButton(
    deletion: Deletion,
    label: String,
    text: &'static str,
    state: PageState,
) -> impl IntoView {
    view! {
        <button
            type="button"
            class="danger-outline"
            aria-label=label
            on:click=move |_| state.ask_delete(deletion.clone())
        >
            {text}
        </button>
    }
}

/// How many actions a group holds, in a phrase.
fn group_count(package: Option<&str>, count: usize, members: usize) -> String {
    let plural = |n: usize| if n == 1 { "" } else { "s" };
    match package {
        Some(_) => format!("{count} action{}", plural(count)),
        None => format!("{members} action{}, in no package", plural(members)),
    }
}

/// One package (or the top level) and its actions.
#[component]
fn PackageGroup(
    connection: String,
    package: Option<String>,
    count: usize,
    members: Vec<ActionSummary>,
    rights: Rights,
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
    let count_label = group_count(package.as_deref(), count, members.len());
    let delete_package = package
        .clone()
        .filter(|_| rights.packages_writable)
        .map(|name| {
            let deletion = Deletion {
                connection: connection.clone(),
                target: Target::Package(name.clone(), count),
            };
            let label = format!("Delete package {name}");
            view! { <DeleteButton deletion label text="Delete package" state /> }
        });
    let body = if members.is_empty() {
        view! { <p class="muted empty-package">"No actions in this package yet."</p> }.into_any()
    } else {
        let members = members.to_vec();
        view! { <ActionsTable connection members writable=rights.writable state /> }.into_any()
    };
    view! {
        <section class="package" aria-labelledby=labelled_by hidden=hidden>
            <div class="package-head">
                <h2 id=heading_id>{title}</h2>
                <span class="muted">{count_label}</span>
                {delete_package}
            </div>
            {body}
        </section>
    }
}

/// A group's actions, one row each, hidden when the filters do not keep them.
#[component]
fn ActionsTable(
    connection: String,
    members: Vec<ActionSummary>,
    writable: bool,
    state: PageState,
) -> impl IntoView {
    let rows = members
        .into_iter()
        .map(|a| view! { <ActionRow connection=connection.clone() a writable state /> })
        .collect_view();
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
}

/// One action: its name links to its page; "Delete" where the connection allows it.
#[component]
fn ActionRow(
    connection: String,
    a: ActionSummary,
    writable: bool,
    state: PageState,
) -> impl IntoView {
    let keep = a.clone();
    let hidden = move || !state.filter().keeps(&keep);
    let full = a.action.to_string();
    let href = crate::routes::action_href(&a.action, Some(&connection), None);
    let delete = writable.then(|| {
        let deletion = Deletion {
            connection: connection.clone(),
            target: Target::Action(a.action.clone()),
        };
        let label = format!("Delete {full}");
        view! { <td class="row-actions"><DeleteButton deletion label text="Delete" state /></td> }
    });
    view! {
        <tr hidden=hidden>
            <th scope="row" data-label="Name">
                <a href=href aria-label=format!("Open {full}")>
                    <code>{a.action.name.clone()}</code>
                </a>
            </th>
            <td data-label="Type">{type_label(a.kind)}</td>
            <td data-label="Kind">{a.runtime.clone().unwrap_or_else(|| "—".into())}</td>
            <td data-label="Description" class="description">
                {a.description.clone().unwrap_or_default()}
            </td>
            {delete}
        </tr>
    }
}
