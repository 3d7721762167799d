//! The engine's records as SCF's wire types, and SCF's request values as the engine's.

use axum::response::{IntoResponse, Response};
use engine::store::{ActivationFilter, ActivationOrder, ActivationRecord, Order, Paging, Scope};
use providers::wire::{beijing, tencent as wire};

use super::{MAX_RANGE_MS, MAX_WINDOW, SYNC_WAIT, TIME_LIMIT_REACHED};
use crate::whole_in;

/// An API 3.0 answer.
pub(super) fn ok<T: serde::Serialize>(value: T) -> Response {
    axum::Json(wire::Envelope { response: value }).into_response()
}

/// An SCF namespace's engine package: `default` (or none) is the top level.
pub(super) fn package_of(namespace: Option<&str>) -> Option<String> {
    match namespace {
        None | Some("default") | Some("") => None,
        Some(n) => Some(n.to_string()),
    }
}

/// `order` (desc, asc) and `orderby` (start_time, function_name, request_id, duration,
/// mem_usage), newest start first by default.
fn order(order: Option<&str>, by: Option<&str>) -> Result<Order, String> {
    let ascending = match order {
        None | Some("desc") => false,
        Some("asc") => true,
        Some(o) => return Err(format!("order \"{o}\" is not desc or asc")),
    };
    let by = match by {
        None | Some("start_time") => ActivationOrder::Start,
        Some("function_name") => ActivationOrder::Action,
        Some("request_id") => ActivationOrder::Id,
        Some("duration") => ActivationOrder::Duration,
        Some("mem_usage") => ActivationOrder::Memory,
        Some(o) => {
            return Err(format!(
                "orderby \"{o}\" is not start_time, function_name, request_id, duration or mem_usage"
            ));
        }
    };
    Ok(Order { by, ascending })
}

/// The query every GetFunctionLogs asks, whichever API it came through.
pub(super) struct LogsQuery {
    package: Option<String>,
    function: Option<String>,
    request_id: Option<String>,
    pub(super) page: Paging,
    pub(super) order: Order,
    succeeded: Option<bool>,
    start: Option<i64>,
    end: Option<i64>,
}

impl LogsQuery {
    pub(super) fn parse(get: impl Fn(&str) -> Option<String>) -> Result<Self, String> {
        let number = |name: &str, default: u64| -> Result<u64, String> {
            get(name).map_or(Ok(default), |v| {
                whole_in(&v, 0..=MAX_WINDOW).ok_or_else(|| {
                    format!("{name} must be a whole number from 0 to {MAX_WINDOW}, not {v}")
                })
            })
        };
        let offset = number("offset", 0)?;
        let limit = number("limit", 20)?;
        if offset.checked_add(limit).is_none_or(|end| end > MAX_WINDOW) {
            return Err(format!(
                "offset + limit must be at most {MAX_WINDOW} (offset {offset}, limit {limit})"
            ));
        }
        let order = order(get("order").as_deref(), get("orderby").as_deref())?;
        let succeeded = match get("retcode").as_deref() {
            None => None,
            Some("is0") => Some(true),
            Some("not0") => Some(false),
            Some(r) => return Err(format!("Filter.RetCode \"{r}\" is not is0 or not0")),
        };
        let time = |name: &str| -> Result<Option<i64>, String> {
            get(name).map_or(Ok(None), |t| {
                // SCF reads the window in Beijing time, as it writes the records' times.
                beijing::parse(&t)
                    .map(Some)
                    .ok_or_else(|| format!("{name} must be YYYY-MM-DD HH:mm:ss (Beijing time)"))
            })
        };
        let (start, end) = (time("starttime")?, time("endtime")?);
        if let (Some(s), Some(e)) = (start, end)
            && e - s > MAX_RANGE_MS
        {
            return Err("the time range is longer than one day".into());
        }
        Ok(Self {
            package: package_of(get("namespace").as_deref()),
            function: get("functionname"),
            request_id: get("requestid"),
            page: Paging { offset, limit },
            order,
            succeeded,
            start,
            end,
        })
    }

    pub(super) fn filter(&self) -> ActivationFilter {
        ActivationFilter {
            package: Scope::of(self.package.as_deref()),
            action: self.function.clone(),
            since_ms: self.start,
            upto_ms: self.end,
            id: self.request_id.clone(),
            succeeded: self.succeeded,
        }
    }
}

pub(super) fn ret_msg(a: &ActivationRecord) -> String {
    a.result.to_string()
}

/// 0 for a success, 1 for any failure.
fn ret_code(a: &ActivationRecord) -> i64 {
    if a.status.is_success() { 0 } else { 1 }
}

/// A record as API 3.0's GetFunctionLogs lists it.
pub(super) fn function_log(a: &ActivationRecord) -> wire::FunctionLog {
    wire::FunctionLog {
        function_name: a.action.clone(),
        ret_msg: ret_msg(a),
        request_id: a.id.clone(),
        start_time: beijing::format(a.start_ms),
        ret_code: ret_code(a),
        invoke_finished: 1,
        duration: a.duration_ms as f64,
        bill_duration: a.billed_ms,
        mem_usage: a.memory_used,
        log: a.logs.join("\n"),
        level: Some(String::new()),
        source: Some(String::new()),
        retry_num: 0,
    }
}

/// A record as the legacy GetFunctionLogs lists it.
pub(super) fn legacy_log(a: &ActivationRecord) -> wire::LegacyLog {
    wire::LegacyLog {
        function_name: a.action.clone(),
        ret_msg: ret_msg(a),
        request_id: a.id.clone(),
        start_time: beijing::format(a.start_ms),
        ret_code: ret_code(a),
        duration: a.duration_ms as f64,
        bill_duration: a.billed_ms,
        mem_usage: a.memory_used,
        log: a.logs.join("\n"),
    }
}

/// A `RequestResponse` Invoke that ended: its result, or its error in `ErrMsg`.
pub(super) fn invoked(a: &ActivationRecord) -> Response {
    let success = a.status.is_success();
    let err_msg = a.error_text().unwrap_or_default();
    ok(wire::InvokeResponse {
        result: wire::InvokeResult {
            function_request_id: a.id.clone(),
            ret_msg: if success { ret_msg(a) } else { String::new() },
            log: a.logs.join("\n"),
            err_msg: if success { String::new() } else { err_msg },
            mem_usage: a.memory_used,
            duration: a.duration_ms as f64,
            bill_duration: a.billed_ms,
            invoke_result: if success { 0 } else { 1 },
        },
        request_id: engine::new_id(),
    })
}

/// A `RequestResponse` Invoke whose function outlived [`SYNC_WAIT`]: answered as SCF answers
/// a function past its time (a `Result` with status code 433 and the reason in `ErrMsg`),
/// naming the activation the run goes on as.
pub(super) fn timed_out(activation_id: &str) -> Response {
    let waited_ms = SYNC_WAIT.as_millis() as u64;
    ok(wire::InvokeResponse {
        result: wire::InvokeResult {
            function_request_id: activation_id.to_string(),
            ret_msg: String::new(),
            log: String::new(),
            err_msg: format!(
                "Invoking task timed out after {} seconds; it goes on running as activation {activation_id}",
                SYNC_WAIT.as_secs()
            ),
            mem_usage: 0,
            duration: waited_ms as f64,
            bill_duration: engine::billed(waited_ms),
            invoke_result: TIME_LIMIT_REACHED,
        },
        request_id: engine::new_id(),
    })
}
