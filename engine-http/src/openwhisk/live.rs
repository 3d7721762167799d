//! The engine's `live` extension on the OpenWhisk dialect (an fnconsole engine's own, not
//! OpenWhisk's API), under the namespace and its basic auth like every other route:
//! `POST live/actions/{[package/]name}` runs and streams, `GET live/activations/{id}`
//! follows, `DELETE live/activations/{id}` stops, `GET live/activations` is the feed of
//! every activation as it starts and ends. The stream is [`crate::live`]'s.

use axum::Json;
use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response};
use axum::routing::{MethodRouter, get, post};
use axum::{Router, http::StatusCode};
use serde::Deserialize;
use serde_json::json;

use super::convert::activation_json;
use super::error::OwError;
use super::handlers::not_found;
use crate::{DialectState, body_problem, live};

/// The extension's routes, for the namespaced (authenticated) router.
pub(super) fn routes() -> Router<DialectState> {
    let route = |r: MethodRouter<DialectState>| r.fallback(not_found);
    let live = "/api/v1/namespaces/{namespace}/live";
    Router::new()
        .route(&format!("{live}/actions/{{name}}"), route(post(invoke)))
        .route(
            &format!("{live}/actions/{{package}}/{{name}}"),
            route(post(invoke)),
        )
        .route(
            &format!("{live}/activations/{{id}}"),
            route(get(follow).delete(cancel)),
        )
        .route(&format!("{live}/activations"), route(get(feed)))
}

/// Where a live request points.
#[derive(Deserialize)]
struct LiveAt {
    namespace: String,
    package: Option<String>,
    name: Option<String>,
    id: Option<String>,
}

impl LiveAt {
    /// The engine's namespace (or `_`), as every OpenWhisk route checks it.
    fn checked(self, state: &DialectState) -> Result<Self, OwError> {
        match self.namespace == "_" || self.namespace == state.keys.namespace {
            true => Ok(self),
            false => Err(OwError::not_found()),
        }
    }
}

async fn invoke(
    State(s): State<DialectState>,
    Path(at): Path<LiveAt>,
    body: Result<Bytes, BytesRejection>,
) -> Result<Response, OwError> {
    let at = at.checked(&s)?;
    let body = body.map_err(|r| {
        let (status, message) = body_problem(&r);
        OwError::new(status, message)
    })?;
    let params = live::parameters(&body)
        .ok_or_else(|| OwError::malformed("the parameters must be a JSON object"))?;
    let subject = s.keys.namespace.clone();
    let name = at.name.unwrap_or_default();
    Ok(live::invoke(s.engine, at.package, name, params, subject).await?)
}

async fn follow(
    State(s): State<DialectState>,
    Path(at): Path<LiveAt>,
) -> Result<Response, OwError> {
    let at = at.checked(&s)?;
    Ok(live::follow(s.engine, at.id.unwrap_or_default()).await?)
}

async fn feed(State(s): State<DialectState>, Path(at): Path<LiveAt>) -> Result<Response, OwError> {
    at.checked(&s)?;
    Ok(live::feed(&s.engine))
}

/// 200 with the activation as it ended; 202 with its id while it is still stopping.
async fn cancel(
    State(s): State<DialectState>,
    Path(at): Path<LiveAt>,
) -> Result<Response, OwError> {
    let id = at.checked(&s)?.id.unwrap_or_default();
    Ok(match live::cancel(s.engine, id.clone()).await? {
        Some(record) => Json(activation_json(&record, true)).into_response(),
        None => (StatusCode::ACCEPTED, Json(json!({ "activationId": id }))).into_response(),
    })
}
