//! The editor's state, shared by its parts: the action as loaded (or last saved) with its
//! version, the form as typed, and what the last save answered.

use leptos::prelude::*;

use super::form::{Form, Problem};
use crate::api::{EditableAction, refused_field};
use crate::errors::AppError;

/// Where a save stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Saving {
    /// Nothing in flight.
    Idle,
    /// A save is on its way.
    InFlight,
}

/// Everything the editor's parts read and change (all signals: `Copy`).
#[derive(Debug, Clone, Copy)]
pub struct EditorState {
    /// The action as loaded or last saved, and its version.
    pub base: RwSignal<EditableAction>,
    /// The form as typed.
    pub form: RwSignal<Form>,
    /// The version a save sends (the loaded one, or a restored draft's).
    pub version: RwSignal<String>,
    /// A save in flight.
    pub saving: RwSignal<Saving>,
    /// What the last save was refused with.
    pub refused: RwSignal<Option<AppError>>,
    /// Theirs, when the last save found the action changed.
    pub conflict: RwSignal<Option<EditableAction>>,
    /// Every problem of the form as typed (checked as you type).
    pub problems: Memo<Vec<Problem>>,
    /// Whether the form differs from the action as stored.
    pub dirty: Memo<bool>,
}

impl EditorState {
    /// The state of a freshly loaded `action`.
    pub fn new(action: EditableAction) -> Self {
        // Nothing is checked where nothing can be saved.
        let checked = action.read_only.is_none();
        let form = RwSignal::new(Form::of(&action.spec));
        let version = RwSignal::new(action.version.clone());
        let base = RwSignal::new(action);
        let problems = Memo::new(move |_| {
            if !checked {
                return Vec::new();
            }
            base.with(|b| form.with(|f| f.apply(&b.spec).err().unwrap_or_default()))
        });
        let dirty = Memo::new(move |_| base.with(|b| form.with(|f| *f != Form::of(&b.spec))));
        Self {
            base,
            form,
            version,
            saving: RwSignal::new(Saving::Idle),
            refused: RwSignal::new(None),
            conflict: RwSignal::new(None),
            problems,
            dirty,
        }
    }

    /// The message for `field`: the form's own check first, else the last save's refusal
    /// when it names that field (a provider's with its code).
    pub fn error_for(self, field: &'static str) -> Signal<Option<String>> {
        Signal::derive(move || {
            let checked = self.problems.with(|p| {
                p.iter()
                    .find(|p| p.field == field)
                    .map(|p| p.message.clone())
            });
            checked.or_else(|| {
                self.refused.with(|r| {
                    r.as_ref()
                        .filter(|e| refusal_field(e) == Some(field))
                        .map(ToString::to_string)
                })
            })
        })
    }

    /// The last refusal when it names no field the form shows.
    pub fn general_error(self) -> Signal<Option<String>> {
        Signal::derive(move || {
            self.refused.with(|r| {
                r.as_ref()
                    .filter(|e| refusal_field(e).is_none_or(|f| !SHOWN.contains(&f)))
                    .map(ToString::to_string)
            })
        })
    }
}

/// The fields the form shows an error line for.
const SHOWN: [&str; 8] = [
    "exec.code",
    "exec.components",
    "parameters",
    "limits.timeout",
    "limits.memory",
    "description",
    "exec.main",
    "raw-http",
];

/// The field a save's refusal is about: the console's own check names it; a provider's
/// names it in its message.
fn refusal_field(error: &AppError) -> Option<&str> {
    match error {
        AppError::Invalid { field, .. } => Some(field.as_str()),
        AppError::Provider(e) => e
            .provider_message
            .as_deref()
            .and_then(refused_field)
            .or_else(|| refused_field(&e.explanation)),
        _ => None,
    }
}
