//! An OpenWhisk action's annotations ↔ the common model. Three are fields of the model
//! (`exec`, OpenWhisk's read-only kind; `web-export: true`; `description`); a web action's
//! `raw-http` and `web-custom-options` are the model's web options (`extra["raw-http"]`,
//! `extra["custom-options"]`, the names the validation and the editor read); every other
//! annotation (`require-whisk-auth`, `final`, one a person set with `wsk -a`) is kept as it
//! came in `extra["annotations"]` and written back, so a save through the console drops none.

use serde_json::{Map, Value};

use crate::model::ActionSpec;
use crate::wire::openwhisk::KeyValue;

/// The annotations the model holds in fields of its own (`web-export` too, when it is `true`:
/// the model's kind says so; a `false` one is kept as it came).
const MODELLED: [&str; 2] = ["exec", "description"];

/// A web action's options: the OpenWhisk annotation and the model's `extra` key.
const WEB_OPTIONS: [(&str, &str); 2] = [
    ("raw-http", "raw-http"),
    ("web-custom-options", "custom-options"),
];

/// Where the annotations the model does not read are kept in `extra`.
const KEPT: &str = "annotations";

/// The `extra` of an action with `annotations`; `web` when it is web-exported (on any other
/// action OpenWhisk ignores the web options, so they are kept as they came, not validated).
pub(super) fn extra_of(annotations: &[KeyValue], web: bool) -> Map<String, Value> {
    let mut extra = Map::new();
    let mut kept = Vec::new();
    for annotation in annotations {
        let option = WEB_OPTIONS.iter().find(|(name, _)| *name == annotation.key);
        match option {
            Some((_, key)) if web => {
                extra.insert((*key).into(), annotation.value.clone());
            }
            _ if MODELLED.contains(&annotation.key.as_str()) => {}
            _ if annotation.key == "web-export" && web => {}
            _ => kept.push(serde_json::json!({"key": annotation.key, "value": annotation.value})),
        }
    }
    if !kept.is_empty() {
        extra.insert(KEPT.into(), Value::Array(kept));
    }
    extra
}

/// The annotations to write for `spec`: `web-export` and `description` from its fields, its
/// web options, then the kept ones the first have not written.
pub(super) fn of_spec(spec: &ActionSpec, web: bool) -> Vec<KeyValue> {
    let pair = |key: &str, value: Value| KeyValue {
        key: key.into(),
        value,
    };
    let mut out: Vec<KeyValue> = Vec::new();
    if web {
        out.push(pair("web-export", Value::Bool(true)));
    }
    if let Some(description) = &spec.description {
        out.push(pair("description", Value::String(description.clone())));
    }
    if web {
        for (name, key) in WEB_OPTIONS {
            if let Some(value) = spec.extra.get(key) {
                out.push(pair(name, value.clone()));
            }
        }
    }
    let kept = spec.extra.get(KEPT).and_then(Value::as_array);
    for annotation in kept.into_iter().flatten() {
        // Read by `extra_of`, so always `{key, value}`; anything else was never OpenWhisk's.
        let Ok(annotation) = serde_json::from_value::<KeyValue>(annotation.clone()) else {
            continue;
        };
        if !out.iter().any(|written| written.key == annotation.key) {
            out.push(annotation);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{ActionKind, ActionRef};
    use serde_json::json;

    fn annotations(list: Value) -> Vec<KeyValue> {
        serde_json::from_value(list).unwrap()
    }

    fn spec(kind: ActionKind, extra: Map<String, Value>) -> ActionSpec {
        ActionSpec {
            kind,
            description: Some("d".into()),
            extra,
            ..ActionSpec::basic(
                ActionRef::top("a"),
                crate::model::ActionExec::source("nodejs:20", "code"),
            )
        }
    }

    #[test]
    fn a_web_actions_options_and_unknown_annotations_survive_a_read_and_a_write() {
        let read = annotations(json!([
            {"key": "exec", "value": "nodejs:20"},
            {"key": "web-export", "value": true},
            {"key": "raw-http", "value": true},
            {"key": "web-custom-options", "value": false},
            {"key": "require-whisk-auth", "value": "s3cret-token"},
            {"key": "description", "value": "d"},
            {"key": "final", "value": true},
        ]));
        let extra = extra_of(&read, true);
        assert_eq!(extra["raw-http"], json!(true));
        assert_eq!(extra["custom-options"], json!(false));
        let written = of_spec(&spec(ActionKind::Web, extra), true);
        let mut expected = read[1..].to_vec();
        let mut written_sorted = written.clone();
        expected.sort_by(|a, b| a.key.cmp(&b.key));
        written_sorted.sort_by(|a, b| a.key.cmp(&b.key));
        assert_eq!(
            written_sorted, expected,
            "only `exec` (read-only) is not written back"
        );
    }

    #[test]
    fn on_an_action_that_is_not_web_the_web_options_are_kept_as_they_came() {
        let read = annotations(json!([
            {"key": "web-export", "value": false},
            {"key": "raw-http", "value": false},
        ]));
        let extra = extra_of(&read, false);
        assert!(
            !extra.contains_key("raw-http"),
            "not a web option to validate"
        );
        let written = of_spec(&spec(ActionKind::Basic, extra), false);
        assert_eq!(written[1..], read[..]);
    }

    #[test]
    fn an_edited_web_option_replaces_the_kept_one_and_is_written_once() {
        let mut extra = Map::new();
        extra.insert("raw-http".into(), json!(false));
        extra.insert(
            "annotations".into(),
            json!([{"key": "raw-http", "value": true}]),
        );
        let written = of_spec(&spec(ActionKind::Web, extra), true);
        let raw: Vec<_> = written.iter().filter(|a| a.key == "raw-http").collect();
        assert_eq!(raw.len(), 1);
        assert_eq!(raw[0].value, json!(false));
    }
}
