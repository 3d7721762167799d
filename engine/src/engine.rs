//! The engine: actions and packages kept in the store, invocations run in the sandbox, every
//! run recorded as an activation.

use base64::Engine as _;
use providers::{ActionKind, ActivationStatus};
use serde_json::{Map, Value, json};
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::Path;
use std::sync::mpsc::Sender;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use crate::draft::{ActionDraft, Code};
use crate::error::{EngineError, ErrorCode};
use crate::follow::{Feed, Follower, LiveEvent, Run, Runs};
use crate::runners::Runners;
use crate::runtime::{FormattedLine, LogLine, Outcome, RunOptions};
use crate::slots::{Bounds, Caller, Slot, Slots};
use crate::store::{
    ActivationFilter, ActivationRecord, Durability, Expect, Order, Paging, Readers, Scope, Store,
    StoredAction, Writer, action_path,
};
use crate::validate;
use crate::worker::protocol::{Job, WarmKey};
use crate::worker::{WorkerOptions, WorkerPool, WorkerStats};

mod sequence;

/// Engine settings, in one place.
#[derive(Debug, Clone)]
pub struct EngineOptions {
    /// The namespace activations are recorded in.
    pub namespace: String,
    /// How long activations are kept.
    pub retention: Duration,
    /// Most invocations running at once in the namespace; past it, 429.
    pub max_concurrent: usize,
    /// Most web-action (public, unauthenticated) invocations running at once; past it, 429,
    /// while signed callers still get in.
    pub max_concurrent_web: usize,
    /// The memory limits of the actions running at once add up to at most this, MB.
    pub memory_budget_mb: u64,
    /// Most asynchronous invocations waiting in the queue; past it, 429.
    pub max_queued: usize,
    /// What a commit survives (SQLite's `synchronous`).
    pub durability: Durability,
    /// The worker processes actions run in.
    pub worker: WorkerOptions,
    /// A sequence ends by this however many components it has (each component also within
    /// its own limit): the longest an action may run.
    pub sequence_timeout: Duration,
}

impl Default for EngineOptions {
    fn default() -> Self {
        Self {
            namespace: "guest".into(),
            retention: Duration::from_secs(30 * 24 * 3600),
            max_concurrent: 100,
            max_concurrent_web: 20,
            memory_budget_mb: 16 * 1024,
            max_queued: 10_000,
            durability: Durability::default(),
            worker: WorkerOptions::default(),
            sequence_timeout: Duration::from_millis(*validate::TIMEOUT_RANGE.end()),
        }
    }
}

/// The embedded engine. Share it behind an `Arc`; invocations run on the caller's thread
/// (use `spawn_blocking` from async code) and hold no lock while JavaScript runs.
#[derive(Debug)]
pub struct Engine {
    store: Mutex<Store>,
    /// Writes activations in batches (a database on disk; in memory, `store` does).
    writer: Option<Writer>,
    /// Connections for invocations' lookups (a database on disk).
    readers: Option<Readers>,
    options: EngineOptions,
    /// Woken when an invocation is queued.
    pub(crate) wake: (Mutex<()>, std::sync::Condvar),
    /// The running activations, for their followers and their stop.
    pub(crate) runs: Runs,
    /// Every activation as it starts and ends, for whoever watches.
    pub(crate) feed: Feed,
    /// Admission of invocations.
    slots: Arc<Slots>,
    /// Where action code runs.
    pool: WorkerPool,
    /// The threads blocking invocations run on.
    pub(crate) runners: Runners,
}

/// Who follows a run, and by when it must end at the latest.
struct Watch<'a> {
    /// The activation whose followers see its lines and whose stop ends it (a sequence's,
    /// for its components).
    run: &'a Run,
    /// The caller's own channel for the lines.
    live: Option<Sender<LogLine>>,
    /// The end of the sequence the run belongs to.
    until: Option<Instant>,
}

/// Read connections an engine on disk keeps for invocations' lookups.
const READERS: usize = 4;

/// The most bytes of parameters kept with a public web-action invocation's activation.
pub const MAX_PUBLIC_PARAMS_BYTES: usize = 16 * 1024;

/// Which invocation a record is for.
pub(crate) struct Unrun<'a> {
    pub(crate) id: &'a str,
    pub(crate) package: Option<&'a str>,
    pub(crate) action: &'a str,
    pub(crate) subject: &'a str,
    pub(crate) params: Value,
}

/// How a run ended: what its record says beyond which invocation it was.
struct Ran {
    status: ActivationStatus,
    result: Value,
    logs: Vec<String>,
    memory_used: u64,
    duration_ms: u64,
}

impl Ran {
    /// A run that ended before it started, with `message` as its error.
    fn error(status: ActivationStatus, message: &str) -> Self {
        Self {
            status,
            result: json!({ "error": message }),
            logs: Vec::new(),
            memory_used: 0,
            duration_ms: 0,
        }
    }
}

/// A package as the dialects show it.
#[derive(Debug, Clone, PartialEq)]
pub struct Package {
    /// Its name.
    pub name: String,
    /// Its description.
    pub description: Option<String>,
    /// Default parameters for its actions.
    pub parameters: Map<String, Value>,
    /// Its actions' names.
    pub actions: Vec<String>,
}

/// Now, epoch ms.
pub fn now_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or(0)
}

/// Locks a mutex, keeping on after a panic elsewhere: the data behind these locks (lists
/// of channels) cannot be left half-updated.
fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

/// A new activation or request id: 32 hex digits, as OpenWhisk's.
pub fn new_id() -> String {
    uuid::Uuid::new_v4().simple().to_string()
}

/// Duration rounded up to the next 100 ms (at least 100), as SCF bills it.
pub fn billed(duration_ms: u64) -> u64 {
    duration_ms.div_ceil(100).max(1) * 100
}

impl Engine {
    /// An engine over the database at `path`: one connection for most work, one for the
    /// activation writer (group commit) and one for its checkpoints, and a few for
    /// invocations' lookups.
    pub fn open(path: &Path, options: EngineOptions) -> Result<Self, EngineError> {
        let store = Store::open(path, options.durability)?;
        let writer = Writer::start(
            Store::open(path, options.durability)?,
            Some((Store::open(path, options.durability)?, path.to_path_buf())),
        )?;
        let readers = Readers::open(path, READERS)?;
        Self::with_store(store, Some((writer, readers)), options)
    }

    /// An engine over an in-memory database (tests): one connection does everything.
    pub fn in_memory(options: EngineOptions) -> Result<Self, EngineError> {
        Self::with_store(Store::in_memory()?, None, options)
    }

    fn with_store(
        store: Store,
        connections: Option<(Writer, Readers)>,
        options: EngineOptions,
    ) -> Result<Self, EngineError> {
        let (writer, readers) = connections.unzip();
        // Invocations that were running when the process stopped cannot be resumed: say so.
        let interrupted = store.fail_interrupted(now_ms())?;
        if interrupted > 0 {
            tracing::warn!(
                interrupted,
                "asynchronous invocations were running at the last stop; marked FAIL"
            );
        }
        let slots = Slots::new(Bounds {
            max_running: options.max_concurrent,
            max_web: options.max_concurrent_web,
            memory_budget_mb: options.memory_budget_mb,
        });
        Ok(Self {
            store: Mutex::new(store),
            writer,
            readers,
            pool: WorkerPool::new(options.worker.clone()),
            runners: Runners::new(options.max_concurrent),
            options,
            wake: (Mutex::new(()), std::sync::Condvar::new()),
            runs: Runs::default(),
            feed: Feed::default(),
            slots,
        })
    }

    /// `read` on a read connection of its own when one is free, else on the shared one.
    pub(crate) fn read<T>(&self, read: impl Fn(&Store) -> T) -> T {
        match self.readers.as_ref().and_then(|r| r.with(&read)) {
            Some(answer) => answer,
            None => read(&self.store()),
        }
    }

    /// Stores an activation; answers once it is committed.
    pub(crate) fn insert_activation(&self, record: &ActivationRecord) -> Result<(), EngineError> {
        match &self.writer {
            Some(writer) => writer.insert(record),
            None => self.store().insert_activation(record),
        }
    }

    pub(crate) fn store(&self) -> MutexGuard<'_, Store> {
        // A panic while holding the lock cannot leave SQLite half-written (each statement
        // is atomic), so a poisoned lock is safe to keep using.
        lock(&self.store)
    }

    /// The settings.
    pub fn options(&self) -> &EngineOptions {
        &self.options
    }

    /// How many invocations run now.
    pub fn running(&self) -> usize {
        self.slots.running()
    }

    /// The worker processes' counts.
    pub fn worker_stats(&self) -> WorkerStats {
        self.pool.stats()
    }

    /// Creates or updates an action from a draft, checked against seed 004's rules.
    pub fn put_action(
        &self,
        package: Option<&str>,
        name: &str,
        draft: ActionDraft,
    ) -> Result<StoredAction, EngineError> {
        self.put_action_if(package, name, draft, Expect::Any)
    }

    /// [`Engine::put_action`] if the stored action is what `expect` says (checked and
    /// written in one transaction); otherwise nothing is written and the answer is
    /// [`ErrorCode::ActionChanged`].
    pub fn put_action_if(
        &self,
        package: Option<&str>,
        name: &str,
        draft: ActionDraft,
        expect: Expect,
    ) -> Result<StoredAction, EngineError> {
        if let Some(package) = package {
            validate::name("packageName", package)?;
        }
        validate::name("actionName", name)?;
        let store = self.store();
        may_write(&store, package, name, draft.kind)?;
        validate::draft(package, name, &draft, |c| {
            store
                .action(c.package.as_deref(), &c.name)
                .ok()
                .flatten()
                .is_some()
        })?;
        let mut action = StoredAction {
            package: package.map(str::to_string),
            name: name.into(),
            draft,
            updated_ms: now_ms(),
            revision: 0,
        };
        action.revision = store.put_action_if(&action, expect)?;
        Ok(action)
    }

    /// One action.
    pub fn action(&self, package: Option<&str>, name: &str) -> Result<StoredAction, EngineError> {
        self.read(|store| store.action(package, name))?
            .ok_or_else(|| no_action(package, name))
    }

    /// The actions `scope` covers.
    pub fn actions(&self, scope: &Scope) -> Result<Vec<StoredAction>, EngineError> {
        self.store().actions(scope)
    }

    /// Deletes an action.
    pub fn delete_action(&self, package: Option<&str>, name: &str) -> Result<(), EngineError> {
        if self.store().delete_action(package, name)? {
            Ok(())
        } else {
            Err(no_action(package, name))
        }
    }

    /// Every package: name and description.
    pub fn packages(&self) -> Result<Vec<(String, Option<String>)>, EngineError> {
        self.store().packages()
    }

    /// One package: its description, default parameters and actions' names. A package with
    /// actions but no row of its own (actions were put before it) exists too, bare.
    pub fn package(&self, name: &str) -> Result<Package, EngineError> {
        let store = self.store();
        let row = store.package(name)?;
        let actions: Vec<String> = store
            .actions(&Scope::of(Some(name)))?
            .into_iter()
            .map(|a| a.name)
            .collect();
        match row {
            None if actions.is_empty() => Err(EngineError::new(
                ErrorCode::PackageNotFound,
                format!("there is no package {name}"),
            )),
            row => {
                let (description, parameters) = row.unwrap_or_default();
                Ok(Package {
                    name: name.to_string(),
                    description,
                    parameters,
                    actions,
                })
            }
        }
    }

    /// Deletes an empty package; one that still holds actions is refused (80109).
    pub fn delete_package(&self, name: &str) -> Result<(), EngineError> {
        let store = self.store();
        let held = store.actions(&Scope::of(Some(name)))?.len();
        if held > 0 {
            return Err(EngineError::new(
                ErrorCode::PackageNotEmpty,
                format!("package {name} still holds {held} action(s); delete them first"),
            ));
        }
        if store.delete_package(name)? {
            Ok(())
        } else {
            Err(EngineError::new(
                ErrorCode::PackageNotFound,
                format!("there is no package {name}"),
            ))
        }
    }

    /// Creates or updates a package with default parameters.
    pub fn put_package(
        &self,
        name: &str,
        description: Option<&str>,
        parameters: &Map<String, Value>,
    ) -> Result<(), EngineError> {
        validate::name("packageName", name)?;
        let store = self.store();
        if store.package(name)?.is_none() && store.action(None, name)?.is_some() {
            return Err(EngineError::new(
                ErrorCode::ResourceNameConflict,
                format!("the name \"{name}\" is already used by an action"),
            ));
        }
        store.put_package(name, description, parameters, now_ms())
    }

    /// Runs an action to its end on this thread and records the activation. `params` are
    /// the runtime parameters; package and action defaults fill in beneath them.
    pub fn invoke(
        &self,
        package: Option<&str>,
        name: &str,
        params: Map<String, Value>,
        subject: &str,
        live: Option<Sender<LogLine>>,
    ) -> Result<ActivationRecord, EngineError> {
        let action = self.action(package, name)?;
        let slot = self.admit(Caller::Signed, &action)?;
        self.invoke_action(&new_id(), &action, params, subject, live, slot)
    }

    /// A slot for running `action`, or the 429 that says which bound is full.
    pub(crate) fn admit(&self, caller: Caller, action: &StoredAction) -> Result<Slot, EngineError> {
        self.slots.try_acquire(caller, self.memory_of(action))
    }

    /// Waits up to `wait` for a running invocation to end.
    pub(crate) fn wait_for_slot(&self, wait: Duration) {
        self.slots.wait_for_release(wait);
    }

    /// The memory an invocation of `action` may use, MB: its limit, or for a sequence the
    /// largest of its components'.
    fn memory_of(&self, action: &StoredAction) -> u64 {
        let limit = |a: &StoredAction| a.draft.code().map_or(256, |c| c.limits.memory_mb);
        action
            .draft
            .components()
            .iter()
            .filter_map(|c| {
                self.store()
                    .action(c.package.as_deref(), &c.name)
                    .ok()
                    .flatten()
            })
            .map(|a| limit(&a))
            .max()
            .unwrap_or_else(|| limit(action))
    }

    /// As [`Engine::invoke`], under `id`, for an action the caller has already looked up and
    /// admitted; its followers hear its end once it is recorded.
    pub(crate) fn invoke_action(
        &self,
        id: &str,
        action: &StoredAction,
        params: Map<String, Value>,
        subject: &str,
        live: Option<Sender<LogLine>>,
        slot: Slot,
    ) -> Result<ActivationRecord, EngineError> {
        let path = action_path(action.package.as_deref(), &action.name);
        let span = tracing::info_span!("invocation", activation = id, action = %path);
        let _entered = span.enter();
        tracing::debug!(kind = action.kind().as_str(), "invocation started");
        let live_run = self.runs.start(id);
        self.feed
            .started(id, action, &self.options.namespace, subject);
        let public = slot.caller() == Caller::Web;
        let result = self.run_recorded(id, action, params, subject, (&live_run, live), public);
        drop(slot);
        // The record is stored before followers hear the end, so they can read it at once.
        let (status, result_value) = match &result {
            Ok(r) => (r.status, r.result.clone()),
            Err(e) => (
                ActivationStatus::InternalError,
                json!({ "error": e.to_string() }),
            ),
        };
        self.runs.end(
            id,
            LiveEvent::End {
                status,
                result: result_value,
            },
        );
        tracing::debug!(status = status.as_str(), "invocation ended");
        result
    }

    /// Runs `action` (a sequence or one action) and stores its record; a panic anywhere in
    /// the run is recorded as the engine's internal error, never lost.
    fn run_recorded(
        &self,
        id: &str,
        action: &StoredAction,
        params: Map<String, Value>,
        subject: &str,
        (run, live): (&Run, Option<Sender<LogLine>>),
        public: bool,
    ) -> Result<ActivationRecord, EngineError> {
        let recorded = params.clone();
        let attempt = || {
            if action.kind().is_sequence() {
                return self.invoke_sequence(id, action, params, subject, (run, live), public);
            }
            let merged = self.merge_params(action, params)?;
            let watch = Watch {
                run,
                live,
                until: None,
            };
            let mut record = self.run_one(id, action, merged, subject, &watch);
            self.record(&mut record, public)?;
            Ok(record)
        };
        catch_unwind(AssertUnwindSafe(attempt)).unwrap_or_else(|panic| {
            let message = format!(
                "the engine failed while running this invocation: {}",
                panic_message(&*panic)
            );
            tracing::error!(activation = id, "{message}");
            let what = Unrun {
                id,
                package: action.package.as_deref(),
                action: &action.name,
                subject,
                params: Value::Object(recorded),
            };
            let mut record = self.unrun(what, ActivationStatus::InternalError, &message);
            self.record(&mut record, public)?;
            Ok(record)
        })
    }

    /// Follows a running activation: the console lines it wrote so far, then the others as
    /// they are written, then its end. `None` when it is not running (it ended, or never
    /// existed): read it with [`Engine::activation`] instead, or use
    /// [`Engine::follow_run`], which does both.
    pub fn follow(&self, activation_id: &str) -> Option<Follower> {
        let run = self.runs.get(activation_id)?;
        Some(self.runs.follower(run))
    }

    /// Hands a line to the caller's channel and to the run's followers.
    fn publish(run: &Run, live: Option<&Sender<LogLine>>, line: &LogLine) {
        if let Some(live) = live {
            let _ = live.send(line.clone());
        }
        run.line(line);
    }

    /// The record of an invocation that never ran: the engine failed to run it, or it could
    /// not start (its action is gone). It ends where it starts, with `message` as its error.
    pub(crate) fn unrun(
        &self,
        what: Unrun<'_>,
        status: ActivationStatus,
        message: &str,
    ) -> ActivationRecord {
        self.record_of(what, now_ms(), Ran::error(status, message))
    }

    /// The record of `what`, started at `start_ms`, as `ran` ended it.
    fn record_of(&self, what: Unrun<'_>, start_ms: i64, ran: Ran) -> ActivationRecord {
        ActivationRecord {
            id: what.id.to_string(),
            namespace: self.options.namespace.clone(),
            package: what.package.map(str::to_string),
            action: what.action.to_string(),
            subject: what.subject.to_string(),
            start_ms,
            end_ms: start_ms + ran.duration_ms as i64,
            duration_ms: ran.duration_ms,
            status: ran.status,
            result: ran.result,
            logs: ran.logs,
            params: what.params,
            memory_used: ran.memory_used,
            billed_ms: billed(ran.duration_ms),
            components: Vec::new(),
        }
    }

    fn merge_params(
        &self,
        action: &StoredAction,
        runtime: Map<String, Value>,
    ) -> Result<Map<String, Value>, EngineError> {
        // Precedence (seed 004): runtime > trigger > action > package. Triggers do not exist
        // in the engine yet, so they contribute nothing.
        let mut merged = match &action.package {
            None => Map::new(),
            Some(p) => self
                .read(|store| store.package(p))?
                .map(|(_, params)| params)
                .unwrap_or_default(),
        };
        if let Some(code) = action.draft.code() {
            merged.extend(code.parameters.clone());
        }
        merged.extend(runtime);
        Ok(merged)
    }

    /// Runs one action with code and answers its record (not yet stored).
    fn run_one(
        &self,
        id: &str,
        action: &StoredAction,
        params: Map<String, Value>,
        subject: &str,
        watch: &Watch<'_>,
    ) -> ActivationRecord {
        let start_ms = now_ms();
        let what = Unrun {
            id,
            package: action.package.as_deref(),
            action: &action.name,
            subject,
            params: Value::Object(params),
        };
        let Some(exec) = action.draft.code() else {
            return self.unrun(
                what,
                ActivationStatus::DeveloperError,
                "a sequence has no code to run",
            );
        };
        let ran = self.execute(
            action,
            exec,
            &what.params,
            timeout_within(exec, watch),
            watch,
        );
        self.record_of(what, start_ms, ran)
    }

    /// Runs `exec` (`action`'s code) in a worker with `params`, its lines published as they
    /// are written. A worker may run it in the runtime it kept from this action version's
    /// last run.
    fn execute(
        &self,
        action: &StoredAction,
        exec: &Code,
        params: &Value,
        timeout_ms: u64,
        watch: &Watch<'_>,
    ) -> Ran {
        let code = match source(exec) {
            Ok(code) => code,
            Err(message) => return Ran::error(ActivationStatus::DeveloperError, message),
        };
        let main = exec.main.as_deref().filter(|m| !m.is_empty());
        let job = Job {
            code,
            main: main.unwrap_or("main").to_string(),
            params: params.clone(),
            options: RunOptions::for_limits(timeout_ms, exec.limits.memory_mb),
            warm: Some(WarmKey {
                action: format!(
                    "{}/{}",
                    self.options.namespace,
                    action_path(action.package.as_deref(), &action.name)
                ),
                version: format!("{}@{}", action.revision, action.updated_ms),
            }),
        };
        let out = self.pool.run_job(&job, Some(&watch.run.stop), &mut |line| {
            Self::publish(watch.run, watch.live.as_ref(), line);
        });
        let (status, result) = ended(out.outcome, timeout_ms);
        Ran {
            status,
            result,
            logs: out.logs.iter().map(LogLine::formatted).collect(),
            memory_used: out.memory_used,
            duration_ms: out.duration.as_millis() as u64,
        }
    }

    /// Stores an activation. A public (web-action) invocation keeps its parameters only up
    /// to [`MAX_PUBLIC_PARAMS_BYTES`]: anyone can send a 1 MB body, and every one would
    /// otherwise be kept for the retention period.
    fn record(&self, record: &mut ActivationRecord, public: bool) -> Result<(), EngineError> {
        if public {
            let size = record.params.to_string().len();
            if size > MAX_PUBLIC_PARAMS_BYTES {
                record.params = json!({ "__not_kept": format!(
                    "the parameters of this public web-action invocation were {size} bytes; at most {MAX_PUBLIC_PARAMS_BYTES} are kept"
                ) });
            }
        }
        self.insert_activation(record)?;
        self.feed.ended(record);
        Ok(())
    }

    /// One activation.
    pub fn activation(&self, id: &str) -> Result<ActivationRecord, EngineError> {
        self.store().activation(id)?.ok_or_else(|| {
            EngineError::new(
                ErrorCode::ActivationNotFound,
                format!("there is no activation {id}"),
            )
        })
    }

    /// A page of activations and the total matching.
    pub fn activations(
        &self,
        filter: &ActivationFilter,
        order: Order,
        page: Paging,
    ) -> Result<(Vec<ActivationRecord>, u64), EngineError> {
        self.store().activations(filter, order, page)
    }

    /// Removes activations, and ended asynchronous records, older than the retention period;
    /// answers how many went.
    pub fn purge_expired(&self, now_ms: i64) -> Result<usize, EngineError> {
        let retention = i64::try_from(self.options.retention.as_millis()).unwrap_or(i64::MAX);
        let cutoff = now_ms.saturating_sub(retention);
        let store = self.store();
        Ok(store.purge_activations_before(cutoff)? + store.purge_async_before(cutoff)?)
    }

    /// Whether an action's kind makes it reachable over HTTP.
    pub fn is_web(action: &StoredAction) -> bool {
        matches!(action.kind(), ActionKind::Web | ActionKind::SequenceWeb)
    }
}

/// Whether `package/name` may be written as a `kind` action: an existing one keeps its
/// type; a new one needs a name no package holds and room in the namespace.
fn may_write(
    store: &Store,
    package: Option<&str>,
    name: &str,
    kind: ActionKind,
) -> Result<(), EngineError> {
    if let Some(existing) = store.action(package, name)? {
        if existing.kind() != kind {
            return Err(EngineError::new(
                ErrorCode::ActionTypeMismatch,
                format!(
                    "action {} is {}; an action's type cannot change to {}",
                    action_path(package, name),
                    existing.kind().as_str(),
                    kind.as_str()
                ),
            ));
        }
        return Ok(());
    }
    // Names are unique per level (seed 004; OpenWhisk's entity names): at the top level a
    // package and an action cannot share one; inside a package only its actions live, so an
    // action there clashes with nothing but itself.
    if package.is_none() && store.package_exists(name)? {
        return Err(EngineError::new(
            ErrorCode::ResourceNameConflict,
            format!("the name \"{name}\" is already used by another package or action"),
        ));
    }
    if store.action_count()? >= validate::MAX_ACTIONS {
        return Err(EngineError::new(
            ErrorCode::ActionCountExceed,
            format!(
                "the namespace already holds {} actions, the most allowed",
                validate::MAX_ACTIONS
            ),
        ));
    }
    Ok(())
}

/// The time `exec` may run: its own limit, or what is left of its sequence's if less.
fn timeout_within(exec: &Code, watch: &Watch<'_>) -> u64 {
    let own = exec.limits.timeout_ms;
    watch.until.map_or(own, |until| {
        let left = until.saturating_duration_since(Instant::now()).as_millis();
        own.min(u64::try_from(left).unwrap_or(u64::MAX))
    })
}

/// An action's code as JavaScript source (Base64-decoded when binary).
fn source(code: &Code) -> Result<String, &'static str> {
    match code.binary {
        false => Ok(code.code.clone()),
        true => base64::engine::general_purpose::STANDARD
            .decode(&code.code)
            .ok()
            .and_then(|bytes| String::from_utf8(bytes).ok())
            .ok_or("exec.code is Base64 of something that is not UTF-8 JavaScript"),
    }
}

/// How a run ended, as its activation's status and result.
fn ended(outcome: Outcome, timeout_ms: u64) -> (ActivationStatus, Value) {
    match outcome {
        Outcome::Success(v) => (ActivationStatus::Success, v),
        Outcome::ApplicationError(v) => (ActivationStatus::ApplicationError, v),
        Outcome::DeveloperError(m) => (ActivationStatus::DeveloperError, json!({ "error": m })),
        Outcome::Timeout => (
            ActivationStatus::Timeout,
            json!({ "error": format!("The action exceeded its time limit of {timeout_ms} milliseconds.") }),
        ),
        Outcome::InternalError(m) => (ActivationStatus::InternalError, json!({ "error": m })),
    }
}

/// The "no such action" error.
fn no_action(package: Option<&str>, name: &str) -> EngineError {
    EngineError::new(
        ErrorCode::ActionNotFound,
        format!("there is no action {}", action_path(package, name)),
    )
}

/// What a caught panic said.
pub(crate) fn panic_message(panic: &(dyn std::any::Any + Send)) -> String {
    panic
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| panic.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "a panic".into())
}
