//! Sequences: the components run one after another, each one's result the next one's
//! input, stopping at the first failure or once the sequence's own time limit has passed.

use providers::ActivationStatus;
use serde_json::{Map, Value, json};
use std::sync::mpsc::Sender;
use std::time::Instant;

use super::{Engine, Ran, Unrun, Watch, new_id, now_ms};
use crate::draft::ActionPath;
use crate::error::{EngineError, ErrorCode};
use crate::follow::Run;
use crate::runtime::LogLine;
use crate::store::{ActivationRecord, StoredAction, action_path};

/// How a sequence's components ran.
#[derive(Default)]
struct Chain {
    /// The components' activation ids, in order.
    ids: Vec<String>,
    /// The last component's record.
    last: Option<ActivationRecord>,
    /// Why the sequence stopped before its end, when its time ran out.
    cut: Option<String>,
}

impl Chain {
    /// The sequence's status, result and memory: a cut is a timeout, else the last
    /// component's (an empty sequence succeeds with `{}`).
    fn outcome(&self) -> (ActivationStatus, Value, u64) {
        let memory_used = self.last.as_ref().map_or(0, |r| r.memory_used);
        match (&self.last, &self.cut) {
            (_, Some(error)) => (
                ActivationStatus::Timeout,
                json!({ "error": error }),
                memory_used,
            ),
            (Some(r), None) => (r.status, r.result.clone(), memory_used),
            (None, None) => (ActivationStatus::Success, json!({}), 0),
        }
    }
}

impl Engine {
    /// Runs `sequence` under the activation `id` and records it with its components' ids.
    pub(super) fn invoke_sequence(
        &self,
        id: &str,
        sequence: &StoredAction,
        params: Map<String, Value>,
        subject: &str,
        (run, live): (&Run, Option<Sender<LogLine>>),
        public: bool,
    ) -> Result<ActivationRecord, EngineError> {
        let start_ms = now_ms();
        // The whole sequence ends by this, however many components it has.
        let until = Instant::now() + self.options.sequence_timeout;
        let watch = Watch {
            run,
            live,
            until: Some(until),
        };
        let chain = self.run_components(sequence, params.clone(), subject, &watch, public)?;
        let (status, result, memory_used) = chain.outcome();
        let ran = Ran {
            status,
            result,
            logs: chain.ids.clone(),
            memory_used,
            duration_ms: (now_ms() - start_ms).max(0) as u64,
        };
        let what = Unrun {
            id,
            package: sequence.package.as_deref(),
            action: &sequence.name,
            subject,
            params: Value::Object(params),
        };
        let mut record = self.record_of(what, start_ms, ran);
        record.components = chain.ids;
        self.record(&mut record, public)?;
        Ok(record)
    }

    /// Runs the components in order from `input`, until one fails or the time is up.
    fn run_components(
        &self,
        sequence: &StoredAction,
        mut input: Map<String, Value>,
        subject: &str,
        watch: &Watch<'_>,
        public: bool,
    ) -> Result<Chain, EngineError> {
        let components = sequence.draft.components();
        let mut chain = Chain::default();
        for component in components {
            let record = self.run_component(sequence, component, input, subject, watch, public)?;
            chain.ids.push(record.id.clone());
            let failed = !record.status.is_success();
            input = record.result.as_object().cloned().unwrap_or_default();
            chain.last = Some(record);
            if failed {
                break;
            }
            let not_run = components.len() - chain.ids.len();
            if not_run > 0 && watch.until.is_some_and(|until| Instant::now() >= until) {
                let limit = self.options.sequence_timeout.as_millis();
                chain.cut = Some(format!(
                    "The sequence exceeded its time limit of {limit} milliseconds with {not_run} of its {} components not run.",
                    components.len()
                ));
                break;
            }
        }
        Ok(chain)
    }

    /// Looks up one component (never itself a sequence), runs it with `input` and records it.
    fn run_component(
        &self,
        sequence: &StoredAction,
        component: &ActionPath,
        input: Map<String, Value>,
        subject: &str,
        watch: &Watch<'_>,
        public: bool,
    ) -> Result<ActivationRecord, EngineError> {
        let action = self
            .action(component.package.as_deref(), &component.name)
            .map_err(|e| {
                let of = action_path(sequence.package.as_deref(), &sequence.name);
                EngineError::new(
                    e.code,
                    format!("component {component} of {of}: {}", e.message),
                )
            })?;
        if action.kind().is_sequence() {
            return Err(EngineError::new(
                ErrorCode::ActionBodyInvalidValue,
                format!("component {component} is itself a sequence"),
            ));
        }
        let merged = self.merge_params(&action, input)?;
        let component_id = new_id();
        let _component =
            tracing::info_span!("component", activation = %component_id, action = %component)
                .entered();
        self.feed
            .started(&component_id, &action, &self.options.namespace, subject);
        let mut record = self.run_one(&component_id, &action, merged, subject, watch);
        self.record(&mut record, public)?;
        Ok(record)
    }
}
