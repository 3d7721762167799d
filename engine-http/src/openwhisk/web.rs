//! Web actions: `/api/v1/web/{namespace}/{package|default}/{action}[.ext][/path]`, any
//! method, no credentials (web actions are public, as in OpenWhisk).

use axum::body::{Body, Bytes};
use axum::extract::State;
use axum::extract::rejection::BytesRejection;
use axum::http::{HeaderMap, HeaderName, HeaderValue, Method, StatusCode, Uri};
use axum::response::Response;
use engine::web::{WebRequest, WebResponse};
use providers::sign::encoding::unquote;

use super::error::OwError;
use crate::{DialectState, run};

/// The extensions a web action may be asked for (`.http` when none is given).
const WEB_EXTENSIONS: [&str; 5] = ["http", "json", "html", "svg", "text"];

pub(super) async fn run_web(
    State(state): State<DialectState>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Result<Response, OwError> {
    let body = body?;
    let segments: Vec<String> = uri
        .path()
        .trim_start_matches("/api/v1/web/")
        .split('/')
        .map(unquote)
        .collect();
    let [namespace, package, action, extra @ ..] = segments.as_slice() else {
        return Err(OwError::not_found());
    };
    if namespace != &state.keys.namespace && namespace != "_" {
        return Err(OwError::not_found());
    }
    let (name, extension) = match action.rsplit_once('.') {
        Some((name, ext)) => (name.to_string(), ext.to_string()),
        None => (action.clone(), "http".to_string()),
    };
    if !WEB_EXTENSIONS.contains(&extension.as_str()) {
        return Err(OwError::new(
            StatusCode::NOT_ACCEPTABLE,
            format!(
                "Resource representation is only available with these extensions: {}.",
                WEB_EXTENSIONS.map(|e| format!(".{e}")).join(", ")
            ),
        ));
    }
    let package = (package != "default").then(|| package.clone());
    let request = WebRequest {
        method: method.as_str().to_string(),
        path: extra.iter().map(|p| format!("/{p}")).collect(),
        headers: headers
            .iter()
            .filter_map(|(k, v)| Some((k.as_str().to_string(), v.to_str().ok()?.to_string())))
            .collect(),
        query: uri.query().unwrap_or("").to_string(),
        body: body.to_vec(),
    };
    let engine = state.engine.clone();
    let reply = run(move || engine.run_web(package.as_deref(), &name, &request)).await?;
    Ok(response(reply))
}

/// The action's answer as HTTP; a header the action named badly is left out.
fn response(reply: WebResponse) -> Response {
    let mut response = Response::new(Body::from(reply.body));
    *response.status_mut() = StatusCode::from_u16(reply.status).unwrap_or(StatusCode::BAD_GATEWAY);
    for (k, v) in reply.headers {
        if let (Ok(k), Ok(v)) = (
            HeaderName::from_bytes(k.as_bytes()),
            HeaderValue::from_str(&v),
        ) {
            response.headers_mut().append(k, v);
        }
    }
    response
}
