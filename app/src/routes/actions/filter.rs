//! What the actions page's filters keep, and how it counts: plain functions, tested here.

use providers::{ActionKind, ActionSummary};

/// The type filter's choices: what a person calls an action's type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ActionType {
    /// A plain action.
    Action,
    /// Reachable over HTTP.
    Web,
    /// A sequence of other actions.
    Sequence,
}

impl ActionType {
    /// Every type, in the filter's order.
    pub const ALL: [ActionType; 3] = [Self::Action, Self::Web, Self::Sequence];

    /// The value in the URL and the `<select>`.
    pub fn value(self) -> &'static str {
        match self {
            Self::Action => "action",
            Self::Web => "web",
            Self::Sequence => "sequence",
        }
    }

    /// The label a person reads.
    pub fn label(self) -> &'static str {
        match self {
            Self::Action => "Action",
            Self::Web => "Web action",
            Self::Sequence => "Sequence",
        }
    }

    /// The type named `value`, if any.
    pub fn parse(value: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|t| t.value() == value)
    }

    /// Whether an action of `kind` is of this type (a web sequence is both).
    pub fn includes(self, kind: Option<ActionKind>) -> bool {
        let kind = kind.unwrap_or_default();
        match self {
            Self::Action => kind == ActionKind::Basic,
            Self::Web => matches!(kind, ActionKind::Web | ActionKind::SequenceWeb),
            Self::Sequence => kind.is_sequence(),
        }
    }
}

/// How an action's kind reads in the list.
pub fn type_label(kind: Option<ActionKind>) -> &'static str {
    match kind.unwrap_or_default() {
        ActionKind::Basic => "Action",
        ActionKind::Web => "Web action",
        ActionKind::Sequence => "Sequence",
        ActionKind::SequenceWeb => "Web sequence",
    }
}

/// The filters as set: name text, runtime, type (empty strings for "any").
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Filter {
    /// Part of the name (or `package/name`), any case.
    pub name: String,
    /// A runtime (`nodejs:20`), or empty.
    pub kind: String,
    /// An [`ActionType::value`], or empty.
    pub action_type: String,
}

impl Filter {
    /// Whether any filter is set.
    pub fn is_active(&self) -> bool {
        !self.name.trim().is_empty() || !self.kind.is_empty() || !self.action_type.is_empty()
    }

    /// Whether `a` passes every filter set.
    pub fn keeps(&self, a: &ActionSummary) -> bool {
        // ASCII case only: names are ASCII (letters, digits, `-`, `_`), and Unicode case
        // mapping would put its tables (~12 KB) in the first page's WASM.
        let needle = self.name.trim().to_ascii_lowercase();
        let name_ok =
            needle.is_empty() || a.action.to_string().to_ascii_lowercase().contains(&needle);
        let kind_ok = self.kind.is_empty() || a.runtime.as_deref() == Some(self.kind.as_str());
        let type_ok = ActionType::parse(&self.action_type).is_none_or(|t| t.includes(a.kind));
        name_ok && kind_ok && type_ok
    }
}

/// "12 actions in 3 packages", or "Showing 4 of 12 actions" when filtered.
pub fn count_text(shown: usize, total: usize, packages: usize, filtered: bool) -> String {
    let plural =
        |n: usize, one: &str, many: &str| format!("{n} {}", if n == 1 { one } else { many });
    if filtered {
        format!("Showing {shown} of {}", plural(total, "action", "actions"))
    } else {
        format!(
            "{} in {}",
            plural(total, "action", "actions"),
            plural(packages, "package", "packages")
        )
    }
}

/// The distinct runtimes of `actions`, sorted, for the kind filter.
pub fn runtimes(actions: &[ActionSummary]) -> Vec<String> {
    let mut kinds: Vec<String> = actions.iter().filter_map(|a| a.runtime.clone()).collect();
    kinds.sort();
    kinds.dedup();
    kinds
}

#[cfg(test)]
mod tests {
    use super::*;
    use providers::ActionRef;

    fn action(package: Option<&str>, name: &str, runtime: &str, kind: ActionKind) -> ActionSummary {
        ActionSummary {
            action: ActionRef {
                package: package.map(str::to_string),
                name: name.into(),
            },
            runtime: Some(runtime.into()),
            description: None,
            kind: Some(kind),
        }
    }

    fn demo() -> Vec<ActionSummary> {
        vec![
            action(Some("demo"), "hello", "nodejs:20", ActionKind::Basic),
            action(Some("demo"), "web-hello", "nodejs:20", ActionKind::Web),
            action(
                Some("demo"),
                "hello-shout",
                "sequence",
                ActionKind::Sequence,
            ),
            action(None, "top", "nodejs:22", ActionKind::SequenceWeb),
        ]
    }

    fn kept(filter: &Filter) -> Vec<String> {
        demo()
            .iter()
            .filter(|a| filter.keeps(a))
            .map(|a| a.action.to_string())
            .collect()
    }

    #[test]
    fn the_name_filter_matches_package_and_name_in_any_case() {
        let f = Filter {
            name: " HELLO ".into(),
            ..Filter::default()
        };
        assert_eq!(
            kept(&f),
            ["demo/hello", "demo/web-hello", "demo/hello-shout"]
        );
        let f = Filter {
            name: "demo/w".into(),
            ..Filter::default()
        };
        assert_eq!(kept(&f), ["demo/web-hello"]);
        assert!(f.is_active());
        assert!(!Filter::default().is_active());
    }

    #[test]
    fn kind_and_type_filters_combine() {
        let f = Filter {
            kind: "nodejs:20".into(),
            ..Filter::default()
        };
        assert_eq!(kept(&f), ["demo/hello", "demo/web-hello"]);
        let web = Filter {
            action_type: "web".into(),
            ..Filter::default()
        };
        assert_eq!(kept(&web), ["demo/web-hello", "top"]);
        let seq = Filter {
            action_type: "sequence".into(),
            ..Filter::default()
        };
        assert_eq!(kept(&seq), ["demo/hello-shout", "top"]);
        let both = Filter {
            action_type: "action".into(),
            kind: "nodejs:20".into(),
            name: "hello".into(),
        };
        assert_eq!(kept(&both), ["demo/hello"]);
    }

    #[test]
    fn counts_read_as_sentences() {
        assert_eq!(count_text(12, 12, 3, false), "12 actions in 3 packages");
        assert_eq!(count_text(1, 1, 1, false), "1 action in 1 package");
        assert_eq!(count_text(4, 12, 3, true), "Showing 4 of 12 actions");
        assert_eq!(count_text(0, 0, 0, false), "0 actions in 0 packages");
    }

    #[test]
    fn runtimes_are_distinct_and_sorted() {
        assert_eq!(runtimes(&demo()), ["nodejs:20", "nodejs:22", "sequence"]);
    }
}
