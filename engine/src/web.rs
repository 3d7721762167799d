//! Web actions in OpenWhisk's form: an HTTP request becomes parameters (`__ow_method`,
//! `__ow_headers`, `__ow_path`, query and body merged in), and a `{statusCode, headers,
//! body}` result becomes the response.

use providers::ActivationStatus;
use providers::sign::encoding::parse_form;
use serde_json::{Map, Value, json};

use crate::engine::{Engine, new_id};
use crate::error::{EngineError, ErrorCode};
use crate::slots::Caller;

/// An HTTP request to a web action.
#[derive(Debug, Clone, Default)]
pub struct WebRequest {
    /// Method, any case.
    pub method: String,
    /// What follows the action in the URL path.
    pub path: String,
    /// Headers, lower-case names.
    pub headers: Vec<(String, String)>,
    /// Raw query string.
    pub query: String,
    /// Body bytes.
    pub body: Vec<u8>,
}

/// The HTTP response a web action produced.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WebResponse {
    /// Status.
    pub status: u16,
    /// Headers.
    pub headers: Vec<(String, String)>,
    /// Body.
    pub body: Vec<u8>,
}

fn json_response(status: u16, value: &Value) -> WebResponse {
    WebResponse {
        status,
        headers: vec![("content-type".into(), "application/json".into())],
        body: value.to_string().into_bytes(),
    }
}

/// A web request's parameters: its query, and its body by content type (JSON object or
/// form fields; anything else as `__ow_body`); a raw-http action gets both as text.
fn request_params(
    request: &WebRequest,
    headers: &Map<String, Value>,
    raw: bool,
) -> Map<String, Value> {
    let content_type = headers
        .get("content-type")
        .and_then(Value::as_str)
        .unwrap_or("");
    let body_text = String::from_utf8_lossy(&request.body).into_owned();
    let mut params = Map::new();
    if raw {
        params.insert("__ow_query".into(), json!(request.query));
        params.insert("__ow_body".into(), json!(body_text));
        return params;
    }
    for (k, v) in parse_form(&request.query) {
        params.insert(k, Value::String(v));
    }
    if !request.body.is_empty() {
        match serde_json::from_slice::<Value>(&request.body) {
            Ok(Value::Object(obj)) if content_type.contains("json") => params.extend(obj),
            _ if content_type.contains("x-www-form-urlencoded") => {
                for (k, v) in parse_form(&body_text) {
                    params.insert(k, Value::String(v));
                }
            }
            _ => {
                params.insert("__ow_body".into(), json!(body_text));
            }
        }
    }
    params
}

impl Engine {
    /// Runs a web action for `request`. Non-web actions answer 404, as OpenWhisk does.
    pub fn run_web(
        &self,
        package: Option<&str>,
        name: &str,
        request: &WebRequest,
    ) -> Result<WebResponse, EngineError> {
        let action = self.action(package, name)?;
        if !Engine::is_web(&action) {
            return Err(EngineError::new(
                ErrorCode::ActionNotFound,
                "The requested resource does not exist.",
            ));
        }
        let raw = action
            .draft
            .code()
            .and_then(|c| c.raw_http)
            .unwrap_or(false);
        let headers: Map<String, Value> = request
            .headers
            .iter()
            .map(|(k, v)| (k.to_ascii_lowercase(), Value::String(v.clone())))
            .collect();
        let mut params = request_params(request, &headers, raw);
        if let Some(key) = params.keys().find(|k| {
            k.starts_with("__ow_")
                && !(k.as_str() == "__ow_body" || raw && k.as_str() == "__ow_query")
        }) {
            return Ok(json_response(
                400,
                &json!({"error": format!("Request defines parameters that are not allowed (e.g., reserved properties): {key}")}),
            ));
        }
        params.insert(
            "__ow_method".into(),
            json!(request.method.to_ascii_lowercase()),
        );
        params.insert("__ow_headers".into(), Value::Object(headers));
        params.insert("__ow_path".into(), json!(request.path));

        // Public traffic has its own bound, so it cannot take every slot from signed callers.
        let slot = self.admit(Caller::Web, &action)?;
        let activation = self.invoke_action(&new_id(), &action, params, "web", None, slot)?;
        if !activation.status.is_success() {
            let status = if activation.status == ActivationStatus::ApplicationError {
                400
            } else {
                502
            };
            return Ok(json_response(status, &activation.result));
        }
        Ok(to_response(&activation.result))
    }
}

/// `{statusCode, headers, body}` → a response; a result with none of them is sent as JSON.
fn to_response(result: &Value) -> WebResponse {
    let obj = result.as_object().cloned().unwrap_or_default();
    if !["statusCode", "headers", "body"]
        .iter()
        .any(|k| obj.contains_key(*k))
    {
        return json_response(200, result);
    }
    let mut headers: Vec<(String, String)> = Vec::new();
    if let Some(Value::Object(h)) = obj.get("headers") {
        for (k, v) in h {
            match v {
                // An array is a multi-valued header.
                Value::Array(items) => headers.extend(items.iter().map(|i| {
                    (
                        k.to_ascii_lowercase(),
                        i.as_str()
                            .map(str::to_string)
                            .unwrap_or_else(|| i.to_string()),
                    )
                })),
                Value::String(s) => headers.push((k.to_ascii_lowercase(), s.clone())),
                other => headers.push((k.to_ascii_lowercase(), other.to_string())),
            }
        }
    }
    let body = match obj.get("body") {
        None | Some(Value::Null) => Vec::new(),
        Some(Value::String(s)) => s.clone().into_bytes(),
        Some(other) => {
            if !headers.iter().any(|(k, _)| k == "content-type") {
                headers.push(("content-type".into(), "application/json".into()));
            }
            other.to_string().into_bytes()
        }
    };
    let default_status = if body.is_empty() { 204 } else { 200 };
    let status = obj
        .get("statusCode")
        .and_then(Value::as_u64)
        .and_then(|s| u16::try_from(s).ok())
        .filter(|s| (100..600).contains(s))
        .unwrap_or(default_status);
    WebResponse {
        status,
        headers,
        body,
    }
}
