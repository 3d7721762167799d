//! Server functions for the activations page: a page of a connection's activations (filtered
//! by action, time range and status), and one activation in full with its sequence's
//! components. Common model in and out; each checks the caller with the guard first.

#[cfg(feature = "ssr")]
mod backend;
#[cfg(feature = "ssr")]
mod hub;
mod live;

pub use live::{LiveLine, WatchActivations, keeps_live, watch_activations};

use leptos::prelude::*;
use providers::{ActionRef, Activation, ActivationStatus, ConnectionSummary};
use serde::{Deserialize, Serialize};

use crate::errors::AppError;

/// The page sizes offered (NCP and OpenWhisk give at most 200 a page).
pub const PAGE_SIZES: [u64; 5] = [10, 20, 50, 100, 200];
/// The page size when the URL names none (NCP's default).
pub const DEFAULT_PAGE_SIZE: u64 = 20;
/// The last page number asked for (NCP's `pageNo` ≤ 2³¹−1).
pub const MAX_PAGE: u64 = 2_147_483_647;

/// Which outcomes to list. No provider filters by status, so the server reads the range's
/// pages in order and keeps the matching ones (see [`ActivationListing::searched`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StatusFilter {
    /// Returned a result.
    Success,
    /// Anything but a success.
    Failure,
    /// The action returned an error.
    ApplicationError,
    /// The action could not run.
    DeveloperError,
    /// The platform failed.
    InternalError,
    /// Ran past its time limit.
    Timeout,
}

impl StatusFilter {
    /// Every filter, in the order the select offers them.
    pub const ALL: [Self; 6] = [
        Self::Success,
        Self::Failure,
        Self::ApplicationError,
        Self::DeveloperError,
        Self::InternalError,
        Self::Timeout,
    ];

    /// Its value in the URL (`status=failure`).
    pub fn value(self) -> &'static str {
        match self {
            Self::Success => "success",
            Self::Failure => "failure",
            Self::ApplicationError => "application_error",
            Self::DeveloperError => "developer_error",
            Self::InternalError => "internal_error",
            Self::Timeout => "timeout",
        }
    }

    /// The filter a URL value names.
    pub fn parse(value: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.value() == value)
    }

    /// What the select shows.
    pub fn label(self) -> &'static str {
        match self {
            Self::Success => "Succeeded",
            Self::Failure => "Failed (any error)",
            Self::ApplicationError => "Application error",
            Self::DeveloperError => "Developer error",
            Self::InternalError => "Internal error",
            Self::Timeout => "Timed out",
        }
    }

    /// Whether an activation that ended with `status` is kept.
    pub fn keeps(self, status: ActivationStatus) -> bool {
        match self {
            Self::Success => status == ActivationStatus::Success,
            Self::Failure => !matches!(
                status,
                ActivationStatus::Success | ActivationStatus::Pending
            ),
            Self::ApplicationError => status == ActivationStatus::ApplicationError,
            Self::DeveloperError => status == ActivationStatus::DeveloperError,
            Self::InternalError => status == ActivationStatus::InternalError,
            Self::Timeout => status == ActivationStatus::Timeout,
        }
    }
}

/// Which activations a page shows: everything its URL says but the connection.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ActivationView {
    /// 1-based page number.
    pub page: u64,
    /// Activations a page, one of [`PAGE_SIZES`].
    pub size: u64,
    /// Only these outcomes.
    pub status: Option<StatusFilter>,
    /// Only this action's.
    pub action: Option<ActionRef>,
    /// Started at or after, epoch ms.
    pub since_ms: Option<i64>,
    /// Started at or before, epoch ms.
    pub upto_ms: Option<i64>,
}

impl Default for ActivationView {
    fn default() -> Self {
        Self {
            page: 1,
            size: DEFAULT_PAGE_SIZE,
            status: None,
            action: None,
            since_ms: None,
            upto_ms: None,
        }
    }
}

impl ActivationView {
    /// Activations before this page.
    pub fn offset(&self) -> u64 {
        self.page.saturating_sub(1).saturating_mul(self.size)
    }

    /// The same view on another page.
    pub fn on_page(&self, page: u64) -> Self {
        Self {
            page,
            ..self.clone()
        }
    }

    /// Every problem of the view, by field: the URL's parser never builds a bad one, but the
    /// server function is reachable without it.
    pub fn problems(&self) -> Vec<AppError> {
        let mut problems = Vec::new();
        if !(1..=MAX_PAGE).contains(&self.page) {
            problems.push(AppError::invalid(
                "page",
                format!("The page must be a whole number from 1 to {MAX_PAGE}."),
            ));
        }
        if !PAGE_SIZES.contains(&self.size) {
            problems.push(AppError::invalid(
                "size",
                format!("The page size must be one of {}.", sizes_text()),
            ));
        }
        if let Some(action) = &self.action {
            let names = action.package.iter().chain([&action.name]);
            if names
                .into_iter()
                .any(|n| !providers::rules::is_allowed_name(n))
            {
                problems.push(AppError::invalid(
                    "action",
                    format!(
                        "Name the action as package/name or name, each {}.",
                        providers::rules::NAME_RULE
                    ),
                ));
            }
        }
        if let (Some(since), Some(upto)) = (self.since_ms, self.upto_ms)
            && since > upto
        {
            problems.push(AppError::invalid(
                "upto",
                "The end of the time range is before its start.",
            ));
        }
        problems
    }
}

/// The page sizes as a sentence's list ("10, 20, 50, 100 or 200").
pub fn sizes_text() -> String {
    let all: Vec<String> = PAGE_SIZES.iter().map(u64::to_string).collect();
    match all.split_last() {
        Some((last, rest)) if !rest.is_empty() => format!("{} or {last}", rest.join(", ")),
        _ => all.join(""),
    }
}

/// One page of activations.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ActivationListing {
    /// The connection listed.
    pub connection: ConnectionSummary,
    /// The page's activations, newest first, as summaries (no result, logs or input).
    pub rows: Vec<Activation>,
    /// How many match in all, where known (NCP's `totalCount`, OpenWhisk's `count=true`;
    /// with a status filter, once every activation of the range was searched).
    pub total: Option<u64>,
    /// Whether a later page has some.
    pub more: bool,
    /// With a status filter: how many activations were searched when the search stopped
    /// at its bound before the range's end, so older matches may exist.
    pub searched: Option<u64>,
    /// How far back the provider lists, where it says.
    pub window: Option<String>,
    /// Whether the connection can run actions (so "Re-run" is offered).
    pub can_run: bool,
    /// Why live mode is not offered on this connection, when it is not.
    pub cannot_watch: Option<String>,
}

/// A page of `connection`'s activations (the first configured when `None`) as `view` says.
#[server(endpoint = "list_activations")]
pub async fn list_activations(
    connection: Option<String>,
    view: ActivationView,
) -> Result<ActivationListing, AppError> {
    super::guard::guard(<ListActivations as leptos::server_fn::ServerFn>::PATH)?;
    let c = super::backend::connection_for_view(connection.as_deref(), view.problems())?;
    backend::list(&c, &view).await
}

/// One activation of the chart's sample: when it started, how long it ran, how it ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct SamplePoint {
    /// Start, epoch ms.
    pub start_ms: i64,
    /// Duration, ms, where given.
    pub duration_ms: Option<u64>,
    /// How it ended.
    pub status: ActivationStatus,
}

/// The newest activations of a view's range and filters (whatever its page), for the chart.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ActivationSample {
    /// Newest first.
    pub points: Vec<SamplePoint>,
    /// How many the range holds in all, where the provider says (no status filter).
    pub total: Option<u64>,
}

/// The newest activations (at most 1,000) that `view`'s range and filters keep, for the chart.
#[server(endpoint = "sample_activations")]
pub async fn sample_activations(
    connection: Option<String>,
    view: ActivationView,
) -> Result<ActivationSample, AppError> {
    super::guard::guard(<SampleActivations as leptos::server_fn::ServerFn>::PATH)?;
    let c = super::backend::connection_for_view(connection.as_deref(), view.problems())?;
    backend::sample(&c, &view).await
}

/// One activation in full, and its sequence's components.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ActivationDetail {
    /// The connection it was read from.
    pub connection: ConnectionSummary,
    /// The activation, with result, logs and (where recorded) input.
    pub activation: Activation,
    /// For a sequence: its components' activations in the order they ran (summaries; one
    /// that could not be read has its id and a pending status).
    pub components: Vec<Activation>,
    /// Why no input is shown, when none is.
    pub params_note: Option<String>,
    /// Whether the connection can run actions (so "Re-run with this input" is offered).
    pub can_run: bool,
}

/// The activation `id` on `connection`; `action` (`package/name`) where the provider reads
/// activations through their action (NCP).
#[server(endpoint = "get_activation")]
pub async fn get_activation(
    connection: Option<String>,
    id: String,
    action: Option<String>,
) -> Result<ActivationDetail, AppError> {
    super::guard::guard(<GetActivation as leptos::server_fn::ServerFn>::PATH)?;
    if id.is_empty() || id.len() > 128 || !id.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
    {
        return Err(AppError::invalid(
            "id",
            "An activation id is 1–128 letters, digits or '-'.",
        ));
    }
    let c = super::backend::connection(connection.as_deref())?;
    let action = action
        .filter(|a| !a.is_empty())
        .map(|a| ActionRef::parse(&a));
    backend::detail(&c, id, action).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_status_filter_reads_back_from_its_value_and_keeps_what_it_says() {
        for filter in StatusFilter::ALL {
            assert_eq!(StatusFilter::parse(filter.value()), Some(filter));
        }
        assert_eq!(StatusFilter::parse("failed"), None);
        use ActivationStatus::*;
        let failures: Vec<_> = ActivationStatus::ALL
            .into_iter()
            .filter(|s| StatusFilter::Failure.keeps(*s))
            .collect();
        assert_eq!(
            failures,
            [ApplicationError, DeveloperError, InternalError, Timeout]
        );
        assert!(
            StatusFilter::Timeout.keeps(Timeout) && !StatusFilter::Timeout.keeps(DeveloperError)
        );
    }

    #[test]
    fn a_bad_view_names_its_fields() {
        let bad = ActivationView {
            page: 0,
            size: 7,
            action: Some(ActionRef::in_package("demo", "-x")),
            since_ms: Some(10),
            upto_ms: Some(5),
            ..Default::default()
        };
        let fields: Vec<String> = bad
            .problems()
            .iter()
            .filter_map(|p| p.field().map(str::to_string))
            .collect();
        assert_eq!(fields, ["page", "size", "action", "upto"]);
        assert!(ActivationView::default().problems().is_empty());
        assert_eq!(sizes_text(), "10, 20, 50, 100 or 200");
        assert_eq!(
            ActivationView {
                page: 3,
                ..Default::default()
            }
            .offset(),
            40
        );
    }
}
