//! Reading a per-connection stream (the timeline's, the overview's) in the browser: each
//! connection's part is shown the moment its line arrives. A new view drops the old stream
//! (the browser cancels its request) and starts again.

use futures::StreamExt;
use leptos::prelude::*;
use leptos::server_fn::codec::ByteStream;
use serde::de::DeserializeOwned;

use crate::api::ConnectionPart;
use crate::errors::AppError;
use crate::ndjson::Lines;

/// What has come so far.
#[derive(Debug, Clone, PartialEq)]
pub struct Parts<T> {
    /// The parts, in the order they came.
    pub parts: Vec<ConnectionPart<T>>,
    /// Why the stream stopped early, when it did.
    pub error: Option<AppError>,
    /// Whether the stream has ended.
    pub done: bool,
}

impl<T> Default for Parts<T> {
    fn default() -> Self {
        Self {
            parts: Vec::new(),
            error: None,
            done: false,
        }
    }
}

impl<T> Parts<T> {
    /// The part of connection `id`, once it came.
    pub fn of(&self, id: &str) -> Option<&ConnectionPart<T>> {
        self.parts.iter().find(|p| p.connection.id == id)
    }
}

/// Starts `ask(key())` once hydrated and again whenever `key` changes, reading its lines into
/// the signal answered. On the server (no effects run) it stays empty: the page shows each
/// connection as being asked.
pub fn follow<K, T, Fut>(
    key: impl Fn() -> K + 'static,
    ask: impl Fn(K) -> Fut + Copy + 'static,
) -> RwSignal<Parts<T>>
where
    K: 'static,
    T: DeserializeOwned + Send + Sync + 'static,
    Fut: Future<Output = Result<ByteStream<AppError>, AppError>> + 'static,
{
    let parts = RwSignal::new(Parts::default());
    let asked = StoredValue::new(0_u64);
    Effect::new(move |_| {
        let key = key();
        asked.update_value(|n| *n += 1);
        let this = asked.get_value();
        parts.set(Parts::default());
        let current = move || asked.try_get_value() == Some(this);
        leptos::task::spawn_local(async move {
            let stream = ask(key).await;
            read(stream, parts, current).await;
        });
    });
    parts
}

/// Applies each line of `stream` to `parts` while `current` holds.
async fn read<T: DeserializeOwned + Send + Sync + 'static>(
    stream: Result<ByteStream<AppError>, AppError>,
    parts: RwSignal<Parts<T>>,
    current: impl Fn() -> bool,
) {
    let fail = |error: AppError| {
        parts.try_update(|p| {
            p.error = Some(error);
            p.done = true;
        });
    };
    let mut stream = match stream {
        Ok(stream) => stream.into_inner(),
        Err(error) => return fail(error),
    };
    let mut lines = Lines::default();
    while let Some(chunk) = stream.next().await {
        if !current() {
            return;
        }
        let bytes = match chunk {
            Ok(bytes) => bytes,
            Err(error) => return fail(error),
        };
        for line in lines.push(&bytes) {
            match serde_json::from_str::<ConnectionPart<T>>(&line) {
                Ok(part) => {
                    parts.try_update(|p| p.parts.push(part));
                }
                Err(e) => {
                    return fail(AppError::Transport(format!(
                        "the server sent a line that is not a connection's part ({e})"
                    )));
                }
            }
        }
    }
    if current() {
        parts.try_update(|p| p.done = true);
    }
}
