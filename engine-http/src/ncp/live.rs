//! The engine's `live` extension on the NCP dialect (an fnconsole engine's own, not NCP's
//! API), under both bases and NCP's signature like every other route:
//! `POST live/packages/{package}/actions/{action}` runs and streams,
//! `GET live/activations/{id}` follows, `DELETE live/activations/{id}` stops,
//! `GET live/activations` is the feed of every activation as it starts and ends. The stream is
//! [`crate::live`]'s.

use axum::Json;
use axum::Router;
use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{MethodRouter, get, post};
use providers::wire::ncp as wire;
use serde_json::json;

use super::BASES;
use super::convert::{activation, package_of};
use super::error::NcpError;
use super::handlers::not_found;
use crate::{DialectState, body_problem, live};

/// The extension's routes under both bases, for the signed router.
pub(super) fn routes() -> Router<DialectState> {
    let mut router = Router::new();
    for base in BASES {
        let route = |r: MethodRouter<DialectState>| r.fallback(not_found);
        router = router
            .route(
                &format!("{base}/live/packages/{{package}}/actions/{{action}}"),
                route(post(invoke)),
            )
            .route(
                &format!("{base}/live/activations/{{id}}"),
                route(get(follow).delete(cancel)),
            )
            .route(&format!("{base}/live/activations"), route(get(feed)));
    }
    router
}

async fn invoke(
    State(s): State<DialectState>,
    Path((package, action)): Path<(String, String)>,
    body: Result<Bytes, BytesRejection>,
) -> Result<Response, NcpError> {
    let body = body.map_err(|r| {
        let (status, message) = body_problem(&r);
        NcpError::Body(status, message)
    })?;
    let params = live::parameters(&body).ok_or_else(|| {
        NcpError::wrong_type("the request body must be a JSON object of parameters")
    })?;
    let package = package_of(&package).map(str::to_string);
    let subject = s.keys.namespace.clone();
    Ok(live::invoke(s.engine, package, action, params, subject).await?)
}

async fn follow(
    State(s): State<DialectState>,
    Path(id): Path<String>,
) -> Result<Response, NcpError> {
    Ok(live::follow(s.engine, id).await?)
}

async fn feed(State(s): State<DialectState>) -> Response {
    live::feed(&s.engine)
}

/// 200 with `{"content": activation}` as it ended; 202 with its id while it is stopping.
async fn cancel(
    State(s): State<DialectState>,
    Path(id): Path<String>,
) -> Result<Response, NcpError> {
    Ok(match live::cancel(s.engine, id.clone()).await? {
        Some(record) => Json(wire::Content {
            content: activation(&record, true),
        })
        .into_response(),
        None => (
            StatusCode::ACCEPTED,
            Json(json!({ "content": { "activationId": id } })),
        )
            .into_response(),
    })
}
