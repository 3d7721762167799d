//! Activations: the record of one run.

use serde::{Deserialize, Serialize};
use serde_json::Value;

/// How a run ended (OpenWhisk's four statuses, plus a timeout).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ActivationStatus {
    /// It returned a result.
    Success,
    /// The action returned an error.
    ApplicationError,
    /// The action could not run (bad code, bad result).
    DeveloperError,
    /// The platform failed.
    InternalError,
    /// It ran past its time limit.
    Timeout,
    /// Still running, or not known.
    Pending,
}

impl ActivationStatus {
    /// Every status, in declaration order (for tables over them all).
    pub const ALL: [Self; 6] = [
        Self::Success,
        Self::ApplicationError,
        Self::DeveloperError,
        Self::InternalError,
        Self::Timeout,
        Self::Pending,
    ];

    /// Parses the status strings the providers use (`success`, `application error`,
    /// `action developer error`, `whisk internal error`, `timeout`).
    pub fn parse(value: &str) -> Self {
        match value.to_ascii_lowercase().replace(['_', '-'], " ").as_str() {
            "success" => Self::Success,
            "application error" => Self::ApplicationError,
            "action developer error" | "developer error" => Self::DeveloperError,
            "whisk internal error" | "internal error" => Self::InternalError,
            "timeout" => Self::Timeout,
            _ => Self::Pending,
        }
    }

    /// The text OpenWhisk writes for it (and the engine stores): `success`, `application
    /// error`, `action developer error`, `whisk internal error`, `timeout`; `pending`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Success => "success",
            Self::ApplicationError => "application error",
            Self::DeveloperError => "action developer error",
            Self::InternalError => "whisk internal error",
            Self::Timeout => "timeout",
            Self::Pending => "pending",
        }
    }

    /// OpenWhisk's status code: 0 success, 1 application error, 2 developer error (a
    /// timeout is one), 3 internal error (and anything not ended).
    pub fn code(self) -> i64 {
        match self {
            Self::Success => 0,
            Self::ApplicationError => 1,
            Self::DeveloperError | Self::Timeout => 2,
            Self::InternalError | Self::Pending => 3,
        }
    }

    /// Whether the run returned a result.
    pub fn is_success(self) -> bool {
        self == Self::Success
    }

    /// OpenWhisk's status code: 0 success, 1 application error, 2 developer error, 3 internal.
    pub fn from_code(code: i64) -> Self {
        match code {
            0 => Self::Success,
            1 => Self::ApplicationError,
            2 => Self::DeveloperError,
            _ => Self::InternalError,
        }
    }
}

/// One run of an action.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Activation {
    /// The activation id.
    pub id: String,
    /// The action's name (`package/action` where known).
    pub name: Option<String>,
    /// Namespace.
    pub namespace: Option<String>,
    /// Who ran it.
    pub subject: Option<String>,
    /// Start, epoch ms.
    pub start_ms: Option<i64>,
    /// End, epoch ms.
    pub end_ms: Option<i64>,
    /// Duration, ms.
    pub duration_ms: Option<u64>,
    /// How it ended.
    pub status: ActivationStatus,
    /// The result object, when read.
    pub result: Option<Value>,
    /// Log lines, when read.
    pub logs: Option<Vec<String>>,
    /// What a detail adds where the provider gives it (boxed: a list's rows carry none, and
    /// an `Activation` stays small in the enums that hold one).
    #[serde(default)]
    pub extras: Option<Box<ActivationExtras>>,
}

/// What an activation's detail may add to its summary.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ActivationExtras {
    /// The input parameters, where the provider records them (the engine does, on its
    /// OpenWhisk dialect; NCP and OpenWhisk themselves do not).
    pub params: Option<Value>,
    /// Time it waited before it ran, ms (OpenWhisk's `waitTime`), where given.
    pub wait_ms: Option<u64>,
    /// Time spent initialising the action (a cold start), ms (`initTime`), where given.
    pub init_ms: Option<u64>,
    /// For a sequence: its components' activation ids, in the order they ran.
    pub components: Option<Vec<String>>,
    /// The duration billed, ms, where the provider reports it (SCF's `BillDuration`,
    /// FunctionGraph's `billingDuration`, the engine's own): not OpenWhisk nor NCP.
    pub billed_ms: Option<u64>,
    /// The memory the run used, bytes, where the provider reports it (SCF's `MemUsage`,
    /// FunctionGraph's `memoryUsed`, the engine's QuickJS runtime). OpenWhisk and NCP give
    /// only the action's limit.
    pub memory_used_bytes: Option<u64>,
}

impl ActivationExtras {
    /// `None` when it holds nothing, so a summary stays a summary.
    pub fn boxed(self) -> Option<Box<Self>> {
        (self != Self::default()).then(|| Box::new(self))
    }
}

impl Activation {
    /// An activation known only by its id and how it ended; every other field unknown.
    pub fn new(id: impl Into<String>, status: ActivationStatus) -> Self {
        Self {
            id: id.into(),
            name: None,
            namespace: None,
            subject: None,
            start_ms: None,
            end_ms: None,
            duration_ms: None,
            status,
            result: None,
            logs: None,
            extras: None,
        }
    }

    /// The input parameters it ran with, where recorded.
    pub fn params(&self) -> Option<&Value> {
        self.extras.as_ref()?.params.as_ref()
    }

    /// How long it waited before it ran, ms, where given.
    pub fn wait_ms(&self) -> Option<u64> {
        self.extras.as_ref()?.wait_ms
    }

    /// How long the action took to initialise, ms, where given.
    pub fn init_ms(&self) -> Option<u64> {
        self.extras.as_ref()?.init_ms
    }

    /// For a sequence: its components' activation ids in order.
    pub fn components(&self) -> Option<&[String]> {
        self.extras.as_ref()?.components.as_deref()
    }

    /// The duration billed, ms, where reported.
    pub fn billed_ms(&self) -> Option<u64> {
        self.extras.as_ref()?.billed_ms
    }

    /// The memory the run used, bytes, where reported.
    pub fn memory_used_bytes(&self) -> Option<u64> {
        self.extras.as_ref()?.memory_used_bytes
    }
}

/// Which activation to read: its id, and its action where the provider reads activations
/// through their action (NCP does; OpenWhisk needs only the id).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ActivationRef {
    /// The activation id.
    pub id: String,
    /// The action that ran.
    pub action: Option<super::ActionRef>,
}

impl ActivationRef {
    /// An activation of `action`.
    pub fn of(action: super::ActionRef, id: impl Into<String>) -> Self {
        Self {
            id: id.into(),
            action: Some(action),
        }
    }

    /// An activation known by its id alone.
    pub fn id(id: impl Into<String>) -> Self {
        Self {
            id: id.into(),
            action: None,
        }
    }
}

/// Which activations to list.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ActivationQuery {
    /// Only this action's.
    pub action: Option<super::ActionRef>,
    /// Started at or after, epoch ms.
    pub since_ms: Option<i64>,
    /// Started at or before, epoch ms.
    pub upto_ms: Option<i64>,
}

#[cfg(test)]
mod tests {
    use super::ActivationStatus;

    #[test]
    fn each_status_reads_back_from_its_text_and_has_openwhisk_s_code() {
        for status in ActivationStatus::ALL {
            assert_eq!(ActivationStatus::parse(status.as_str()), status);
        }
        let codes: Vec<i64> = ActivationStatus::ALL.iter().map(|s| s.code()).collect();
        assert_eq!(codes, [0, 1, 2, 3, 2, 3]);
    }
}
