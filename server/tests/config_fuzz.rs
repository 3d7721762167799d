//! Fuzzing the configuration parser (`Config::from_toml`): arbitrary text, and TOML built
//! from the file's own sections and keys with hostile values, then damaged at a random byte.
//! Nothing panics; a refusal names a line and column inside the file; what is accepted holds
//! the promises the README makes (ids unique and well-formed, every endpoint `http(s)://`).
//!
//! Bounded for `make test`; a long run: `PROPTEST_CASES=20000 cargo test -p server --test
//! config_fuzz` (docs/RELIABILITY.md).

#[path = "../../providers/tests/common/fuzz.rs"]
mod fuzz;

use fuzz::{cases, nasty_text};
use proptest::prelude::*;
use server::config::{Config, ConfigError};
use std::collections::HashSet;
use std::path::Path;

const SERVER_KEYS: &[&str] = &["listen", "data_dir", "database_url"];
const ENGINE_KEYS: &[&str] = &[
    "enabled",
    "listen",
    "namespace",
    "ncp_access_key",
    "ncp_secret_key",
    "openwhisk_auth",
    "huawei_project_id",
    "huawei_access_key",
    "huawei_secret_key",
    "huawei_auth_token",
    "tencent_secret_id",
    "tencent_secret_key",
    "tencent_region",
    "durability",
    "max_concurrent",
    "max_concurrent_web",
    "memory_budget_mb",
    "max_queued",
    "demo_runs",
];
const CONNECTION_KEYS: &[&str] = &[
    "id",
    "name",
    "provider",
    "endpoint",
    "platform",
    "base_path",
    "access_key_env",
    "secret_key_env",
    "auth_env",
    "namespace",
    "engine",
    "local",
    "project_id",
    "region",
    "token_env",
    "legacy_endpoint",
    "nonsense",
];

/// A TOML value a key might be given: the right kind most of the time, anything otherwise.
fn value() -> impl Strategy<Value = toml::Value> {
    let leaf = prop_oneof![
        4 => prop::sample::select(vec![
            "ncp", "openwhisk", "huawei", "tencent", "aws", "vpc", "classic", "full", "normal",
            "127.0.0.1:3000", "[::1]:0", "https://cloudfunctions.apigw.ntruss.com",
            "http://127.0.0.1:3233", "https://functiongraph.ap-southeast-1.myhuaweicloud.com",
            "ftp://x", "uuid:key", ":", "prod-ncp", "NCP_ACCESS_KEY", "/api/v2", "data",
        ]).prop_map(|s| toml::Value::String(s.into())),
        3 => nasty_text().prop_map(toml::Value::String),
        2 => prop_oneof![Just(0i64), Just(-1), Just(i64::MAX), Just(i64::MIN), any::<i64>()]
            .prop_map(toml::Value::Integer),
        1 => any::<bool>().prop_map(toml::Value::Boolean),
        1 => any::<f64>().prop_map(toml::Value::Float),
    ];
    leaf.prop_recursive(2, 8, 3, |inner| {
        prop::collection::vec(inner, 0..3).prop_map(toml::Value::Array)
    })
}

fn section(keys: &'static [&'static str]) -> impl Strategy<Value = toml::Table> {
    prop::collection::vec((prop::sample::select(keys), value()), 0..8)
        .prop_map(|pairs| pairs.into_iter().map(|(k, v)| (k.to_string(), v)).collect())
}

/// A whole file: some of `[server]`, `[engine]` and `[[connections]]`, sometimes a stray
/// section, as TOML text.
fn document() -> impl Strategy<Value = String> {
    (
        prop::option::of(section(SERVER_KEYS)),
        prop::option::of(section(ENGINE_KEYS)),
        prop::option::of(prop::collection::vec(section(CONNECTION_KEYS), 0..4)),
        prop::option::of(section(CONNECTION_KEYS)),
    )
        .prop_map(|(server, engine, connections, stray)| {
            let mut file = toml::Table::new();
            if let Some(s) = server {
                file.insert("server".into(), toml::Value::Table(s));
            }
            if let Some(e) = engine {
                file.insert("engine".into(), toml::Value::Table(e));
            }
            if let Some(list) = connections {
                let list = list.into_iter().map(toml::Value::Table).collect();
                file.insert("connections".into(), toml::Value::Array(list));
            }
            if let Some(s) = stray {
                file.insert("servers".into(), toml::Value::Table(s));
            }
            toml::to_string(&file).unwrap_or_default()
        })
}

/// `text` with bytes `at..at+len` replaced by `insert`, cut at character boundaries.
fn damage(text: &str, at: usize, len: usize, insert: &str) -> String {
    let mut start = at % (text.len() + 1);
    while !text.is_char_boundary(start) {
        start -= 1;
    }
    let mut end = (start + len).min(text.len());
    while !text.is_char_boundary(end) {
        end += 1;
    }
    format!("{}{insert}{}", &text[..start], &text[end..])
}

/// The parser's verdict on `text`, checked.
fn verdict(text: &str) -> Result<(), TestCaseError> {
    let lines = text.split('\n').count();
    match Config::from_toml(text, Path::new("fnconsole.toml")) {
        Ok(config) => {
            let mut ids = HashSet::new();
            for c in &config.connections {
                let id = c.id();
                prop_assert!(
                    (1..=64).contains(&id.len())
                        && id
                            .chars()
                            .all(|ch| ch.is_ascii_alphanumeric() || ch == '-' || ch == '_'),
                    "accepted id {id:?}"
                );
                prop_assert!(ids.insert(id.to_string()), "accepted id {id:?} twice");
                let endpoint = c.endpoint();
                prop_assert!(
                    endpoint.starts_with("http://") || endpoint.starts_with("https://"),
                    "accepted endpoint {endpoint:?}"
                );
            }
        }
        Err(ConfigError::Syntax {
            line,
            column,
            message,
            ..
        }) => {
            prop_assert!(
                (1..=lines).contains(&line),
                "line {line} of {lines}: {message}"
            );
            prop_assert!(column >= 1);
            prop_assert!(!message.is_empty());
        }
        Err(ConfigError::Invalid { line, message, .. }) => {
            prop_assert!(
                (1..=lines).contains(&line),
                "line {line} of {lines}: {message}"
            );
            prop_assert!(!message.is_empty());
        }
        Err(other) => prop_assert!(false, "from_toml reads no file and no variable: {other}"),
    }
    Ok(())
}

proptest! {
    #![proptest_config(cases(300))]

    #[test]
    fn arbitrary_text_is_refused_with_a_place_or_accepted(text in prop_oneof![
        nasty_text(),
        any::<String>(),
        "(\\[\\[?[a-z]{0,10}\\]\\]?\n|[a-z_]{1,12} = [\"0-9a-z:./\\[\\]{}, ]{0,20}\n){0,8}",
    ]) {
        verdict(&text)?;
    }

    #[test]
    fn configuration_files_with_hostile_values_never_panic(doc in document()) {
        verdict(&doc)?;
    }

    #[test]
    fn a_file_damaged_anywhere_is_refused_with_a_place(
        doc in document(), at in any::<usize>(), len in 0usize..6,
        insert in prop_oneof![Just(String::new()), nasty_text(), Just("\"".to_string()), Just("[".to_string()), Just("한".to_string())],
    ) {
        verdict(&damage(&doc, at, len, &insert))?;
    }
}
