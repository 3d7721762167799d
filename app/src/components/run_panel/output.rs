//! What a run shows: its status, its log lines as they come, then its result and facts.

use leptos::prelude::*;
use providers::{ActionLimits, Activation, LogLine};

use super::run_view::{Phase, RunView, clock, duration, iso};
use crate::components::format::memory;

/// The run's status, log, result and facts.
#[component]
pub fn RunOutput(
    view: RwSignal<RunView>,
    lines: RwSignal<Vec<LogLine>>,
    limits: Option<ActionLimits>,
    /// The provider's name ("not reported by …").
    provider: String,
) -> impl IntoView {
    let limit_ms = limits.map(|l| l.timeout_ms);
    let status = move || view.with(|v| v.status(limit_ms));
    let failure = move || view.with(RunView::is_failure);
    let idle = move || view.with(|v| v.phase == Phase::Idle);
    // Its own memo: the result is built once when the run ends, not again for every later
    // change of the view (Stop's flag, the stream closing).
    let ended = Memo::new(move |_| view.with(|v| v.ended.clone()));
    view! {
        <div class="run-output" hidden=idle>
            <p class="run-status" role="status" aria-label="Run status" class:bad=failure>
                {status}
            </p>
            <RunLog lines />
            {move || ended.get().map(|a| view! { <RunResult activation=a limits provider=provider.clone() /> })}
            {move || {
                view.with(|v| v.ended.is_none().then(|| v.activation_id.clone()).flatten())
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
fn RunResult(
    activation: Activation,
    limits: Option<ActionLimits>,
    provider: String,
) -> impl IntoView {
    let result = activation
        .result
        .as_ref()
        .map(|r| serde_json::to_string_pretty(r).unwrap_or_else(|_| r.to_string()));
    let facts = facts(&activation, limits, &provider);
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

/// The facts of an ended run shown under its result. Billing and memory used say so where
/// `provider` does not report them (OpenWhisk and NCP do not); the memory limit is the
/// action's, where its provider gives it.
pub fn facts(
    a: &Activation,
    limits: Option<ActionLimits>,
    provider: &str,
) -> Vec<(&'static str, String)> {
    let unreported = || format!("not reported by {provider}");
    let mut facts = vec![("Status", a.status.as_str().to_string())];
    if let Some(ms) = a.duration_ms {
        facts.push(("Duration", duration(ms)));
    }
    facts.push((
        "Billed duration",
        a.billed_ms().map_or_else(unreported, duration),
    ));
    facts.push((
        "Memory used",
        a.memory_used_bytes().map_or_else(unreported, memory),
    ));
    if let Some(l) = limits {
        facts.push(("Memory limit", format!("{} MB", l.memory_mb)));
    }
    facts.push(("Activation id", a.id.clone()));
    facts
}

#[cfg(test)]
mod tests {
    use super::*;
    use providers::{ActivationExtras, ActivationStatus};

    fn ended(extras: ActivationExtras) -> Activation {
        Activation {
            duration_ms: Some(42),
            extras: extras.boxed(),
            ..Activation::new("a1", ActivationStatus::Success)
        }
    }

    fn fact(facts: &[(&'static str, String)], term: &str) -> Option<String> {
        facts
            .iter()
            .find(|(t, _)| *t == term)
            .map(|(_, v)| v.clone())
    }

    #[test]
    fn billing_and_memory_are_shown_where_reported_and_said_missing_where_not() {
        let reported = ended(ActivationExtras {
            billed_ms: Some(100),
            memory_used_bytes: Some(43_528_192),
            ..Default::default()
        });
        let limits = ActionLimits {
            timeout_ms: 3_000,
            memory_mb: 256,
        };
        let shown = facts(&reported, Some(limits), "Tencent SCF");
        assert_eq!(fact(&shown, "Billed duration").as_deref(), Some("100 ms"));
        assert_eq!(fact(&shown, "Memory used").as_deref(), Some("41.5 MB"));
        assert_eq!(fact(&shown, "Memory limit").as_deref(), Some("256 MB"));
        let silent = facts(
            &ended(ActivationExtras::default()),
            None,
            "Apache OpenWhisk",
        );
        assert_eq!(
            fact(&silent, "Billed duration").as_deref(),
            Some("not reported by Apache OpenWhisk")
        );
        assert_eq!(
            fact(&silent, "Memory used").as_deref(),
            Some("not reported by Apache OpenWhisk")
        );
        assert_eq!(fact(&silent, "Memory limit"), None);
        assert_eq!(fact(&silent, "Activation id").as_deref(), Some("a1"));
    }
}
