//! The engine's records as NCP's wire types, and NCP's request values as the engine's.

use engine::draft::NO_PACKAGE;
use engine::store::{ActivationRecord, StoredAction};
use providers::wire::ncp as wire;

use crate::openwhisk_status;

/// A path's package segment as the engine's package.
pub(super) fn package_of(segment: &str) -> Option<&str> {
    (segment != NO_PACKAGE).then_some(segment)
}

/// An activation; its logs only when asked for one by id.
pub(super) fn activation(record: &ActivationRecord, with_logs: bool) -> wire::Activation {
    wire::Activation {
        activation_id: record.id.clone(),
        duration: Some(record.duration_ms),
        end: Some(record.end_ms),
        name: Some(record.action.clone()),
        namespace: Some(record.namespace.clone()),
        response: Some(wire::ActivationResponse {
            result: Some(record.result.clone()),
            status: Some(openwhisk_status(record.status).into()),
            success: Some(record.status.is_success()),
        }),
        start: Some(record.start_ms),
        subject: Some(record.subject.clone()),
        logs: with_logs.then(|| record.logs.clone()),
    }
}

/// An activation as a list shows it.
pub(super) fn activation_summary(a: ActivationRecord) -> wire::ActivationSummary {
    wire::ActivationSummary {
        status: Some(openwhisk_status(a.status).into()),
        activation_id: a.id,
        duration: Some(a.duration_ms),
        start: Some(a.start_ms),
    }
}

/// An action as a list shows it.
pub(super) fn action_item(a: StoredAction) -> wire::ActionListItem {
    wire::ActionListItem {
        runtime: Some(a.draft.runtime().to_string()),
        kind: Some(a.kind().as_str().into()),
        description: a.draft.description,
        name: a.name,
    }
}

/// An action: seed 004's response `content`, the body it was put with and its address.
pub(super) fn action_content(namespace: &str, a: &StoredAction) -> wire::ActionContent {
    let b = a.draft.to_ncp_body();
    wire::ActionContent {
        name: a.name.clone(),
        resource_id: Some(format!("{:x}", a.updated_ms)),
        path: Some(format!(
            "{namespace}/{}",
            a.package.as_deref().unwrap_or(NO_PACKAGE)
        )),
        description: b.description,
        kind: Some(a.kind().as_str().into()),
        parameters: b.parameters,
        raw_http: b.raw_http,
        custom_options: b.custom_options,
        exec: b.exec,
        limits: b.limits,
        vpc: b.vpc,
    }
}

/// A package, with the platform asked about and (after a put) its namespace.
pub(super) fn package_content(
    p: engine::Package,
    platform: &str,
    namespace: Option<&str>,
) -> wire::PackageContent {
    wire::PackageContent {
        resource_id: Some(format!("{:x}", fnv1a(&p.name))),
        name: p.name,
        description: p.description,
        parameters: p.parameters,
        actions: p.actions,
        platform: Some(platform.to_string()),
        namespace: namespace.map(str::to_string),
    }
}

/// A stable short id from a name, FNV-1a (NCP's resourceId is opaque to callers).
fn fnv1a(name: &str) -> u64 {
    name.bytes().fold(0xcbf2_9ce4_8422_2325_u64, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3)
    })
}
