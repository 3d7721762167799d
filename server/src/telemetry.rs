//! Structured logs with `tracing`.

use tracing_subscriber::{EnvFilter, fmt, prelude::*};

/// Environment variable choosing the log format: `json` for one JSON object a line,
/// anything else (or unset) for human-readable lines.
pub const LOG_FORMAT_ENV: &str = "FNCONSOLE_LOG_FORMAT";

/// Installs the global subscriber. The level comes from `RUST_LOG` (default `info`).
pub fn init() {
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info"));
    let json = std::env::var(LOG_FORMAT_ENV).is_ok_and(|v| v.eq_ignore_ascii_case("json"));
    let registry = tracing_subscriber::registry().with(filter);
    if json {
        registry
            .with(fmt::layer().json().with_current_span(false))
            .init();
    } else {
        registry.with(fmt::layer().with_target(false)).init();
    }
}
