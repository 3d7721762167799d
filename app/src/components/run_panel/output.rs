//! What a run shows: its status, its log lines as they come, then its result and facts.

use leptos::prelude::*;
use providers::{ActionLimits, Activation, LogLine};

use super::run_view::{Phase, RunView, clock, duration, iso};

/// The run's status, log, result and facts.
#[component]
pub fn RunOutput(
    view: RwSignal<RunView>,
    lines: RwSignal<Vec<LogLine>>,
    limits: Option<ActionLimits>,
) -> impl IntoView {
    let limit_ms = limits.map(|l| l.timeout_ms);
    let status = move || view.with(|v| v.status(limit_ms));
    let failure = move || view.with(RunView::is_failure);
    let idle = move || view.with(|v| v.phase == Phase::Idle);
    let ended = move || view.with(|v| v.ended.clone());
    view! {
        <div class="run-output" hidden=idle>
            <p class="run-status" role="status" aria-label="Run status" class:bad=failure>
                {status}
            </p>
            <RunLog lines />
            {move || ended().map(|a| view! { <RunResult activation=a limits /> })}
            {move || {
                let v = view.get();
                (v.ended.is_none())
                    .then_some(v.activation_id)
                    .flatten()
                    .map(|id| view! { <p class="muted">"Activation " <code>{id}</code></p> })
            }}
        </div>
    }
}

/// The log lines, each with its time (UTC) and, for errors, its stream.
#[component]
fn RunLog(lines: RwSignal<Vec<LogLine>>) -> impl IntoView {
    let count = move || lines.with(Vec::len);
    view! {
        <h3 class="run-heading">"Log " <span class="muted">"(times in UTC)"</span></h3>
        <p class="muted" hidden=move || count() != 0>"No log lines yet."</p>
        <ol class="run-log" aria-label="Log" hidden=move || count() == 0>
            <For each=move || lines.get().into_iter().enumerate() key=|(i, _)| *i let:((_, line))>
                <li class:stderr=line.stream == providers::Stream::Stderr>
                    <time datetime=iso(line.ts_ms)>{clock(line.ts_ms)}</time>
                    {(line.stream == providers::Stream::Stderr)
                        .then(|| view! { <span class="stream">"stderr"</span> })}
                    <span class="text">{line.text}</span>
                </li>
            </For>
        </ol>
    }
}

/// The ended run: its result as formatted JSON, then its facts.
#[component]
fn RunResult(activation: Activation, limits: Option<ActionLimits>) -> impl IntoView {
    let result = activation
        .result
        .as_ref()
        .map(|r| serde_json::to_string_pretty(r).unwrap_or_else(|_| r.to_string()));
    let facts = facts(&activation, limits);
    view! {
        <h3 class="run-heading">"Result"</h3>
        {match result {
            Some(json) => view! { <pre class="code run-result" aria-label="Result">{json}</pre> }.into_any(),
            None => view! { <p class="muted">"The provider gave no result."</p> }.into_any(),
        }}
        <dl class="run-facts">
            {facts
                .into_iter()
                .map(|(term, value)| view! { <dt>{term}</dt><dd>{value}</dd> })
                .collect_view()}
        </dl>
    }
}

/// The facts of an ended run shown under its result, each only where the provider gave it.
/// The memory is the action's limit (no provider here reports what a run used).
fn facts(a: &Activation, limits: Option<ActionLimits>) -> Vec<(&'static str, String)> {
    let mut facts = vec![("Status", a.status.as_str().to_string())];
    if let Some(ms) = a.duration_ms {
        facts.push(("Duration", duration(ms)));
    }
    if let Some(l) = limits {
        facts.push(("Memory", format!("{} MB (limit)", l.memory_mb)));
    }
    facts.push(("Activation id", a.id.clone()));
    facts
}
