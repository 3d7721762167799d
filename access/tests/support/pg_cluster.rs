//! A throwaway PostgreSQL for tests: Debian's server binaries (`scripts/setup.sh --test`
//! installs them), a new cluster made by `initdb` in a temporary directory, listening on a
//! free loopback port and a socket in that directory, trusting local connections.
//!
//! When the tests run as root (initdb refuses root), the cluster belongs to the `postgres`
//! user the Debian package creates (or `nobody`), reached with `runuser`.
//!
//! The server runs under a small shell that waits on a pipe from the test process: when the
//! test binary ends in any way (even a panic or abort), the pipe closes and the shell stops
//! the server and deletes the directory, so a cluster shared by a whole test binary (kept in
//! a `static`, never dropped) still leaves nothing behind.
//!
//! A missing PostgreSQL is a failure with the command to fix it, never a skipped test.
//! Std only, so any test crate can include it with `#[path]`.

#![allow(dead_code)]

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

/// A running throwaway cluster.
pub struct PgCluster {
    /// Its loopback port.
    pub port: u16,
    /// Its superuser (trusted without a password, on loopback only).
    pub user: String,
    bin: PathBuf,
    dir: PathBuf,
    // Kept so its pipe stays open while the cluster is wanted; closing it stops the server.
    keeper: Mutex<Option<(Child, ChildStdin)>>,
}

static NEXT_DB: AtomicUsize = AtomicUsize::new(0);

/// The tools the harness runs, all from one folder.
const TOOLS: &[&str] = &["initdb", "postgres", "pg_isready", "createdb", "psql"];

/// Where the server binaries are: the folder `initdb` on PATH really lives in (Debian links
/// only some tools onto PATH), else the newest `/usr/lib/postgresql/*/bin`; the first that
/// holds every one of [`TOOLS`].
fn bin_dir() -> PathBuf {
    let complete = |dir: &Path| TOOLS.iter().all(|t| dir.join(t).is_file());
    let on_path = std::env::var_os("PATH")
        .map(|path| std::env::split_paths(&path).collect::<Vec<_>>())
        .unwrap_or_default()
        .into_iter()
        .filter_map(|dir| std::fs::canonicalize(dir.join("initdb")).ok())
        .filter_map(|real| real.parent().map(Path::to_path_buf));
    let mut debian: Vec<(u32, PathBuf)> = std::fs::read_dir("/usr/lib/postgresql")
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|e| Some((e.file_name().to_str()?.parse().ok()?, e.path().join("bin"))))
        .collect();
    debian.sort();
    let newest_first = debian.into_iter().rev().map(|(_, bin)| bin);
    match on_path.chain(newest_first).find(|dir| complete(dir)) {
        Some(dir) => dir,
        None => panic!(
            "PostgreSQL's server binaries ({}) are not installed: run `scripts/setup.sh --test` \
             (it installs Debian's postgresql)",
            TOOLS.join(", ")
        ),
    }
}

fn is_root() -> bool {
    use std::os::unix::fs::MetadataExt;
    // /proc/self belongs to the process's effective user.
    std::fs::metadata("/proc/self")
        .map(|m| m.uid() == 0)
        .unwrap_or(false)
}

/// The user the cluster runs as when we are root: one that exists and is not root.
fn service_user() -> String {
    for user in ["postgres", "nobody"] {
        let known = Command::new("id")
            .arg("-u")
            .arg(user)
            .output()
            .map(|o| o.status.success())
            .unwrap_or(false);
        if known {
            return user.into();
        }
    }
    panic!(
        "running as root and neither a `postgres` nor a `nobody` user exists to own the test cluster"
    );
}

fn free_port() -> u16 {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind a free loopback port");
    listener.local_addr().expect("the bound port").port()
}

/// `program args` as `user` (through runuser) or as ourselves.
fn command_as(user: Option<&str>, program: &Path) -> Command {
    match user {
        Some(user) => {
            let mut c = Command::new("runuser");
            c.arg("-u").arg(user).arg("--").arg(program);
            c
        }
        None => Command::new(program),
    }
}

fn run(mut command: Command, what: &str) {
    let output = command
        .output()
        .unwrap_or_else(|e| panic!("cannot run {what}: {e}"));
    assert!(
        output.status.success(),
        "{what} failed ({}):\n{}\n{}",
        output.status,
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
}

impl PgCluster {
    /// Makes and starts a new cluster; panics with the reason if it cannot.
    pub fn start() -> PgCluster {
        let bin = bin_dir();
        let as_user = is_root().then(service_user);
        let dir = std::env::temp_dir().join(format!(
            "fnconsole-pg-{}-{}",
            std::process::id(),
            NEXT_DB.fetch_add(1, Ordering::SeqCst)
        ));
        std::fs::create_dir_all(&dir).expect("create the cluster's directory");
        if let Some(user) = &as_user {
            let mut chown = Command::new("chown");
            chown.arg(format!("{user}:")).arg(&dir);
            run(chown, "chown of the cluster's directory");
        }
        let data = dir.join("data");
        let user = "fnconsole".to_string();
        let mut initdb = command_as(as_user.as_deref(), &bin.join("initdb"));
        initdb.arg("-D").arg(&data).args([
            "-U",
            &user,
            "--auth=trust",
            "-E",
            "UTF8",
            "--locale=C",
            "--no-sync",
        ]);
        run(initdb, "initdb");

        let port = free_port();
        let log = dir.join("server.log");
        let script = r#"
            "$1" -D "$2" -p "$3" -h 127.0.0.1 -k "$4" -F -c max_connections=200 >"$5" 2>&1 &
            pid=$!
            # Until the test process's pipe closes (it ended), or the server ended.
            while kill -0 "$pid" 2>/dev/null && read -t 1 _ignored || [ $? -gt 128 ]; do :; done
            kill -INT "$pid" 2>/dev/null
            wait "$pid"
            rm -rf "$4"
        "#;
        let mut shell = command_as(as_user.as_deref(), Path::new("/bin/bash"));
        shell
            .arg("-c")
            .arg(script)
            .arg("pg-keeper")
            .arg(bin.join("postgres"))
            .arg(&data)
            .arg(port.to_string())
            .arg(&dir)
            .arg(&log)
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .stderr(Stdio::null());
        let mut child = shell.spawn().expect("start the cluster's keeper shell");
        let stdin = child.stdin.take().expect("the keeper's stdin is piped");
        let cluster = PgCluster {
            port,
            user,
            bin,
            dir,
            keeper: Mutex::new(Some((child, stdin))),
        };
        if !cluster.wait_ready(Duration::from_secs(30)) {
            // Read the log before dropping the cluster removes it.
            panic!(
                "the test PostgreSQL did not start; its log:\n{}",
                cluster.log()
            );
        }
        cluster
    }

    fn wait_ready(&self, within: Duration) -> bool {
        let start = Instant::now();
        while start.elapsed() < within {
            // The keeper (and so the server) ended: it will not become ready.
            if let Some((child, _)) = self.keeper.lock().unwrap().as_mut()
                && let Ok(Some(_)) = child.try_wait()
            {
                return false;
            }
            let ready = Command::new(self.bin.join("pg_isready"))
                .args(["-h", "127.0.0.1", "-p", &self.port.to_string()])
                .output()
                .map(|o| o.status.success())
                .unwrap_or(false);
            if ready {
                return true;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        false
    }

    /// A new empty database in this cluster; answers its URL.
    pub fn new_database(&self) -> String {
        let name = format!("t{}", NEXT_DB.fetch_add(1, Ordering::SeqCst));
        let mut createdb = Command::new(self.bin.join("createdb"));
        createdb.args([
            "-h",
            "127.0.0.1",
            "-p",
            &self.port.to_string(),
            "-U",
            &self.user,
            &name,
        ]);
        run(createdb, "createdb");
        self.url(&name)
    }

    /// The URL of database `name`.
    pub fn url(&self, name: &str) -> String {
        format!("postgres://{}@127.0.0.1:{}/{name}", self.user, self.port)
    }

    /// Runs `sql` with `psql` in database `name`; answers its output, or its error text.
    pub fn psql(&self, url: &str, sql: &str) -> Result<String, String> {
        let output = Command::new(self.bin.join("psql"))
            .args([
                "-X",
                "-q",
                "-t",
                "-A",
                "-v",
                "ON_ERROR_STOP=1",
                "-d",
                url,
                "-c",
                sql,
            ])
            .output()
            .map_err(|e| format!("cannot run psql: {e}"))?;
        if output.status.success() {
            Ok(String::from_utf8_lossy(&output.stdout).trim().to_string())
        } else {
            Err(String::from_utf8_lossy(&output.stderr).trim().to_string())
        }
    }

    /// The folder of the server's unix socket.
    pub fn socket_dir(&self) -> &Path {
        &self.dir
    }

    /// The server's log so far, for a failing test's message.
    pub fn log(&self) -> String {
        let mut text = String::new();
        if let Ok(mut file) = std::fs::File::open(self.dir.join("server.log")) {
            let _ = file.read_to_string(&mut text);
        }
        text
    }
}

impl Drop for PgCluster {
    fn drop(&mut self) {
        // Closing the pipe makes the keeper stop the server and remove the directory.
        if let Some((mut child, stdin)) =
            self.keeper.lock().unwrap_or_else(|p| p.into_inner()).take()
        {
            drop(stdin);
            let _ = child.wait();
        }
    }
}

/// One cluster for the whole test binary, started on first use.
pub fn shared() -> &'static PgCluster {
    static CLUSTER: std::sync::OnceLock<PgCluster> = std::sync::OnceLock::new();
    CLUSTER.get_or_init(PgCluster::start)
}
