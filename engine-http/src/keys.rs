//! The keys the engine's dialects accept.

use providers::sign::Secret;

/// One key set per dialect (the names match `fnconsole.toml`'s `[engine]` section).
#[derive(Debug, Clone)]
pub struct DialectKeys {
    /// The namespace activations are recorded in.
    pub namespace: String,
    /// NCP access key.
    pub ncp_access_key: String,
    /// NCP secret key.
    pub ncp_secret_key: Secret,
    /// OpenWhisk `uuid:key`.
    pub openwhisk_auth: Secret,
    /// FunctionGraph project id.
    pub huawei_project_id: String,
    /// FunctionGraph access key.
    pub huawei_access_key: String,
    /// FunctionGraph secret key.
    pub huawei_secret_key: Secret,
    /// FunctionGraph IAM token accepted in `X-Auth-Token` instead of a signature, if any.
    pub huawei_auth_token: Option<Secret>,
    /// SCF secret id.
    pub tencent_secret_id: String,
    /// SCF secret key.
    pub tencent_secret_key: Secret,
    /// SCF region.
    pub tencent_region: String,
}
