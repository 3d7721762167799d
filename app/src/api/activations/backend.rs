//! Server-side halves of the activations' server functions. Compiled into the server only.

use providers::client::{Client, Operations};
use providers::{
    ActionRef, Activation, ActivationQuery, ActivationRef, ActivationStatus, Capability,
    PageRequest, ProviderKind,
};

use super::{
    ActivationDetail, ActivationListing, ActivationSample, ActivationView, SamplePoint,
    StatusFilter,
};
use crate::api::backend::client;
use crate::context::server::ConnectionClient;
use crate::errors::AppError;

/// Activations read a request while searching by status (the providers' largest page).
const SEARCH_PAGE: u64 = 200;
/// Most activations read to answer one status-filtered page: past it the page says how many
/// were searched, and a narrower time range finds older ones.
const MOST_SEARCHED: u64 = 5_000;
/// Most activations read for the chart.
const MOST_SAMPLED: u64 = 1_000;
/// Most components of a sequence read for its detail.
const MOST_COMPONENTS: usize = 50;

/// A page of `c`'s activations as `view` says.
pub(super) async fn list(
    c: &ConnectionClient,
    view: &ActivationView,
) -> Result<ActivationListing, AppError> {
    let client = client(c)?;
    let query = ActivationQuery {
        action: view.action.clone(),
        since_ms: view.since_ms,
        upto_ms: view.upto_ms,
    };
    let found = match view.status {
        None => one_page(client, &query, view).await?,
        Some(status) => search(client, &query, view, status).await?,
    };
    Ok(ActivationListing {
        connection: c.summary.clone(),
        rows: found.rows.into_iter().map(summary).collect(),
        total: found.total,
        more: found.more,
        searched: found.searched,
        window: window(c.summary.provider),
        can_run: client.capabilities().has(Capability::Invoke),
        cannot_watch: super::live::cannot_watch(client),
    })
}

/// What a listing found.
struct Found {
    rows: Vec<Activation>,
    total: Option<u64>,
    more: bool,
    searched: Option<u64>,
}

/// The provider's own page: offset and size as asked.
async fn one_page(
    client: &Client,
    query: &ActivationQuery,
    view: &ActivationView,
) -> Result<Found, AppError> {
    let request = PageRequest {
        offset: view.offset(),
        limit: view.size,
        cursor: None,
    };
    let page = client.list_activations(query, &request).await?;
    let shown = view.offset() + page.items.len() as u64;
    let more = match page.total {
        Some(total) => shown < total,
        None => page.items.len() as u64 == view.size,
    };
    Ok(Found {
        rows: page.items,
        total: page.total,
        more,
        searched: None,
    })
}

/// The `view.page`-th page of the activations `status` keeps: the range's activations are
/// read newest first, at most [`MOST_SEARCHED`] of them.
async fn search(
    client: &Client,
    query: &ActivationQuery,
    view: &ActivationView,
    status: StatusFilter,
) -> Result<Found, AppError> {
    let (skip, want) = (view.offset(), view.size);
    let mut rows = Vec::new();
    let (mut matches, mut read) = (0_u64, 0_u64);
    loop {
        let request = PageRequest {
            offset: read,
            limit: SEARCH_PAGE,
            cursor: None,
        };
        let page = client.list_activations(query, &request).await?;
        let got = page.items.len() as u64;
        read += got;
        for a in page.items.into_iter().filter(|a| status.keeps(a.status)) {
            if matches >= skip && (rows.len() as u64) < want {
                rows.push(a);
            }
            matches += 1;
        }
        let ended = got < SEARCH_PAGE || page.total.is_some_and(|t| read >= t);
        let (total, more, searched) = if ended {
            (Some(matches), matches > skip + want, None)
        } else if matches > skip + want {
            (None, true, None)
        } else if read >= MOST_SEARCHED {
            (None, false, Some(read))
        } else {
            continue;
        };
        return Ok(Found {
            rows,
            total,
            more,
            searched,
        });
    }
}

/// The newest activations of the view's range (its page aside) that its filters keep, at
/// most [`MOST_SAMPLED`] read.
pub(super) async fn sample(
    c: &ConnectionClient,
    view: &ActivationView,
) -> Result<ActivationSample, AppError> {
    let client = client(c)?;
    let query = ActivationQuery {
        action: view.action.clone(),
        since_ms: view.since_ms,
        upto_ms: view.upto_ms,
    };
    let (mut points, mut read, mut total) = (Vec::new(), 0_u64, None);
    while read < MOST_SAMPLED {
        let request = PageRequest {
            offset: read,
            limit: SEARCH_PAGE,
            cursor: None,
        };
        let page = client.list_activations(&query, &request).await?;
        let got = page.items.len() as u64;
        read += got;
        total = total.or(page.total);
        let kept = page
            .items
            .iter()
            .filter(|a| view.status.is_none_or(|s| s.keeps(a.status)));
        points.extend(kept.filter_map(|a| {
            Some(SamplePoint {
                start_ms: a.start_ms?,
                duration_ms: a.duration_ms,
                status: a.status,
            })
        }));
        if got < SEARCH_PAGE {
            break;
        }
    }
    Ok(ActivationSample {
        points,
        total: total.filter(|_| view.status.is_none()),
    })
}

/// A row of the table: what a list shows, never a result, logs or input (a list on some
/// providers carries whole records; the browser needs none of it here).
pub(super) fn summary(a: Activation) -> Activation {
    Activation {
        result: None,
        logs: None,
        extras: None,
        ..a
    }
}

/// How far back `provider` lists activations, where its documentation says.
fn window(provider: ProviderKind) -> Option<String> {
    match provider {
        ProviderKind::Ncp => {
            Some("NAVER Cloud Functions lists the activations of the last month only.".into())
        }
        _ => None,
    }
}

/// The activation `id` in full, and its sequence's components.
pub(super) async fn detail(
    c: &ConnectionClient,
    id: String,
    action: Option<ActionRef>,
) -> Result<ActivationDetail, AppError> {
    let client = client(c)?;
    let activation = client
        .get_activation(&ActivationRef {
            id,
            action: action.clone(),
        })
        .await?;
    let mut components = Vec::new();
    for id in activation
        .components()
        .unwrap_or_default()
        .iter()
        .take(MOST_COMPONENTS)
    {
        // A component that cannot be read is still listed by its id, in its place.
        let read = client.get_activation(&ActivationRef::id(id.clone())).await;
        components.push(match read {
            Ok(component) => summary(component),
            Err(_) => Activation::new(id.clone(), ActivationStatus::Pending),
        });
    }
    let params_note = activation.params().is_none().then(|| {
        format!(
            "The {} API does not give the input parameters an activation ran with.",
            c.summary.provider
        )
    });
    Ok(ActivationDetail {
        connection: c.summary.clone(),
        // The action named in the request has its package; NCP's detail names only the action.
        activation: Activation {
            name: action.map(|a| a.to_string()).or(activation.name.clone()),
            ..activation
        },
        components,
        params_note,
        can_run: client.capabilities().has(Capability::Invoke),
    })
}
