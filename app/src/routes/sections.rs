//! The sections whose pages are still to be built; each says what it will do.

use leptos::prelude::*;

use crate::components::ComingSoon;

/// Asynchronous invocations and their statuses.
#[component]
pub fn AsyncInvocationsPage() -> impl IntoView {
    view! {
        <ComingSoon
            title="Async invocations"
            what="Follow asynchronous invocations from waiting to running to success or failure, with their error codes and messages."
        />
    }
}

/// Function logs, filtered and ordered.
#[component]
pub fn LogsPage() -> impl IntoView {
    view! {
        <ComingSoon
            title="Logs"
            what="Search function logs by time, request id and result, ordered by start time, duration or memory."
        />
    }
}
