//! The legacy API (`/v2/index.php`): GetFunctionLogs only, its parameters signed in the
//! query of a GET or the form body of a POST, so the handler checks the signature itself.

use axum::body::Bytes;
use axum::extract::State;
use axum::extract::rejection::BytesRejection;
use axum::http::{HeaderMap, Method, Uri};
use axum::response::{IntoResponse, Response};
use providers::sign::encoding::parse_form;
use providers::sign::tencent_legacy;
use providers::wire::tencent as wire;

use super::auth::{credentials_problem, secret_of};
use super::convert::{LogsQuery, legacy_log};
use super::error::LegacyError;
use crate::{DialectState, run};

/// The legacy signature over the request's parameters.
fn verify(
    state: &DialectState,
    method: &Method,
    headers: &HeaderMap,
    params: &[(String, String)],
) -> Result<(), LegacyError> {
    let host = headers
        .get("host")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let to_sign = tencent_legacy::StringToSign {
        method: method.as_str(),
        host,
        path: "/v2/index.php",
        params,
        key_style: tencent_legacy::KeyStyle::DotsForUnderscores,
    };
    let lookup = |k: &str| secret_of(&state.keys, k);
    tencent_legacy::verify(&to_sign, lookup, engine::now_ms() / 1000)
        .map(|_| ())
        .map_err(|e| {
            LegacyError::new(
                4100,
                "AuthFailure.SignatureFailure",
                format!("(100006) signature error: {}", credentials_problem(&e)),
            )
        })
}

pub(super) async fn get_function_logs(
    State(state): State<DialectState>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Result<Response, LegacyError> {
    let body = body?;
    let params = if method == Method::POST {
        parse_form(&String::from_utf8_lossy(&body))
    } else {
        parse_form(uri.query().unwrap_or(""))
    };
    verify(&state, &method, &headers, &params)?;
    // `filter.retCode` may come as `filter_retCode` (signed with `.` either way).
    let get = |name: &str| -> Option<String> {
        params
            .iter()
            .find(|(k, _)| {
                let k = k.to_ascii_lowercase().replace('_', ".");
                if name == "retcode" {
                    k == "filter.retcode"
                } else {
                    k == name
                }
            })
            .map(|(_, v)| v.clone())
    };
    if get("action").as_deref() != Some("GetFunctionLogs") {
        return Err(LegacyError::new(
            4000,
            "InvalidAction",
            "only GetFunctionLogs is served on this endpoint",
        ));
    }
    let query =
        LogsQuery::parse(get).map_err(|m| LegacyError::new(4000, "InvalidParameterValue", m))?;
    let (filter, order, page) = (query.filter(), query.order, query.page);
    let (items, total) = run(move || state.engine.activations(&filter, order, page))
        .await
        .map_err(|e| LegacyError::new(5000, "InternalError", e.message))?;
    Ok(axum::Json(wire::LegacyLogsResponse {
        code: 0,
        message: String::new(),
        code_desc: "Success".into(),
        total,
        data: items.iter().map(legacy_log).collect(),
    })
    .into_response())
}
