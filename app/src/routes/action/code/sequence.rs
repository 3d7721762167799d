//! A sequence's components, built by picking actions of the connection and ordering them.

use leptos::prelude::*;

use super::state::EditorState;
use crate::api::list_actions;

/// `action` as a sequence component: `package/action`, `-` for no package.
fn component(action: &providers::ActionRef) -> String {
    format!("{}/{}", action.ncp_package(), action.name)
}

/// Moves item `at` by `by` places (−1 up, +1 down), when it can.
fn moved(list: &mut [String], at: usize, by: isize) {
    let to = at as isize + by;
    if (0..list.len() as isize).contains(&to) {
        list.swap(at, to as usize);
    }
}

/// The components, in order, with controls to reorder, remove and add.
#[component]
pub fn SequenceBuilder(state: EditorState, read_only: bool) -> impl IntoView {
    let (connection, me) = state
        .base
        .with_untracked(|b| (b.connection.clone(), component(&b.spec.action)));
    let listing = Resource::new(move || connection.clone(), |c| list_actions(Some(c)));
    let pick = RwSignal::new(String::new());
    let error = state.error_for("exec.components");
    let components = move || state.form.with(|f| f.components.clone());
    let row = move |(at, name): (usize, String)| {
        let count = state.form.with_untracked(|f| f.components.len());
        let change = move |by: isize| state.form.update(|f| moved(&mut f.components, at, by));
        let remove = move |_| {
            state.form.update(|f| {
                f.components.remove(at);
            })
        };
        view! {
            <li>
                <span class="component-name">{format!("{}. {name}", at + 1)}</span>
                <span class="component-buttons">
                    <button type="button" disabled=read_only || at == 0 aria-label=format!("Move {name} up") on:click=move |_| change(-1)>"Up"</button>
                    <button type="button" disabled=read_only || at + 1 == count aria-label=format!("Move {name} down") on:click=move |_| change(1)>"Down"</button>
                    <button type="button" disabled=read_only aria-label=format!("Remove {name}") on:click=remove>"Remove"</button>
                </span>
            </li>
        }
    };
    let add = move |_| {
        let name = pick.get_untracked();
        if !name.is_empty() {
            state.form.update(|f| f.components.push(name));
        }
    };
    view! {
        <section class="sequence" aria-labelledby="sequence-title">
            <h2 id="sequence-title">"Components, run in order"</h2>
            <ol class="components" aria-describedby="edit-components-error">
                {move || components().into_iter().enumerate().map(row).collect_view()}
            </ol>
            <p id="edit-components-error" class="field-error" role="alert">
                {move || error.get()}
            </p>
            <div class="field-row add-component" hidden=read_only>
                <div class="field">
                    <label for="edit-add-component">"Action to add"</label>
                    <Transition fallback=|| view! { <p class="loading">"Loading the actions…"</p> }>
                        {move || Suspend::new({
                            let me = me.clone();
                            async move {
                                let choices: Vec<String> = listing
                                    .await
                                    .map(|l| l.actions)
                                    .unwrap_or_default()
                                    .iter()
                                    .map(|a| component(&a.action))
                                    .filter(|c| *c != me)
                                    .collect();
                                view! {
                                    <select id="edit-add-component" on:change=move |ev| pick.set(event_target_value(&ev))>
                                        <option value="">"Pick an action…"</option>
                                        {choices
                                            .into_iter()
                                            .map(|c| view! { <option value=c.clone()>{c.clone()}</option> })
                                            .collect_view()}
                                    </select>
                                }
                            }
                        })}
                    </Transition>
                </div>
                <button type="button" class="add-button" on:click=add>"Add component"</button>
            </div>
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn components_move_within_the_list_only() {
        let mut list = vec!["a".to_string(), "b".into(), "c".into()];
        moved(&mut list, 0, -1);
        assert_eq!(list, ["a", "b", "c"]);
        moved(&mut list, 0, 1);
        assert_eq!(list, ["b", "a", "c"]);
        moved(&mut list, 2, 1);
        assert_eq!(list, ["b", "a", "c"]);
        moved(&mut list, 2, -1);
        assert_eq!(list, ["b", "c", "a"]);
        assert_eq!(component(&providers::ActionRef::top("x")), "-/x");
        assert_eq!(
            component(&providers::ActionRef::in_package("p", "x")),
            "p/x"
        );
    }
}
