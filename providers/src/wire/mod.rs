//! Each provider's JSON exactly as documented: field names, nesting, optionality. The
//! clients send and parse these, the engine parses and answers with them, and every seed
//! example round-trips through them (`tests/seed_examples.rs`).

pub mod beijing;
pub mod huawei;
pub mod ncp;
pub mod openwhisk;
pub mod tencent;

/// A code that some providers send as a string and others as a number; kept as it came.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(untagged)]
pub enum Code {
    /// `"80307"`, `"FSS.0404"`.
    Text(String),
    /// `80307`.
    Number(i64),
}

impl std::fmt::Display for Code {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Text(s) => f.write_str(s),
            Self::Number(n) => write!(f, "{n}"),
        }
    }
}
