//! `/activations/{id}?connection=…&action=…`: one activation: timing, input, result, logs,
//! a sequence's components in order, and "Re-run with this input".

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};
use providers::{ActionRef, Activation};
use serde_json::Value;

use super::logs::LogLines;
use super::table::{detail_href, status_badge};
use super::time::{format_duration, format_utc};
use super::value::LongText;
use crate::api::{ActivationDetail, get_activation};
use crate::context::{use_connection_id, with_connection};
use crate::errors::AppError;

/// The detail page.
#[component]
pub fn ActivationPage() -> impl IntoView {
    let params = use_params_map();
    let query = use_query_map();
    let connection = use_connection_id();
    let id = Memo::new(move |_| params.with(|p| p.get("id")).unwrap_or_default());
    let action = Memo::new(move |_| query.with(|q| q.get("action")).filter(|a| !a.is_empty()));
    let detail = Resource::new(
        move || (connection.get(), id.get(), action.get()),
        |(connection, id, action)| get_activation(connection, id, action),
    );
    let back = move || with_connection("/activations", connection.get().as_deref());
    view! {
        <Title text=move || format!("Activation {}", id.get()) />
        <section class="activation-page" id="content">
            <nav class="breadcrumbs" aria-label="Breadcrumbs">
                <a href=back>"Activations"</a>
                " / "
                <span>{move || id.get()}</span>
            </nav>
            <h1>"Activation " <code class="activation-id">{move || id.get()}</code></h1>
            <Transition fallback=|| view! { <p class="loading" role="status">"Loading the activation…"</p> }>
                {move || Suspend::new(async move {
                    match detail.await {
                        Ok(detail) => view! { <Detail detail /> }.into_any(),
                        Err(error) => view! { <DetailProblem error /> }.into_any(),
                    }
                })}
            </Transition>
        </section>
    }
}

#[component]
fn DetailProblem(error: AppError) -> impl IntoView {
    view! {
        <div class="problem" role="alert">
            <h2>"This activation could not be read"</h2>
            <p>{error.to_string()}</p>
        </div>
    }
}

/// Pretty JSON of a value (serialising a `Value` cannot fail; the fallback is its compact form).
fn pretty(value: &Value) -> String {
    serde_json::to_string_pretty(value).unwrap_or_else(|_| value.to_string())
}

#[component]
fn Detail(detail: ActivationDetail) -> impl IntoView {
    let ActivationDetail {
        connection,
        activation,
        components,
        params_note,
        can_run,
    } = detail;
    let conn = Some(connection.id.clone());
    let action = activation.name.as_deref().map(ActionRef::parse);
    let action_link = match &action {
        Some(a) => {
            let href = crate::routes::action_href(a, conn.as_deref(), None);
            view! { <a href=href>{a.to_string()}</a> }.into_any()
        }
        None => view! { <span class="muted">"not given by the provider"</span> }.into_any(),
    };
    let rerun = action
        .as_ref()
        .filter(|_| can_run && activation.params().is_some())
        .map(|a| {
            let href = format!(
                "{}&rerun={}",
                crate::routes::action_href(a, conn.as_deref(), None),
                activation.id
            );
            view! { <a class="button primary" href=href>"Re-run with this input"</a> }
        });
    let id = activation.id.clone();
    let result = activation.result.as_ref().map(pretty);
    let params = activation.params().map(pretty);
    view! {
        <div class="detail-head">
            {status_badge(activation.status)}
            <span>"Action: " {action_link}</span>
            {rerun}
        </div>
        <Timing activation=activation.clone() />
        <section aria-labelledby="detail-input">
            <h2 id="detail-input">"Input"</h2>
            {match (params, params_note) {
                (Some(p), _) => view! { <LongText what="input" text=p file_name=format!("{id}-input.json") media_type="application/json" /> }.into_any(),
                (None, note) => view! { <p class="note">{note}</p> }.into_any(),
            }}
        </section>
        <section aria-labelledby="detail-result">
            <h2 id="detail-result">"Result"</h2>
            {match result {
                Some(r) => view! { <LongText what="result" text=r file_name=format!("{id}-result.json") media_type="application/json" /> }.into_any(),
                None => view! { <p class="muted">"No result was recorded."</p> }.into_any(),
            }}
        </section>
        {(!components.is_empty()).then(|| view! { <Components components connection=conn.clone() /> })}
        <section aria-labelledby="detail-logs">
            <h2 id="detail-logs">"Logs"</h2>
            {match activation.logs.clone() {
                Some(lines) => view! { <LogLines lines id=id.clone() /> }.into_any(),
                None if activation.components().is_some() => view! { <p class="muted">"A sequence's log lines are in its components' activations."</p> }.into_any(),
                None => view! { <p class="muted">"No log lines were recorded."</p> }.into_any(),
            }}
        </section>
    }
}

/// Start, end, duration, and the waits where the provider gives them.
#[component]
fn Timing(activation: Activation) -> impl IntoView {
    let time = |ms: Option<i64>| ms.map(format_utc).unwrap_or_else(|| "—".into());
    let span = |ms: Option<u64>| ms.map(format_duration);
    let rows = [
        ("Start (UTC)", Some(time(activation.start_ms))),
        ("End (UTC)", Some(time(activation.end_ms))),
        (
            "Duration",
            Some(span(activation.duration_ms).unwrap_or_else(|| "—".into())),
        ),
        ("Waited before running", span(activation.wait_ms())),
        ("Initialisation (cold start)", span(activation.init_ms())),
    ];
    view! {
        <section aria-labelledby="detail-timing">
            <h2 id="detail-timing">"Timing"</h2>
            <dl class="timing">
                {rows
                    .into_iter()
                    .filter_map(|(label, value)| value.map(|v| view! { <dt>{label}</dt><dd>{v}</dd> }))
                    .collect_view()}
            </dl>
        </section>
    }
}

/// A sequence's components' activations, in the order they ran.
#[component]
fn Components(components: Vec<Activation>, connection: Option<String>) -> impl IntoView {
    let items = components
        .into_iter()
        .map(|c| {
            let href = detail_href(&c.id, connection.as_deref(), c.name.as_deref());
            let name = c.name.clone().unwrap_or_else(|| "unknown action".into());
            let duration = c.duration_ms.map(format_duration).unwrap_or_default();
            view! {
                <li>
                    <a href=href aria-label=format!("Open component activation {}", c.id)>
                        <code>{c.id.clone()}</code>
                    </a>
                    " " {name} " " {status_badge(c.status)} " " <span class="muted">{duration}</span>
                </li>
            }
        })
        .collect_view();
    view! {
        <section aria-labelledby="detail-components">
            <h2 id="detail-components">"Components, in the order they ran"</h2>
            <ol class="components">{items}</ol>
        </section>
    }
}
