//! Connections and the kinds of provider behind them.

use serde::{Deserialize, Serialize};
use std::fmt;

/// The serverless platforms fnconsole speaks to. The serde names are the ones used in
/// `fnconsole.toml` (`provider = "ncp"`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ProviderKind {
    /// NAVER Cloud Platform Cloud Functions (API v2).
    Ncp,
    /// Apache OpenWhisk (REST API v1).
    Openwhisk,
    /// Huawei Cloud FunctionGraph.
    Huawei,
    /// Tencent Cloud Serverless Cloud Function.
    Tencent,
}

impl ProviderKind {
    /// Every kind, in the order the console lists them.
    pub const ALL: [ProviderKind; 4] = [Self::Ncp, Self::Openwhisk, Self::Huawei, Self::Tencent];

    /// The name used in configuration files.
    pub fn config_name(self) -> &'static str {
        match self {
            Self::Ncp => "ncp",
            Self::Openwhisk => "openwhisk",
            Self::Huawei => "huawei",
            Self::Tencent => "tencent",
        }
    }

    /// The name a person reads in the console.
    pub fn display_name(self) -> &'static str {
        match self {
            Self::Ncp => "NAVER Cloud Functions",
            Self::Openwhisk => "Apache OpenWhisk",
            Self::Huawei => "Huawei FunctionGraph",
            Self::Tencent => "Tencent SCF",
        }
    }
}

impl fmt::Display for ProviderKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.display_name())
    }
}

/// What the browser may know of a connection: never an endpoint credential, only what a
/// person needs to pick one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConnectionSummary {
    /// The id from the configuration, unique among connections.
    pub id: String,
    /// A human name (the id when the configuration gives none).
    pub name: String,
    /// Which provider's API the connection speaks.
    pub provider: ProviderKind,
    /// Whether the connection points at the embedded engine rather than a cloud.
    pub local: bool,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn config_names_round_trip_through_serde() {
        for kind in ProviderKind::ALL {
            let json = format!("\"{}\"", kind.config_name());
            let parsed: ProviderKind = serde_json::from_str(&json).expect("known name parses");
            assert_eq!(parsed, kind);
        }
    }
}
