//! `fnconsole connections test`, run as an operator would, against a fake NCP that checks
//! signatures and a fake OpenWhisk that refuses the key.

use axum::http::{HeaderMap, Method, StatusCode, Uri};
use axum::response::IntoResponse;
use axum::{Json, Router};
use providers::sign::{Secret, ncp, openwhisk};
use serde_json::json;
use std::process::Command;

async fn fake() -> String {
    let app = Router::new().fallback(|method: Method, uri: Uri, headers: HeaderMap| async move {
        let h = |n: &str| headers.get(n).and_then(|v| v.to_str().ok());
        if uri.path().starts_with("/api/v1/") {
            let ok = openwhisk::verify(h("authorization"), &Secret::new("uuid:right")).is_ok();
            return if ok {
                Json(json!([])).into_response()
            } else {
                (
                    StatusCode::UNAUTHORIZED,
                    Json(json!({"error": "The supplied authentication is invalid", "code": "t1"})),
                )
                    .into_response()
            };
        }
        let presented = ncp::PresentedSignature {
            timestamp_ms: h(ncp::TIMESTAMP_HEADER),
            access_key: h(ncp::ACCESS_KEY_HEADER),
            signature: h(ncp::SIGNATURE_HEADER),
        };
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_millis() as u64;
        let target = uri.path_and_query().unwrap().as_str().to_string();
        match ncp::verify(
            method.as_str(),
            &target,
            presented,
            |k| (k == "AK").then(|| Secret::new("SK")),
            now,
        ) {
            Ok(_) => Json(json!({"content": [{"name": "a"}, {"name": "b"}]})).into_response(),
            Err(_) => (
                StatusCode::UNAUTHORIZED,
                Json(json!({"error": {"errorCode": "200", "message": "Authentication Failed"}})),
            )
                .into_response(),
        }
    });
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    url
}

fn config(url: &str) -> String {
    format!(
        r#"
[[connections]]
id = "ncp-good"
provider = "ncp"
endpoint = "{url}"
access_key_env = "T_NCP_AK"
secret_key_env = "T_NCP_SK"

[[connections]]
id = "ow-bad-key"
provider = "openwhisk"
endpoint = "{url}"
auth_env = "T_OW_AUTH"

[[connections]]
id = "ncp-no-env"
provider = "ncp"
endpoint = "{url}"
access_key_env = "T_UNSET_AK"
secret_key_env = "T_UNSET_SK"
"#
    )
}

#[tokio::test(flavor = "multi_thread")]
async fn each_connection_is_checked_and_any_failure_fails_the_command() {
    let url = fake().await;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("fnconsole.toml");
    std::fs::write(&path, config(&url)).unwrap();
    let run = |args: &'static [&'static str]| {
        let path = path.clone();
        tokio::task::spawn_blocking(move || {
            Command::new(env!("CARGO_BIN_EXE_fnconsole"))
                .args(args)
                .env("FNCONSOLE_CONFIG", &path)
                .env("T_NCP_AK", "AK")
                .env("T_NCP_SK", "SK")
                .env("T_OW_AUTH", "uuid:wrong")
                .env_remove("T_UNSET_AK")
                .output()
                .unwrap()
        })
    };

    let all = run(&["connections", "test"]).await.unwrap();
    let stdout = String::from_utf8_lossy(&all.stdout);
    assert_eq!(all.status.code(), Some(1), "{stdout}");
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(lines.len(), 3, "{stdout}");
    assert!(
        lines[0].starts_with("ncp-good    ncp        ok       2 packages ("),
        "{stdout}"
    );
    assert_eq!(
        lines[1],
        "ow-bad-key  openwhisk  FAILED   OpenWhisk refused the credentials (check the auth key) (provider said t1: The supplied authentication is invalid)"
    );
    assert_eq!(
        lines[2],
        "ncp-no-env  ncp        FAILED   connection \"ncp-no-env\": environment variable T_UNSET_AK (named by `access_key_env`) is not set"
    );
    assert!(
        !stdout.contains("uuid:wrong") && !stdout.contains(" SK"),
        "no secret is printed"
    );

    let one = run(&["connections", "test", "ncp-good"]).await.unwrap();
    assert_eq!(
        one.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&one.stdout)
    );

    let unknown = run(&["connections", "test", "nope"]).await.unwrap();
    assert_eq!(unknown.status.code(), Some(2));
    assert_eq!(
        String::from_utf8_lossy(&unknown.stderr).trim(),
        "fnconsole: no connection \"nope\"; configured: ncp-good, ow-bad-key, ncp-no-env"
    );
}

/// A free loopback port.
fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// Waits (20 s at most) until something listens on `port`.
fn wait_for_listener(port: u16) {
    let until = std::time::Instant::now() + std::time::Duration::from_secs(20);
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(
            std::time::Instant::now() < until,
            "the engine did not start"
        );
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
}

/// `fnconsole` in `dir` with `envs` and no configuration file.
fn fnconsole(dir: &std::path::Path, envs: &[(&str, String)]) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_fnconsole"));
    command
        .current_dir(dir)
        .env_remove("FNCONSOLE_CONFIG")
        .envs(envs.iter().map(|(k, v)| (*k, v.as_str())));
    command
}

#[test]
fn default_connections_reach_the_running_engine() {
    let dir = tempfile::tempdir().unwrap();
    let (console_port, engine_port) = (free_port(), free_port());
    let data = dir.path().join("data");
    let envs = [
        ("FNCONSOLE_LISTEN", format!("127.0.0.1:{console_port}")),
        (
            "FNCONSOLE_ENGINE_LISTEN",
            format!("127.0.0.1:{engine_port}"),
        ),
        ("FNCONSOLE_DATA_DIR", data.display().to_string()),
    ];
    let mut server = fnconsole(dir.path(), &envs)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    wait_for_listener(engine_port);
    let out = fnconsole(dir.path(), &envs)
        .args(["connections", "test"])
        .output()
        .unwrap();
    let _ = server.kill();
    let _ = server.wait();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{stdout}");
    let lines: Vec<&str> = stdout.lines().collect();
    for (line, start) in lines.iter().zip([
        "local-ncp        ncp        ok       1 packages (",
        "local-openwhisk  openwhisk  ok       ",
        // The demo package's five and the top-level `greet` of the demo's first runs.
        "local-huawei     huawei     ok       6 functions (",
        // SCF's namespace `default` is the engine's top level: the demo's `greet`.
        "local-tencent    tencent    ok       1 functions (",
    ]) {
        assert!(line.starts_with(start), "{stdout}");
    }
    assert!(lines.len() >= 4, "{stdout}");
    assert_private(dir.path());
}

/// The data directory, the generated keys and the database are private to their owner.
fn assert_private(dir: &std::path::Path) {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = |name: &str| {
            std::fs::metadata(dir.join(name))
                .unwrap()
                .permissions()
                .mode()
                & 0o777
        };
        assert_eq!(
            (
                mode("data"),
                mode("data/engine-keys.toml"),
                mode("data/engine.db")
            ),
            (0o700, 0o600, 0o600)
        );
    }
}
