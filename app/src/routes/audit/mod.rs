//! `/audit`: the audit log for admins — who saved, deleted or ran what, on which connection,
//! when, from where, and how it ended — filtered by account, action, connection, outcome and
//! time range (all in the URL), newest first, a page at a time. Read-only: nothing here edits
//! it. A lazy route.

mod table;
mod url;

use access::audit::{AuditFilter, AuditPage, OutcomeFilter};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::Form;
use leptos_router::{LazyRoute, lazy_route};

use crate::api::list_audit;
use crate::components::{AddressProblems, FieldProblem, FilterButtons, TimeField, url_view};
use crate::errors::AppError;
use table::{AuditPager, AuditTable};

/// The audit page as a lazy route: its code is a chunk of its own.
pub struct AuditRoute;

#[lazy_route]
impl LazyRoute for AuditRoute {
    fn data() -> Self {
        Self
    }

    fn view(_this: Self) -> AnyView {
        view! {
            <Title text="Audit log" />
            <section class="audit-page" id="content">
                <h1>"Audit log"</h1>
                <AuditBrowser />
            </section>
        }
        .into_any()
    }
}

/// The page of the log the URL names.
#[component]
fn AuditBrowser() -> impl IntoView {
    let (filter, problems) = url_view(|q| url::filter_from_query(|k| q.get(k)));
    let page = Resource::new(move || filter.get(), list_audit);
    view! {
        <AddressProblems problems />
        <AuditFilters filter=filter.get_untracked() problems />
        <Transition fallback=|| view! { <p class="loading" role="status">"Loading the audit log…"</p> }>
            {move || Suspend::new(async move {
                let filter = filter.get_untracked();
                match page.await {
                    Ok(page) if page.entries.is_empty() => view! {
                        <p class="empty">"No audit entry matches these filters."</p>
                    }
                    .into_any(),
                    Ok(AuditPage { entries, total }) => {
                        let shown = entries.len();
                        view! {
                            <AuditTable entries />
                            <AuditPager filter shown total />
                        }
                        .into_any()
                    }
                    Err(AppError::Forbidden { .. }) => view! {
                        <p class="problem" role="alert">"Only admins can read the audit log."</p>
                    }
                    .into_any(),
                    Err(error) => view! {
                        <p class="problem" role="alert">{format!("The audit log could not be read: {error}")}</p>
                    }
                    .into_any(),
                }
            })}
        </Transition>
    }
}

/// The filter form: a GET form whose fields are the URL's parameters (a new search starts at
/// the first entry).
#[component]
fn AuditFilters(filter: AuditFilter, problems: Signal<Vec<AppError>>) -> impl IntoView {
    let text = |id: &'static str,
                name: &'static str,
                label: &'static str,
                value: Option<String>| {
        view! {
            <div class="field">
                <label for=id>{label}</label>
                <input id=id name=name type="search" autocomplete="off" value=value.unwrap_or_default() />
            </div>
        }
    };
    let outcome = filter.outcome;
    let choice = move |value: &'static str, label: &'static str, is: Option<OutcomeFilter>| {
        view! { <option value=value selected={outcome == is}>{label}</option> }
    };
    view! {
        <Form method="GET" action="/audit">
            <div class="filters audit-filters" role="search" aria-label="Filter the audit log">
                {text("audit-account", "account", "Account", filter.account.clone())}
                {text("audit-action", "action", "Action", filter.action.clone())}
                {text("audit-connection", "connection", "Connection", filter.connection.clone())}
                <div class="field">
                    <label for="audit-outcome">"Outcome"</label>
                    <select id="audit-outcome" name="outcome" aria-describedby="audit-outcome-error">
                        {choice("", "Any outcome", None)}
                        {choice("ok", "Succeeded", Some(OutcomeFilter::Ok))}
                        {choice("failed", "Refused or failed", Some(OutcomeFilter::Failed))}
                    </select>
                    <FieldProblem problems field="outcome" id="audit-outcome-error" />
                </div>
                <TimeField id="audit-since" name="since" label="From (UTC)" value=filter.since_ms problems />
                <TimeField id="audit-until" name="until" label="To (UTC)" value=filter.until_ms problems />
                <FilterButtons clear="/audit".to_string() />
            </div>
        </Form>
    }
}
