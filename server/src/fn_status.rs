//! The HTTP status of a refused server-function call. Leptos answers every server-function
//! error with 500; this layer reads the `AppError` such an answer carries and gives it the
//! status it deserves ([`app::api::status::status_of`]: a refusal of what the browser sent
//! is a 4xx, only the console's own failure a 5xx) — in one place, for every server function
//! present and future.

use app::api::status::status_of;
use app::errors::AppError;
use axum::body::{Body, to_bytes};
use axum::extract::Request;
use axum::http::StatusCode;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

/// Where the server functions answer (`#[server(endpoint = …)]` under Leptos's `/api`).
const PREFIX: &str = "/api/";

/// An error body is one `AppError`: a few KB at most. A bigger 500 is not ours to read.
const MOST_ERROR_BYTES: usize = 256 * 1024;

/// Middleware: a server function's 500 whose body is an `AppError` takes that error's status.
pub async fn refusals_are_4xx(request: Request, next: Next) -> Response {
    let ours = request.uri().path().starts_with(PREFIX);
    let response = next.run(request).await;
    if !ours || response.status() != StatusCode::INTERNAL_SERVER_ERROR {
        return response;
    }
    let (mut parts, body) = response.into_parts();
    let Ok(bytes) = to_bytes(body, MOST_ERROR_BYTES).await else {
        return StatusCode::INTERNAL_SERVER_ERROR.into_response();
    };
    if let Ok(error) = serde_json::from_slice::<AppError>(&bytes)
        && let Ok(status) = StatusCode::from_u16(status_of(&error))
    {
        parts.status = status;
    }
    Response::from_parts(parts, Body::from(bytes))
}
