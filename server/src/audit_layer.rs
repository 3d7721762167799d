//! The audit log's one writer: every call of a server function that changes something (one
//! whose entry in `app::api::guard::ENDPOINTS` needs the editor role or more) is recorded
//! here, allowed or refused, so no server function can forget to.
//!
//! Who comes from the [`access::Caller`] the access layer put in the request; the connection
//! and target from the call's arguments (a form or a JSON body); the outcome from the answer's
//! status (after `fn_status` gave it its 4xx) and, for a failure, the error's kind. A streamed
//! run is recorded when its answer's head is sent: its status says whether the run started,
//! not how the action ended (that is the activation's record).

use std::net::SocketAddr;

use access::audit::{AuditEntry, Outcome};
use access::{Caller, Role};
use app::api::guard::required_role;
use axum::body::{Body, Bytes, to_bytes};
use axum::extract::{ConnectInfo, Request, State};
use axum::http::{HeaderMap, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use serde_json::Value;

use crate::AppState;

/// Where the server functions answer.
const PREFIX: &str = "/api/";

/// The largest call body read to find its connection and target (an action's code is sent
/// inline by the editor); a larger one is refused with 413, never passed on unrecorded.
pub const MOST_CALL_BYTES: usize = 32 * 1024 * 1024;

/// An error body is one `AppError`, a few KB; past this its kind is not looked for.
const MOST_ERROR_BYTES: usize = 256 * 1024;

/// Admin-only reads: they need the admin role but change nothing, so recording them would
/// only bury the changes (every view of the audit page would add a row).
const READS: &[&str] = &[
    "/api/list_audit",
    "/api/list_managed_connections",
    "/api/list_accounts",
];

/// Whether a call of `path` is recorded.
pub fn is_audited(path: &str) -> bool {
    !READS.contains(&path) && required_role(path).is_some_and(|role| role >= Role::Editor)
}

/// Middleware: records every audited call with its outcome; everything else passes as is.
pub async fn record(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let path = request.uri().path().to_owned();
    if request.method() != Method::POST || !is_audited(&path) {
        return next.run(request).await;
    }
    let caller = request.extensions().get::<Caller>().cloned();
    let address = address(
        request.extensions().get::<ConnectInfo<SocketAddr>>(),
        request.headers(),
        state.config.server.behind_proxy,
    );
    let (parts, body) = request.into_parts();
    let Ok(bytes) = to_bytes(body, MOST_CALL_BYTES).await else {
        let status = StatusCode::PAYLOAD_TOO_LARGE;
        let entry = entry(&path, caller, address, Aim::default(), status, None);
        append(&state, entry).await;
        let message = format!("the request is over {} MiB", MOST_CALL_BYTES >> 20);
        return (status, message).into_response();
    };
    let aim = aim(&parts.headers, &bytes);
    let response = next
        .run(Request::from_parts(parts, Body::from(bytes)))
        .await;
    let status = response.status();
    if status.is_success() {
        append(&state, entry(&path, caller, address, aim, status, None)).await;
        return response;
    }
    // A failure's body is small: read its kind, then send it on unchanged.
    let (parts, body) = response.into_parts();
    let (kind, body) = match to_bytes(body, MOST_ERROR_BYTES).await {
        Ok(bytes) => (error_kind(&bytes), Body::from(bytes)),
        Err(_) => (None, Body::empty()),
    };
    append(&state, entry(&path, caller, address, aim, status, kind)).await;
    Response::from_parts(parts, body)
}

/// Writes `entry`; a store that fails is logged loudly (the call itself already happened).
async fn append(state: &AppState, entry: AuditEntry) {
    if let Err(error) = state.store.0.append_audit(entry.clone()).await {
        tracing::error!(%error, action = %entry.action, account = ?entry.account,
            "an audit entry could not be written");
    }
}

fn entry(
    path: &str,
    caller: Option<Caller>,
    address: Option<String>,
    aim: Aim,
    status: StatusCode,
    error: Option<String>,
) -> AuditEntry {
    AuditEntry {
        id: 0,
        at_ms: now_ms(),
        account: caller.and_then(|c| c.account),
        action: path.trim_start_matches(PREFIX).to_owned(),
        connection: aim.connection,
        target: aim.target,
        address,
        outcome: Outcome {
            status: status.as_u16(),
            error,
        },
    }
}

fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
        .unwrap_or(0)
}

/// The caller's address: the first hop of `X-Forwarded-For` when the console is configured as
/// behind a proxy (`[server] behind_proxy`), else the peer. A forwarded header from a caller
/// reaching the console directly is ignored: anyone can write one.
pub fn address(
    peer: Option<&ConnectInfo<SocketAddr>>,
    headers: &HeaderMap,
    behind_proxy: bool,
) -> Option<String> {
    let forwarded = behind_proxy
        .then(|| headers.get("x-forwarded-for"))
        .flatten()
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(',').next())
        .map(str::trim)
        .filter(|v| v.parse::<std::net::IpAddr>().is_ok());
    forwarded
        .map(str::to_owned)
        .or_else(|| peer.map(|ConnectInfo(addr)| addr.ip().to_string()))
}

/// What a call was aimed at.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Aim {
    /// The connection's id.
    pub connection: Option<String>,
    /// `package/name` or `name`.
    pub target: Option<String>,
}

/// The connection and target a call's arguments name: the top-level `connection`, `package`
/// and `name` of a form, or of a JSON body or its one nested argument (`{"run": {…}}`,
/// `{"spec": {"action": {…}}}`).
pub fn aim(headers: &HeaderMap, body: &Bytes) -> Aim {
    let json = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/json"));
    let args: serde_json::Map<String, Value> = if json {
        serde_json::from_slice(body).unwrap_or_default()
    } else {
        form_urlencoded::parse(body)
            .map(|(k, v)| (k.into_owned(), Value::String(v.into_owned())))
            .collect()
    };
    // The arguments, and each object one level down (a struct argument), in that order.
    let levels: Vec<&serde_json::Map<String, Value>> = std::iter::once(&args)
        .chain(args.values().filter_map(Value::as_object))
        .collect();
    let text = |map: &serde_json::Map<String, Value>, key: &str| {
        map.get(key)
            .and_then(Value::as_str)
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
    };
    // The connection calls name theirs `id` (`{"connection": {"id": …}}`, `id=…`).
    let connection = levels
        .iter()
        .find_map(|m| text(m, "connection"))
        .or_else(|| levels.iter().find_map(|m| text(m, "id")));
    let named = |m: &serde_json::Map<String, Value>| {
        text(m, "name").map(|name| match text(m, "package") {
            Some(package) => format!("{package}/{name}"),
            None => name,
        })
    };
    let target = levels
        .iter()
        .find_map(|m| m.get("action").and_then(Value::as_object).and_then(named))
        .or_else(|| levels.iter().find_map(|m| named(m)));
    Aim { connection, target }
}

/// The kind of the `AppError` an error body holds (its variant: `{"Forbidden": …}`).
fn error_kind(body: &[u8]) -> Option<String> {
    match serde_json::from_slice::<Value>(body).ok()? {
        Value::Object(map) if map.len() == 1 => map.keys().next().cloned(),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn form(body: &str) -> Aim {
        let mut headers = HeaderMap::new();
        headers.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/x-www-form-urlencoded"),
        );
        aim(&headers, &Bytes::from(body.to_owned()))
    }

    fn json(body: Value) -> Aim {
        let mut headers = HeaderMap::new();
        headers.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        );
        aim(&headers, &Bytes::from(body.to_string()))
    }

    fn aimed(connection: &str, target: &str) -> Aim {
        Aim {
            connection: Some(connection.into()),
            target: Some(target.into()),
        }
    }

    #[test]
    fn forms_and_json_arguments_name_their_connection_and_target() {
        assert_eq!(
            form("connection=prod&package=tools&name=greet"),
            aimed("prod", "tools/greet")
        );
        assert_eq!(
            form("connection=prod&name=tools&description=x"),
            aimed("prod", "tools")
        );
        assert_eq!(
            json(
                serde_json::json!({"connection": "prod", "spec": {"action": {"package": null, "name": "hello"}, "code": "x"}, "version": "1"})
            ),
            aimed("prod", "hello")
        );
        assert_eq!(
            json(
                serde_json::json!({"run": {"connection": "dev", "action": {"package": "p", "name": "a"}, "params": {"name": "x"}}})
            ),
            aimed("dev", "p/a")
        );
        assert_eq!(form("id=staging").connection.as_deref(), Some("staging"));
        assert_eq!(
            json(serde_json::json!({"connection": {"id": "staging", "provider": "ncp"}, "creating": true})).connection.as_deref(),
            Some("staging")
        );
        assert_eq!(form("not a form at all"), Aim::default());
        assert_eq!(json(serde_json::json!([1, 2])), Aim::default());
    }

    #[test]
    fn the_forwarded_address_counts_only_behind_a_proxy() {
        let peer = ConnectInfo(SocketAddr::from(([10, 0, 0, 9], 5555)));
        let mut headers = HeaderMap::new();
        headers.insert(
            "x-forwarded-for",
            HeaderValue::from_static("203.0.113.7, 10.0.0.1"),
        );
        assert_eq!(
            address(Some(&peer), &headers, false).as_deref(),
            Some("10.0.0.9")
        );
        assert_eq!(
            address(Some(&peer), &headers, true).as_deref(),
            Some("203.0.113.7")
        );
        headers.insert("x-forwarded-for", HeaderValue::from_static("<script>"));
        assert_eq!(
            address(Some(&peer), &headers, true).as_deref(),
            Some("10.0.0.9")
        );
        assert_eq!(address(None, &HeaderMap::new(), false), None);
    }

    #[test]
    fn changes_are_audited_and_reads_are_not() {
        for path in [
            "/api/save_action",
            "/api/run_action",
            "/api/run_async",
            "/api/delete_package",
            "/api/stop_run",
        ] {
            assert!(is_audited(path), "{path}");
        }
        for path in [
            "/api/list_actions",
            "/api/get_activation",
            "/api/not_a_function",
        ] {
            assert!(!is_audited(path), "{path}");
        }
    }

    #[test]
    fn an_error_body_names_its_kind() {
        assert_eq!(
            error_kind(br#"{"Forbidden":{"needs":"editor"}}"#).as_deref(),
            Some("Forbidden")
        );
        assert_eq!(
            error_kind(br#"{"Transport":"x"}"#).as_deref(),
            Some("Transport")
        );
        assert_eq!(error_kind(b"oops"), None);
    }
}
