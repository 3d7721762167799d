//! The keys the engine's dialects accept: one struct per dialect, shared with the server,
//! which fills them from `fnconsole.toml` and `engine-keys.toml` and builds its clients for
//! the engine's own connections from them.

use providers::sign::Secret;

/// NCP's API gateway key pair.
#[derive(Debug, Clone, PartialEq)]
pub struct NcpKeys {
    /// Access key (`x-ncp-iam-access-key`).
    pub access_key: String,
    /// Secret key.
    pub secret_key: Secret,
}

/// OpenWhisk's basic authentication.
#[derive(Debug, Clone, PartialEq)]
pub struct OpenWhiskKeys {
    /// `uuid:key`.
    pub auth: Secret,
}

/// FunctionGraph's project and credentials.
#[derive(Debug, Clone, PartialEq)]
pub struct HuaweiKeys {
    /// Project id (the path's `{project_id}`).
    pub project_id: String,
    /// Access key.
    pub access_key: String,
    /// Secret key.
    pub secret_key: Secret,
    /// An IAM token accepted in `X-Auth-Token` instead of a signature, if any.
    pub auth_token: Option<Secret>,
}

/// SCF's credentials and region.
#[derive(Debug, Clone, PartialEq)]
pub struct TencentKeys {
    /// Secret id.
    pub secret_id: String,
    /// Secret key.
    pub secret_key: Secret,
    /// Region.
    pub region: String,
}

/// Every dialect's keys (named in `fnconsole.toml`'s `[engine]` section `{dialect}_{field}`).
#[derive(Debug, Clone)]
pub struct DialectKeys {
    /// The namespace activations are recorded in.
    pub namespace: String,
    /// NCP.
    pub ncp: NcpKeys,
    /// OpenWhisk.
    pub openwhisk: OpenWhiskKeys,
    /// FunctionGraph.
    pub huawei: HuaweiKeys,
    /// SCF.
    pub tencent: TencentKeys,
}
