//! Durability under group commit: an engine on disk invoking on several threads is killed
//! with SIGKILL mid-load; after a restart every activation it had acknowledged (answered
//! to its caller) is in the database, and the database is sound.
//!
//! The engine under load is this test binary started again in a child process, running
//! [`load_until_killed`] (which does nothing unless the parent set its environment).

mod common;

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use common::PutNcp;
use engine::Engine;

/// Set by the parent: the database the child engine writes.
const CHILD_DB: &str = "FNCONSOLE_DURABILITY_CHILD_DB";
/// What the child prints before each acknowledged activation's id.
const ACK: &str = "ACKNOWLEDGED ";

struct Put<'a>(&'a Engine);

impl PutNcp for Put<'_> {
    fn engine(&self) -> &Engine {
        self.0
    }
}

/// The child's part: 4 threads invoking as fast as they can, each printing an activation's
/// id the moment `invoke` answers it (so every printed id was acknowledged), until killed.
#[test]
fn load_until_killed() {
    let Ok(db) = std::env::var(CHILD_DB) else {
        return; // Run as a test of its own: nothing to do.
    };
    let engine = Arc::new(Engine::open(std::path::Path::new(&db), common::options()).unwrap());
    let code = "function main(p) { return { n: p.n }; }";
    Put(&engine)
        .put_ncp(None, "count", None, &common::ncp_body(code, 5_000, 128))
        .unwrap();
    let threads: Vec<_> = (0..4)
        .map(|t| {
            let engine = engine.clone();
            std::thread::spawn(move || {
                for n in 0u64.. {
                    let params = serde_json::json!({ "n": n, "t": t });
                    let params = params.as_object().cloned().unwrap();
                    let record = engine.invoke(None, "count", params, "load", None).unwrap();
                    // One write per line, so a line is never torn by another thread's.
                    let line = format!("{ACK}{}\n", record.id);
                    std::io::Write::write_all(&mut std::io::stdout().lock(), line.as_bytes())
                        .unwrap();
                }
            })
        })
        .collect();
    for t in threads {
        let _ = t.join();
    }
}

#[test]
fn every_acknowledged_activation_survives_sigkill_under_load() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("engine.db");
    let mut child = Command::new(std::env::current_exe().unwrap())
        .args([
            "--exact",
            "load_until_killed",
            "--nocapture",
            "--test-threads=1",
        ])
        .env(CHILD_DB, &db)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let (tx, rx) = std::sync::mpsc::channel();
    let reader = std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines() {
            let Ok(line) = line else { break };
            if let Some(id) = line.strip_prefix(ACK) {
                let _ = tx.send(id.to_string());
            }
        }
    });
    // Kill it mid-load, once it has acknowledged a good many.
    let mut acknowledged = Vec::new();
    let until = Instant::now() + Duration::from_secs(60);
    while acknowledged.len() < 2_000 && Instant::now() < until {
        if let Ok(id) = rx.recv_timeout(Duration::from_secs(1)) {
            acknowledged.push(id);
        }
    }
    child.kill().unwrap(); // SIGKILL
    child.wait().unwrap();
    reader.join().unwrap();
    // Everything it printed before it died was acknowledged before it died.
    acknowledged.extend(rx.try_iter());
    assert!(
        acknowledged.len() >= 2_000,
        "the child acknowledged only {} activations in a minute",
        acknowledged.len()
    );

    let conn = rusqlite::Connection::open(&db).unwrap();
    let check: String = conn
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .unwrap();
    assert_eq!(check, "ok");
    drop(conn);
    let engine = Engine::open(&db, common::options()).unwrap();
    let missing: Vec<&String> = acknowledged
        .iter()
        .filter(|id| engine.activation(id).is_err())
        .collect();
    assert!(
        missing.is_empty(),
        "{} of {} acknowledged activations are missing after the restart, e.g. {:?}",
        missing.len(),
        acknowledged.len(),
        missing.first()
    );
}
