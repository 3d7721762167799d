//! `/healthz` (the process is up) and `/readyz` (it can do its work).

use axum::{Json, extract::State, http::StatusCode, response::IntoResponse};
use serde::Serialize;
use std::path::Path;

use crate::AppState;

/// Liveness: answers 200 whenever the process can answer at all.
pub async fn healthz() -> impl IntoResponse {
    Json(serde_json::json!({ "status": "ok" }))
}

/// The body of `/readyz`: each check by name, and the overall verdict.
#[derive(Debug, Serialize)]
pub struct Readiness {
    /// `ready` or `not ready`.
    pub status: &'static str,
    /// Every check, passed or not.
    pub checks: Vec<Check>,
}

/// One readiness check.
#[derive(Debug, Serialize)]
pub struct Check {
    /// What was checked.
    pub name: &'static str,
    /// Whether it passed.
    pub ok: bool,
    /// Why it failed, for the operator.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

/// Readiness: 200 when the configuration is loaded and the data directory is writable,
/// 503 with the failing check otherwise.
pub async fn readyz(State(state): State<AppState>) -> impl IntoResponse {
    let data_dir = state.config.server.data_dir.clone();
    // File I/O off the async threads; a join failure is reported like any other failure.
    let writable = tokio::task::spawn_blocking(move || probe_writable(&data_dir))
        .await
        .unwrap_or_else(|e| Err(format!("the check did not finish: {e}")));
    let checks = vec![
        // The server refuses to start on a bad configuration, so a running one has loaded it.
        Check {
            name: "config",
            ok: true,
            error: None,
        },
        Check {
            name: "data_dir_writable",
            ok: writable.is_ok(),
            error: writable.err(),
        },
    ];
    let ready = checks.iter().all(|c| c.ok);
    let status = if ready {
        StatusCode::OK
    } else {
        StatusCode::SERVICE_UNAVAILABLE
    };
    let body = Readiness {
        status: if ready { "ready" } else { "not ready" },
        checks,
    };
    (status, Json(body))
}

/// Creates and removes a probe file in `dir`.
fn probe_writable(dir: &Path) -> Result<(), String> {
    let probe = dir.join(format!(".readyz-{}", std::process::id()));
    std::fs::write(&probe, b"ok").map_err(|e| format!("cannot write in {}: {e}", dir.display()))?;
    std::fs::remove_file(&probe).map_err(|e| format!("cannot remove {}: {e}", probe.display()))
}
