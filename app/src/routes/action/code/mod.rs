//! The action's code and configuration, editable: the code in CodeMirror 6 (a chunk loaded
//! on this page only, over a server-rendered text area), the configuration beside it, Save
//! (`Ctrl/Cmd+S` too), drafts kept in the browser, a guard before leaving with unsaved
//! changes, and conflicts shown side by side instead of overwritten. Connections that cannot
//! change actions (FunctionGraph, SCF) show it all read-only, with the reason.

mod code_area;
mod conflict;
mod drafts;
mod drafts_view;
mod fields;
mod form;
mod leave;
mod save;
mod sequence;
mod state;
mod upload;

use leptos::either::{Either, EitherOf4};
use leptos::prelude::*;
use providers::ActionRef;

use crate::api::{EditableAction, load_action};
use code_area::{BinaryCode, CodeArea};
use fields::ConfigFields;
use state::EditorState;

/// The code and configuration of `action` on `connection`.
#[component]
pub fn CodeView(
    /// The connection it lives on (`None`: the first configured).
    connection: Option<String>,
    /// Its address.
    action: ActionRef,
) -> impl IntoView {
    let loaded = Resource::new(
        move || (connection.clone(), action.clone()),
        |(connection, action)| load_action(connection, action.package, action.name),
    );
    view! {
        <Transition fallback=|| view! { <p class="loading" role="status">"Loading the code…"</p> }>
            {move || Suspend::new(async move {
                match loaded.await {
                    Ok(action) => Either::Left(view! { <Editor action /> }),
                    Err(error) => {
                        Either::Right(view! {
                            <div class="problem" role="alert">
                                <h2>"The action could not be read"</h2>
                                <p>{error.to_string()}</p>
                            </div>
                        })
                    }
                }
            })}
        </Transition>
    }
}

/// The editor of one loaded action.
#[component]
fn Editor(action: EditableAction) -> impl IntoView {
    let read_only = action.read_only.clone();
    let locked = read_only.is_some();
    let (kind, runtime) = (action.spec.kind, action.spec.exec.kind.clone());
    let editor_src = action.editor_src.clone();
    let state = EditorState::new(action);
    let save = save::use_save(state, locked);
    let general = state.general_error();
    Effect::new(move |_| leave::guard_leaving(state.dirty));
    // Only a change between text and file re-renders the code part (never a keystroke).
    let is_binary = Memo::new(move |_| state.form.with(|f| f.binary));
    let no_code = locked && state.base.with_untracked(|b| b.spec.exec.code.is_none());
    let code = move || {
        if no_code && !kind.is_sequence() {
            EitherOf4::A(
                view! { <p class="note">"The code cannot be read on this connection: the console shows what its list of functions says."</p> },
            )
        } else if kind.is_sequence() {
            EitherOf4::B(view! { <sequence::SequenceBuilder state read_only=locked /> })
        } else if is_binary.get() {
            EitherOf4::C(view! { <BinaryCode state /> })
        } else {
            EitherOf4::D(view! { <CodeArea state read_only=locked /> })
        }
    };
    let bar = view! {
        <div class="editor-bar">
            <span class="muted">"Runtime: " <strong>{runtime}</strong></span>
            {(!locked).then(|| view! { <save::SaveButton state save /> })}
        </div>
    };
    let notices = view! {
        {read_only.map(|why| view! { <p class="note read-only" role="note">{why}</p> })}
        <p class="form-error" role="alert">{move || general.get()}</p>
        <drafts_view::DraftOffer state />
        <conflict::ConflictView state save />
    };
    let upload = (!kind.is_sequence() && !locked)
        .then(|| view! { <upload::ZipUpload state read_only=locked /> });
    view! {
        // Starts fetching the editor's chunk while the page's own code still loads
        // (`modulepreload` may sit in the body).
        {editor_src.map(|src| view! { <link rel="modulepreload" href=src /> })}
        <div class="editor" aria-label="Action editor" role="group">
            {bar}
            {notices}
            {code}
            {upload}
            <ConfigFields state read_only=locked />
        </div>
    }
}
