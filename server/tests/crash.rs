//! Crashes: the real `fnconsole` (console and embedded engine, one process) is SIGKILLed 20
//! times while callers save actions, invoke them and queue asynchronous invocations. After
//! each kill every SQLite database in the data directory passes `PRAGMA integrity_check`;
//! after each restart every save and invocation the engine acknowledged is there: an
//! acknowledged save (200) is the stored version or a newer one, an acknowledged blocking
//! invocation's activation can be read, and an acknowledged asynchronous invocation (202)
//! runs after the restart (its activation appears).
//!
//! `KILLS=100 cargo test -p server --test crash -- --nocapture` for a longer run.

#[path = "support/process.rs"]
mod process;

use process::{Console, Whisk, databases, integrity};
use serde_json::json;
use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

const PACKAGE: &str = "crash";
/// Actions the saver overwrites in turn.
const NAMES: usize = 4;

/// What the engine acknowledged before a kill.
#[derive(Default)]
struct Acked {
    /// Per action name: the highest version acknowledged, and the highest sent.
    saves: BTreeMap<String, (u64, u64)>,
    /// Activation ids of blocking invocations answered 200.
    invoked: Vec<String>,
    /// Activation ids of asynchronous invocations answered 202.
    queued: Vec<String>,
}

fn code(version: u64) -> String {
    format!("function main(p) {{ return {{ version: {version}, n: p.n }}; }}")
}

/// Version `v` of the code, read back.
fn version_of(code: &str) -> Option<u64> {
    code.split("version: ")
        .nth(1)?
        .split(',')
        .next()?
        .trim()
        .parse()
        .ok()
}

/// Saves, invokes and queues until `stop`, recording what was acknowledged.
async fn workload(
    whisk: Whisk,
    acked: Arc<Mutex<Acked>>,
    next_version: Arc<Mutex<u64>>,
    stop: Instant,
) {
    let saver = {
        let (whisk, acked) = (whisk.clone(), acked.clone());
        async move {
            while Instant::now() < stop {
                let version = {
                    let mut v = next_version.lock().unwrap();
                    *v += 1;
                    *v
                };
                let name = format!("a{}", version as usize % NAMES);
                acked
                    .lock()
                    .unwrap()
                    .saves
                    .entry(name.clone())
                    .or_default()
                    .1 = version;
                match whisk.put_action(PACKAGE, &name, &code(version)).await {
                    Ok((200, _)) => {
                        let mut a = acked.lock().unwrap();
                        let entry = a.saves.entry(name).or_default();
                        entry.0 = entry.0.max(version);
                    }
                    Ok((status, body)) => panic!("a save was refused: {status} {body}"),
                    Err(_) => return, // killed mid-request: not acknowledged
                }
            }
        }
    };
    let invoker = {
        let (whisk, acked) = (whisk.clone(), acked.clone());
        async move {
            let mut n = 0;
            while Instant::now() < stop {
                n += 1;
                let path = format!("/actions/{PACKAGE}/echo?blocking=true");
                match whisk.call("POST", &path, Some(&json!({ "n": n }))).await {
                    Ok((200, body)) => {
                        let id = body["activationId"]
                            .as_str()
                            .expect("an activation has an id");
                        acked.lock().unwrap().invoked.push(id.to_string());
                    }
                    Ok((status, body)) => panic!("an invocation was refused: {status} {body}"),
                    Err(_) => return,
                }
            }
        }
    };
    let queuer = async move {
        let mut n = 0;
        while Instant::now() < stop {
            n += 1;
            let path = format!("/actions/{PACKAGE}/echo?blocking=false");
            match whisk.call("POST", &path, Some(&json!({ "n": n }))).await {
                Ok((202, body)) => {
                    let id = body["activationId"]
                        .as_str()
                        .expect("a 202 names its activation");
                    acked.lock().unwrap().queued.push(id.to_string());
                }
                Ok((status, body)) => {
                    panic!("an asynchronous invocation was refused: {status} {body}")
                }
                Err(_) => return,
            }
        }
    };
    tokio::join!(saver, invoker, queuer);
}

/// Every acknowledged save and invocation is there (asynchronous ones within `wait`); the
/// queued ones whose run the kill interrupted.
async fn check_acknowledged(
    whisk: &Whisk,
    db: &std::path::Path,
    acked: &Acked,
    wait: Duration,
) -> Result<Vec<String>, String> {
    for (name, &(acknowledged, sent)) in &acked.saves {
        let stored = whisk.action_code(PACKAGE, name).await?;
        let version = stored.as_deref().and_then(version_of).unwrap_or(0);
        if version < acknowledged || version > sent {
            return Err(format!(
                "action {name}: version {version} stored, {acknowledged} acknowledged, {sent} sent last"
            ));
        }
    }
    for id in &acked.invoked {
        if !whisk.has_activation(id).await? {
            return Err(format!(
                "the acknowledged invocation {id} has no activation"
            ));
        }
    }
    let until = Instant::now() + wait;
    let mut interrupted = Vec::new();
    for id in &acked.queued {
        while !whisk.has_activation(id).await? {
            match queue_record(db, id) {
                // Known gap (docs/RELIABILITY.md): a queued run under way at the kill is
                // marked failed at the next start ("the engine stopped while this invocation
                // was running") but gets no activation. Recorded, not lost.
                Some((status, message))
                    if status == "FAIL" && message.contains("engine stopped") =>
                {
                    interrupted.push(id.clone());
                    break;
                }
                None => {
                    return Err(format!(
                        "the queued invocation {id} is neither run nor queued: lost"
                    ));
                }
                Some(_) if Instant::now() > until => {
                    return Err(format!("the queued invocation {id} never ran"));
                }
                Some(_) => tokio::time::sleep(Duration::from_millis(50)).await,
            }
        }
    }
    Ok(interrupted)
}

/// The queue's record of the asynchronous invocation whose activation id is `id`: its
/// status and error message (the engine's API names records by request id only).
fn queue_record(db: &std::path::Path, id: &str) -> Option<(String, String)> {
    let conn = rusqlite::Connection::open(db).ok()?;
    conn.query_row(
        "SELECT status, error_message FROM async_invocations WHERE activation_id = ?1",
        [id],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )
    .ok()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn twenty_kills_during_saves_invocations_and_queueing_lose_nothing_acknowledged() {
    let kills: usize = std::env::var("KILLS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(20);
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let mut console = Console::new(dir.path(), &data);
    console.start();
    let whisk = Whisk::new(&console.engine_url());
    let (status, body) = whisk
        .call(
            "PUT",
            &format!("/packages/{PACKAGE}?overwrite=true"),
            Some(&json!({})),
        )
        .await
        .unwrap();
    assert_eq!(status, 200, "{body}");
    let (status, body) = whisk
        .put_action(PACKAGE, "echo", "function main(p) { return { n: p.n }; }")
        .await
        .unwrap();
    assert_eq!(status, 200, "{body}");

    let acked = Arc::new(Mutex::new(Acked::default()));
    let next_version = Arc::new(Mutex::new(0u64));
    let (mut restarts, started) = (Vec::new(), Instant::now());
    let mut interrupted: Vec<String> = Vec::new();
    // The kill comes at a different point of the work each time (a fixed sequence, so a
    // failure can be run again).
    let mut delay_ms: u64 = 350;
    for round in 1..=kills {
        delay_ms = (delay_ms * 7 + 131) % 900 + 150;
        let stop = Instant::now() + Duration::from_secs(30);
        let work = tokio::spawn(workload(
            whisk.clone(),
            acked.clone(),
            next_version.clone(),
            stop,
        ));
        tokio::time::sleep(Duration::from_millis(delay_ms)).await;
        console.kill();
        work.await
            .expect("the workload panicked (a refusal, see above)");

        for db in databases(&data) {
            let verdict = integrity(&db);
            assert_eq!(
                verdict,
                "ok",
                "round {round}: {} after SIGKILL",
                db.display()
            );
        }
        restarts.push(console.start());
        let a = acked.lock().unwrap();
        let found =
            check_acknowledged(&whisk, &data.join("engine.db"), &a, Duration::from_secs(20)).await;
        let interrupted_now = match found {
            Ok(ids) => ids,
            Err(why) => {
                console.kill();
                // Kept for a post-mortem: the data directory as the failure left it.
                let kept = dir.path().to_path_buf();
                std::mem::forget(dir);
                panic!("round {round}: {why} (data kept in {})", kept.display());
            }
        };
        for id in interrupted_now {
            if !interrupted.contains(&id) {
                interrupted.push(id);
            }
        }
        eprintln!(
            "round {round}: killed after {delay_ms} ms; acknowledged so far: {} saves (versions up to {}), {} invocations, {} queued",
            a.saves.values().filter(|(v, _)| *v > 0).count(),
            a.saves.values().map(|(v, _)| *v).max().unwrap_or(0),
            a.invoked.len(),
            a.queued.len()
        );
    }
    let a = acked.lock().unwrap();
    let slowest = restarts.iter().max().copied().unwrap_or_default();
    eprintln!(
        "{kills} kills in {:.1} s: {} saves sent (highest acknowledged version {}), {} invocations and {} asynchronous invocations acknowledged, all there ({} queued runs interrupted by a kill: recorded as failed, without an activation); a restart took at most {} ms",
        started.elapsed().as_secs_f64(),
        *next_version.lock().unwrap(),
        a.saves.values().map(|(v, _)| *v).max().unwrap_or(0),
        a.invoked.len(),
        a.queued.len(),
        interrupted.len(),
        slowest.as_millis()
    );
    assert!(
        !a.invoked.is_empty() && !a.queued.is_empty(),
        "the kills came before any work was acknowledged"
    );
}
