//! What the property tests share: how many cases a run makes, arbitrary JSON, and JSON that
//! is *almost* right — a real document with a few of its nodes replaced by hostile values —
//! which reaches much deeper into a parser than noise does. Used by `providers` and (through
//! `#[path]`) by `engine-http`'s and `server`'s fuzz tests, so each crate fuzzes the same way.
#![allow(dead_code)]

use proptest::prelude::*;
use proptest::test_runner::Config;
use serde_json::{Map, Value, json};

/// The cases each property runs: `PROPTEST_CASES` when set (a long run:
/// `PROPTEST_CASES=20000 cargo test -p providers --test fuzz_parsers`), else `default`, small
/// enough that `make test` spends seconds here.
pub fn cases(default: u32) -> Config {
    let cases = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default);
    Config {
        cases,
        // Failures are reported with their shrunk input; no files are written next to tests.
        failure_persistence: None,
        ..Config::default()
    }
}

/// Text that trips parsers: empty, huge numbers as text, separators, control characters,
/// non-ASCII, or anything at all.
pub fn nasty_text() -> impl Strategy<Value = String> {
    prop_oneof![
        Just(String::new()),
        Just("18446744073709551616".to_string()),
        Just("-9223372036854775809".to_string()),
        Just("9223372036854775807".to_string()),
        Just("NaN".to_string()),
        "[0-9]{1,25}",
        "[a-zA-Z0-9 %+:/?&=_.~,;\"'\\\\-]{0,40}",
        "[\\x00-\\x1f\u{7f}한국어🦀\u{feff}]{0,8}",
        any::<String>().prop_map(|s| s.chars().take(60).collect()),
    ]
}

/// A JSON leaf chosen to break assumptions: the edges of every integer type, floats that do
/// not fit one, empty and hostile strings, and the other types where a number or a string
/// was expected.
pub fn hostile_leaf() -> impl Strategy<Value = Value> {
    prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        Just(json!(0)),
        Just(json!(-1)),
        Just(json!(i64::MAX)),
        Just(json!(i64::MIN)),
        Just(json!(u64::MAX)),
        Just(json!(u32::MAX as u64 + 1)),
        Just(json!(1e300)),
        Just(json!(-1e300)),
        Just(json!(0.5)),
        Just(json!(-0.0)),
        any::<i64>().prop_map(|n| json!(n)),
        any::<f64>()
            .prop_filter("JSON has no NaN or infinity", |f| f.is_finite())
            .prop_map(|f| json!(f)),
        nasty_text().prop_map(Value::String),
        Just(json!([])),
        Just(json!({})),
    ]
}

/// The field names the providers' JSON uses (`providers::wire`), each in `snake_case`,
/// `camelCase` and `PascalCase`, so arbitrary objects meet the fields a type expects.
pub fn field_names() -> Vec<String> {
    const SNAKE: &[&str] = &[
        "actions",
        "activation_id",
        "activations",
        "annotations",
        "bill_duration",
        "billing_duration",
        "binary",
        "code",
        "code_desc",
        "components",
        "concurrency",
        "content",
        "count",
        "custom_options",
        "data",
        "description",
        "details",
        "duration",
        "end",
        "end_time",
        "err_msg",
        "error",
        "error_code",
        "error_message",
        "error_msg",
        "exec",
        "func_name",
        "func_urn",
        "function_name",
        "function_request_id",
        "functions",
        "handler",
        "image_uri",
        "invocations",
        "invoke_finished",
        "invoke_result",
        "key",
        "kind",
        "level",
        "limits",
        "log",
        "logs",
        "main",
        "mem_usage",
        "memory",
        "memory_size",
        "memory_used",
        "message",
        "name",
        "namespace",
        "next_marker",
        "package",
        "parameters",
        "path",
        "platform",
        "publish",
        "raw_http",
        "request_id",
        "resource_id",
        "response",
        "result",
        "ret_code",
        "ret_msg",
        "retry_num",
        "runtime",
        "source",
        "start",
        "start_time",
        "status",
        "status_code",
        "subject",
        "subnet_no",
        "success",
        "timeout",
        "total",
        "total_count",
        "updated",
        "value",
        "version",
        "vpc",
        "vpc_no",
        "type",
        "Response",
        "Result",
        "Error",
        "Code",
        "Message",
        "RequestId",
    ];
    let mut names = Vec::new();
    for snake in SNAKE {
        let words: Vec<&str> = snake.split('_').collect();
        let pascal: String = words
            .iter()
            .map(|w| {
                let mut c = w.chars();
                c.next()
                    .map_or_else(String::new, |f| f.to_uppercase().chain(c).collect())
            })
            .collect();
        let camel = words[0].to_string() + &pascal[words[0].len()..];
        names.extend([snake.to_string(), camel, pascal]);
    }
    names.sort();
    names.dedup();
    names
}

/// Any JSON value, a few levels deep, with keys from [`field_names`] half of the time (so
/// objects meet the fields a type expects) and arbitrary keys otherwise.
pub fn any_json() -> impl Strategy<Value = Value> {
    let key = prop_oneof![prop::sample::select(field_names()), nasty_text()];
    hostile_leaf().prop_recursive(4, 48, 6, move |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            prop::collection::vec((key.clone(), inner), 0..8)
                .prop_map(|pairs| Value::Object(pairs.into_iter().collect::<Map<_, _>>())),
        ]
    })
}

/// `base` with `edits` applied: each edit picks a node (by index, modulo the number of nodes,
/// in a depth-first order) and replaces it with a value; an edit may also drop an object's
/// key or duplicate an array's element.
pub fn mutate(base: &Value, edits: &[(usize, Edit)]) -> Value {
    let mut value = base.clone();
    for (at, edit) in edits {
        let count = count_nodes(&value);
        let mut index = at % count;
        apply(&mut value, &mut index, edit);
    }
    value
}

/// One change [`mutate`] makes to a node.
#[derive(Debug, Clone)]
pub enum Edit {
    /// Replace the node.
    Replace(Value),
    /// Remove the node's first key (objects) or last element (arrays); a leaf becomes null.
    Remove,
    /// Repeat the node's first element many times (arrays), or wrap the node in an array.
    Grow(usize),
}

/// An [`Edit`].
pub fn edit() -> impl Strategy<Value = Edit> {
    prop_oneof![
        6 => hostile_leaf().prop_map(Edit::Replace),
        2 => Just(Edit::Remove),
        1 => (1usize..300).prop_map(Edit::Grow),
    ]
}

/// A few [`Edit`]s at arbitrary nodes, for [`mutate`].
pub fn edits() -> impl Strategy<Value = Vec<(usize, Edit)>> {
    prop::collection::vec((any::<usize>(), edit()), 1..5)
}

/// What [`mutate_leaves`] puts in place of a leaf: most of the time a hostile value of the
/// leaf's own type (an integer edge for a number, hostile text for a string), so the
/// document still parses and a reader meets the value itself; otherwise anything.
#[derive(Debug, Clone)]
pub struct LeafSwap {
    keep_type: bool,
    number: Value,
    text: String,
    any: Value,
}

/// A few [`LeafSwap`]s at arbitrary leaves.
pub fn leaf_values() -> impl Strategy<Value = Vec<(usize, LeafSwap)>> {
    let number = prop_oneof![
        Just(json!(0)),
        Just(json!(-1)),
        Just(json!(i64::MAX)),
        Just(json!(i64::MIN)),
        Just(json!(u64::MAX)),
        Just(json!(1e300)),
        Just(json!(-1e300)),
        Just(json!(0.5)),
        any::<i64>().prop_map(|n| json!(n)),
    ];
    let swap = (
        prop::bool::weighted(0.75),
        number,
        nasty_text(),
        hostile_leaf(),
    )
        .prop_map(|(keep_type, number, text, any)| LeafSwap {
            keep_type,
            number,
            text,
            any,
        });
    prop::collection::vec((any::<usize>(), swap), 1..4)
}

/// `base` with a few of its leaves (strings, numbers, booleans, nulls) swapped (see
/// [`LeafSwap`]): the document keeps its shape, so a reader gets past it to what it does
/// with the values (arithmetic, conversions, lookups).
pub fn mutate_leaves(base: &Value, swaps: &[(usize, LeafSwap)]) -> Value {
    let mut value = base.clone();
    for (at, swap) in swaps {
        let count = count_leaves(&value);
        if count == 0 {
            break;
        }
        let mut index = at % count;
        replace_leaf(&mut value, &mut index, swap);
    }
    value
}

fn count_leaves(value: &Value) -> usize {
    match value {
        Value::Array(items) => items.iter().map(count_leaves).sum(),
        Value::Object(map) => map.values().map(count_leaves).sum(),
        _ => 1,
    }
}

fn replace_leaf(value: &mut Value, index: &mut usize, swap: &LeafSwap) -> bool {
    match value {
        Value::Array(items) => items.iter_mut().any(|v| replace_leaf(v, index, swap)),
        Value::Object(map) => map.values_mut().any(|v| replace_leaf(v, index, swap)),
        leaf if *index == 0 => {
            *leaf = match (&*leaf, swap.keep_type) {
                (Value::Number(_), true) => swap.number.clone(),
                (Value::String(_), true) => Value::String(swap.text.clone()),
                _ => swap.any.clone(),
            };
            true
        }
        _ => {
            *index -= 1;
            false
        }
    }
}

fn count_nodes(value: &Value) -> usize {
    1 + match value {
        Value::Array(items) => items.iter().map(count_nodes).sum(),
        Value::Object(map) => map.values().map(count_nodes).sum(),
        _ => 0,
    }
}

/// Applies `edit` to the `index`th node (depth first); true once it was applied.
fn apply(value: &mut Value, index: &mut usize, edit: &Edit) -> bool {
    if *index == 0 {
        match edit {
            Edit::Replace(v) => *value = v.clone(),
            Edit::Remove => match value {
                Value::Object(map) => {
                    if let Some(first) = map.keys().next().cloned() {
                        map.remove(&first);
                    }
                }
                Value::Array(items) => {
                    items.pop();
                }
                other => *other = Value::Null,
            },
            Edit::Grow(n) => match value {
                Value::Array(items) if !items.is_empty() => {
                    let first = items[0].clone();
                    items.extend(std::iter::repeat_n(first, *n));
                }
                other => *other = Value::Array(vec![other.clone()]),
            },
        }
        return true;
    }
    *index -= 1;
    let children: Vec<&mut Value> = match value {
        Value::Array(items) => items.iter_mut().collect(),
        Value::Object(map) => map.values_mut().collect(),
        _ => return false,
    };
    for child in children {
        if apply(child, index, edit) {
            return true;
        }
    }
    false
}
