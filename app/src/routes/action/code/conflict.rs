//! A save that found the action changed since it was read: nothing was written, and both
//! versions are shown side by side. The person keeps theirs (saved over the other), takes the
//! other (their edits dropped), or goes on editing against the other version.

use leptos::prelude::*;

use super::code_area::replace_code;
use super::form::Form;
use super::state::EditorState;
use crate::api::EditableAction;

/// The lines of `form` a person compares: code, then each setting that differs.
fn differences(mine: &Form, theirs: &Form) -> Vec<(&'static str, String, String)> {
    let mut out = Vec::new();
    let mut field = |name, a: &str, b: &str| {
        if a != b {
            out.push((name, a.to_string(), b.to_string()));
        }
    };
    field("Parameters", &mine.parameters, &theirs.parameters);
    field("Timeout (ms)", &mine.timeout_ms, &theirs.timeout_ms);
    field("Memory (MB)", &mine.memory_mb, &theirs.memory_mb);
    field("Description", &mine.description, &theirs.description);
    field("Entry function", &mine.main, &theirs.main);
    field(
        "Components",
        &mine.components.join(", "),
        &theirs.components.join(", "),
    );
    out
}

/// Takes `theirs` as the action the form is edited against, keeping `keep_form`'s values.
fn rebase(state: EditorState, theirs: EditableAction) {
    state.version.set(theirs.version.clone());
    state.base.set(theirs);
    state.conflict.set(None);
    state.refused.set(None);
}

/// The side-by-side view, shown while a conflict is open. `save` saves the form.
#[component]
pub fn ConflictView(state: EditorState, save: Callback<()>) -> impl IntoView {
    let heading = NodeRef::<leptos::html::H2>::new();
    Effect::new(move |_| {
        if let Some(h) = heading.get() {
            let _ = h.focus();
        }
    });
    move || {
        state.conflict.get().map(|theirs| {
            let mine = state.form.get_untracked();
            let their_form = Form::of(&theirs.spec);
            let rows = differences(&mine, &their_form);
            let (keep, take, edit) = (theirs.clone(), theirs.clone(), theirs);
            let keep_mine = move |_| {
                rebase(state, keep.clone());
                save.run(());
            };
            let take_theirs = move |_| {
                let form = Form::of(&take.spec);
                replace_code(&form.code);
                state.form.set(form);
                rebase(state, take.clone());
            };
            let edit_mine = move |_| rebase(state, edit.clone());
            view! {
                <section class="conflict panel" role="region" aria-labelledby="conflict-title">
                    <h2 id="conflict-title" tabindex="-1" node_ref=heading>
                        "Not saved: this action changed since you opened it"
                    </h2>
                    <p>
                        "Someone (another tab, another person or the CLI) saved it in the meantime. Nothing was overwritten. Compare the two versions and choose."
                    </p>
                    <div class="conflict-sides">
                        <div>
                            <h3>"Yours (not saved)"</h3>
                            <pre class="code" aria-label="Your code">{mine.code.clone()}</pre>
                        </div>
                        <div>
                            <h3>"Theirs (saved now)"</h3>
                            <pre class="code" aria-label="Their code">{their_form.code.clone()}</pre>
                        </div>
                    </div>
                    {(!rows.is_empty()).then(|| view! {
                        <table class="data-table conflict-settings">
                            <caption>"Settings that differ"</caption>
                            <thead><tr><th scope="col">"Setting"</th><th scope="col">"Yours"</th><th scope="col">"Theirs"</th></tr></thead>
                            <tbody>
                                {rows.into_iter().map(|(name, a, b)| view! {
                                    <tr><th scope="row">{name}</th><td>{a}</td><td>{b}</td></tr>
                                }).collect_view()}
                            </tbody>
                        </table>
                    })}
                    <div class="form-buttons">
                        <button type="button" class="primary" on:click=keep_mine>"Keep mine"</button>
                        <button type="button" on:click=take_theirs>"Take theirs"</button>
                        <button type="button" on:click=edit_mine>"Edit mine, then save"</button>
                    </div>
                </section>
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_settings_that_differ_are_listed() {
        let a = Form {
            code: "a".into(),
            binary: false,
            parameters: "{}".into(),
            timeout_ms: "500".into(),
            memory_mb: "256".into(),
            description: "x".into(),
            main: String::new(),
            raw_http: false,
            custom_options: false,
            components: vec![],
        };
        let b = Form {
            timeout_ms: "600".into(),
            code: "b".into(),
            ..a.clone()
        };
        let rows = differences(&a, &b);
        assert_eq!(
            rows,
            vec![("Timeout (ms)", "500".to_string(), "600".to_string())]
        );
    }
}
