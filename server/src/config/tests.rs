use super::*;
use providers::ProviderKind;
use std::collections::HashMap;
use std::net::SocketAddr;
use std::path::Path;

fn env(pairs: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
    let map: HashMap<String, String> = pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    move |key| map.get(key).cloned()
}

fn parse(text: &str) -> Result<Config, ConfigError> {
    Config::from_toml(text, Path::new("fnconsole.toml"))
}

#[test]
fn no_file_gives_defaults_with_one_engine_connection_per_dialect() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("absent.toml");
    // FNCONSOLE_CONFIG unset and no fnconsole.toml in the test's working directory.
    assert!(
        !Path::new(DEFAULT_FILE).exists(),
        "tests run without a config file"
    );
    let (config, source) = Config::load(env(&[])).unwrap();
    assert_eq!(source, Source::Defaults);
    assert_eq!(
        config.server.listen,
        "127.0.0.1:3000".parse::<SocketAddr>().unwrap()
    );
    assert_eq!(config.server.data_dir, std::path::PathBuf::from("data"));
    assert!(config.engine.enabled);
    let ids: Vec<_> = config.connections.iter().map(|c| c.id()).collect();
    assert_eq!(
        ids,
        [
            "local-ncp",
            "local-openwhisk",
            "local-huawei",
            "local-tencent"
        ]
    );
    assert!(config.connection_summaries().iter().all(|c| c.local));
    drop(missing);
}

#[test]
fn file_values_are_read() {
    let config = parse(
        r#"
[server]
listen = "0.0.0.0:8080"
data_dir = "/var/lib/fnconsole"

[engine]
enabled = false

[[connections]]
id = "prod-ncp"
name = "Production"
provider = "ncp"
endpoint = "https://cloudfunctions.apigw.ntruss.com"
platform = "vpc"
access_key_env = "NCP_ACCESS_KEY"
secret_key_env = "NCP_SECRET_KEY"
"#,
    )
    .unwrap();
    assert_eq!(
        config.server.listen,
        "0.0.0.0:8080".parse::<SocketAddr>().unwrap()
    );
    assert!(!config.engine.enabled);
    assert_eq!(config.connections.len(), 1);
    let summary = &config.connection_summaries()[0];
    assert_eq!(summary.name, "Production");
    assert_eq!(summary.provider, ProviderKind::Ncp);
    assert!(!summary.local);
}

#[test]
fn config_file_named_by_env_is_read_and_env_overrides_it() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("console.toml");
    std::fs::write(
        &path,
        "[server]\nlisten = \"127.0.0.1:4000\"\ndata_dir = \"from-file\"\n",
    )
    .unwrap();
    let path_str = path.to_str().unwrap();

    let (config, source) = Config::load(env(&[("FNCONSOLE_CONFIG", path_str)])).unwrap();
    assert_eq!(source, Source::File(path.clone()));
    assert_eq!(config.server.listen.port(), 4000);

    let (config, _) = Config::load(env(&[
        ("FNCONSOLE_CONFIG", path_str),
        ("FNCONSOLE_LISTEN", "127.0.0.1:5000"),
        ("FNCONSOLE_DATA_DIR", "/tmp/elsewhere"),
    ]))
    .unwrap();
    assert_eq!(config.server.listen.port(), 5000);
    assert_eq!(
        config.server.data_dir,
        std::path::PathBuf::from("/tmp/elsewhere")
    );
}

#[test]
fn a_missing_file_named_by_env_is_an_error() {
    let err = Config::load(env(&[("FNCONSOLE_CONFIG", "/nonexistent/fn.toml")])).unwrap_err();
    let message = err.to_string();
    assert!(
        message.starts_with("cannot read the configuration file /nonexistent/fn.toml: "),
        "{message}"
    );
}

#[test]
fn a_malformed_listen_override_names_the_variable() {
    let err = Config::load(env(&[("FNCONSOLE_LISTEN", "localhost")])).unwrap_err();
    assert_eq!(
        err.to_string(),
        "environment variable FNCONSOLE_LISTEN=\"localhost\" is not valid: expected a socket address such as 127.0.0.1:3000"
    );
}

#[test]
fn malformed_toml_names_file_line_and_column() {
    let err = parse("[server]\nlisten = \"127.0.0.1:3000\"\ndata_dir = \n").unwrap_err();
    assert_eq!(
        err.to_string(),
        "error in fnconsole.toml at line 3, column 12: string values must be quoted, expected literal string"
    );
}

#[test]
fn unknown_provider_names_the_line_and_the_allowed_values() {
    let err = parse(
        "[[connections]]\nid = \"x\"\nprovider = \"aws\"\nendpoint = \"https://example.com\"\n",
    )
    .unwrap_err();
    assert_eq!(
        err.to_string(),
        "error in fnconsole.toml at line 3, column 12: unknown variant `aws`, expected one of `ncp`, `openwhisk`, `huawei`, `tencent`"
    );
}

#[test]
fn unknown_keys_are_refused_not_ignored() {
    let err = parse("[server]\nlisten = \"127.0.0.1:3000\"\nport = 80\n").unwrap_err();
    assert_eq!(
        err.to_string(),
        "error in fnconsole.toml at line 3, column 1: unknown field `port`, expected one of `listen`, `data_dir`, `behind_proxy`, `database_url`"
    );
}

#[test]
fn behind_proxy_is_off_unless_the_file_turns_it_on() {
    assert!(!parse("[server]\n").unwrap().server.behind_proxy);
    assert!(
        parse("[server]\nbehind_proxy = true\n")
            .unwrap()
            .server
            .behind_proxy
    );
    let err = parse("[server]\nbehind_proxy = \"yes\"\n").unwrap_err();
    assert!(err.to_string().contains("line 2"), "{err}");
}

#[test]
fn a_bad_listen_address_in_the_file_is_reported_where_it_is() {
    let err = parse("[server]\nlisten = \"not an address\"\n").unwrap_err();
    assert_eq!(
        err.to_string(),
        "error in fnconsole.toml at line 2, column 10: invalid socket address syntax"
    );
}

#[test]
fn duplicate_connection_ids_are_refused() {
    let keys = "access_key_env = \"K\"\nsecret_key_env = \"S\"\n";
    let text = format!(
        "[[connections]]\nid = \"a\"\nprovider = \"ncp\"\nendpoint = \"https://x\"\n{keys}\n[[connections]]\nid = \"a\"\nprovider = \"ncp\"\nendpoint = \"https://y\"\n{keys}"
    );
    let err = parse(&text).unwrap_err();
    assert_eq!(
        err.to_string(),
        "error in fnconsole.toml at line 8: connection id \"a\" is used twice; ids must be unique"
    );
}

#[test]
fn endpoints_must_be_http_urls() {
    let err = parse("[[connections]]\nid = \"a\"\nprovider = \"ncp\"\nendpoint = \"ftp://x\"\naccess_key_env = \"K\"\nsecret_key_env = \"S\"\n")
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "error in fnconsole.toml at line 1: connection \"a\": endpoint \"ftp://x\" must be an http:// or https:// URL"
    );
}

#[test]
fn line_column_counts_characters_not_bytes() {
    assert_eq!(error::line_column("가나\nab", 7), (2, 1));
    assert_eq!(error::line_column("가나다", 3), (1, 2));
    // An offset inside a multi-byte character does not panic.
    assert_eq!(error::line_column("가나다", 4), (1, 2));
    assert_eq!(error::line_column("abc", 99), (1, 4));
}

#[test]
fn each_provider_names_the_fields_it_needs() {
    let err = parse("[[connections]]\nid = \"hw\"\nprovider = \"huawei\"\nendpoint = \"https://functiongraph.cn-north-4.myhuaweicloud.com\"\nproject_id = \"p\"\n").unwrap_err();
    assert_eq!(
        err.to_string(),
        "error in fnconsole.toml at line 1: connection \"hw\" (huawei) needs `token_env, or access_key_env and secret_key_env`"
    );
    let err = parse(
        "[[connections]]\nid = \"ow\"\nprovider = \"openwhisk\"\nendpoint = \"https://ow\"\n",
    )
    .unwrap_err();
    assert_eq!(
        err.to_string(),
        "error in fnconsole.toml at line 1, column 1: connection \"ow\" (openwhisk): missing field `auth_env`"
    );
    let err = parse("[[connections]]\nid = \"t\"\nprovider = \"tencent\"\nendpoint = \"https://scf.tencentcloudapi.com\"\naccess_key_env = \"A\"\nsecret_key_env = \"B\"\n").unwrap_err();
    assert_eq!(
        err.to_string(),
        "error in fnconsole.toml at line 1, column 1: connection \"t\" (tencent): missing field `region`"
    );
}

#[test]
fn the_huawei_region_is_read_from_the_endpoint() {
    assert_eq!(
        huawei_region("https://functiongraph.cn-north-4.myhuaweicloud.com").as_deref(),
        Some("cn-north-4")
    );
    assert_eq!(huawei_region("http://127.0.0.1:3233"), None);
}

#[test]
fn the_engine_listen_override_moves_the_connections_that_pointed_at_it() {
    let (config, _) = Config::load(env(&[("FNCONSOLE_ENGINE_LISTEN", "127.0.0.1:4999")])).unwrap();
    assert_eq!(config.engine.listen.port(), 4999);
    assert!(
        config
            .connections
            .iter()
            .all(|c| c.endpoint() == "http://127.0.0.1:4999")
    );
    assert!(config.connection_summaries().iter().all(|c| c.local));
    let err = Config::load(env(&[("FNCONSOLE_ENGINE_LISTEN", "x")])).unwrap_err();
    assert_eq!(
        err.to_string(),
        "environment variable FNCONSOLE_ENGINE_LISTEN=\"x\" is not valid: expected a socket address such as 127.0.0.1:3233"
    );
}

#[test]
fn an_empty_engine_key_is_refused_naming_the_key_and_its_line() {
    let err = parse("[engine]\nenabled = true\nhuawei_auth_token = \"\"\n").unwrap_err();
    assert_eq!(
        err.to_string(),
        "error in fnconsole.toml at line 3: `[engine] huawei_auth_token` is empty: give the IAM token, or remove the line to turn token authentication off"
    );
    for name in EngineSection::text_setting_names() {
        for empty in ["\"\"", "\"  \""] {
            let message = parse(&format!("# keys\n[engine]\n{name} = {empty}\n"))
                .unwrap_err()
                .to_string();
            assert!(
                message.starts_with(&format!(
                    "error in fnconsole.toml at line 3: `[engine] {name}` is empty: "
                )),
                "{message}"
            );
        }
    }
    // A dotted key is found too.
    let err = parse("\n\nengine.ncp_secret_key = \"\"\n").unwrap_err();
    assert!(
        err.to_string()
            .starts_with("error in fnconsole.toml at line 3: `[engine] ncp_secret_key` is empty"),
        "{err}"
    );
}

#[test]
fn openwhisk_auth_needs_both_its_parts() {
    for auth in ["uuid-only", "uuid:", ":key"] {
        let err = parse(&format!("[engine]\nopenwhisk_auth = \"{auth}\"\n")).unwrap_err();
        assert_eq!(
            err.to_string(),
            "error in fnconsole.toml at line 2: `[engine] openwhisk_auth` must be `uuid:key`, both parts given",
            "{auth}"
        );
    }
    assert!(parse("[engine]\nopenwhisk_auth = \"u:k\"\n").is_ok());
}

#[test]
fn an_empty_secret_variable_name_is_refused() {
    let err = parse(
        "[[connections]]\nid = \"n\"\nprovider = \"ncp\"\nendpoint = \"https://x\"\naccess_key_env = \"\"\nsecret_key_env = \"S\"\n",
    )
    .unwrap_err();
    assert_eq!(
        err.to_string(),
        "error in fnconsole.toml at line 1: connection \"n\": `access_key_env` is empty: name the environment variable that holds the secret"
    );
}

#[test]
fn the_engines_bounds_and_durability_are_configurable_and_zero_is_refused() {
    let config = parse(
        "[engine]\ndurability = \"full\"\nmax_concurrent = 40\nmax_concurrent_web = 5\nmemory_budget_mb = 2048\nmax_queued = 100\n",
    )
    .unwrap();
    let options = config.engine.engine_options();
    assert_eq!(options.durability, engine::Durability::Full);
    assert_eq!(
        (
            options.max_concurrent,
            options.max_concurrent_web,
            options.memory_budget_mb,
            options.max_queued
        ),
        (40, 5, 2048, 100)
    );
    // Warm runtimes: their count and bytes per worker, 0 turning them off.
    let warm = parse("[engine]\nwarm_runtimes = 0\nwarm_memory_mb = 16\n")
        .unwrap()
        .engine
        .engine_options()
        .worker
        .warm;
    assert_eq!((warm.runtimes, warm.bytes), (0, 16 * 1024 * 1024));
    // The defaults are the documented ones.
    let defaults = parse("").unwrap().engine.engine_options();
    assert_eq!(
        (defaults.worker.warm.runtimes, defaults.worker.warm.bytes),
        (32, 64 * 1024 * 1024)
    );
    assert_eq!(defaults.durability, engine::Durability::Normal);
    assert_eq!(
        (defaults.max_concurrent, defaults.max_concurrent_web),
        (100, 20)
    );
    let err = parse("[engine]\nmax_concurrent_web = 0\n")
        .unwrap_err()
        .to_string();
    assert!(
        err.starts_with("error in fnconsole.toml at line 2"),
        "{err}"
    );
    assert!(err.contains("nonzero"), "{err}");
    let err = parse("[engine]\ndurability = \"fast\"\n")
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("unknown variant `fast`, expected `normal` or `full`"),
        "{err}"
    );
}

#[test]
fn an_unknown_connection_key_names_the_connection_and_its_providers_fields() {
    let err = parse(
        "[server]\nlisten = \"127.0.0.1:3000\"\n\n[[connections]]\nid = \"ow\"\nprovider = \"openwhisk\"\nendpoint = \"https://ow\"\nauth_env = \"A\"\nplatform = \"vpc\"\n",
    )
    .unwrap_err();
    assert_eq!(
        err.to_string(),
        "error in fnconsole.toml at line 4, column 1: connection \"ow\" (openwhisk): unknown field `platform`, expected one of `id`, `name`, `endpoint`, `local`, `engine`, `namespace`, `auth_env`"
    );
    // A value of the wrong type is named with its entry too.
    let err = parse("[[connections]]\nid = \"n\"\nprovider = \"ncp\"\nendpoint = \"https://x\"\naccess_key_env = 5\nsecret_key_env = \"S\"\n").unwrap_err();
    assert_eq!(
        err.to_string(),
        "error in fnconsole.toml at line 1, column 1: connection \"n\" (ncp): invalid type: integer `5`, expected a string"
    );
}

#[test]
fn each_provider_gets_its_defaults_in_one_place() {
    let config = parse(
        r#"
[[connections]]
id = "n"
provider = "ncp"
endpoint = "https://cloudfunctions.apigw.ntruss.com"
access_key_env = "A"
secret_key_env = "S"

[[connections]]
id = "o"
provider = "openwhisk"
endpoint = "https://ow"
auth_env = "A"

[[connections]]
id = "h"
provider = "huawei"
endpoint = "https://functiongraph.cn-north-4.myhuaweicloud.com"
project_id = "p"
token_env = "T"

[[connections]]
id = "t"
provider = "tencent"
endpoint = "https://scf.tencentcloudapi.com"
region = "ap-guangzhou"
access_key_env = "A"
secret_key_env = "S"

[[connections]]
id = "t-private"
provider = "tencent"
endpoint = "https://scf.internal"
region = "ap-guangzhou"
access_key_env = "A"
secret_key_env = "S"
"#,
    )
    .unwrap();
    let [
        ConnectionConfig::Ncp(n),
        ConnectionConfig::OpenWhisk(o),
        ConnectionConfig::Huawei(h),
        ConnectionConfig::Tencent(t),
        ConnectionConfig::Tencent(private),
    ] = config.connections.as_slice()
    else {
        panic!("one shape per provider: {:?}", config.connections)
    };
    assert_eq!(
        (n.base_path.as_str(), n.platform.as_deref()),
        ("/api/v2", None)
    );
    assert_eq!(o.namespace, "_");
    assert_eq!(h.region().as_deref(), Some("cn-north-4"));
    assert_eq!(h.secret_vars(), Some(HuaweiSecretVars::Token("T")));
    assert_eq!(t.namespace, "default");
    assert_eq!(t.legacy_endpoint(), "https://scf.api.qcloud.com");
    assert_eq!(private.legacy_endpoint(), "https://scf.internal");
}

#[test]
fn a_connection_is_local_because_the_config_says_so() {
    let text = r#"
[[connections]]
id = "mine"
provider = "ncp"
endpoint = "http://127.0.0.1:3233"
local = true
access_key_env = "A"
secret_key_env = "S"

[[connections]]
id = "same-address"
provider = "openwhisk"
endpoint = "http://127.0.0.1:3233"
auth_env = "A"
"#;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("fnconsole.toml");
    std::fs::write(&path, text).unwrap();
    let path = path.to_str().unwrap();
    let (config, _) = Config::load(env(&[("FNCONSOLE_CONFIG", path)])).unwrap();
    let local: Vec<_> = config
        .connection_summaries()
        .into_iter()
        .map(|s| (s.id, s.local))
        .collect();
    assert_eq!(
        local,
        [
            ("mine".to_string(), true),
            ("same-address".to_string(), false)
        ],
        "an endpoint equal to the engine's does not make a connection local"
    );
    // The engine's new address moves the local connection only.
    let (config, _) = Config::load(env(&[
        ("FNCONSOLE_CONFIG", path),
        ("FNCONSOLE_ENGINE_LISTEN", "127.0.0.1:4999"),
    ]))
    .unwrap();
    let endpoints: Vec<_> = config.connections.iter().map(|c| c.endpoint()).collect();
    assert_eq!(
        endpoints,
        ["http://127.0.0.1:4999", "http://127.0.0.1:3233"]
    );
    // With the engine off nothing is shown as local.
    let off = parse(&format!("[engine]\nenabled = false\n{text}")).unwrap();
    assert!(off.connection_summaries().iter().all(|s| !s.local));
}

#[test]
fn an_engine_connection_is_local_or_says_engine_and_only_ncp_and_openwhisk_stream() {
    let text = r#"
[[connections]]
id = "remote-engine"
provider = "openwhisk"
endpoint = "http://10.0.0.5:3233"
engine = true
auth_env = "A"

[[connections]]
id = "cloud"
provider = "ncp"
endpoint = "https://cloudfunctions.apigw.ntruss.com"
access_key_env = "A"
secret_key_env = "S"
"#;
    let config = parse(text).unwrap();
    let engine: Vec<_> = config.connections.iter().map(|c| c.is_engine()).collect();
    assert_eq!(engine, [true, false]);
    // The defaults: the embedded engine's dialects; FunctionGraph's and SCF's have no
    // `live` extension.
    let defaults = parse("").unwrap();
    let engine: Vec<_> = defaults
        .connections
        .iter()
        .map(|c| (c.id().to_string(), c.is_engine()))
        .collect();
    assert_eq!(
        engine,
        [
            ("local-ncp".to_string(), true),
            ("local-openwhisk".to_string(), true),
            ("local-huawei".to_string(), false),
            ("local-tencent".to_string(), false),
        ]
    );
    let refused = parse(
        "[[connections]]\nid = \"h\"\nprovider = \"huawei\"\nendpoint = \"https://x\"\nproject_id = \"p\"\ntoken_env = \"T\"\nengine = true\n",
    )
    .unwrap_err();
    assert!(
        refused.to_string().contains("unknown field `engine`"),
        "{refused}"
    );
}

#[test]
fn demo_runs_are_on_by_default_and_can_be_turned_off() {
    assert!(parse("").unwrap().engine.demo_runs);
    assert!(
        !parse("[engine]\ndemo_runs = false\n")
            .unwrap()
            .engine
            .demo_runs
    );
    let err = parse("[engine]\ndemo_runs = \"no\"\n").unwrap_err();
    // Where, and what is allowed.
    let text = err.to_string();
    assert!(
        text.contains("line 2") && text.contains("expected a boolean"),
        "{text}"
    );
}

#[test]
fn the_id_and_endpoint_rules_the_file_and_the_ui_share() {
    assert!(is_connection_id("prod-ncp_2"));
    assert!(is_connection_id(&"a".repeat(64)));
    for bad in ["", "a b", "ü", "a/b", &"a".repeat(65)] {
        assert!(!is_connection_id(bad), "{bad:?}");
    }
    for good in ["http://127.0.0.1:3233", " https://x.example.com "] {
        assert!(is_http_url(good), "{good:?}");
    }
    for bad in ["", "https://", "http:// ", "ftp://x", "x.example.com"] {
        assert!(!is_http_url(bad), "{bad:?}");
    }
}

#[test]
fn database_url_comes_from_the_file_or_the_environment_and_must_be_postgres() {
    use super::DatabaseUrl;
    let load = |file: Option<&str>, env_url: Option<&str>| {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("fnconsole.toml");
        if let Some(text) = file {
            std::fs::write(&path, text).unwrap();
        }
        let config_path = path.display().to_string();
        let has_file = file.is_some();
        Config::load(|key| match key {
            "FNCONSOLE_CONFIG" if has_file => Some(config_path.clone()),
            "FNCONSOLE_DATABASE_URL" => env_url.map(str::to_owned),
            _ => None,
        })
        .map(|(config, _)| config.server.database_url)
    };
    assert_eq!(load(None, None).unwrap(), None);
    let file = "[server]\ndatabase_url = \"postgres://fc:pw@db/console\"\n";
    assert_eq!(
        load(Some(file), None).unwrap(),
        Some(DatabaseUrl("postgres://fc:pw@db/console".into()))
    );
    assert_eq!(
        load(Some(file), Some("postgresql://other@db2/c")).unwrap(),
        Some(DatabaseUrl("postgresql://other@db2/c".into()))
    );
    // An empty override means SQLite again.
    assert_eq!(load(Some(file), Some("")).unwrap(), None);
    let error = load(None, Some("mysql://root:hunter2@db/x"))
        .unwrap_err()
        .to_string();
    assert!(
        error.starts_with(
            "database_url (FNCONSOLE_DATABASE_URL or [server] database_url) is not a PostgreSQL URL"
        ),
        "{error}"
    );
    assert!(!error.contains("hunter2"), "{error}");
    assert_eq!(
        format!("{:?}", DatabaseUrl("postgres://u:hunter2@h/d".into())),
        "DatabaseUrl(set)"
    );
}
