//! One handler per OpenWhisk operation, each answering with `?` through [`OwError`].

use axum::Json;
use axum::body::Bytes;
use axum::extract::{FromRequest, Path, Request, State};
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use engine::store::{ActivationFilter, Expect, Order, Paging, Scope};
use engine::{EngineError, ErrorCode};
use providers::sign::encoding::{parse_form, unquote};
use providers::wire::openwhisk as wire;
use serde::Deserialize;
use serde_json::{Map, Value, json};
use std::time::Duration;

use super::convert::{
    action_json, activation_json, annotation, invoked_response, package_json, to_draft,
};
use super::error::OwError;
use crate::{DialectState, INTEGER_MAX, expect_of, run, whole_in, with_etag};

/// The longest a blocking invoke waits (`timeout`, ms; OpenWhisk's default and most).
const MAX_WAIT_MS: u64 = 60_000;

type Answer = Result<Response, OwError>;

/// What every namespaced request carries, checked before its operation: a readable body and
/// the engine's namespace (or `_`).
pub(super) struct Ow {
    body: Bytes,
    query: Vec<(String, String)>,
    if_match: Option<HeaderValue>,
}

impl Ow {
    fn q(&self, name: &str) -> Option<String> {
        self.query
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
    }

    fn flag(&self, name: &str) -> bool {
        self.q(name).is_some_and(|v| v == "true")
    }

    /// `limit` (0 = the most, 200; 30 by default) and `skip` (OpenWhisk reads it as a 32-bit
    /// Int), refused with 400 when not whole numbers in range; both fit a `usize`.
    fn page(&self) -> Result<(usize, usize), OwError> {
        let limit = match self.q("limit").map(|l| whole_in(&l, 0..=200)) {
            None => 30,
            Some(Some(0)) => 200,
            Some(Some(l)) => l as usize,
            Some(None) => {
                return Err(OwError::malformed(
                    "limit must be a whole number from 0 to 200",
                ));
            }
        };
        let skip = match self.q("skip").map(|s| whole_in(&s, 0..=INTEGER_MAX)) {
            None => 0,
            Some(Some(s)) => s as usize,
            Some(None) => {
                return Err(OwError::malformed(&format!(
                    "skip must be a whole number from 0 to {INTEGER_MAX}"
                )));
            }
        };
        Ok((limit, skip))
    }
}

impl FromRequest<DialectState> for Ow {
    type Rejection = OwError;

    async fn from_request(request: Request, state: &DialectState) -> Result<Self, OwError> {
        let uri = request.uri().clone();
        let if_match = request.headers().get(header::IF_MATCH).cloned();
        let body = Bytes::from_request(request, state).await?;
        let path = uri.path().trim_start_matches("/api/v1/namespaces/");
        let namespace = unquote(path.split('/').next().unwrap_or(""));
        if namespace != "_" && namespace != state.keys.namespace {
            return Err(OwError::not_found());
        }
        let query = parse_form(uri.query().unwrap_or(""));
        Ok(Self {
            body,
            query,
            if_match,
        })
    }
}

/// An action's address: `actions/{name}` or `actions/{package}/{name}`.
#[derive(Deserialize)]
pub(super) struct ActionAt {
    package: Option<String>,
    name: String,
}

/// A package's or an activation's address.
#[derive(Deserialize)]
pub(super) struct Named {
    #[serde(alias = "id")]
    name: String,
    part: Option<String>,
}

/// Anything OpenWhisk does not serve.
pub(super) async fn not_found(ow: Result<Ow, OwError>) -> Answer {
    ow?;
    Err(OwError::not_found())
}

pub(super) async fn list_actions(State(s): State<DialectState>, ow: Ow) -> Answer {
    let (limit, skip) = ow.page()?;
    let list = run(move || s.engine.actions(&Scope::All)).await?;
    if ow.flag("count") {
        return Ok(Json(json!({ "actions": list.len() })).into_response());
    }
    let ns = &s.keys.namespace;
    let page: Vec<_> = list
        .iter()
        .skip(skip)
        .take(limit)
        .map(|a| action_json(ns, a, false))
        .collect();
    Ok(Json(page).into_response())
}

pub(super) async fn get_action(
    State(s): State<DialectState>,
    Path(at): Path<ActionAt>,
    ow: Ow,
) -> Answer {
    let with_code = ow.q("code").is_none_or(|c| c != "false");
    let engine = s.engine.clone();
    let a = run(move || engine.action(at.package.as_deref(), &at.name)).await?;
    let answer = Json(action_json(&s.keys.namespace, &a, with_code)).into_response();
    Ok(with_etag(answer, a.revision))
}

/// An action body (the name may be left out: it is in the path).
fn parse_action(body: &[u8], name: &str) -> Result<wire::Action, OwError> {
    let mut value: Value = serde_json::from_slice(body)
        .map_err(|e| OwError::malformed(&format!("the body is not JSON ({e})")))?;
    let Some(obj) = value.as_object_mut() else {
        return Err(OwError::malformed(
            "the body must be an action object (exec, limits, parameters)",
        ));
    };
    obj.entry("name").or_insert(json!(name));
    serde_json::from_value(value)
        .map_err(|e| OwError::malformed(&format!("the action does not fit: {e}")))
}

/// Refused with 409 when the action exists, unless `overwrite=true` or `If-Match` names the
/// revision it replaces (412 when it is another).
pub(super) async fn put_action(
    State(s): State<DialectState>,
    Path(at): Path<ActionAt>,
    ow: Ow,
) -> Answer {
    let expect = expect_of(ow.if_match.as_ref()).map_err(|e| OwError::malformed(&e))?;
    let action = parse_action(&ow.body, &at.name)?;
    let overwrite = ow.flag("overwrite") || expect != Expect::Any;
    let draft = to_draft(&action);
    let engine = s.engine.clone();
    let saved = run(move || {
        let package = at.package.as_deref();
        if !overwrite && engine.action(package, &at.name).is_ok() {
            return Err(OwError::exists());
        }
        engine.put_action_if(package, &at.name, draft?, expect)
    })
    .await?;
    let answer = Json(action_json(&s.keys.namespace, &saved, true)).into_response();
    Ok(with_etag(answer, saved.revision))
}

/// Answers the action as it was.
pub(super) async fn delete_action(
    State(s): State<DialectState>,
    Path(at): Path<ActionAt>,
    _: Ow,
) -> Answer {
    let engine = s.engine.clone();
    let gone = run(move || {
        let a = engine.action(at.package.as_deref(), &at.name)?;
        engine
            .delete_action(at.package.as_deref(), &at.name)
            .map(|()| a)
    })
    .await?;
    Ok(Json(action_json(&s.keys.namespace, &gone, false)).into_response())
}

/// `blocking=true` waits up to `timeout` ms; otherwise (or past it) 202 with the id.
pub(super) async fn run_action(
    State(s): State<DialectState>,
    Path(at): Path<ActionAt>,
    ow: Ow,
) -> Answer {
    let wait = match ow.q("timeout").map(|t| t.parse::<u64>()) {
        None => MAX_WAIT_MS,
        Some(Ok(t)) if t <= MAX_WAIT_MS => t,
        _ => {
            return Err(OwError::malformed(
                "timeout must be a whole number of milliseconds up to 60000",
            ));
        }
    };
    let params = match ow.body.is_empty() {
        true => Map::new(),
        false => match serde_json::from_slice::<Value>(&ow.body) {
            Ok(Value::Object(m)) => m,
            _ => return Err(OwError::malformed("the parameters must be a JSON object")),
        },
    };
    let wait = match ow.flag("blocking") {
        true => Duration::from_millis(wait),
        false => Duration::ZERO,
    };
    let (engine, subject) = (s.engine.clone(), s.keys.namespace.clone());
    let invoked = crate::invoke(engine, at.package, at.name, params, subject, wait).await?;
    Ok(invoked_response(invoked, ow.flag("result")))
}

pub(super) async fn list_packages(State(s): State<DialectState>, ow: Ow) -> Answer {
    let (limit, skip) = ow.page()?;
    let engine = s.engine.clone();
    let list = run(move || engine.packages()).await?;
    let page: Vec<_> = list
        .into_iter()
        .skip(skip)
        .take(limit)
        .map(|(name, description)| {
            let p = engine::Package {
                name,
                description,
                parameters: Map::new(),
                actions: Vec::new(),
            };
            package_json(&s.keys.namespace, p, false)
        })
        .collect();
    Ok(Json(page).into_response())
}

pub(super) async fn get_package(
    State(s): State<DialectState>,
    Path(at): Path<Named>,
    _: Ow,
) -> Answer {
    let engine = s.engine.clone();
    let p = run(move || engine.package(&at.name)).await?;
    Ok(Json(package_json(&s.keys.namespace, p, true)).into_response())
}

/// A package body (the name may be left out: it is in the path); none is an empty one.
fn parse_package(body: &[u8], name: &str) -> Result<wire::Package, OwError> {
    let body: &[u8] = if body.is_empty() { b"{}" } else { body };
    serde_json::from_slice::<Value>(body)
        .ok()
        .and_then(|mut v| {
            if let Some(obj) = v.as_object_mut() {
                obj.entry("name").or_insert(json!(name));
            }
            serde_json::from_value(v).ok()
        })
        .ok_or_else(|| {
            OwError::malformed(
                "the body must be a package: {annotations?, parameters?: [{key, value}]}",
            )
        })
}

/// Refused with 409 when the package exists, unless `overwrite=true`.
pub(super) async fn put_package(
    State(s): State<DialectState>,
    Path(at): Path<Named>,
    ow: Ow,
) -> Answer {
    let put = parse_package(&ow.body, &at.name)?;
    let description = annotation(&put.annotations, "description");
    let parameters: Map<String, Value> = put
        .parameters
        .into_iter()
        .map(|kv| (kv.key, kv.value))
        .collect();
    let (engine, overwrite, name) = (s.engine.clone(), ow.flag("overwrite"), at.name);
    let p = run(move || {
        if !overwrite && engine.package(&name).is_ok() {
            return Err(OwError::exists());
        }
        engine.put_package(&name, description.as_deref(), &parameters)?;
        engine.package(&name)
    })
    .await?;
    Ok(Json(package_json(&s.keys.namespace, p, true)).into_response())
}

/// Refused with 409 while the package holds actions; answers the package as it was.
pub(super) async fn delete_package(
    State(s): State<DialectState>,
    Path(at): Path<Named>,
    _: Ow,
) -> Answer {
    let engine = s.engine.clone();
    let p = run(move || {
        let p = engine.package(&at.name)?;
        if !p.actions.is_empty() {
            return Err(EngineError::new(
                ErrorCode::PackageNotEmpty,
                format!(
                    "Package not empty (contains {} entities). Delete the package contents first.",
                    p.actions.len()
                ),
            ));
        }
        engine.delete_package(&at.name).map(|()| p)
    })
    .await?;
    Ok(Json(package_json(&s.keys.namespace, p, false)).into_response())
}

/// `name`, `since`/`upto` (epoch ms), a page; `count=true` for the total, `docs=true` for
/// whole records.
pub(super) async fn list_activations(State(s): State<DialectState>, ow: Ow) -> Answer {
    let (limit, skip) = ow.page()?;
    let time = |name: &str| match ow.q(name).map(|v| v.parse::<i64>()) {
        None => Ok(None),
        Some(Ok(t)) => Ok(Some(t)),
        Some(Err(_)) => Err(OwError::malformed(&format!(
            "{name} must be epoch milliseconds"
        ))),
    };
    let (since_ms, upto_ms) = (time("since")?, time("upto")?);
    let filter = ActivationFilter {
        package: Scope::All,
        action: ow
            .q("name")
            .map(|n| n.rsplit('/').next().unwrap_or(&n).to_string()),
        since_ms,
        upto_ms,
        ..Default::default()
    };
    let page = Paging {
        offset: skip as u64,
        limit: limit as u64,
    };
    let (items, total) = run(move || s.engine.activations(&filter, Order::default(), page)).await?;
    if ow.flag("count") {
        return Ok(Json(json!({ "activations": total })).into_response());
    }
    let docs = ow.flag("docs");
    let list: Vec<_> = items.iter().map(|a| activation_json(a, docs)).collect();
    Ok(Json(list).into_response())
}

pub(super) async fn get_activation(
    State(s): State<DialectState>,
    Path(at): Path<Named>,
    _: Ow,
) -> Answer {
    let record = run(move || s.engine.activation(&at.name)).await?;
    Ok(Json(activation_json(&record, true)).into_response())
}

/// `activations/{id}/logs` or `/result`.
pub(super) async fn get_activation_part(
    State(s): State<DialectState>,
    Path(at): Path<Named>,
    _: Ow,
) -> Answer {
    let id = at.name.clone();
    let record = run(move || s.engine.activation(&id)).await?;
    match at.part.as_deref() {
        Some("logs") => Ok(Json(json!({ "logs": record.logs })).into_response()),
        Some("result") => Ok(Json(activation_json(&record, true).response).into_response()),
        _ => Err(OwError::not_found()),
    }
}
