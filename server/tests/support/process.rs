//! The real `fnconsole` binary as a test drives it: a data directory and a configuration
//! of its own, free loopback ports, started, waited for, killed, started again; and a signed
//! OpenWhisk caller of its embedded engine.
#![allow(dead_code)] // each test file uses its own part

use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// The engine's OpenWhisk key in these tests' configuration.
pub const OW_AUTH: &str = "c0ffee00-0000-4000-8000-000000000001:crash-test-key";

/// A free loopback port.
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .expect("a loopback port is free")
        .local_addr()
        .expect("a bound socket has an address")
        .port()
}

/// One console installation: its directory, data directory, ports and (when running) its
/// process.
pub struct Console {
    pub dir: PathBuf,
    pub data: PathBuf,
    pub console_port: u16,
    pub engine_port: u16,
    /// More environment for the process (a database URL, a shared secret key…).
    pub env: Vec<(String, String)>,
    child: Option<Child>,
}

impl Console {
    /// A console in `dir` (its configuration written there: the engine's OpenWhisk key is
    /// [`OW_AUTH`], no demo runs), keeping its data in `data`.
    pub fn new(dir: &Path, data: &Path) -> Self {
        let config = format!("[engine]\nopenwhisk_auth = \"{OW_AUTH}\"\ndemo_runs = false\n");
        Self::with_config(dir, data, &config)
    }

    /// As [`Console::new`], with this configuration file.
    pub fn with_config(dir: &Path, data: &Path, config: &str) -> Self {
        std::fs::write(dir.join("fnconsole.toml"), config).expect("the test directory is writable");
        Self {
            dir: dir.to_path_buf(),
            data: data.to_path_buf(),
            console_port: free_port(),
            engine_port: free_port(),
            env: Vec::new(),
            child: None,
        }
    }

    /// `fnconsole ARGS` as this installation runs it.
    pub fn command(&self, args: &[&str]) -> Command {
        let mut command = Command::new(env!("CARGO_BIN_EXE_fnconsole"));
        command
            .args(args)
            .current_dir(&self.dir)
            .env("FNCONSOLE_CONFIG", self.dir.join("fnconsole.toml"))
            .env("FNCONSOLE_DATA_DIR", &self.data)
            .env(
                "FNCONSOLE_LISTEN",
                format!("127.0.0.1:{}", self.console_port),
            )
            .env(
                "FNCONSOLE_ENGINE_LISTEN",
                format!("127.0.0.1:{}", self.engine_port),
            )
            .env("RUST_LOG", "warn")
            .envs(self.env.iter().map(|(k, v)| (k, v)));
        command
    }

    /// Starts the console and waits until its engine and console answer; how long that took.
    pub fn start(&mut self) -> Duration {
        assert!(self.child.is_none(), "the console is already running");
        let started = Instant::now();
        let child = self
            .command(&[])
            .stdout(Stdio::null())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("fnconsole starts");
        self.child = Some(child);
        for port in [self.engine_port, self.console_port] {
            let until = Instant::now() + Duration::from_secs(30);
            while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
                if let Some(status) = self
                    .child
                    .as_mut()
                    .and_then(|c| c.try_wait().ok().flatten())
                {
                    panic!("fnconsole exited at start: {status}");
                }
                assert!(
                    Instant::now() < until,
                    "fnconsole did not listen on {port} within 30 s"
                );
                std::thread::sleep(Duration::from_millis(20));
            }
        }
        started.elapsed()
    }

    /// SIGKILL (no chance to clean up), and reaps the process.
    pub fn kill(&mut self) {
        if let Some(mut child) = self.child.take() {
            // `Child::kill` is SIGKILL on Unix.
            let _ = child.kill();
            let _ = child.wait();
        }
    }

    /// The engine's base URL.
    pub fn engine_url(&self) -> String {
        format!("http://127.0.0.1:{}", self.engine_port)
    }

    /// The console's base URL.
    pub fn console_url(&self) -> String {
        format!("http://127.0.0.1:{}", self.console_port)
    }
}

impl Drop for Console {
    fn drop(&mut self) {
        self.kill();
    }
}

/// A signed caller of the engine's OpenWhisk dialect (namespace `_`).
#[derive(Clone)]
pub struct Whisk {
    http: reqwest::Client,
    base: String,
    auth: String,
}

impl Whisk {
    /// A caller of the engine at `engine_url` with the key [`OW_AUTH`].
    pub fn new(engine_url: &str) -> Self {
        Self::with_auth(engine_url, OW_AUTH)
    }

    /// A caller with the key `auth` (`uuid:key`).
    pub fn with_auth(engine_url: &str, auth: &str) -> Self {
        Self {
            auth: auth.to_string(),
            http: reqwest::Client::builder()
                .timeout(Duration::from_secs(20))
                .build()
                .expect("a plain HTTP client builds"),
            base: format!("{engine_url}/api/v1/namespaces/_"),
        }
    }

    /// `METHOD path` with a JSON body: status and JSON answer, or the transport error (the
    /// process was killed mid-request) as `Err`.
    pub async fn call(
        &self,
        method: &str,
        path: &str,
        body: Option<&Value>,
    ) -> Result<(u16, Value), String> {
        let (user, key) = self.auth.split_once(':').ok_or("the key is not uuid:key")?;
        let method = reqwest::Method::from_bytes(method.as_bytes()).map_err(|e| e.to_string())?;
        let mut request = self
            .http
            .request(method, format!("{}{path}", self.base))
            .basic_auth(user, Some(key));
        if let Some(body) = body {
            request = request.json(body);
        }
        let response = request.send().await.map_err(|e| e.to_string())?;
        let status = response.status().as_u16();
        let text = response.text().await.map_err(|e| e.to_string())?;
        let json = serde_json::from_str(&text).unwrap_or(Value::String(text));
        Ok((status, json))
    }

    /// Writes action `package/name` with `code` (overwriting).
    pub async fn put_action(
        &self,
        package: &str,
        name: &str,
        code: &str,
    ) -> Result<(u16, Value), String> {
        let body = serde_json::json!({"exec": {"kind": "nodejs:20", "code": code}});
        self.call(
            "PUT",
            &format!("/actions/{package}/{name}?overwrite=true"),
            Some(&body),
        )
        .await
    }

    /// The code of action `package/name`, when it exists.
    pub async fn action_code(&self, package: &str, name: &str) -> Result<Option<String>, String> {
        let (status, body) = self
            .call("GET", &format!("/actions/{package}/{name}"), None)
            .await?;
        Ok((status == 200).then(|| {
            body["exec"]["code"]
                .as_str()
                .unwrap_or_default()
                .to_string()
        }))
    }

    /// The names (`package/name`, or `name` at the top level) of every action, sorted.
    pub async fn action_names(&self) -> Result<Vec<String>, String> {
        let (status, body) = self.call("GET", "/actions?limit=200", None).await?;
        if status != 200 {
            return Err(format!("listing actions answered {status}: {body}"));
        }
        let mut names: Vec<String> = body
            .as_array()
            .ok_or("the action list is not an array")?
            .iter()
            .map(|a| {
                let ns = a["namespace"].as_str().unwrap_or_default();
                let name = a["name"].as_str().unwrap_or_default();
                match ns.split_once('/') {
                    Some((_, package)) => format!("{package}/{name}"),
                    None => name.to_string(),
                }
            })
            .collect();
        names.sort();
        Ok(names)
    }

    /// The ids of the newest 200 activations, sorted.
    pub async fn activation_ids(&self) -> Result<Vec<String>, String> {
        let (status, body) = self.call("GET", "/activations?limit=200", None).await?;
        if status != 200 {
            return Err(format!("listing activations answered {status}: {body}"));
        }
        let mut ids: Vec<String> = body
            .as_array()
            .ok_or("the activation list is not an array")?
            .iter()
            .filter_map(|a| a["activationId"].as_str().map(str::to_string))
            .collect();
        ids.sort();
        Ok(ids)
    }

    /// Whether activation `id` is recorded.
    pub async fn has_activation(&self, id: &str) -> Result<bool, String> {
        let (status, _) = self
            .call("GET", &format!("/activations/{id}"), None)
            .await?;
        Ok(status == 200)
    }
}

/// `PRAGMA integrity_check` of the SQLite database at `path`: `"ok"` when it is sound.
pub fn integrity(path: &Path) -> String {
    let db = rusqlite::Connection::open(path).expect("the database opens");
    let rows: Vec<String> = db
        .prepare("PRAGMA integrity_check")
        .and_then(|mut s| s.query_map([], |r| r.get(0))?.collect())
        .expect("integrity_check runs");
    rows.join("; ")
}

/// Every SQLite database in `dir` (`*.db`).
pub fn databases(dir: &Path) -> Vec<PathBuf> {
    let mut found: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|entries| {
            entries
                .filter_map(Result::ok)
                .map(|e| e.path())
                .filter(|p| p.extension().is_some_and(|x| x == "db"))
                .collect()
        })
        .unwrap_or_default();
    found.sort();
    found
}
