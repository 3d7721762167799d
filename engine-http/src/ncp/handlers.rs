//! One handler per NCP operation, each answering with `?` through [`NcpError`].

use axum::Json;
use axum::body::Bytes;
use axum::extract::{FromRequest, Path, Request, State};
use axum::http::{HeaderValue, Method, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use engine::Invoked;
use engine::store::{ActivationFilter, Order, Paging, Scope};
use providers::sign::encoding::parse_form;
use providers::wire::ncp as wire;
use serde_json::{Map, Value, json};
use std::collections::HashMap;
use std::time::Duration;

use super::convert::{
    action_content, action_item, activation, activation_summary, package_content, package_of,
};
use super::error::NcpError;
use crate::{DialectState, INTEGER_MAX, expect_of, run, whole_in, with_etag};

/// Activations older than this are not listed (NCP: "within a month").
const LIST_WINDOW_MS: i64 = 30 * 24 * 3600 * 1000;

/// The largest `pageSize`: seed 000 types it `Integer` and states no range; this engine takes
/// OpenWhisk's largest page (NCP's service is built on OpenWhisk) and refuses more with 80307.
const MAX_PAGE_SIZE: u64 = 200;

/// The longest a run waits (`timeout`, ms; NCP's default and most).
const MAX_WAIT_MS: u64 = 60_000;

type Answer = Result<Response, NcpError>;

/// What every NCP request carries, checked before its operation: a readable body, and a
/// `platform` of `classic` or `vpc` (by default the one its base serves).
pub(super) struct Ncp {
    body: Bytes,
    query: HashMap<String, String>,
    platform: String,
    if_match: Option<HeaderValue>,
}

impl Ncp {
    fn q(&self, name: &str) -> Option<String> {
        self.query.get(name).cloned()
    }
}

impl FromRequest<DialectState> for Ncp {
    type Rejection = NcpError;

    async fn from_request(request: Request, state: &DialectState) -> Result<Self, NcpError> {
        let uri = request.uri().clone();
        let if_match = request.headers().get(header::IF_MATCH).cloned();
        let body = Bytes::from_request(request, state).await?;
        // A repeated parameter's last value counts.
        let query: HashMap<String, String> =
            parse_form(uri.query().unwrap_or("")).into_iter().collect();
        let platform = query.get("platform").cloned().unwrap_or_else(|| {
            let vpc = uri.path().starts_with("/ncf/api/v2");
            if vpc { "vpc" } else { "classic" }.to_string()
        });
        if platform != "classic" && platform != "vpc" {
            return Err(NcpError::invalid(format!(
                "platform \"{platform}\" is not classic or vpc"
            )));
        }
        Ok(Self {
            body,
            query,
            platform,
            if_match,
        })
    }
}

fn content<T: serde::Serialize>(value: T) -> Response {
    Json(wire::Content { content: value }).into_response()
}

/// A JSON body into `T`, or NCP's 80305 naming what did not fit.
fn parse_json<T: serde::de::DeserializeOwned>(body: &[u8]) -> Result<T, NcpError> {
    serde_json::from_slice(body)
        .map_err(|e| NcpError::wrong_type(format!("the request body does not fit: {e}")))
}

/// Anything NCP does not serve: 404, naming the method and the path below the base.
pub(super) async fn not_found(method: Method, uri: Uri, ncp: Result<Ncp, NcpError>) -> Answer {
    ncp?;
    let path = uri.path();
    let rest = path
        .strip_prefix("/ncf/api/v2")
        .or_else(|| path.strip_prefix("/api/v2"))
        .unwrap_or(path);
    Err(NcpError::NotFound(format!("{method} {rest}")))
}

pub(super) async fn list_packages(State(s): State<DialectState>, _: Ncp) -> Answer {
    let list = run(move || s.engine.packages()).await?;
    Ok(content(
        list.into_iter()
            .map(|(name, description)| wire::PackageSummary { name, description })
            .collect::<Vec<_>>(),
    ))
}

pub(super) async fn get_package(
    State(s): State<DialectState>,
    Path(package): Path<String>,
    ncp: Ncp,
) -> Answer {
    let p = run(move || s.engine.package(&package)).await?;
    Ok(content(package_content(p, &ncp.platform, None)))
}

pub(super) async fn put_package(
    State(s): State<DialectState>,
    Path(package): Path<String>,
    ncp: Ncp,
) -> Answer {
    let put: wire::PutPackageBody = if ncp.body.is_empty() {
        wire::PutPackageBody::default()
    } else {
        parse_json(&ncp.body)?
    };
    let engine = s.engine.clone();
    let p = run(move || {
        let parameters = put.parameters.unwrap_or_default();
        engine.put_package(&package, put.description.as_deref(), &parameters)?;
        engine.package(&package)
    })
    .await?;
    Ok(content(package_content(
        p,
        &ncp.platform,
        Some(&s.keys.namespace),
    )))
}

pub(super) async fn delete_package(
    State(s): State<DialectState>,
    Path(package): Path<String>,
    _: Ncp,
) -> Answer {
    run(move || s.engine.delete_package(&package)).await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

pub(super) async fn list_actions(
    State(s): State<DialectState>,
    Path(package): Path<String>,
    _: Ncp,
) -> Answer {
    let scope = Scope::of(package_of(&package));
    let list = run(move || s.engine.actions(&scope)).await?;
    Ok(content(wire::ActionList {
        actions: list.into_iter().map(action_item).collect(),
    }))
}

/// Seed 004: names first, then the body, as NCP reports them. With `If-Match`, only over
/// that revision (412 otherwise).
pub(super) async fn put_action(
    State(s): State<DialectState>,
    Path((package, action)): Path<(String, String)>,
    ncp: Ncp,
) -> Answer {
    let expect = expect_of(ncp.if_match.as_ref()).map_err(NcpError::invalid)?;
    let body: Value = serde_json::from_slice(&ncp.body)
        .map_err(|e| NcpError::wrong_type(format!("the request body is not JSON: {e}")))?;
    let (engine, kind) = (s.engine.clone(), ncp.q("type"));
    let saved = run(move || {
        let package = package_of(&package);
        if let Some(package) = package {
            engine::validate::name("packageName", package)?;
        }
        engine::validate::name("actionName", &action)?;
        let draft = engine::validate::ncp_draft(kind.as_deref(), &body)?;
        engine.put_action_if(package, &action, draft, expect)
    })
    .await?;
    let revision = saved.revision;
    Ok(with_etag(
        content(action_content(&s.keys.namespace, &saved)),
        revision,
    ))
}

pub(super) async fn get_action(
    State(s): State<DialectState>,
    Path((package, action)): Path<(String, String)>,
    _: Ncp,
) -> Answer {
    let engine = s.engine.clone();
    let a = run(move || engine.action(package_of(&package), &action)).await?;
    Ok(with_etag(
        content(action_content(&s.keys.namespace, &a)),
        a.revision,
    ))
}

pub(super) async fn delete_action(
    State(s): State<DialectState>,
    Path((package, action)): Path<(String, String)>,
    _: Ncp,
) -> Answer {
    run(move || s.engine.delete_action(package_of(&package), &action)).await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

/// Seed 001: waits up to `timeout` ms (0 to 60,000); past it, only the activation id.
pub(super) async fn run_action(
    State(s): State<DialectState>,
    Path((package, action)): Path<(String, String)>,
    ncp: Ncp,
) -> Answer {
    let wait = match ncp.q("timeout").map(|t| t.parse::<u64>()) {
        None => MAX_WAIT_MS,
        Some(Ok(t)) if t <= MAX_WAIT_MS => t,
        _ => {
            return Err(NcpError::invalid(
                "timeout must be a whole number of milliseconds from 0 to 60000",
            ));
        }
    };
    let params = match ncp.body.is_empty() {
        true => Map::new(),
        false => match serde_json::from_slice::<Value>(&ncp.body) {
            Ok(Value::Object(m)) => m,
            _ => {
                return Err(NcpError::wrong_type(
                    "the request body must be a JSON object of parameters",
                ));
            }
        },
    };
    let (engine, subject) = (s.engine.clone(), s.keys.namespace.clone());
    let wait = Duration::from_millis(wait);
    let package = package_of(&package).map(str::to_string);
    let invoked = crate::invoke(engine, package, action, params, subject, wait).await?;
    Ok(match invoked {
        Invoked::Finished(record) => content(activation(&record, false)),
        Invoked::StillRunning { activation_id } => {
            content(json!({ "activationId": activation_id }))
        }
    })
}

pub(super) async fn list_action_activations(
    State(s): State<DialectState>,
    Path((package, action)): Path<(String, String)>,
    ncp: Ncp,
) -> Answer {
    list_activations(s, &ncp, Some((&package, &action))).await
}

pub(super) async fn list_all_activations(State(s): State<DialectState>, ncp: Ncp) -> Answer {
    list_activations(s, &ncp, None).await
}

pub(super) async fn get_action_activation(
    State(s): State<DialectState>,
    Path((_, _, id)): Path<(String, String, String)>,
    _: Ncp,
) -> Answer {
    let record = run(move || s.engine.activation(&id)).await?;
    Ok(content(activation(&record, true)))
}

pub(super) async fn get_activation(
    State(s): State<DialectState>,
    Path(id): Path<String>,
    _: Ncp,
) -> Answer {
    let record = run(move || s.engine.activation(&id)).await?;
    Ok(content(activation(&record, true)))
}

/// Seed 000: `pageNo` (1 to 2^31-1, an `Integer`), `pageSize` (1 to 200), `start`/`end`
/// (epoch ms), only the last month.
async fn list_activations(s: DialectState, ncp: &Ncp, scope: Option<(&str, &str)>) -> Answer {
    let number = |name: &str, default: u64, most: u64| match ncp.q(name) {
        None => Ok(default),
        Some(v) => whole_in(&v, 1..=most).ok_or_else(|| {
            NcpError::invalid(format!(
                "{name} must be a whole number from 1 to {most}, not \"{v}\""
            ))
        }),
    };
    let time = |name: &str| match ncp.q(name) {
        None => Ok(None),
        Some(v) => v.parse::<i64>().map(Some).map_err(|_| {
            NcpError::invalid(format!("{name} must be epoch milliseconds, not \"{v}\""))
        }),
    };
    let page_no = number("pageNo", 1, INTEGER_MAX)?;
    let page_size = number("pageSize", 20, MAX_PAGE_SIZE)?;
    let (start, end) = (time("start")?, time("end")?);
    // pageNo ≥ 1, and within the bounds above the product stays below 2^39.
    let offset = (page_no - 1).checked_mul(page_size).ok_or_else(|| {
        NcpError::invalid(format!(
            "pageNo {page_no} with pageSize {page_size} is past any page there can be"
        ))
    })?;
    let window_start = engine::now_ms() - LIST_WINDOW_MS;
    let filter = ActivationFilter {
        package: scope.map_or(Scope::All, |(p, _)| Scope::of(package_of(p))),
        action: scope.map(|(_, a)| a.to_string()),
        since_ms: Some(start.map_or(window_start, |s| s.max(window_start))),
        upto_ms: end,
        ..Default::default()
    };
    let page = Paging {
        offset,
        limit: page_size,
    };
    let (items, total) = run(move || s.engine.activations(&filter, Order::default(), page)).await?;
    Ok(content(wire::ActivationList {
        activations: items.into_iter().map(activation_summary).collect(),
        total_count: total,
    }))
}
